"""The results of steps 1-3: load the frames, call portfolio.analysis and portfolio.charts.steps.

`WorkshopData` memoises the frames of one request, so a save that derives a step's outputs
and the page that shows its results read the database once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
from django.utils.translation import gettext_lazy as _

from portfolio import analysis
from portfolio.analysis import GROUPS, BestCustomers, MainStream, SizeGroups
from portfolio.charts import steps as charts
from portfolio.charts import summaries
from portfolio.charts.common import group_labels
from portfolio.frames import steps as data
from portfolio.frames.customers import column_label
from profiles.workshop.steps import default_inputs

CRITERION_LABELS = {
    "sales_cycle_days": _("sales cycle (days)"),
    "margin": _("margin %"),
    "lifetime_days": _("lifetime (days)"),
    "revenue": _("revenue"),
}
TABLE_LIMIT = 200  # rows of a customer table on the page; the counts cover all of them


class WorkshopData:
    """The customer frames one request needs, loaded at most once each."""

    def __init__(self, workshop):
        self.workshop = workshop
        self.dataset = workshop.dataset
        self._sizes: dict[str, pd.DataFrame] = {}
        self._groups: dict[tuple, pd.DataFrame] = {}
        # A save derives these, then the page shows them: each is computed once per request.
        self._size_groups: dict[tuple, SizeGroups] = {}
        self._step1: dict[tuple, Step1Result] = {}
        self._step3: dict[str, Step3Result] = {}

    @cached_property
    def metrics(self) -> list[tuple[str, str]]:
        return data.metric_choices(self.dataset)

    @cached_property
    def metric_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _label in self.metrics)

    def sizes(self, metric: str) -> pd.DataFrame:
        """Metric (column named by its label) and revenue of every customer."""
        if metric not in self._sizes:
            label = column_label(metric)
            if self.dataset is None:
                frame = pd.DataFrame({metric: [], "revenue": []}, dtype=float)
            else:
                frame = data.size_frame(self.dataset, metric)
            frame[label] = frame[metric]
            if metric != "revenue":
                frame = frame.drop(columns=metric)
            self._sizes[metric] = frame
        return self._sizes[metric]

    def size_groups(self, metric: str, thresholds) -> SizeGroups:
        """Every customer's size group for a metric and limits (steps 1 and 2)."""
        key = (metric, tuple(thresholds))
        if key not in self._size_groups:
            self._size_groups[key] = analysis.group_by_size(
                self.sizes(metric), metric=column_label(metric), thresholds=key[1]
            )
        return self._size_groups[key]

    def group(self, step1: dict, group: str, criterion: str) -> pd.DataFrame:
        key = (step1["metric"], tuple(step1["thresholds"]), group, criterion)
        if key not in self._groups:
            self._groups[key] = data.group_frame(
                self.dataset,
                metric=step1["metric"],
                thresholds=step1["thresholds"],
                group=group,
                criterion=criterion,
            )
        return self._groups[key]


# --------------------------------------------------------------------------- step 1


def group_rows(groups: SizeGroups) -> list[dict]:
    """The table of step 1 and 2: one dict per group, largest first (A, B, C)."""
    labels = group_labels()
    return [
        {"group": g, "label": labels[g], **groups.table.loc[g].to_dict()} for g in reversed(GROUPS)
    ]


@dataclass(frozen=True, eq=False)
class Step1Result:
    metric_label: str
    groups: SizeGroups
    rows: list[dict]
    histogram: dict
    customers: int
    histogram_rows: list[dict] = field(default_factory=list)  # the chart's data table
    summary: str = ""  # the chart's finding in words

    @property
    def empty_groups(self) -> list[str]:
        labels = group_labels()
        return [labels[g] for g in self.groups.empty_groups]


def step1(workshop_data: WorkshopData, inputs: dict) -> Step1Result:
    """Group the customers by the chosen metric and limits."""
    key = (inputs["metric"], tuple(inputs["thresholds"]))
    if key not in workshop_data._step1:
        label = column_label(inputs["metric"])
        frame = workshop_data.sizes(inputs["metric"])
        groups = workshop_data.size_groups(*key)
        workshop_data._step1[key] = Step1Result(
            metric_label=label,
            groups=groups,
            rows=group_rows(groups),
            histogram=charts.size_histogram(frame, label, key[1]),
            customers=len(frame),
            histogram_rows=charts.histogram_rows(frame, label, key[1]),
            summary=summaries.sizes(groups, label),
        )
    return workshop_data._step1[key]


def preset_thresholds(workshop_data: WorkshopData, metric: str, preset: str) -> list[float]:
    """The limits a preset gives on this dataset (raises analysis.ThresholdError)."""
    label = column_label(metric)
    frame = workshop_data.sizes(metric)
    return list(analysis.preset_thresholds(frame, metric=label, preset=preset))


# --------------------------------------------------------------------------- step 2


@dataclass(frozen=True, eq=False)
class Step2Result:
    step1: Step1Result
    stream: MainStream
    chosen: str | None  # the saved choice, else the proposal
    pie: dict
    bars: dict

    @property
    def rows(self) -> list[dict]:
        return self.step1.rows

    @property
    def pie_summary(self) -> str:
        return summaries.revenue(self.step1.groups)

    @property
    def bars_summary(self) -> str:
        return summaries.shares(self.step1.groups)

    @property
    def proposal_label(self) -> str | None:
        return group_labels().get(self.stream.group)

    @property
    def runner_up_label(self) -> str | None:
        return group_labels().get(self.stream.runner_up)

    @property
    def chosen_label(self) -> str | None:
        return group_labels().get(self.chosen)


def step2(workshop_data: WorkshopData, step1_inputs: dict, inputs: dict) -> Step2Result:
    """Propose the main revenue stream from the groups of step 1."""
    first = step1(workshop_data, step1_inputs)
    stream = analysis.main_stream(first.groups)
    return Step2Result(
        step1=first,
        stream=stream,
        chosen=inputs.get("main_group") or stream.group,
        pie=charts.revenue_pie(first.groups),
        bars=charts.share_bars(first.groups),
    )


def proposed_group(workshop_data: WorkshopData, step1_inputs: dict) -> str | None:
    """The group step 2 proposes for these step 1 inputs."""
    groups = workshop_data.size_groups(step1_inputs["metric"], step1_inputs["thresholds"])
    return analysis.main_stream(groups).group


# --------------------------------------------------------------------------- step 3


@dataclass(frozen=True, eq=False)
class Step3Result:
    group: str | None
    best: BestCustomers | None
    pareto: dict | None
    group_size: int
    selection_rows: list[dict] = field(default_factory=list)
    without_value_rows: list[dict] = field(default_factory=list)
    excluded_rows: list[dict] = field(default_factory=list)
    pareto_rows: list[dict] = field(default_factory=list)
    pareto_summary: str = ""

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
    """Rank the main group by the goal and select the best customers."""
    inputs = {**default_inputs(3), **inputs}
    if main_group is None or workshop_data.dataset is None:
        return Step3Result(group=main_group, best=None, pareto=None, group_size=0)
    settings = {key: value for key, value in inputs.items() if key != "selection"}
    key = json.dumps([step1_inputs, main_group, settings], sort_keys=True, default=str)
    if key not in workshop_data._step3:
        workshop_data._step3[key] = _step3(workshop_data, step1_inputs, main_group, inputs)
    return workshop_data._step3[key]


def _step3(workshop_data, step1_inputs, main_group, inputs) -> Step3Result:
    criterion = analysis.GOALS[inputs["goal"]][0]
    frame = workshop_data.group(step1_inputs, main_group, criterion)
    best = analysis.rank_best(
        frame,
        goal=inputs["goal"],
        n=_n_argument(inputs),
        today=data.today(),
        exclude={int(k): v for k, v in inputs["excluded"].items()},
        include={int(k): v for k, v in inputs["included"].items()},
    )
    curve = analysis.pareto(frame)
    shown = ["rank", "id", "external_id", "name", "revenue", criterion]
    return Step3Result(
        group=main_group,
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
    )


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
    """The id of the group's customer whose customer id or name is `text` (case-insensitive)."""
    wanted = text.strip().casefold()
    if not wanted or frame.empty:
        return None
    for column in ("external_id", "name"):
        hits = frame.loc[frame[column].astype(str).str.casefold() == wanted, "id"]
        if len(hits):
            return int(hits.iloc[0])
    return None
