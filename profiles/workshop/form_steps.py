"""Steps 1-3 on the page: their inputs field by field, a save, and what a poll brings.

Each input is a field with its own version (WorkshopStep.field_versions) and the value the page
showed ("base"), so a save writes only what the person changed, and a field a teammate saved
meanwhile is not overwritten but shown with both values ("keep mine / take theirs"). The live
poll brings the results and every field the person is not editing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from icp_site import l10n
from portfolio.charts.common import group_labels
from portfolio.frames.customers import column_label
from profiles.workshop import history, picking, results, services, steps
from profiles.workshop.forms import Step1Form, Step2Form, Step3Form
from profiles.workshop.pages import live_context, progress

# The inputs people edit in each step, and the names of their form fields.
FIELD_NAMES: dict[int, dict[str, tuple[str, ...]]] = {
    1: {
        "metric": ("metric",),
        "preset": ("preset",),
        "thresholds": ("small_max", "medium_max"),
        "include_former": ("include_former",),
    },
    2: {"main_group": ("main_group",), "focus": ("focus",), "reason": ("reason",)},
    3: {"stage": ("stage",), "goal": ("goal",), "n_mode": ("n_mode",), "n": ("n",)},
}
KEY_OF_NAME = {
    name: key for keys in FIELD_NAMES.values() for key, names in keys.items() for name in names
}
ERROR_FIELDS = {"thresholds": "medium_max", "excluded": "reason", "included": "include"}
OPERATIONS = ("exclude", "restore", "include")  # step 3's corrections


@dataclass
class Field:
    """One input of a step as the page shows it."""

    key: str
    kind: str  # "select" | "thresholds" | "number" | "textarea" | "checkbox"
    label: str
    shown: Any  # the value in the input: a choice key, text, or [low, high]
    version: int
    base: str  # the saved value as JSON: what the person started from
    choices: tuple = ()
    conflict: dict | None = None  # {"by", "theirs"}: a teammate saved it meanwhile
    swap: str = ""  # "field": swap the whole field in; "version": only its base and version

    @property
    def low(self) -> str:
        return l10n.input_number(self.shown[0]) if self.shown else ""

    @property
    def high(self) -> str:
        return l10n.input_number(self.shown[1]) if self.shown else ""

    @property
    def text(self) -> str:
        if self.shown is None:
            return ""
        if isinstance(self.shown, int | float) and not isinstance(self.shown, bool):
            return l10n.input_number(self.shown)
        return str(self.shown)

    @property
    def display(self) -> str:
        """The value as words, for a conflict notice."""
        if self.kind == "thresholds":
            return f"{self.low} / {self.high}"
        if self.kind == "checkbox":
            return _("yes") if self.shown else _("no")
        if self.kind == "select":
            return str(dict(self.choices).get(self.shown, self.shown or "—"))
        return self.text or _("(empty)")


def _main_group(workshop, data) -> str | None:
    step2 = services.saved_inputs(workshop, 2, data)
    return step2["main_group"] or results.proposed_group(
        data, services.saved_inputs(workshop, 1, data)
    )


def step_result(workshop, number: int, data):
    """The results of step 1, 2 or 3 for the saved inputs."""
    inputs = services.saved_inputs(workshop, number, data)
    step1 = services.saved_inputs(workshop, 1, data)
    if number == 1:
        return results.step1(data, inputs)
    if number == 2:
        return results.step2(data, step1, inputs)
    return picking.step3(data, step1, _main_group(workshop, data), inputs)


def _form_class(number: int):
    return {1: Step1Form, 2: Step2Form, 3: Step3Form}[number]


def fields(step, inputs: dict, data, result, *, shown: dict | None = None) -> dict[str, Field]:
    """The fields of a step with the saved values (or, where given, what the person typed)."""
    form = _form_class(step.number)
    # What the page shows (the proposal where the team chose no group yet) is what the
    # person starts from: a save compares with it, so an untouched field is not written.
    page = {**inputs, **({"main_group": result.chosen} if step.number == 2 else {})}
    values = {**page, **(shown or {})}
    made = {}
    for key in FIELD_NAMES[step.number]:
        common = {
            "key": key,
            "shown": values.get(key),
            "version": step.field_version(key),
            "base": json.dumps(page.get(key)),
        }
        if key == "thresholds":
            made[key] = Field(kind="thresholds", label=_("Limits"), **common)
        elif key == "n":
            made[key] = Field(kind="number", label=_("Another number"), **common)
        elif key == "reason":
            made[key] = Field(kind="textarea", label=str(form.base_fields[key].label), **common)
        elif key == "include_former":
            made[key] = Field(kind="checkbox", label=str(form.base_fields[key].label), **common)
        else:
            choices = data.metrics if key == "metric" else list(form.base_fields[key].choices)
            if key == "main_group":
                suffix = _("proposed")
                group = result.stream.group
                choices = [(v, f"{text} — {suffix}" if v == group else text) for v, text in choices]
            label = str(form.base_fields[key].label)
            made[key] = Field(kind="select", label=label, choices=tuple(choices), **common)
    return made


def context(request, workshop, step, data, *, made=None, **extra) -> dict:
    """Everything a page (or a swapped part) of step 1, 2 or 3 shows."""
    inputs = services.saved_inputs(workshop, step.number, data)
    result = step_result(workshop, step.number, data)
    step1 = services.saved_inputs(workshop, 1, data)
    can_edit = request.membership.can_edit
    save_url = reverse("workshop_step_save", args=[workshop.pk, step.number])
    return {
        "workshop": workshop,
        "step": step,
        "definition": steps.get_step(step.number),
        "inputs": inputs,
        "result": result,
        "fields": made if made is not None else fields(step, inputs, data, result),
        "can_edit": can_edit,
        # Inputs save themselves when the person is done with them (static/js/fields.js).
        "autosave": format_html('data-autosave hx-post="{}" hx-trigger="save"', save_url)
        if can_edit
        else "",
        "progress": progress(workshop, current=step.number),
        "previous_number": step.number - 1 if step.number > 1 else None,
        "next_number": step.number + 1 if step.number + 1 in steps.STEP_PAGES else None,
        "metric_label": column_label(step1["metric"]),
        "former": data.former,
        "include_former": bool(step1.get("include_former")),
        **_what_follows(workshop, step.number, data, inputs, result),
        **live_context(request, workshop, step.number),
        **extra,
    }


def _what_follows(workshop, number: int, data, inputs: dict, result) -> dict:
    """How this step's saved result reaches the next: step 2's stream is step 3's pool (a
    change says what it does to the best customers), step 3 says who would leave or join."""
    if number == 2:
        step3 = services.saved_inputs(workshop, 3, data)
        pool = step3.get("pool") or ""
        picked = len(step3.get("selection") or [])
        if picked and pool and result.chosen and pool != result.chosen:
            labels = group_labels()
            return {
                "pool_change": {
                    "picked": picked,
                    "before": labels.get(pool, pool),
                    "after": labels.get(result.chosen, result.chosen),
                }
            }
        return {}
    if number == 3 and workshop.dataset is not None:
        return {"selection_change": picking.selection_change(workshop.dataset, inputs, result)}
    return {}


# --------------------------------------------------------------------------- saving


@dataclass
class SaveOutcome:
    saved: tuple[str, ...] = ()
    kept: str = ""  # the person kept their value over a teammate's
    conflicts: dict = field(default_factory=dict)  # key -> {"by", "theirs"}
    taken: str = ""  # the person took the teammate's value of this field
    posted: dict = field(default_factory=dict)  # key -> what the person's input holds


def bound_form(request, step, data):
    if step.number == 1:
        return Step1Form(request.POST, metrics=data.metrics)
    return _form_class(step.number)(request.POST)


def changed_keys(request, posted: dict) -> list[str]:
    """The inputs the person changed: the one whose change sent the save, and each one whose
    posted value differs from the value the page showed (an input changed but refused a
    moment ago, say a focus that needs a reason, goes with the reason typed next)."""
    name = request.headers.get("HX-Trigger-Name", "")
    changed = [KEY_OF_NAME[name]] if KEY_OF_NAME.get(name) in posted else []
    for key, value in posted.items():
        try:
            base = json.loads(request.POST.get(f"base-{key}", ""))
        except ValueError:
            base = object()  # no base: a post from elsewhere, taken as meant
        if base != value and key not in changed:
            changed.append(key)
    return changed


def posted_inputs(form, step) -> dict:
    """The inputs a valid form holds (step 3: its settings; corrections are operations)."""
    return form.settings() if step.number == 3 else form.inputs()


def save(request, workshop, step, data, form, posted: dict) -> SaveOutcome:
    """Save what the person changed in a valid form (ValidationError: nothing saved)."""
    editable = FIELD_NAMES[step.number]
    if form.errors:
        raise ValidationError(_("Check the fields marked."))
    if (taken := request.POST.get("take", "")) in editable:
        return SaveOutcome(taken=taken, posted=posted)
    keep = request.POST.get("keep", "")
    single = request.headers.get("HX-Trigger-Name", "") in KEY_OF_NAME
    keys = [keep] if keep in editable else changed_keys(request, posted)
    changes: Any = {key: posted[key] for key in keys}
    if step.number == 3 and any(request.POST.get(name) for name in OPERATIONS):
        changes = _step3_operation(form, workshop, data, changes)
    versions = {key: _int(request.POST.get(f"version-{key}")) for key in editable}
    if keep in editable:
        versions[keep] = step.field_version(keep)  # the person chose theirs over the teammate's
    versions.update(
        excluded=step.field_version("excluded"), included=step.field_version("included")
    )
    done = services.workshop_step_fields_save(
        step=step,
        user=request.user,
        changes=changes,
        versions=versions,
        workshop_data=data,
        # The whole form sent ("Save and next"): the step counts as saved even unchanged.
        confirm=not single and not keep,
    )
    conflicts = {
        key: {"by": history.last_author(workshop.pk, f"step:{step.number}:{key}")}
        for key in done.conflicts
    }
    return SaveOutcome(done.saved, kept=keep, conflicts=conflicts, posted=posted)


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _step3_operation(form, workshop, data, changes: dict):
    """An exclusion, addition or restore, applied to what is saved when the save happens."""
    main_group = _main_group(workshop, data)
    step1 = services.saved_inputs(workshop, 1, data)

    def find(text):
        if main_group is None:
            return None
        return picking.find_customer(data.group(step1, main_group, "revenue"), text)

    def operation(previous: dict) -> dict:
        made = form.corrections(previous, find_customer=find)
        if form.errors:
            raise ValidationError({"included": form.errors["include"]})
        return {**changes, **made}

    return operation


def add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name = ERROR_FIELDS.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def after_save(step, inputs: dict, data, result, outcome: SaveOutcome) -> dict[str, Field]:
    """The fields a save answer swaps in: a conflict with both values, a value the server set
    (a preset's limits), a field taken from the teammate; and the new versions of the rest."""
    mine = {key: outcome.posted[key] for key in outcome.conflicts if key in outcome.posted}
    made = fields(step, inputs, data, result, shown=mine)
    for key, item in made.items():
        if key in outcome.conflicts:
            theirs = fields(step, inputs, data, result)[key]
            item.conflict = {"by": outcome.conflicts[key]["by"], "theirs": theirs.display}
            item.swap = "field"
        elif key in (outcome.taken, outcome.kept):
            item.swap = "field"  # the decided conflict goes
        elif key in outcome.saved:
            server_set = key in outcome.posted and outcome.posted[key] != inputs.get(key)
            item.swap = "field" if server_set else "version"
    return made


def polled(step, inputs: dict, data, result, editing: set[str]) -> dict[str, Field]:
    """The fields a poll swaps in: every one the person is not editing."""
    made = fields(step, inputs, data, result)
    for key, item in made.items():
        item.swap = "" if key in editing else "field"
    return made
