"""A prospect list scored with the organisation's scoring model in the same pass as its bulk fit
check: beside each prospect's segment, its value score (0–100) and band.

The model's parameters are customer figures (revenue with us, margin, seats, orders a year,
lifetime …). A prospect list carries those it can, mapped like the profile's attributes (a
lifetime from a "customer since" date); the score counts the model's parameters the list has,
with the model's weights and directions, ranked among the list's prospects as the analysis ranks
customers. A parameter no column gives is left out and named in the file; a prospect lacking a
value of a counted parameter gets no score, as a customer would not.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from portfolio.analysis.scoring import LIFETIME, ScoringError, value_score
from portfolio.imports.mapping import FIELDS_BY_NAME
from portfolio.models import ScoringModel
from portfolio.reports.results import BAND_LABELS
from portfolio.reports.scoring_models import scoring_model_parameters
from portfolio.uploads.forms import FIELD_LABELS


def _field(column: str) -> str | None:
    """The customer field a prospect list gives a parameter from, or None."""
    if column == LIFETIME:
        return "customer_since"
    return column if column in FIELDS_BY_NAME else None


def score_fields(model: ScoringModel | None) -> list[str]:
    """The customer fields the bulk mapping asks for so the model can score the prospects."""
    if model is None:
        return []
    fields = (_field(str(p.get("column", ""))) for p in model.parameters)
    return list(dict.fromkeys(f for f in fields if f))


def _has_values(values: pd.Series) -> bool:
    """Whether a mapped column gives anything: a number, or a date (a lifetime's start)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return bool(values.notna().any())
    return bool(pd.to_numeric(values, errors="coerce").notna().any())


def _label(column: str) -> str:
    if column == LIFETIME:
        return _("Customer lifetime")
    return str(FIELD_LABELS.get(column, column))


def score_columns(
    prospects: pd.DataFrame, model: ScoringModel | None, *, today: dt.date
) -> dict[str, np.ndarray]:
    """The columns the fit-check file gets from the model ({} without a model): the score and
    band of each prospect, and which of the model's parameters the score counts."""
    if model is None:
        return {}
    try:
        parameters, bands = scoring_model_parameters(model)
    except ScoringError:
        return {}
    usable, left_out = [], []
    for parameter in parameters:
        field = _field(parameter.column)
        if field is not None and field in prospects.columns and _has_values(prospects[field]):
            usable.append(parameter)
        else:
            left_out.append(_label(parameter.column))
    rows = len(prospects)
    name = _("Value score (%(model)s)") % {"model": model.name}
    if not usable:
        note = _("Not scored: the list has none of the model's figures (%(figures)s).") % {
            "figures": ", ".join(left_out)
        }
        return {name: np.full(rows, "", dtype=object), _("Value score from"): np.full(rows, note)}
    frame = prospects.reset_index(drop=True).assign(id=np.arange(rows))
    if "name" not in frame.columns:
        frame["name"] = ""
    result = value_score(frame, usable, bands=bands, today=today)
    scores = pd.Series(result.scores["score"].to_numpy(), index=result.scores["id"].to_numpy())
    bands_of = pd.Series(result.scores["band"].astype(str).to_numpy(), index=scores.index)
    counted = ", ".join(_label(p.column) for p in usable)
    source = counted
    if left_out:
        source = _("%(counted)s (not in the list: %(left_out)s)") % {
            "counted": counted,
            "left_out": ", ".join(left_out),
        }
    labels = {key: str(label) for key, label in BAND_LABELS.items()}
    every = scores.reindex(range(rows))
    return {
        name: every.astype(object).where(every.notna(), "").to_numpy(),
        _("Score band"): bands_of.reindex(range(rows)).map(labels).fillna("").to_numpy(),
        _("Value score from"): np.full(rows, source, dtype=object),
    }
