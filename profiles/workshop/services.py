"""Writes of the workshop: create one, save a step's inputs, mark a step reviewed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from icp_site.models import Membership
from portfolio.analysis import SelectionError, ThresholdError
from portfolio.models import Dataset
from profiles.models import Workshop, WorkshopStep
from profiles.workshop import history, picking, results, steps

PRESETS_FROM_DATA = ("method", "thirds", "cumulative")
METHOD_METRICS = ("seats",)  # the measures the method's example limits (1-5 / 6-20 / 21+) fit


class StaleVersion(Exception):
    """The step changed since the editor loaded it; `step` is the current state."""

    def __init__(self, step: WorkshopStep):
        super().__init__(f"Step {step.number} is at version {step.version}.")
        self.step = step


def workshop_create(
    *, organization, user, title: str, date, dataset: Dataset | None, participants=(), based_on=None
) -> Workshop:
    """Create a workshop of `organization` with its six (empty) steps."""
    if dataset is not None and dataset.organization_id != organization.pk:
        raise ValidationError({"dataset": _("Choose one of your organisation's customer lists.")})
    participants = list(participants)
    members = set(
        Membership.objects.for_organization(organization).values_list("user_id", flat=True)
    )
    if any(person.pk not in members for person in participants):
        raise ValidationError({"participants": _("Participants must be members.")})
    if based_on is not None and based_on.organization_id != organization.pk:
        raise ValidationError(_("A workshop can only be based on one of your own."))
    with transaction.atomic():
        workshop = Workshop.objects.create(
            organization=organization,
            title=title,
            date=date,
            dataset=dataset,
            created_by=user,
            based_on=based_on,
        )
        workshop.participants.set(participants)
        previous = {}
        if based_on is not None:
            previous = {s.number: s.inputs for s in based_on.steps.all()}
        WorkshopStep.objects.bulk_create(
            WorkshopStep(workshop=workshop, number=number, inputs=previous.get(number, {}))
            for number in steps.STEP_NUMBERS
        )
    return workshop


def default_metric(metric_keys) -> str:
    """Seats when the list has them (the method's example), else the first numeric column."""
    if "seats" in metric_keys or not metric_keys:
        return "seats"
    return metric_keys[0]


def saved_inputs(workshop: Workshop, number: int, data: results.WorkshopData) -> dict:
    """The inputs of a step as saved, or its defaults."""
    saved = WorkshopStep.objects.filter(workshop=workshop, number=number).values_list(
        "inputs", flat=True
    )
    default = steps.default_inputs(number, metric=default_metric(data.metric_keys))
    return {**default, **(saved.first() or {})}


def workshop_step_save(
    *,
    step: WorkshopStep,
    user,
    inputs: dict,
    version: int,
    workshop_data: results.WorkshopData | None = None,
) -> WorkshopStep:
    """Validate and save a step's inputs; refuse a stale `version`; ask dependents for review.

    Saving a step also counts as reviewing it. Returns the saved step (unchanged when the
    inputs were the same and nothing needed a review).
    """
    workshop = step.workshop
    data = workshop_data or results.WorkshopData(workshop)
    with transaction.atomic():
        current = WorkshopStep.objects.select_for_update().get(pk=step.pk)
        if current.version != version:
            raise StaleVersion(current)
        _write(current, dict(inputs), user=user, workshop=workshop, data=data)
    return current


@dataclass
class FieldsSaved:
    """What a field-by-field save did: the step as saved, and the fields refused because a
    teammate saved them since the editor loaded them (key -> the teammate's value)."""

    step: WorkshopStep
    saved: tuple[str, ...]
    conflicts: dict[str, Any]


def workshop_step_fields_save(
    *,
    step: WorkshopStep,
    user,
    changes: dict | Callable[[dict], dict],
    versions: dict[str, int] | None = None,
    workshop_data: results.WorkshopData | None = None,
    record: bool = True,
    confirm: bool = False,
) -> FieldsSaved:
    """Save some inputs of a step, each checked against the version the editor started from.

    `changes` maps input keys to new values, or is a function of the current inputs that
    returns them (an exclusion in step 3 is added to what is saved now, not to what the page
    showed). A key whose version moved since (`versions`, None: no check) is not saved unless
    the value is the same anyway; it comes back in `conflicts` with the teammate's value.
    The rest is saved as one change, which Undo can take back. `confirm`: save the step even
    when nothing changed, if it was never saved or needs a review (the team went on with it).
    """
    workshop = step.workshop
    data = workshop_data or results.WorkshopData(workshop)
    with transaction.atomic():
        current = WorkshopStep.objects.select_for_update().get(pk=step.pk)
        previous = {**steps.default_inputs(current.number), **current.inputs}
        wanted = changes(previous) if callable(changes) else changes
        conflicts, accepted = {}, {}
        for key, value in wanted.items():
            if previous.get(key) == value:
                continue  # already so: a double submit, or two people choosing the same
            if versions is not None and current.field_version(key) != versions.get(key, 0):
                conflicts[key] = previous.get(key)
            else:
                accepted[key] = value
        confirmed = confirm and not conflicts and (not current.version or current.needs_review)
        if not accepted and not confirmed:
            return FieldsSaved(current, (), conflicts)
        before = dict(previous)
        changed = _write(current, {**previous, **accepted}, user=user, workshop=workshop, data=data)
        if record:
            history.change_record(
                workshop_id=workshop.pk,
                step=current.number,
                user=user,
                fields=[
                    {"field": f"step:{current.number}:{key}", "before": before.get(key),
                     "after": current.inputs.get(key)}
                    for key in changed
                    if key not in DERIVED
                ],
            )  # fmt: skip
    return FieldsSaved(current, tuple(changed), conflicts)


# Inputs the server derives from the others: not undone by themselves, re-derived instead.
DERIVED = ("selection", "overridden", "pool")


def _write(current: WorkshopStep, inputs: dict, *, user, workshop, data) -> list[str]:
    """Prepare, check and save `inputs` on the locked step; returns the keys that changed."""
    previous = {**steps.default_inputs(current.number), **current.inputs}
    prepared = _prepare(current.number, previous, inputs, workshop, data)
    cleaned = steps.clean_inputs(current.number, prepared, metrics=data.metric_keys)
    cleaned, done = _complete(current.number, cleaned, workshop, data)
    if current.number >= 4:
        done = current.done  # steps 4-6 are marked done by their own services
    if cleaned == current.inputs and current.version and not current.needs_review:
        return []
    changed = [key for key in cleaned if cleaned.get(key) != previous.get(key)]
    affects_later = steps.outputs_changed(current.number, current.inputs, cleaned)
    current.inputs = cleaned
    current.done = done
    current.needs_review = False
    current.version += 1
    current.field_versions = {
        **current.field_versions,
        **{key: current.field_version(key) + 1 for key in changed},
    }
    current.updated_by = user
    current.save()
    if affects_later and (later := steps.dependents(current.number)):
        # Only steps the team has already worked on; an untouched step has nothing to review.
        WorkshopStep.objects.filter(workshop=workshop, number__in=later, version__gt=0).update(
            needs_review=True, updated_at=timezone.now()
        )
    Workshop.objects.filter(pk=workshop.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    return changed


def workshop_step_review(
    *, step: WorkshopStep, user, version: int, workshop_data: results.WorkshopData | None = None
) -> WorkshopStep:
    """Mark a step as reviewed: keep its inputs, re-derive what the earlier steps decide."""
    inputs = dict(step.inputs)
    if step.number == 2 and not inputs.get("overridden"):
        inputs["main_group"] = ""  # the team went with the proposal: follow the new one
    return workshop_step_save(
        step=step, user=user, inputs=inputs, version=version, workshop_data=workshop_data
    )


def _prepare(number: int, previous: dict, inputs: dict, workshop, data) -> dict:
    """Fill in what the inputs leave to the data: a preset's limits, the proposal."""
    if number == 1:
        preset, metric = inputs.get("preset"), inputs.get("metric")
        # Limits belong to their measure: the method's 5 / 20 seats or limits typed for
        # another measure mean nothing for revenue. Propose limits from the new data.
        measure_changed = metric != previous.get("metric") and preset == previous.get("preset")
        meaningless = preset == "custom" or (preset == "method" and metric not in METHOD_METRICS)
        if measure_changed and meaningless:
            inputs["preset"] = preset = "cumulative"
        switched = preset != previous.get("preset") or metric != previous.get("metric")
        former = bool(inputs.get("include_former"))
        switched = switched or former != bool(previous.get("include_former"))
        if switched and preset in PRESETS_FROM_DATA and metric in data.metric_keys:
            try:
                inputs["thresholds"] = results.preset_thresholds(data, metric, preset, former)
            except ThresholdError as error:
                message = _(
                    "This preset cannot split this column into three groups (it needs at least "
                    "three different values); set the limits by hand."
                )
                raise ValidationError({"preset": message}) from error
        elif not switched and inputs.get("thresholds") != previous.get("thresholds"):
            inputs["preset"] = "custom"  # somebody typed a limit
    if number == 2:
        proposal = results.proposed_group(data, saved_inputs(workshop, 1, data))
        inputs["main_group"] = inputs.get("main_group") or proposal or ""
        inputs["overridden"] = bool(proposal) and inputs["main_group"] != proposal
    if number == 3:
        # The stage comes first and proposes the method's goal; another goal stays selectable.
        stage, goal = inputs.get("stage") or "", inputs.get("goal") or ""
        proposed = steps.STAGE_GOALS.get(stage, "")
        stage_changed = stage != (previous.get("stage") or "")
        goal_changed = goal != (previous.get("goal") or "")
        if proposed and (not goal or (stage_changed and not goal_changed)):
            inputs["goal"] = proposed
    return inputs


def _complete(number: int, inputs: dict, workshop, data) -> tuple[dict, bool]:
    """Derive a step's outputs (the selection) and whether the step is done."""
    if number == 2:
        result = results.step2(data, saved_inputs(workshop, 1, data), inputs)
        done = bool(inputs["main_group"]) and (not result.stream.too_close or bool(inputs["focus"]))
        return inputs, done
    if number == 3:
        step2 = saved_inputs(workshop, 2, data)
        step1 = saved_inputs(workshop, 1, data)
        main_group = step2["main_group"] or results.proposed_group(data, step1)
        try:
            result = picking.step3(data, step1, main_group, inputs)
        except SelectionError as error:
            raise ValidationError({"included": str(error)}) from error
        inputs = {**inputs, "selection": result.selection_ids, "pool": main_group or ""}
        return inputs, bool(inputs["selection"])
    return inputs, number == 1
