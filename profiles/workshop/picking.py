"""Step 3: the best customers, picked from step 2's main stream by what the company needs now.

The pool is the active customers of the group step 2 chose (a former customer is never
proposed). The team says where the company is (its stage) and the step proposes the goal the
method gives that stage; how many to pick follows the portfolio's size (10, 20 or 50). The
result says what share of the stream the pick is (Pareto), how the pick compares with the rest
of the stream on the goal, and warns when the pick is too small to show a pattern.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from portfolio import analysis
from portfolio.analysis import BestCustomers
from portfolio.analysis.scoring import ScoringError
from portfolio.charts import steps as charts
from portfolio.charts import summaries
from portfolio.charts.common import group_labels
from portfolio.frames.customers import customer_names
from profiles.workshop.results import FEW_IN_STREAM, WorkshopData
from profiles.workshop.steps import STAGE_GOALS, default_inputs

CRITERION_LABELS = {
    "sales_cycle_days": _("sales cycle (days)"),
    "margin": _("margin %"),
    "lifetime_days": _("lifetime (days)"),
    "revenue": _("revenue"),
    "value_score": _("value score"),
}
TABLE_LIMIT = 200  # rows of a customer table on the page; the counts cover all of them
FEW_BEST = 5  # fewer best customers than this show no pattern worth a profile


@dataclass(frozen=True)
class Figures:
    """One row of the comparison of the pick with the rest of the stream."""

    key: str  # "pick" | "rest" | "stream"
    customers: int
    revenue: float
    revenue_share: float  # percent of the stream's revenue
    average_revenue: float | None
    goal_average: float | None
    goal_median: float | None


@dataclass(frozen=True, eq=False)
class Step3Result:
    group: str | None
    best: BestCustomers | None
    pareto: dict | None
    group_size: int  # the active customers of the stream: the pool
    stage: str = ""
    goal: str = ""
    portfolio_size: int = 0  # the active customers of the whole list
    proposed_n: int = 0  # the method's N for that portfolio
    former_in_group: int = 0  # customers of the stream who left: never proposed
    score_model: str = ""  # the value-score goal's scoring model ("" = default parameters)
    error: str = ""  # the goal cannot rank this list (a scoring model that does not fit it)
    selection_rows: list[dict] = field(default_factory=list)
    without_value_rows: list[dict] = field(default_factory=list)
    excluded_rows: list[dict] = field(default_factory=list)
    pareto_rows: list[dict] = field(default_factory=list)
    pareto_summary: str = ""
    comparison: list[Figures] = field(default_factory=list)

    @property
    def needs_goal(self) -> bool:
        return self.group is not None and not self.goal

    @property
    def criterion_label(self) -> str:
        return str(CRITERION_LABELS[self.best.criterion]) if self.best else ""

    @property
    def group_label(self) -> str | None:
        return group_labels().get(self.group)

    @property
    def selection_ids(self) -> list[int]:
        if self.best is None:
            return []
        return [int(i) for i in self.best.selection["id"]]

    @property
    def selection_count(self) -> int:
        return 0 if self.best is None else len(self.best.selection)

    @property
    def without_value_count(self) -> int:
        return 0 if self.best is None else len(self.best.without_value)

    @property
    def pick(self) -> Figures | None:
        return self.comparison[0] if self.comparison else None

    @property
    def pick_customer_share(self) -> float | None:
        if not self.group_size or self.pick is None:
            return None
        return self.pick.customers / self.group_size * 100

    @property
    def too_few(self) -> bool:
        """Some picked, but fewer than FEW_BEST: too few to see patterns."""
        return 0 < self.selection_count < FEW_BEST

    @property
    def stream_too_small(self) -> bool:
        return self.group is not None and self.group_size < FEW_IN_STREAM

    @property
    def stage_goal(self) -> str:
        """The goal the method gives the chosen stage ("" for none or another situation)."""
        return STAGE_GOALS.get(self.stage, "")


def _n_argument(inputs: dict):
    mode = inputs.get("n_mode", "default")
    if mode in ("default", "pareto"):
        return mode
    return int(inputs["n"])


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    present = [c for c in dict.fromkeys(columns) if c in frame.columns]
    head = frame.head(TABLE_LIMIT)[present]
    return head.astype(object).where(head.notna(), None).to_dict("records")


def step3(
    workshop_data: WorkshopData, step1_inputs: dict, main_group: str | None, inputs: dict
) -> Step3Result:
    """Rank the main stream's active customers by the goal and pick the best."""
    inputs = {**default_inputs(3), **inputs}
    if main_group is None or workshop_data.dataset is None:
        return Step3Result(group=main_group, best=None, pareto=None, group_size=0)
    settings = {key: value for key, value in inputs.items() if key not in ("selection", "pool")}
    key = json.dumps([step1_inputs, main_group, settings], sort_keys=True, default=str)
    if key not in workshop_data._step3:
        workshop_data._step3[key] = _step3(workshop_data, step1_inputs, main_group, inputs)
    return workshop_data._step3[key]


def _former_in_group(workshop_data: WorkshopData, step1: dict, group: str) -> int:
    every = workshop_data.size_groups(step1["metric"], step1["thresholds"], True)
    active = workshop_data.size_groups(step1["metric"], step1["thresholds"], False)
    return int(every.table.loc[group, "customers"] - active.table.loc[group, "customers"])


def _step3(workshop_data: WorkshopData, step1: dict, main_group: str, inputs: dict):
    portfolio = len(workshop_data.sizes(step1["metric"]))
    common = {
        "group": main_group,
        "stage": inputs.get("stage") or "",
        "goal": inputs.get("goal") or "",
        "portfolio_size": portfolio,
        "proposed_n": analysis.default_n(portfolio),
        "former_in_group": _former_in_group(workshop_data, step1, main_group),
    }
    goal = inputs.get("goal") or ""
    if not goal:  # the stage comes first: nothing is ranked until the goal is known
        frame = workshop_data.group(step1, main_group, "revenue")
        return Step3Result(best=None, pareto=None, group_size=len(frame), **common)
    criterion = analysis.GOALS[goal][0]
    frame = workshop_data.group(step1, main_group, criterion)
    if goal == "value_score":
        try:
            scores, common["score_model"] = workshop_data.value_scores()
        except ScoringError as error:
            return Step3Result(
                best=None, pareto=None, group_size=len(frame), error=str(error), **common
            )
        frame = frame.assign(value_score=frame["id"].map(scores).to_numpy(dtype=float))
    best = analysis.rank_best(
        frame,
        goal=goal,
        n=_n_argument(inputs),
        today=workshop_data.today,
        exclude={int(k): v for k, v in inputs["excluded"].items()},
        include={int(k): v for k, v in inputs["included"].items()},
        portfolio_size=portfolio,
    )
    if goal == "loyalty":
        frame = frame.assign(lifetime_days=analysis.lifetime_days(frame, workshop_data.today))
    curve = analysis.pareto(frame)
    shown = ["rank", "id", "external_id", "name", "revenue", criterion]
    return Step3Result(
        best=best,
        pareto=charts.pareto_chart(curve),
        group_size=len(frame),
        selection_rows=_records(
            best.selection.assign(value=best.selection[criterion]),
            [*shown, "value", "tie_break", "decided_by", "source", "reason"],
        ),
        without_value_rows=_records(best.without_value, ["id", "external_id", "name", "revenue"]),
        excluded_rows=_records(best.excluded, ["id", "external_id", "name", "reason", "in_top_n"]),
        pareto_rows=_pareto_rows(curve),
        pareto_summary=summaries.pareto(curve),
        comparison=compare(frame, best, criterion),
        **common,
    )


def compare(frame: pd.DataFrame, best: BestCustomers, criterion: str) -> list[Figures]:
    """The pick, the rest of the stream and the whole stream side by side: customers, revenue,
    its share, the average revenue, and the goal's average and median."""
    picked = frame["id"].isin(best.selection["id"]).to_numpy()
    revenue = pd.to_numeric(frame["revenue"], errors="coerce").to_numpy(dtype=float)
    goal = pd.to_numeric(frame[criterion], errors="coerce").to_numpy(dtype=float)
    total = float(np.nansum(revenue))
    rows = []
    for key, rows_in in (("pick", picked), ("rest", ~picked), ("stream", np.ones_like(picked))):
        money, values = revenue[rows_in], goal[rows_in]
        known = values[~np.isnan(values)]
        count = int(rows_in.sum())
        amount = float(np.nansum(money))
        rows.append(
            Figures(
                key=key,
                customers=count,
                revenue=amount,
                revenue_share=amount / total * 100 if total else 0.0,
                average_revenue=amount / count if count else None,
                goal_average=float(known.mean()) if known.size else None,
                goal_median=float(np.median(known)) if known.size else None,
            )
        )
    return rows


def _pareto_rows(curve: pd.DataFrame) -> list[dict]:
    """The Pareto curve as a short table: how many customers make 50/80/95/100 % of revenue."""
    rows = []
    if curve.empty:
        return rows
    cumulative = curve["cumulative_share"].to_numpy()
    for share in (50, 80, 95, 100):
        count = int((cumulative < share - 1e-9).sum()) + 1
        count = min(count, len(curve))
        rows.append(
            {"revenue_share": share, "customers": count, "customer_share": count / len(curve) * 100}
        )
    return rows


def find_customer(frame: pd.DataFrame, text: str) -> int | None:
    """The id of the pool's customer whose customer id or name is `text` (case-insensitive)."""
    wanted = text.strip().casefold()
    if not wanted or frame.empty:
        return None
    for column in ("external_id", "name"):
        hits = frame.loc[frame[column].astype(str).str.casefold() == wanted, "id"]
        if len(hits):
            return int(hits.iloc[0])
    return None


@dataclass(frozen=True)
class SelectionChange:
    """How the best customers the tables were built on differ from what step 3 now picks."""

    left: list[str]  # names no longer picked (the first few)
    joined: list[str]  # names picked now (the first few)
    left_count: int
    joined_count: int
    saved_group: str | None  # the stream the saved pick came from, when it was another

    @property
    def saved_group_label(self) -> str | None:
        return group_labels().get(self.saved_group) if self.saved_group else None

    def __bool__(self) -> bool:
        return bool(self.left_count or self.joined_count)


def selection_change(
    dataset, saved: dict, result: Step3Result, *, limit: int = 12
) -> SelectionChange | None:
    """What changes for steps 4-5 if the step is saved again: the customers who leave and join
    the best customers (names, at most `limit` each); None when nothing changes."""
    before = [int(i) for i in saved.get("selection") or []]
    if not before or result.best is None:
        return None
    now = result.selection_ids
    left = [i for i in before if i not in set(now)]
    joined = [i for i in now if i not in set(before)]
    if not left and not joined:
        return None
    from_group = saved.get("pool") or None
    names = customer_names(dataset, [*left[:limit], *joined[:limit]])
    return SelectionChange(
        left=[str(names.get(i, "")) for i in left[:limit]],
        joined=[str(names.get(i, "")) for i in joined[:limit]],
        left_count=len(left),
        joined_count=len(joined),
        saved_group=from_group if from_group and from_group != result.group else None,
    )
