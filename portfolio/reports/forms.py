"""The analysis pages' choices: ABC limits, score parameters and bands, type axes, segments.

The forms read the query string (pages answer GET, so every result has a URL to share or to
export); a missing field takes its default, so ``/analysis/`` alone shows the method's defaults.
"""

from __future__ import annotations

import math

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.analysis import METHOD_THRESHOLDS
from portfolio.analysis.scoring import BANDS, DEFAULT_BANDS, ScoreBands, ScoreParameter
from portfolio.models import ScoringModel
from portfolio.parsing.typed import LocalFloatField

MAX_PARAMETERS = 6
DIRECTIONS = [("higher", _("Higher is better")), ("lower", _("Lower is better"))]
SPLITS = [("median", _("At the medians")), ("values", _("At set values"))]
SEGMENTS = {
    "industry": _("Industry"),
    "size_group": _("Size group"),
    "contract_type": _("Contract type"),
}
EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "XLSX")]


class GetForm(forms.Form):
    """A form bound to the query string, with each missing field taking its initial value.

    Every analysis counts the active customers (``customer_until`` empty or not in the past);
    ``include_former`` takes the former ones in too."""

    include_former = forms.BooleanField(label=_("Include former customers"), required=False)

    def __init__(self, query=None, **kwargs):
        super().__init__(**kwargs)
        data = {name: field.initial for name, field in self.fields.items()}
        data = {k: v for k, v in data.items() if v is not None}
        if query is not None:
            data.update({k: v for k, v in query.items() if k in self.fields})
        self.data, self.is_bound = data, True

    def query(self, **changes) -> dict:
        """The form's values as a query dict (with ``changes``), for links and exports."""
        values = {name: self.data.get(name, "") for name in self.fields if name != "page"}
        return {k: v for k, v in {**values, **changes}.items() if v not in (None, "")}


def _limits(form, small: str, medium: str, message) -> None:
    a, b = form.cleaned_data.get(small), form.cleaned_data.get(medium)
    if a is not None and b is not None and not a < b:
        form.add_error(medium, message)


class SizeFields(GetForm):
    """The step-1 size groups: a metric and two limits (small <= first < medium <= second)."""

    size_metric = forms.ChoiceField(label=_("Size metric"))
    small_max = LocalFloatField(label=_("Small up to"), initial=f"{METHOD_THRESHOLDS[0]:g}")
    medium_max = LocalFloatField(label=_("Medium up to"), initial=f"{METHOD_THRESHOLDS[1]:g}")

    def __init__(self, query=None, *, columns: dict[str, str], sizes=None, **kwargs):
        super().__init__(query, **kwargs)
        self.fields["size_metric"].choices = list(columns.items())
        default = "seats" if "seats" in columns else next(iter(columns), "")
        self.fields["size_metric"].initial = default
        given = query is not None and any(
            name in query for name in ("size_metric", "small_max", "medium_max")
        )
        if sizes is not None and sizes[0] in columns and not given:
            # The groups the team set in its workshop on this list (pages.size_defaults).
            metric, (small, medium) = sizes
            self.data.update(size_metric=metric, small_max=f"{small:g}", medium_max=f"{medium:g}")
        self.data.setdefault("size_metric", default)

    def clean(self):
        cleaned = super().clean()
        _limits(self, "small_max", "medium_max", _("Medium must go higher than small."))
        return cleaned


class AbcForm(SizeFields):
    value = forms.ChoiceField(label=_("Rank by"))
    a_limit = LocalFloatField(
        label=_("A up to (cumulative %)"), initial=80, min_value=0.1, max_value=99.9
    )
    b_limit = LocalFloatField(
        label=_("B up to (cumulative %)"), initial=90, min_value=0.2, max_value=100
    )
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, query=None, *, columns: dict[str, str], limits=None, **kwargs):
        super().__init__(query, columns=columns, **kwargs)
        if limits is not None:  # the organisation's limits, unless the query sets others
            for name, limit in zip(("a_limit", "b_limit"), limits, strict=True):
                if query is None or name not in query:
                    self.data[name] = f"{limit:g}"
        choices = [("revenue", _("Revenue"))]
        if "contribution" in columns:
            choices.append(("contribution", _("Contribution margin (revenue × margin %)")))
        self.fields["value"].choices = choices
        self.data.setdefault("value", "revenue")

    def clean(self):
        cleaned = super().clean()
        _limits(self, "a_limit", "b_limit", _("The B limit must be above the A limit."))
        return cleaned


class ScoreForm(GetForm):
    """Up to MAX_PARAMETERS parameters (column, weight, direction) and the band limits."""

    intensify = LocalFloatField(
        label=_("Intensify from"),
        initial=f"{DEFAULT_BANDS.intensify:g}",
        min_value=0,
        max_value=100,
    )
    maintain = LocalFloatField(
        label=_("Maintain from"), initial=f"{DEFAULT_BANDS.maintain:g}", min_value=0, max_value=100
    )
    minimal_care = LocalFloatField(
        label=_("Minimal care from"),
        initial=f"{DEFAULT_BANDS.minimal_care:g}",
        min_value=0,
        max_value=100,
    )
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, query=None, *, columns: dict[str, str], defaults=(), bands=None, **kwargs):
        self.columns = columns
        super().__init__(None, **kwargs)
        if bands is not None:  # a saved model's limits, unless the query sets them
            self.data.update({b: f"{v:g}" for b, v in zip(BANDS, bands.limits, strict=False)})
        choices = [("", "—"), *columns.items()]
        for i in range(MAX_PARAMETERS):
            self.fields[f"p{i}_column"] = forms.ChoiceField(
                label=_("Parameter"), choices=choices, required=False
            )
            self.fields[f"p{i}_weight"] = LocalFloatField(label=_("Weight"), required=False)
            self.fields[f"p{i}_direction"] = forms.ChoiceField(
                label=_("Direction"), choices=DIRECTIONS, required=False
            )
        given = query is not None and any(f"p{i}_column" in query for i in range(MAX_PARAMETERS))
        if not given:  # no parameters in the query: start from the defaults (or a saved model)
            for i, p in enumerate(defaults):
                self.data[f"p{i}_column"] = p.column
                self.data[f"p{i}_weight"] = f"{p.weight:g}"
                self.data[f"p{i}_direction"] = "higher" if p.higher_is_better else "lower"
        if query is not None:
            self.data.update({k: v for k, v in query.items() if k in self.fields})

    @property
    def parameter_rows(self):
        """The bound fields of each parameter row, for the template."""
        return [
            (self[f"p{i}_column"], self[f"p{i}_weight"], self[f"p{i}_direction"])
            for i in range(MAX_PARAMETERS)
        ]

    def clean(self):
        cleaned = super().clean()
        parameters, seen = [], set()
        for i in range(MAX_PARAMETERS):
            column = cleaned.get(f"p{i}_column")
            weight = cleaned.get(f"p{i}_weight")
            if not column:
                continue
            label = self.columns.get(column, column)
            if weight is None or not math.isfinite(weight):
                self.add_error(f"p{i}_weight", _("Give “%(column)s” a weight.") % {"column": label})
            elif weight <= 0:
                self.add_error(
                    f"p{i}_weight",
                    _(
                        "The weight of “%(column)s” must be above zero; "
                        "choose “Lower is better” to reverse a parameter."
                    )
                    % {"column": label},
                )
            elif column in seen:
                self.add_error(
                    f"p{i}_column",
                    _("“%(column)s” is chosen twice; choose each column once.") % {"column": label},
                )
            else:
                seen.add(column)
                higher = cleaned.get(f"p{i}_direction") != "lower"
                parameters.append(ScoreParameter(column, float(weight), higher))
        if not parameters and not self.errors:
            raise forms.ValidationError(_("Choose at least one parameter to score customers by."))
        limits = [cleaned.get(b) for b in BANDS[:3]]
        if None not in limits and not limits[0] > limits[1] > limits[2]:
            raise forms.ValidationError(
                _("Band limits must decrease: intensify above maintain above minimal care.")
            )
        cleaned["parameters"] = tuple(parameters)
        if None not in limits:
            cleaned["bands"] = ScoreBands(*limits)
        return cleaned

    def query(self, **changes) -> dict:
        values = super().query(**changes)
        for i in range(MAX_PARAMETERS):  # empty rows add nothing to a link
            if not values.get(f"p{i}_column"):
                for part in ("column", "weight", "direction"):
                    values.pop(f"p{i}_{part}", None)
        return values


class ScoringModelSaveForm(ScoreForm):
    """The score form with a name, posted to save a scoring model."""

    name = forms.CharField(label=_("Name of the scoring model"), max_length=120)


class TypesForm(GetForm):
    value_axis = forms.ChoiceField(label=_("Our value from the customer (x axis)"))
    bond_axis = forms.ChoiceField(label=_("The customer's benefit from us (y axis)"))
    split = forms.ChoiceField(label=_("Split"), choices=SPLITS, initial="median")
    value_split = LocalFloatField(label=_("Value split"), required=False)
    bond_split = LocalFloatField(label=_("Benefit split"), required=False)
    type = forms.CharField(required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, query=None, *, columns: dict[str, str], models=(), chosen=None, **kwargs):
        super().__init__(query, **kwargs)
        scores = [(f"score:{m.pk}", _("Score: %(name)s") % {"name": m.name}) for m in models]
        value_choices = [("score", _("Score with the default parameters")), *scores]
        value_choices += list(columns.items())
        self.fields["value_axis"].choices = value_choices
        self.fields["bond_axis"].choices = list(columns.items())
        # The method's axes: our value from them (the organisation's score) x their benefit
        # from us (the discount they get), so free riders are those who buy at a discount and
        # stay briefly (the score counts loyalty), not those who stay long.
        self.data.setdefault("value_axis", f"score:{chosen.pk}" if chosen else "score")
        bond = next(
            (c for c in ("benefit", "lifetime_days", "orders_per_year", "seats") if c in columns),
            next(iter(columns), ""),
        )
        self.data.setdefault("bond_axis", bond)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("split") == "values":
            for name in ("value_split", "bond_split"):
                if cleaned.get(name) is None:
                    self.add_error(name, _("Set both splits, or split at the medians."))
        value, bond = cleaned.get("value_axis"), cleaned.get("bond_axis")
        if value and value == bond:
            self.add_error(
                "bond_axis", _("Choose two different columns for our value and their benefit.")
            )
        return cleaned


class RepsForm(GetForm):
    model = forms.ChoiceField(label=_("Score"), required=False)
    owner = forms.CharField(label=_("Owner"), required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, query=None, *, models=(), **kwargs):
        super().__init__(query, **kwargs)
        self.fields["model"].choices = [
            ("", _("Default parameters")),
            *((str(m.pk), m.name) for m in models),
        ]


class SegmentsForm(SizeFields):
    by = forms.ChoiceField(label=_("Segment by"), choices=list(SEGMENTS.items()))

    def __init__(self, query=None, **kwargs):
        super().__init__(query, **kwargs)
        self.data.setdefault("by", "industry")


def saved_model_choice(models, value: str):
    """The saved model a "score:<pk>" / "<pk>" choice names, or None for the defaults."""
    pk = value.removeprefix("score:") if value else ""
    if not pk.isdigit():
        return None
    return next((m for m in models if m.pk == int(pk)), None)


def types_options(data: dict, models) -> dict:
    """The options of the four-types analysis chosen in a valid TypesForm."""
    split = "median" if data["split"] == "median" else (data["value_split"], data["bond_split"])
    return {
        "value_axis": data["value_axis"],
        "bond_axis": data["bond_axis"],
        "split": split,
        "scoring_model": saved_model_choice(models, data["value_axis"]),
    }


def saved_scoring_models(organization):
    """The organisation's saved scoring models, for the choices."""
    return list(ScoringModel.objects.for_organization(organization))
