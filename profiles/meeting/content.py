"""What each step shows the room, once for the presenting view and the meeting pack: the step's
one question, its main chart (a plotly figure with its finding in words) or table, and the
decision so far in words. Read from the same results the step pages show."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from icp_site import l10n
from portfolio.charts.segments import segment_shares
from profiles.meeting import agenda
from profiles.models import Workshop, WorkshopStep
from profiles.versions import criteria as criteria_module
from profiles.versions import traits, wording
from profiles.versions.diff import empty_content
from profiles.workshop import form_steps, history, results, services, steps
from profiles.workshop.draft import evidence as evidence_module
from profiles.workshop.forms import FOCUS_CHOICES, GOAL_CHOICES, GROUP_CHOICES, PRESET_CHOICES
from profiles.workshop.tables.page import current_summaries

TABLE_ROWS = 8  # rows of a table that fit a projector's screen beside the decision


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    more: int = 0  # rows left out


@dataclass
class StepContent:
    number: int
    title: str
    question: str
    status: str  # "done" | "review" | "open"
    figure: dict | None = None
    summary: str = ""  # the chart's finding in words
    table: Table | None = None
    decision: list[str] = field(default_factory=list)
    segments: list[dict] = field(default_factory=list)  # step 6: criteria per segment

    @property
    def status_text(self) -> str:
        return {
            "done": _("done"),
            "review": _("needs review"),
            "open": _("to do"),
        }[self.status]


def for_projector(figure: dict | None) -> dict | None:
    """A figure in larger type for the presenting view (a copy; None stays None)."""
    if not figure:
        return figure
    layout = copy.deepcopy(figure.get("layout") or {})
    layout["font"] = {**layout.get("font", {}), "size": 22}
    layout["title"] = {**layout.get("title", {}), "font": {"size": 26}}
    layout["margin"] = {"l": 110, "r": 40, "t": 70, "b": 90}
    # Beside the plot, not under it: large type would push it onto the axis title. A chart
    # with a second y axis on the right (the Pareto curve) has it above the plot, on the
    # title's line: the title to the left, the legend to the right.
    if isinstance(layout.get("yaxis2"), dict):
        layout["title"] = {**layout["title"], "x": 0.02, "xanchor": "left"}
        layout["legend"] = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02}
        layout["legend"]["yanchor"] = "bottom"
    else:
        layout["legend"] = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1}
        layout["legend"]["yanchor"] = "top"
    for axis in ("xaxis", "yaxis", "yaxis2"):
        if isinstance(layout.get(axis), dict):
            layout[axis] = {**layout[axis], "automargin": True}
    return {**figure, "layout": layout}


def _status(step: WorkshopStep | None) -> str:
    if step is None:
        return "open"
    if step.needs_review:
        return "review"
    return "done" if step.done else "open"


def step_content(workshop: Workshop, number: int, data=None, step=None) -> StepContent:
    """The content of step `number` (1-6) as the room sees it."""
    data = data or results.WorkshopData(workshop)
    step = step or WorkshopStep.objects.filter(workshop=workshop, number=number).first()
    definition = steps.get_step(number)
    content = StepContent(
        number=number,
        title=str(definition.title),
        question=str(agenda.NOTES[number].question),
        status=_status(step),
    )
    if workshop.dataset is None:
        content.decision = [_("The customer list of this workshop was deleted.")]
        return content
    build = {1: _step1, 2: _step2, 3: _step3, 4: _table, 5: _table, 6: _step6}[number]
    build(content, workshop, data)
    return content


def _groups_table(rows: list[dict], currency: str) -> Table:
    return Table(
        [_("Group"), _("Customers"), _("Share of customers"), _("Revenue"), _("Share of revenue")],
        [
            [
                str(row["label"]),
                l10n.format_value(int(row["customers"])),
                l10n.format_percent(row["customer_share"]),
                l10n.format_money(row["revenue"], currency, digits=0),
                l10n.format_percent(row["revenue_share"]),
            ]
            for row in rows
        ],
    )


def _step1(content: StepContent, workshop, data) -> None:
    inputs = services.saved_inputs(workshop, 1, data)
    result = results.step1(data, inputs)
    content.figure, content.summary = result.histogram, result.summary
    content.table = _groups_table(result.rows, workshop.currency)
    low, high = (l10n.format_value(t) for t in inputs["thresholds"])
    content.decision = [
        _("Measure: %(metric)s") % {"metric": result.metric_label},
        _("Small up to %(low)s, medium up to %(high)s, large above.") % {"low": low, "high": high},
        str(dict(PRESET_CHOICES).get(inputs.get("preset"), "")),
    ]


def _step2(content: StepContent, workshop, data) -> None:
    step1 = services.saved_inputs(workshop, 1, data)
    inputs = services.saved_inputs(workshop, 2, data)
    result = results.step2(data, step1, inputs)
    content.figure, content.summary = result.pie, result.pie_summary
    content.table = _groups_table(result.rows, workshop.currency)
    chosen = dict(GROUP_CHOICES).get(result.chosen or "")
    content.decision = [
        _("Main revenue stream: %(group)s") % {"group": chosen}
        if chosen
        else _("No main revenue stream chosen yet.")
    ]
    if inputs.get("focus"):
        content.decision.append(
            _("Future focus: %(focus)s") % {"focus": dict(FOCUS_CHOICES)[inputs["focus"]]}
        )
    if inputs.get("reason"):
        content.decision.append(_("Why: %(reason)s") % {"reason": inputs["reason"]})


def _step3(content: StepContent, workshop, data) -> None:
    inputs = services.saved_inputs(workshop, 3, data)
    result = form_steps.step_result(workshop, 3, data)  # step 2's stream, active customers
    if result.best is None:
        content.decision = [_("No best customers picked yet.")]
        return
    content.figure, content.summary = result.pareto, result.pareto_summary
    rows = result.selection_rows
    money = result.best.criterion == "revenue"
    content.table = Table(
        [_("Rank"), _("Customer"), result.criterion_label.capitalize()],
        [
            [
                l10n.format_value(int(row["rank"])) if row.get("rank") is not None else "",
                str(row.get("name") or ""),
                l10n.format_money(row["value"], workshop.currency, digits=0)
                if money
                else l10n.format_value(row["value"]),
            ]
            for row in rows[:TABLE_ROWS]
        ],
        more=max(0, result.selection_count - TABLE_ROWS),
    )
    goal = dict(GOAL_CHOICES).get(inputs.get("goal"), "")
    count = result.selection_count
    content.decision = [
        _("Goal: %(goal)s") % {"goal": goal},
        ngettext(
            "%(count)s best customer picked in %(group)s.",
            "%(count)s best customers picked in %(group)s.",
            count,
        )
        % {"count": l10n.format_value(count), "group": result.group_label},
    ]


def _table(content: StepContent, workshop, data) -> None:
    table = traits.TABLE_OF_STEP[content.number]
    step = WorkshopStep.objects.get(workshop=workshop, number=content.number)
    if step.inputs.get("skipped"):
        content.decision = [_("Skipped: %(reason)s") % {"reason": step.inputs.get("skip_reason")}]
        return
    found = [s for s in current_summaries(workshop, table) if s.suggestion is not None]
    content.table = Table(
        [_("Trait"), _("Most common"), _("Best customers")],
        [
            [
                str(s.column.label),
                s.value_text,
                _("%(count)s of %(known)s")
                % {"count": s.suggestion.count, "known": s.summary.known},
            ]
            for s in found[:TABLE_ROWS]
        ],
        more=max(0, len(found) - TABLE_ROWS),
    )
    content.decision = [f"{s.column.label}: {s.value_text}" for s in found[:TABLE_ROWS]]
    if not found:
        content.decision = [_("No cell filled in yet.")]


def segment_labels() -> dict[str, str]:
    return {key: str(label) for key, label in history.SEGMENT_LABELS.items()}


def _step6(content: StepContent, workshop, data) -> None:
    step = WorkshopStep.objects.get(workshop=workshop, number=6)
    draft = {**empty_content(), **step.inputs}
    labels = segment_labels()
    names = {t["key"]: traits.trait_label(t["key"], t["label"]) for t in draft["traits"]}
    preview = evidence_module.application(workshop)
    application = preview.application
    if application is not None:
        rows = [vars(s) for s in application.segments]
        content.figure = segment_shares(rows, labels)
        shown = [r for r in rows if r["segment"] in labels]
        content.table = Table(
            headers=[_("Segment"), _("Customers"), _("Share of revenue")],
            rows=[
                [
                    labels[r["segment"]],
                    l10n.format_value(int(r["customers"])),
                    l10n.format_percent(r["revenue_share"]),
                ]
                for r in shown
            ],
        )
        content.summary = _("Share of revenue: %(parts)s.") % {
            "parts": ", ".join(
                f"{labels[r['segment']]} {l10n.format_percent(r['revenue_share'])}"
                for r in rows
                if r["segment"] in labels
            )
        }
    content.segments = [
        {
            "key": segment,
            "label": labels[segment],
            "criteria": [
                wording.criterion_words(item, names, currency=workshop.currency)
                for item in draft["criteria"]
                if item["segment"] == segment
            ],
            "note": draft["notes"].get(segment, ""),
        }
        for segment in criteria_module.SEGMENTS
    ]
    content.decision = [
        f"{segment['label']}: {'; '.join(segment['criteria'])}"
        for segment in content.segments
        if segment["criteria"]
    ] or [_("No criteria yet.")]
