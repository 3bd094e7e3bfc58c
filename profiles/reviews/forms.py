"""Forms of the Reviews pages; the rules live in profiles.reviews.services and .cadence."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icp_site.models import Maturity
from portfolio.models import Dataset, DatasetStatus
from profiles.reviews import cadence, schedule


class ReviewSettingsForm(forms.Form):
    maturity = forms.ChoiceField(label=_("Maturity"), choices=Maturity.choices)
    review_cadence_months = forms.TypedChoiceField(
        label=_("Review"),
        coerce=int,
        help_text=_(
            "The method: every 6 months for a young company, every 12 to 24 for a mature one. "
            "A cadence at the default follows a change of maturity."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_cadence_months"].choices = [
            (months, gettext("every %(months)s months") % {"months": months})
            for months in cadence.CADENCES
        ]


class OffsetsField(forms.CharField):
    """Days before the review, comma-separated: "14, 1"."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text.strip():
            return []
        try:
            days = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(
                _("Give whole numbers of days, separated by commas.")
            ) from error
        try:
            return [day for day in cadence.normalize_offsets(days) if day]
        except ValueError as error:
            raise forms.ValidationError(
                _("Give days between 0 and %(max)s.") % {"max": cadence.MAX_OFFSET_DAYS}
            ) from error

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(day) for day in value)
        return value


class ReviewForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one attendee.")},
    )
    reminder_offsets = OffsetsField(
        label=_("Reminders (days before)"),
        required=False,
        help_text=_("For example 14, 1. A reminder also goes out on the day itself."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = schedule.members(organization)


class ReviewStartForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=_("Customer list"),
        queryset=Dataset.objects.none(),
        empty_label=None,
        help_text=_("The newest import is chosen; pick another if the review should use it."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = (
            Dataset.objects.for_organization(organization)
            .filter(status=DatasetStatus.READY)
            .order_by("-created_at", "-pk")
        )
        latest = schedule.latest_dataset(organization)
        if latest is not None:
            self.fields["dataset"].initial = latest.pk
