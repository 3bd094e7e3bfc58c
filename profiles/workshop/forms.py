"""Forms that parse the posts of steps 1-3; the rules themselves live in profiles.workshop.steps."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portfolio.models import Dataset, DatasetStatus
from portfolio.parsing.typed import LocalFloatField, LocalIntegerField
from profiles.workshop.steps import MAX_N, MAX_REASON


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    dataset = forms.ModelChoiceField(
        label=_("Customer list"), queryset=Dataset.objects.none(), empty_label=None
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = Dataset.objects.for_organization(organization).filter(
            status=DatasetStatus.READY
        )
        self.fields["participants"].queryset = (
            get_user_model()
            .objects.filter(memberships__organization=organization)
            .order_by("name", "email")
        )


class StepForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


PRESET_CHOICES = [
    ("method", _("The method's example: 1–5 / 6–20 / 21+")),
    ("thirds", _("Equal thirds (same number of customers)")),
    ("cumulative", _("By cumulative revenue (50 % / 30 % / 20 %)")),
    ("custom", _("My own limits")),
]


class Step1Form(StepForm):
    metric = forms.ChoiceField(label=_("Size measure"))
    preset = forms.ChoiceField(label=_("Limits"), choices=PRESET_CHOICES)
    small_max = LocalFloatField(label=_("Small up to"))
    medium_max = LocalFloatField(label=_("Medium up to"))
    include_former = forms.BooleanField(
        label=_("Count former customers too (in steps 1 and 2 only)"), required=False
    )

    def __init__(self, *args, metrics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metrics

    def inputs(self) -> dict:
        data = self.cleaned_data
        return {
            "metric": data["metric"],
            "preset": data["preset"],
            "thresholds": [data["small_max"], data["medium_max"]],
            "include_former": bool(data.get("include_former")),
        }


GROUP_CHOICES = [
    ("large", _("Large (A)")),
    ("medium", _("Medium (B)")),
    ("small", _("Small (C)")),
]
FOCUS_CHOICES = [
    ("", _("—")),
    ("profit", _("Profit: the most profitable customers")),
    ("speed", _("Speed: the fastest deals")),
    ("loyalty", _("Loyalty: the customers who stay longest")),
]


class Step2Form(StepForm):
    main_group = forms.ChoiceField(label=_("Main revenue stream"), choices=GROUP_CHOICES)
    focus = forms.ChoiceField(label=_("Future focus"), choices=FOCUS_CHOICES, required=False)
    reason = forms.CharField(
        label=_("Why"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def inputs(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("main_group", "focus", "reason")}


STAGE_CHOICES = [
    ("", _("— choose first —")),
    ("early", _("Early stage, aiming at growth")),
    ("grown", _("Grown, but not yet profitable")),
    ("brand", _("A new brand building loyalty")),
    ("other", _("Another situation: we choose the goal")),
]
GOAL_CHOICES = [
    ("", _("— follows the stage —")),
    ("growth", _("Growth: the customers closed fastest (shortest sales cycle)")),
    ("profitability", _("Profitability: the highest margin")),
    ("loyalty", _("Loyalty: the longest customer lifetime")),
    ("value_score", _("Value score: the organisation's scoring model")),
    ("revenue", _("Revenue: the highest revenue")),
]
N_CHOICES = [
    ("default", _("Proposed for the portfolio's size")),
    ("10", "10"),
    ("20", "20"),
    ("50", "50"),
    ("pareto", _("Pareto: the top 20 % of the group")),
    ("custom", _("Another number")),
]


class Step3Form(StepForm):
    stage = forms.ChoiceField(
        label=_("Where is the company now?"), choices=STAGE_CHOICES, required=False
    )
    goal = forms.ChoiceField(label=_("Goal"), choices=GOAL_CHOICES, required=False)
    n_mode = forms.ChoiceField(label=_("How many"), choices=N_CHOICES)
    n = LocalIntegerField(label=_("Number"), min_value=1, max_value=MAX_N, required=False)
    exclude = forms.IntegerField(required=False, widget=forms.HiddenInput)
    include = forms.CharField(label=_("Add a customer"), max_length=300, required=False)
    restore = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON, required=False)

    def inputs(self, previous: dict, *, find_customer) -> dict:
        """The new inputs: the settings, plus one exclusion, addition or restore if asked."""
        return {**self.settings(), **self.corrections(previous, find_customer=find_customer)}

    def settings(self) -> dict:
        """Goal and how many, as posted."""
        data = self.cleaned_data
        n = data.get("n")
        if data["n_mode"] == "custom" and n is None and "n" not in self.errors:
            self.add_error("n", _("Enter how many customers to take."))
        return {
            "stage": data.get("stage") or "",
            "goal": data.get("goal") or "",
            "n_mode": data["n_mode"],
            "n": n,
        }

    def corrections(self, previous: dict, *, find_customer) -> dict:
        """The excluded and added customers after the exclusion, addition or restore asked."""
        data = self.cleaned_data
        excluded = dict(previous.get("excluded") or {})
        included = dict(previous.get("included") or {})
        if data.get("restore") is not None:
            excluded.pop(str(data["restore"]), None)
            included.pop(str(data["restore"]), None)
        if data.get("exclude") is not None:
            included.pop(str(data["exclude"]), None)
            excluded[str(data["exclude"])] = data["reason"]
        if data.get("include"):
            found = find_customer(data["include"])
            if found is None:
                self.add_error(
                    "include",
                    _(
                        "No active customer of the main stream has that name or id (a former "
                        "customer cannot be a best customer)."
                    ),
                )
            else:
                excluded.pop(str(found), None)
                included[str(found)] = data["reason"]
        return {"excluded": excluded, "included": included}


MAX_NOTE = 2000
