"""Forms of the customer pages: the list's search, filters and sort, and the period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.imports.orders import period_choices

SIZE_CHOICES = [
    ("", _("All sizes")),
    ("small", _("Small (1–5 seats)")),
    ("medium", _("Medium (6–20 seats)")),
    ("large", _("Large (21+ seats)")),
    ("unknown", _("Seats unknown")),
]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Revenue over"), choices=period_choices)


class CustomerFilterForm(forms.Form):
    """Search, filters and sort of the customer list (all optional, GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    industry = forms.CharField(required=False, max_length=200)
    country = forms.CharField(required=False, max_length=100)
    owner = forms.CharField(required=False, max_length=200)
    size = forms.ChoiceField(label=_("Size"), choices=SIZE_CHOICES, required=False)
    sort = forms.CharField(required=False, max_length=30)
