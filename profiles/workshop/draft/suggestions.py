"""Criteria suggested from the data (step 6, the `suggest_criteria` command).

Do-or-die: conjunctions of 1-3 conditions that set the best customers of step 3 apart from the
active portfolio (portfolio.analysis.subgroups.find_subgroups). Do-not: single conditions
over-represented among the customers not to chase (portfolio.analysis.targets.not_to_chase:
the bottom fifth by the step-3 goal, those who left within a year, the longest sales cycles),
each with the best customers it would wrongly exclude. Both over the workshop's frame
(draft.frame) and the company columns every customer has, plus the imported ones.

The answer is cached in the process per dataset revision, workshop state (step 3 and the table
rows) and day: the panel loads after the page, and only its first load searches.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from django.utils import timezone

from portfolio.analysis import GOALS, lifetime_days, targets
from portfolio.analysis import subgroups as search
from portfolio.analysis.conditions import encode
from portfolio.analysis.subgroups import Subgroup
from portfolio.frames.cache import Memo
from portfolio.models import Dataset
from profiles.models import Workshop, WorkshopStep
from profiles.versions.criteria import MIN_KNOWN_SHARE, Criterion
from profiles.workshop.draft import frame as frames
from profiles.workshop.tables import services as table_services

# Columns a `--goal` may name besides the step-3 goals: higher is better but for the cycle.
GOAL_COLUMNS = {
    "revenue": False,
    "margin": False,
    "seats": False,
    "lifetime_days": False,
    "sales_cycle_days": True,
}
_CACHE = Memo(16)


@dataclass(frozen=True)
class Suggestions:
    do_or_die: tuple[Subgroup, ...]
    do_not: tuple[Subgroup, ...]
    customers: int  # the active portfolio (and the best customers) searched
    best_total: int
    not_to_chase: int  # customers not to chase, of which:
    bottom: int  # the bottom fifth by the goal
    left_early: int  # left within a year of joining
    long_cycle: int  # the longest fifth of the sales cycles
    goal: str | None  # the column the best and the bottom were ranked by
    seconds: float


def attributes(frame: pd.DataFrame, dataset: Dataset | None) -> list[str]:
    """The columns a suggestion may use: the company columns and the imported ones."""
    numeric, text = frames.extra_columns(dataset) if dataset is not None else ([], [])
    return [c for c in (*frames.COMPANY_ATTRIBUTES, *numeric, *text) if c in frame.columns]


def goal_of(goal: str) -> tuple[str, bool]:
    """(column, ascending) of a step-3 goal (growth, profitability, ...) or of a column."""
    if goal in GOALS:
        return GOALS[goal]
    if goal in GOAL_COLUMNS:
        return goal, GOAL_COLUMNS[goal]
    raise ValueError(goal)


def suggest(
    frame: pd.DataFrame,
    *,
    best: np.ndarray,
    goal: str | None,
    ascending: bool,
    today: dt.date,
    columns: list[str],
) -> Suggestions:
    """Search the frame (every customer, former ones too) for do-or-die and do-not criteria."""
    started = time.perf_counter()
    if goal == "lifetime_days" and goal not in frame.columns:
        frame = frame.assign(lifetime_days=lifetime_days(frame, today).to_numpy())
    current = targets.active(frame, today) | best
    avoid = targets.not_to_chase(frame, goal=goal, ascending=ascending, today=today)
    scope = current | avoid.mask  # the active portfolio and those who left soon
    # Only the columns searched: taking a million rows of names and dates costs seconds. The
    # attributes are encoded once (bins from the wider scope) for both searches.
    searched = frame[[c for c in dict.fromkeys([*columns, "revenue"]) if c in frame.columns]]
    searched = searched[scope]
    encoded = encode(searched, columns)
    inside = current[scope]
    revenue = searched["revenue"] if "revenue" in searched.columns else None
    do_or_die = search.find_subgroups(
        searched[inside],
        best[scope][inside],
        attributes=columns,
        weights=None if revenue is None else revenue[inside],
        min_known_share=MIN_KNOWN_SHARE,
        encoded=[a.take(inside) for a in encoded],
    )
    do_not = search.find_conditions(
        searched,
        (avoid.mask & ~best)[scope],
        attributes=columns,
        weights=revenue,
        others=best[scope],
        encoded=encoded,
    )
    return Suggestions(
        do_or_die=do_or_die.subgroups,
        do_not=do_not.subgroups,
        customers=int(current.sum()),
        best_total=int(best.sum()),
        not_to_chase=int(np.count_nonzero(avoid.mask & ~best)),
        bottom=avoid.bottom,
        left_early=avoid.left_early,
        long_cycle=avoid.long_cycle,
        goal=goal,
        seconds=time.perf_counter() - started,
    )


def for_workshop(workshop: Workshop) -> Suggestions | None:
    """The suggestions for the workshop (cached); None without a list or best customers."""
    chosen = table_services.selection(workshop)
    if workshop.dataset is None or not chosen:
        return None
    rows = frames.table_rows(workshop)
    today = timezone.localdate()
    key = (
        "suggest",
        workshop.dataset.pk,
        workshop.dataset.revision,
        today,
        frames.state(workshop, rows),
    )

    def make():
        started = time.perf_counter()
        frame = frames.workshop_frame(workshop, rows)
        step3 = WorkshopStep.objects.get(workshop=workshop, number=3).inputs
        column, ascending = goal_of(step3.get("goal") or "revenue")
        best = frame["id"].isin(set(chosen)).to_numpy()
        columns = attributes(frame, workshop.dataset)
        found = suggest(
            frame, best=best, goal=column, ascending=ascending, today=today, columns=columns
        )
        return replace(found, seconds=time.perf_counter() - started)

    return _CACHE.get_or_set(key, make)


def for_dataset(dataset: Dataset, *, goal: str, best_share: float, today: dt.date) -> Suggestions:
    """Without a workshop: the best are the top `best_share` of the active customers by `goal`."""
    started = time.perf_counter()
    frame = frames.dataset_frame(dataset)
    column, ascending = goal_of(goal)
    if column == "lifetime_days":
        frame["lifetime_days"] = lifetime_days(frame, today).to_numpy()
    among = targets.active(frame, today)
    values = frame[column] if column in frame.columns else pd.Series(np.nan, index=frame.index)
    best = targets.first_share(values, best_share, ascending=ascending, among=among)
    columns = attributes(frame, dataset)
    found = suggest(
        frame, best=best, goal=column, ascending=ascending, today=today, columns=columns
    )
    return replace(found, seconds=time.perf_counter() - started)


# --------------------------------------------------------------------------- criteria and JSON


def criteria_of(subgroup: Subgroup, segment: str) -> list[dict]:
    """The subgroup's conditions as criteria of `segment` (the stored form)."""
    return [
        Criterion.from_dict(
            {
                "segment": segment,
                "attribute": c.attribute,
                "operator": c.operator,
                "value": list(c.value) if isinstance(c.value, tuple) else c.value,
            }
        ).to_dict()
        for c in subgroup.conditions
    ]


def signature(subgroup: Subgroup) -> str:
    """What identifies a suggestion when the page posts it back: its conditions."""
    items = [[c.attribute, c.operator, c.value] for c in subgroup.conditions]
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False)


def find(suggestions: Suggestions, segment: str, key: str) -> Subgroup | None:
    """The suggestion of `segment` whose signature is `key`, if it is still suggested."""
    found = suggestions.do_or_die if segment == "do-or-die" else suggestions.do_not
    return next((s for s in found if signature(s) == key), None)


def figures(subgroup: Subgroup, segment: str) -> dict:
    """The figures of a suggestion as the decision log keeps them (and the evidence shows)."""
    share = subgroup.size / subgroup.population * 100 if subgroup.population else 0.0
    common = {
        "source": "data",
        "segment": segment,
        "count": subgroup.caught,
        "share": round(subgroup.recall, 1),
        "population_share": round(share, 1),
        "lift": round(subgroup.lift, 2),
        "size": subgroup.size,
        "precision": round(subgroup.precision, 1),
    }
    if segment == "do-or-die":
        return {
            **common,
            "best_caught": subgroup.caught,
            "best_total": subgroup.targets,
            "revenue_share": round(subgroup.revenue_share, 1),
        }
    return {
        **common,
        "caught": subgroup.caught,
        "of": subgroup.targets,
        "good_excluded": subgroup.others,
    }


def _conditions(subgroup: Subgroup) -> list[dict]:
    return [
        {k: v for k, v in c.items() if k in ("attribute", "operator", "value")}
        for c in criteria_of(subgroup, "do-or-die")
    ]


def as_json(suggestions: Suggestions) -> dict:
    """The command's answer (see the issue): figures as counts, percentages with one decimal."""
    return {
        "do_or_die": [
            {
                "criteria": _conditions(s),
                "best_caught": s.caught,
                "best_total": s.targets,
                "size": s.size,
                "precision": round(s.precision, 1),
                "lift": round(s.lift, 2),
                "revenue_share": round(s.revenue_share, 1),
            }
            for s in suggestions.do_or_die
        ],
        "do_not": [
            {
                "criteria": _conditions(s),
                "caught": s.caught,
                "of": s.targets,
                "size": s.size,
                "precision": round(s.precision, 1),
                "lift": round(s.lift, 2),
                "good_excluded": s.others,
            }
            for s in suggestions.do_not
        ],
        "seconds": round(suggestions.seconds, 3),
    }


def clear() -> None:
    """Forget the cached suggestions (tests, the benchmark)."""
    _CACHE.clear()
