"""The six steps of the method, defined once: titles, explanations, dependencies, inputs.

Each step's inputs are plain JSON kept in WorkshopStep.inputs. The functions here check the
shape of those inputs (what any caller — a view, a command, the API — may save); what needs
the customer data (presets, the proposal, the selection) is derived in profiles.workshop.results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portfolio.analysis import GOALS, GROUPS
from profiles.versions.diff import ContentError, empty_content, validate_content


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: Promise
    explanation: Promise
    depends_on: tuple[int, ...]
    # Input keys later steps read: a change there asks the dependent steps for a review.
    outputs: tuple[str, ...]
    has_page: bool


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "group",
        _("Group your revenue"),
        _(
            "Split the customer list into Large, Medium and Small by one measure that fits the "
            "business: seats per customer for a software company, revenue per customer for a "
            "consultancy. You choose the two limits; many call the groups A, B and C."
        ),
        depends_on=(),
        outputs=("metric", "thresholds", "include_former"),
        has_page=True,
    ),
    Step(
        2,
        "main-stream",
        _("Find the main revenue stream"),
        _(
            "Which group brings the biggest share of revenue? The group of the biggest "
            "customers is not always the biggest stream. If two slices are about equal, choose "
            "by where the company wants to go, or go back and move the limits."
        ),
        depends_on=(1,),
        outputs=("main_group",),
        has_page=True,
    ),
    Step(
        3,
        "best-customers",
        _("Pick the best customers"),
        _(
            "Inside the main group, rank the customers by what the company needs now: the "
            "fastest deals for growth, the highest margin for profit, the longest lifetime for "
            "loyalty. Take enough to see patterns, not so many that the picture blurs."
        ),
        depends_on=(1, 2),
        outputs=("selection",),
        has_page=True,
    ),
    Step(
        4,
        "company-profile",
        _("Company profile"),
        _(
            "For each best customer, describe the company: industry, size, country, revenue, "
            "market position, growth. The most common values make the target company."
        ),
        depends_on=(3,),
        outputs=(),
        has_page=True,
    ),
    Step(
        5,
        "buyer-profile",
        _("Buyer profile"),
        _(
            "For each best customer, describe the person who decided to buy: role, distance "
            "from the CEO, behaviour and drivers. The most common traits make the target buyer."
        ),
        depends_on=(3,),
        outputs=(),
        has_page=True,
    ),
    Step(
        6,
        "target-profile",
        _("Build the target customer profile"),
        _(
            "Merge the company and buyer profiles and split into do-or-die, neutral and "
            "do-not, as concretely as a sales rep needs to apply it."
        ),
        depends_on=(4, 5),
        outputs=(),
        has_page=True,
    ),
)
STEP_NUMBERS = tuple(step.number for step in STEPS)
STEP_PAGES = tuple(step.number for step in STEPS if step.has_page)


def get_step(number: int) -> Step:
    """The step with this number (1-6)."""
    return STEPS[number - 1]


@cache
def dependents(number: int) -> tuple[int, ...]:
    """Every later step that reads, directly or through another step, what `number` decides."""
    direct = [step.number for step in STEPS if number in step.depends_on]
    found = set(direct)
    for later in direct:
        found.update(dependents(later))
    return tuple(sorted(found))


def outputs_changed(number: int, old: dict, new: dict) -> bool:
    """True when a value later steps read differs between two saved inputs of step `number`."""
    return any(old.get(key) != new.get(key) for key in get_step(number).outputs)


# --------------------------------------------------------------------------- inputs

PRESETS = ("method", "thirds", "cumulative", "custom")
FOCUSES = ("profit", "speed", "loyalty")
N_MODES = ("default", "10", "20", "50", "custom", "pareto")
# Step 3 asks where the company is first and proposes the goal the method gives that stage.
STAGE_GOALS = {
    "early": "growth",  # early stage, aiming at growth: the deals closed fastest
    "grown": "profitability",  # grown but not yet profitable: the highest margin
    "brand": "loyalty",  # a new brand building loyalty: the longest lifetime
    "other": "",  # another situation: the team chooses the goal
}
MAX_N = 10_000
MAX_REASON = 500


def default_inputs(number: int, *, metric: str = "seats") -> dict:
    """The inputs of a step nobody has saved yet."""
    return {
        1: lambda: {
            "metric": metric,
            "thresholds": [5, 20],
            "preset": "method",
            "include_former": False,
        },
        2: lambda: {"main_group": "", "overridden": False, "reason": "", "focus": ""},
        3: lambda: {
            "stage": "",
            "goal": "",
            "n_mode": "default",
            "n": None,
            "excluded": {},
            "included": {},
            "selection": [],
        },
        4: lambda: {"columns": [], "skipped": False, "skip_reason": ""},
        5: lambda: {"columns": [], "skipped": False, "skip_reason": ""},
        6: empty_content,
    }.get(number, dict)()


def clean_inputs(number: int, inputs: dict, *, metrics: tuple[str, ...]) -> dict:
    """Check the inputs of step `number` and return them normalised, or raise ValidationError."""
    cleaner = {
        1: _clean_step1,
        2: _clean_step2,
        3: _clean_step3,
        4: _clean_table_step,
        5: _clean_table_step,
        6: _clean_step6,
    }.get(number)
    if cleaner is None:
        raise ValidationError(_("This step cannot be edited yet."))
    return cleaner(inputs, metrics=metrics)


def _clean_step1(inputs: dict, *, metrics: tuple[str, ...]) -> dict:
    errors = {}
    metric = inputs.get("metric")
    if metric not in metrics:
        errors["metric"] = _("Choose one of the numeric columns of the customer list.")
    preset = inputs.get("preset", "custom")
    if preset not in PRESETS:
        errors["preset"] = _("Choose one of the presets.")
    try:
        t1, t2 = (float(value) for value in inputs.get("thresholds", ()))
    except (TypeError, ValueError):
        errors["thresholds"] = _("Enter two numbers as limits.")
    else:
        if not (math.isfinite(t1) and math.isfinite(t2)):
            errors["thresholds"] = _("Enter two numbers as limits.")
        elif not t1 < t2:
            errors["thresholds"] = _(
                "The limits must increase: the small/medium limit (%(t1)s) must be below "
                "the medium/large limit (%(t2)s)."
            ) % {"t1": f"{t1:g}", "t2": f"{t2:g}"}
    if errors:
        raise ValidationError(errors)
    return {
        "metric": metric,
        "thresholds": [_number(t1), _number(t2)],
        "preset": preset,
        "include_former": bool(inputs.get("include_former")),
    }


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _clean_step2(inputs: dict, **_unused) -> dict:
    errors = {}
    main_group = inputs.get("main_group") or ""
    if main_group and main_group not in GROUPS:
        errors["main_group"] = _("Choose small, medium or large.")
    focus = inputs.get("focus") or ""
    if focus and focus not in FOCUSES:
        errors["focus"] = _("Choose one of the focuses.")
    reason = str(inputs.get("reason") or "").strip()[:MAX_REASON]
    overridden = bool(inputs.get("overridden"))
    if (overridden or focus) and not reason:
        errors["reason"] = _("Write down why, so the decision can be followed later.")
    if errors:
        raise ValidationError(errors)
    return {"main_group": main_group, "overridden": overridden, "reason": reason, "focus": focus}


def _clean_step3(inputs: dict, **_unused) -> dict:
    errors = {}
    stage = inputs.get("stage") or ""
    if stage and stage not in STAGE_GOALS:
        errors["stage"] = _("Choose one of the stages.")
    goal = inputs.get("goal") or ""
    if goal and goal not in GOALS:
        errors["goal"] = _("Choose one of the goals.")
    n_mode = inputs.get("n_mode", "default")
    if n_mode not in N_MODES:
        errors["n_mode"] = _("Choose how many customers to take.")
    n = inputs.get("n")
    if n_mode == "custom":
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_N:
            errors["n"] = _("Enter a whole number between 1 and %(max)s.") % {"max": MAX_N}
    elif n_mode in ("10", "20", "50"):
        n = int(n_mode)
    else:
        n = None
    excluded = _reasons(inputs.get("excluded"), "excluded", errors)
    included = _reasons(inputs.get("included"), "included", errors)
    if set(excluded) & set(included):
        errors["included"] = _("A customer cannot be both excluded and added.")
    selection = inputs.get("selection") or []
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in selection):
        errors["selection"] = _("The selection must be a list of customer numbers.")
    if errors:
        raise ValidationError(errors)
    cleaned = {
        "stage": stage,
        "goal": goal,
        "n_mode": n_mode,
        "n": n,
        "excluded": excluded,
        "included": included,
        "selection": list(selection),
    }
    if "pool" in inputs:  # derived: the main stream the selection was picked from
        cleaned["pool"] = str(inputs.get("pool") or "")
    return cleaned


def _reasons(value, field: str, errors: dict) -> dict[str, str]:
    """A {customer id: reason} mapping with string keys (JSON) and a reason for each."""
    if not value:
        return {}
    if not isinstance(value, dict):
        errors[field] = _("Expected customer numbers with a reason each.")
        return {}
    cleaned = {}
    for key, reason in value.items():
        reason = str(reason or "").strip()[:MAX_REASON]
        if not str(key).isdigit():
            errors[field] = _("Expected customer numbers with a reason each.")
        elif not reason:
            errors["reason"] = _("Give a reason for each customer you exclude or add.")
        else:
            cleaned[str(int(key))] = reason
    return cleaned


def _clean_table_step(inputs: dict, **_unused) -> dict:
    """Steps 4 and 5: the team's own columns and whether the step was skipped (and why)."""
    columns = inputs.get("columns") or []
    ok = isinstance(columns, list) and all(
        isinstance(c, dict)
        and set(c) == {"key", "label", "kind"}
        and all(isinstance(c[k], str) and c[k] for k in c)
        for c in columns
    )
    if not ok or len({c["key"] for c in columns}) != len(columns):
        raise ValidationError({"columns": _("The table's own columns are malformed.")})
    skipped = bool(inputs.get("skipped"))
    reason = str(inputs.get("skip_reason") or "").strip()[:MAX_REASON]
    return {"columns": columns, "skipped": skipped, "skip_reason": reason if skipped else ""}


def _clean_step6(inputs: dict, **_unused) -> dict:
    """Step 6: the draft profile, in the content schema of profiles.versions.diff."""
    content = {**empty_content(), **{k: v for k, v in inputs.items() if k in empty_content()}}
    try:
        validate_content(content)
    except ContentError as error:
        raise ValidationError(str(error)) from error
    return content
