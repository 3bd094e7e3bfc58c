"""The results of steps 1-2 and the frames of steps 1-3 (step 3's results: `picking`): load the
frames, call portfolio.analysis and portfolio.charts.steps.

`WorkshopData` memoises the frames of one request, so a save that derives a step's outputs
and the page that shows its results read the database once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from portfolio import analysis
from portfolio.analysis import GROUPS, MainStream, SizeGroups
from portfolio.analysis.scoring import ScoringError
from portfolio.charts import steps as charts
from portfolio.charts import summaries
from portfolio.charts.common import group_labels
from portfolio.frames import steps as data
from portfolio.frames.customers import (
    ColumnError,
    active_date,
    column_label,
    former_customers,
    numeric_columns,
)
from portfolio.reports.org_settings import chosen_scoring_model
from portfolio.reports.results import model_scores
from profiles.models import WorkshopStep

FEW_IN_STREAM = 3  # a main stream of fewer customers leaves step 3 nothing to pick from


class WorkshopData:
    """The customer frames one request needs, loaded at most once each.

    Only the active customers count (portfolio.frames.customers.active_date): step 1's switch
    `include_former` takes the former ones into steps 1-2; step 3 never ranks them."""

    def __init__(self, workshop):
        self.workshop = workshop
        self.dataset = workshop.dataset
        self._sizes: dict[tuple, pd.DataFrame] = {}
        self._groups: dict[tuple, pd.DataFrame] = {}
        # A save derives these, then the page shows them: each is computed once per request.
        self._size_groups: dict[tuple, SizeGroups] = {}
        self._step1: dict[tuple, Step1Result] = {}
        self._step3: dict[str, object] = {}

    @cached_property
    def metrics(self) -> list[tuple[str, str]]:
        return data.metric_choices(self.dataset)

    @cached_property
    def metric_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _label in self.metrics)

    @cached_property
    def today(self):
        return data.today()

    def active_on(self, include_former: bool = False):
        """The date steps 1-2 count customers on (None: the former ones too)."""
        return active_date(include_former, on=self.today)

    @cached_property
    def former(self) -> int:
        """How many customers of the list had left before today."""
        return former_customers(self.dataset, self.today)

    def sizes(self, metric: str, include_former: bool = False) -> pd.DataFrame:
        """Metric (column named by its label) and revenue of every customer counted."""
        key = (metric, bool(include_former))
        if key not in self._sizes:
            label = column_label(metric)
            if self.dataset is None:
                frame = pd.DataFrame({metric: [], "revenue": []}, dtype=float)
            else:
                frame = data.size_frame(
                    self.dataset, metric, active_on=self.active_on(include_former)
                )
            frame[label] = frame[metric]
            if metric != "revenue":
                frame = frame.drop(columns=metric)
            self._sizes[key] = frame
        return self._sizes[key]

    def size_groups(self, metric: str, thresholds, include_former: bool = False) -> SizeGroups:
        """Every counted customer's size group for a metric and limits (steps 1 and 2)."""
        key = (metric, tuple(thresholds), bool(include_former))
        if key not in self._size_groups:
            self._size_groups[key] = analysis.group_by_size(
                self.sizes(metric, include_former), metric=column_label(metric), thresholds=key[1]
            )
        return self._size_groups[key]

    def value_scores(self) -> tuple[pd.Series, str]:
        """Every active customer's value score (id -> score) by the organisation's chosen
        scoring model, else the default parameters; and the model's name ("" for defaults).
        A model that does not fit the list scores nobody (ScoringError says why)."""
        if "value_scores" not in self._step3:
            model = chosen_scoring_model(self.workshop.organization)
            try:
                scores, _frame = model_scores(
                    self.dataset,
                    model,
                    numeric_columns(self.dataset),
                    active_on=self.today,
                    on=self.today,
                )
            except ColumnError as error:
                raise ScoringError(str(error)) from error
            self._step3["value_scores"] = (scores.assignment, model.name if model else "")
        return self._step3["value_scores"]

    def group(self, step1: dict, group: str, criterion: str) -> pd.DataFrame:
        """The active customers of one size group: step 3's pool (never a former customer)."""
        key = (step1["metric"], tuple(step1["thresholds"]), group, criterion)
        if key not in self._groups:
            self._groups[key] = data.group_frame(
                self.dataset,
                metric=step1["metric"],
                thresholds=step1["thresholds"],
                group=group,
                criterion=criterion,
                active_on=self.today,
            )
        return self._groups[key]


# --------------------------------------------------------------------------- step 1


def group_rows(groups: SizeGroups) -> list[dict]:
    """The table of step 1 and 2: one dict per group, largest first (A, B, C)."""
    labels = group_labels()
    rows = []
    for g in reversed(GROUPS):
        row = {"group": g, "label": labels[g], **groups.table.loc[g].to_dict()}
        row["average"] = row["revenue"] / row["customers"] if row["customers"] else None
        rows.append(row)
    return rows


@dataclass(frozen=True, eq=False)
class Step1Result:
    metric_label: str
    groups: SizeGroups
    rows: list[dict]
    histogram: dict
    customers: int
    histogram_rows: list[dict] = field(default_factory=list)  # the chart's data table
    summary: str = ""  # the chart's finding in words
    former: int = 0  # customers who left before today
    include_former: bool = False  # counted here all the same (step 1's switch)

    @property
    def empty_groups(self) -> list[str]:
        labels = group_labels()
        return [labels[g] for g in self.groups.empty_groups]


def step1(workshop_data: WorkshopData, inputs: dict) -> Step1Result:
    """Group the customers by the chosen metric and limits."""
    former = bool(inputs.get("include_former"))
    key = (inputs["metric"], tuple(inputs["thresholds"]), former)
    if key not in workshop_data._step1:
        label = column_label(inputs["metric"])
        frame = workshop_data.sizes(inputs["metric"], former)
        groups = workshop_data.size_groups(*key)
        workshop_data._step1[key] = Step1Result(
            metric_label=label,
            groups=groups,
            rows=group_rows(groups),
            histogram=charts.size_histogram(frame, label, key[1]),
            customers=len(frame),
            histogram_rows=charts.histogram_rows(frame, label, key[1]),
            summary=summaries.sizes(groups, label),
            former=workshop_data.former,
            include_former=former,
        )
    return workshop_data._step1[key]


def preset_thresholds(
    workshop_data: WorkshopData, metric: str, preset: str, include_former: bool = False
) -> list[float]:
    """The limits a preset gives on this dataset (raises analysis.ThresholdError)."""
    label = column_label(metric)
    frame = workshop_data.sizes(metric, include_former)
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

    @property
    def chosen_customers(self) -> int:
        """The customers of the chosen stream: step 3's pool (with the former ones if step 1
        counts them; step 3 never ranks those)."""
        if self.chosen not in GROUPS:
            return 0
        return int(self.step1.groups.table.loc[self.chosen, "customers"])

    @property
    def stream_too_small(self) -> bool:
        return self.chosen in GROUPS and self.chosen_customers < FEW_IN_STREAM


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
    groups = workshop_data.size_groups(
        step1_inputs["metric"],
        step1_inputs["thresholds"],
        bool(step1_inputs.get("include_former")),
    )
    return analysis.main_stream(groups).group


def size_groups_of_list(dataset) -> tuple[str, tuple[float, float]] | None:
    """The size metric and limits of the latest workshop's step 1 on this customer list (the
    analysis pages start from them: portfolio.reports.pages.register_size_defaults)."""
    saved = (
        WorkshopStep.objects.filter(workshop__dataset=dataset, number=1, version__gt=0)
        .order_by("-workshop__date", "-workshop__pk")
        .values_list("inputs", flat=True)
        .first()
    )
    if not saved or not saved.get("metric") or len(saved.get("thresholds") or ()) != 2:
        return None
    small, medium = (float(t) for t in saved["thresholds"])
    return saved["metric"], (small, medium)
