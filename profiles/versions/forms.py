"""The publish form of a profile version."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    next_review_date = forms.DateField(
        label=_("Next review"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Proposed from the organisation's review cadence; change it if needed."),
    )
