"""The analysis pages' reads: from the chosen options to the results a page, an export and the
benchmark share. Each function loads only the columns it needs (portfolio.frames.customers)
and calls the plain analysis functions; nothing here renders or writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from portfolio.analysis import ABC_CLASSES, GROUPS, AbcResult, SizeGroups, abc_classes
from portfolio.analysis import group_by_size as _group_by_size
from portfolio.analysis.scoring import ScoreBands, ScoreParameter, ValueScore, value_score
from portfolio.analysis.segments import NO_OWNER, RepPortfolios, rep_portfolios, segment_summary
from portfolio.analysis.types import ACTIONS, TYPES, CustomerTypes, customer_types
from portfolio.frames import customers as frames
from portfolio.models import Dataset, ScoringModel
from portfolio.reports.scoring_models import scoring_model_columns, scoring_model_scores

BAND_LABELS = {
    "intensify": _("Intensify"),
    "maintain": _("Maintain"),
    "minimal_care": _("Minimal care"),
    "consider_separating": _("Consider separating"),
}
TYPE_LABELS = {
    "star": _("Stars"),
    "question_mark": _("Question marks"),
    "free_rider": _("Free riders"),
    "poor_dog": _("Poor dogs"),
}
ACTION_TEXTS = {
    "keep_and_develop": _("Keep and develop them: loyal, with value both ways."),
    "decide_and_invest": _(
        "On the edge: win them over. Give them more of what they value and turn them into "
        "stars before they drift away."
    ),
    "stop_discounting": _(
        "Stop the discounts and cut the cost to serve: they take the discounts and leave "
        "little lasting value."
    ),
    "minimal_care_or_separation": _("Minimal care or a clean separation: they cannot afford us."),
}
GROUP_LABELS = {"small": _("Small"), "medium": _("Medium"), "large": _("Large")}
NONE_LABEL = _("No value")
SCATTER_LIMIT = 1500  # points in the four-types scatter; beyond, a fixed sample


# The method's value score beyond past revenue, each where the list has it, weight 1: past
# revenue once (the contribution margin would count revenue a second time), profitability,
# loyalty, ordering behaviour, potential, churn risk and strategic value.
DEFAULT_PARAMETERS = (
    ("revenue", True),
    ("margin", True),
    ("lifetime_days", True),
    ("orders_per_year", True),
    ("potential", True),
    ("churn_risk", False),
    ("strategic", True),
)
WHERE_KNOWN = ("potential", "churn_risk")  # known for only some customers in many lists
KNOWN_ENOUGH = 0.8  # such a column joins the defaults when this share of customers has it


def default_parameters(
    columns: dict[str, str], dataset: Dataset | None = None
) -> tuple[ScoreParameter, ...]:
    """The parameters a score starts from (DEFAULT_PARAMETERS). A customer lacking a chosen
    parameter is not scored, so potential and churn risk join only where most customers have
    them (`dataset` given); the team can always add them."""
    found = []
    for column, higher in DEFAULT_PARAMETERS:
        if column not in columns:
            continue
        if column in WHERE_KNOWN and not _known_enough(dataset, column):
            continue
        found.append(ScoreParameter(column, 1.0, higher))
    return tuple(found) or tuple(ScoreParameter(c, 1.0) for c in list(columns)[:1])


def _known_enough(dataset: Dataset | None, column: str) -> bool:
    if dataset is None:
        return False
    values = frames.load_customers(dataset, numbers=[column])[column]
    return bool(len(values)) and values.notna().mean() >= KNOWN_ENOUGH


# --------------------------------------------------------------------------- ABC


@dataclass(frozen=True, eq=False)
class AbcPage:
    abc: AbcResult
    sizes: SizeGroups
    groups: np.ndarray  # size group code per row of abc.frame (-1: no size metric value)
    cross: pd.DataFrame  # index A/B/C (+ "none"), columns small/medium/large/none: customers
    cross_value: pd.DataFrame  # the same cells: the value summed


def abc_page(
    dataset: Dataset,
    *,
    value: str,
    thresholds: tuple[float, float],
    size_metric: str,
    size_thresholds: tuple[float, float],
    active_on: dt.date | None = None,
) -> AbcPage:
    """ABC classes by ``value``, and how they compare with the step-1 size groups."""
    numbers = ["revenue", value, size_metric]
    frame = frames.load_customers(dataset, numbers=numbers, active_on=active_on)
    abc = abc_classes(frame, value=value, thresholds=thresholds)
    sizes = _group_by_size(frame, metric=size_metric, thresholds=size_thresholds)
    group_codes = sizes.assignment.cat.codes.to_numpy()
    position = pd.Index(frame["id"]).get_indexer(abc.frame["id"])
    groups = group_codes[position]
    # Customers without a value are in no class: they get the last row.
    classes = np.full(len(frame), 3)
    classes[position] = abc.frame["abc_class"].cat.codes.to_numpy()
    cells = classes * 4 + np.where(group_codes < 0, 3, group_codes)
    values = np.nan_to_num(frame[value].to_numpy())
    index = pd.Index([*ABC_CLASSES, "none"], name="abc_class")
    columns = pd.Index([*GROUPS, "none"], name="group")
    count = np.bincount(cells, minlength=16).reshape(4, 4)
    total = np.bincount(cells, weights=values, minlength=16).reshape(4, 4)
    return AbcPage(
        abc=abc,
        sizes=sizes,
        groups=groups,
        cross=pd.DataFrame(count, index=index, columns=columns),
        cross_value=pd.DataFrame(total, index=index, columns=columns),
    )


# --------------------------------------------------------------------------- score


def score_page(
    dataset: Dataset,
    *,
    parameters: tuple[ScoreParameter, ...],
    bands: ScoreBands,
    on: dt.date | None = None,
    active_on: dt.date | None = None,
) -> tuple[ValueScore, pd.DataFrame]:
    """The value score of the dataset's customers, and the frame it was computed from."""
    columns = [p.column for p in parameters]
    frame = frames.load_customers(
        dataset, numbers=[*columns, "revenue"], on=on, active_on=active_on
    )
    return value_score(frame, parameters, bands=bands), frame


def model_scores(
    dataset: Dataset,
    scoring_model: ScoringModel | None,
    columns: dict[str, str],
    *,
    extra: tuple[str, ...] = (),
    texts: tuple[str, ...] = (),
    active_on: dt.date | None = None,
    on: dt.date | None = None,
) -> tuple[ValueScore, pd.DataFrame]:
    """Scores by a saved model (or the default parameters), with the frame and ``extra`` columns,
    of the customers active on ``active_on`` (None: every one)."""
    if scoring_model is None:
        parameters = default_parameters(columns, dataset)
        needed = [p.column for p in parameters]
    else:
        needed = scoring_model_columns(scoring_model)
    frame = frames.load_customers(
        dataset, numbers=[*needed, "revenue", *extra], texts=texts, active_on=active_on, on=on
    )
    if scoring_model is None:
        return value_score(frame, parameters), frame
    return scoring_model_scores(scoring_model, frame), frame


# --------------------------------------------------------------------------- four types


def types_page(
    dataset: Dataset,
    *,
    value_axis: str,
    bond_axis: str,
    split,
    scoring_model: ScoringModel | None,
    columns: dict[str, str],
    active_on: dt.date | None = None,
) -> CustomerTypes:
    """The four customer types on value for us (a score or a column) x bond."""
    if value_axis.startswith("score"):
        scores, frame = model_scores(
            dataset, scoring_model, columns, extra=(bond_axis,), active_on=active_on
        )
        frame = frame.assign(score=frame["id"].map(scores.assignment))
        value_axis = "score"
    else:
        frame = frames.load_customers(dataset, numbers=[value_axis, bond_axis], active_on=active_on)
    return customer_types(frame, value_column=value_axis, bond_column=bond_axis, split=split)


def scatter_sample(types: CustomerTypes, limit: int = SCATTER_LIMIT) -> pd.DataFrame:
    """At most ``limit`` points of the scatter: all, or a fixed random sample (same every time)."""
    frame = types.frame
    if len(frame) <= limit:
        return frame
    rows = np.sort(np.random.default_rng(0).choice(len(frame), size=limit, replace=False))
    return frame.iloc[rows]


# --------------------------------------------------------------------------- reps


def reps_page(
    dataset: Dataset,
    *,
    scoring_model: ScoringModel | None,
    columns: dict[str, str],
    abc_limits: tuple[float, float] = (80.0, 90.0),
    active_on: dt.date | None = None,
) -> RepPortfolios:
    """Each owner's customers with ABC class (the organisation's limits), score, band and type
    (score x the customer's benefit from us, medians)."""
    # The four types' axes: our value from them (the score) x their benefit from us.
    bond = next((c for c in ("benefit", "lifetime_days") if c in columns), None)
    scores, frame = model_scores(
        dataset,
        scoring_model,
        columns,
        extra=(bond,) if bond else (),
        texts=("owner",),
        active_on=active_on,
    )
    ids = pd.Index(frame["id"])
    abc = abc_classes(frame, value="revenue", thresholds=abc_limits)
    # Series in the frame's own order: rep_portfolios then aligns them without a lookup.
    score = _aligned(ids, scores.scores["id"], scores.scores["score"], np.nan)
    types = None
    if bond:
        typed = customer_types(
            frame.assign(score=score.to_numpy()), value_column="score", bond_column=bond
        )
        types = _aligned(ids, typed.frame["id"], typed.frame["type"], None)
    result = rep_portfolios(
        frame,
        classes=_aligned(ids, abc.frame["id"], abc.frame["abc_class"], None),
        scores=score,
        types=types,
    )
    band = _aligned(ids, scores.scores["id"], scores.scores["band"], None)
    result.customers["band"] = band.reindex(result.customers["id"]).to_numpy()
    return result


def _aligned(ids: pd.Index, keys: pd.Series, values: pd.Series, empty) -> pd.Series:
    """``values`` (given for the customers ``keys``) in the order of ``ids``."""
    out = np.full(len(ids), empty, dtype=float if empty is np.nan else object)
    out[ids.get_indexer(keys)] = values.to_numpy(dtype=out.dtype)
    return pd.Series(out, index=ids)


def own_first(totals: pd.DataFrame, name: str) -> tuple[pd.DataFrame, str | None]:
    """Totals with the owner called ``name`` (case-insensitive) first, and that owner."""
    wanted = name.strip().casefold()
    if not wanted:
        return totals, None
    owners = totals.index.to_numpy(dtype=object)
    mine = np.array([str(o).strip().casefold() == wanted for o in owners], dtype=bool)
    if not mine.any():
        return totals, None
    order = np.r_[np.flatnonzero(mine), np.flatnonzero(~mine)]
    return totals.iloc[order], str(owners[mine][0])


# --------------------------------------------------------------------------- segments


def segments_page(
    dataset: Dataset,
    *,
    by: str,
    size_metric: str,
    size_thresholds: tuple[float, float],
    active_on: dt.date | None = None,
) -> tuple[pd.DataFrame, SizeGroups | None]:
    """Customers and revenue per segment (industry, size group or contract type)."""
    if by == "size_group":
        frame = frames.load_customers(
            dataset, numbers=["revenue", size_metric], active_on=active_on
        )
        sizes = _group_by_size(frame, metric=size_metric, thresholds=size_thresholds)
        # The categorical keeps the groups in size order, with empty groups listed.
        frame = frame.assign(size_group=sizes.assignment.array)
        return segment_summary(frame, by=by), sizes
    frame = frames.load_customers(dataset, numbers=["revenue"], texts=(by,), active_on=active_on)
    # A text, not the loader's categorical: segments by revenue, not in category order.
    frame[by] = frame[by].astype(object)
    return segment_summary(frame, by=by), None


def type_figures(types: CustomerTypes) -> list[dict]:
    """The four-types scatter in numbers: per type, customers and the range of both values."""
    frame = types.frame
    stats = frame.groupby("type", observed=False)[["value", "bond"]].agg(["min", "median", "max"])
    total = len(frame)
    return [
        {
            "label": str(TYPE_LABELS[t]),
            "customers": int(types.counts[t]),
            "share": types.counts[t] / total * 100 if total else 0.0,
            **{
                f"{axis}_{stat}": stats.loc[t, (axis, stat)]
                for axis in ("value", "bond")
                for stat in ("min", "median", "max")
            },
        }
        for t in TYPES
    ]


def type_labels() -> list[tuple[str, str, str]]:
    """(type, label, suggested action) in TYPES order, translated."""
    return [(t, str(TYPE_LABELS[t]), str(ACTION_TEXTS[ACTIONS[t]])) for t in TYPES]


def owner_label(owner: str) -> str:
    """An owner's name, or the translated "no owner"."""
    return str(_("(no owner)")) if owner == NO_OWNER else owner
