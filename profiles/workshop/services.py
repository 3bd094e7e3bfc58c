"""Writes of the workshop: create one, save a step's inputs, save and publish profile versions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from icp_site.models import Membership, Organization
from portfolio.analysis import SelectionError, ThresholdError
from portfolio.models import Dataset
from profiles.models import ProfileVersion, Publication, Workshop, WorkshopStep
from profiles.reviews import schedule
from profiles.versions import signals
from profiles.versions.diff import ContentError, empty_content, validate_content
from profiles.workshop import results, steps
from profiles.workshop.draft import build as draft

PRESETS_FROM_DATA = ("method", "thirds", "cumulative")


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
        previous = {**steps.default_inputs(current.number), **current.inputs}
        prepared = _prepare(current.number, previous, dict(inputs), workshop, data)
        cleaned = steps.clean_inputs(current.number, prepared, metrics=data.metric_keys)
        cleaned, done = _complete(current.number, cleaned, workshop, data)
        if current.number >= 4:
            done = current.done  # steps 4-6 are marked done by their own services
        if cleaned == current.inputs and current.version and not current.needs_review:
            return current
        affects_later = steps.outputs_changed(current.number, current.inputs, cleaned)
        current.inputs = cleaned
        current.done = done
        current.needs_review = False
        current.version += 1
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
    return current


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
        switched = preset != previous.get("preset") or metric != previous.get("metric")
        if switched and preset in PRESETS_FROM_DATA and metric in data.metric_keys:
            try:
                inputs["thresholds"] = results.preset_thresholds(data, metric, preset)
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
            result = results.step3(data, step1, main_group, inputs)
        except SelectionError as error:
            raise ValidationError({"included": str(error)}) from error
        inputs = {**inputs, "selection": result.selection_ids}
        return inputs, bool(inputs["selection"])
    return inputs, number == 1


# --------------------------------------------------------------------------- profile versions


def next_review_proposal(organization, published_on: datetime.date) -> datetime.date:
    """When the profile published on `published_on` should be reviewed.

    The organisation's review cadence when set, else by maturity: 6 months for a young
    company, 12 for a mature one.
    """
    months = organization.review_cadence_months or schedule.default_cadence(organization.maturity)
    return schedule.proposed_review_date(published_on, cadence_months=months)


def _content(inputs: dict) -> dict:
    content = {**empty_content(), **{key: inputs[key] for key in empty_content() if key in inputs}}
    try:
        validate_content(content)
    except ContentError as error:
        raise ValidationError(str(error)) from error
    return content


def _next_number(organization) -> int:
    # The organisation's row lock makes two saves at the same moment take turns.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    last = ProfileVersion.objects.for_organization(organization).aggregate(last=Max("number"))
    return (last["last"] or 0) + 1


def profile_version_save(*, workshop: Workshop, user, note: str, content: dict | None = None):
    """Save the workshop's step-6 profile as the organisation's next version (v1, v2, ...)."""
    if content is None:
        step = WorkshopStep.objects.filter(workshop=workshop, number=6).first()
        content = step.inputs if step else {}
    content = _content(content)
    with transaction.atomic():
        WorkshopStep.objects.filter(workshop=workshop, number=6).update(
            done=True, updated_at=timezone.now()
        )
        return ProfileVersion.objects.create(
            organization=workshop.organization,
            number=_next_number(workshop.organization),
            workshop=workshop,
            dataset=workshop.dataset,
            author=user,
            note=note.strip(),
            content=content,
        )


def profile_version_restore(*, version: ProfileVersion, user, note: str) -> ProfileVersion:
    """Save an old version's content again as the newest version (the old one stays)."""
    with transaction.atomic():
        return ProfileVersion.objects.create(
            organization=version.organization,
            number=_next_number(version.organization),
            workshop=version.workshop,
            dataset=version.dataset,
            author=user,
            note=note.strip(),
            content=version.content,
            restored_from=version,
        )


def profile_version_publish(
    *, version: ProfileVersion, user, next_review_date: datetime.date | None = None
) -> Publication:
    """Make `version` the organisation's current profile; send `profile_published` on commit."""
    organization = version.organization
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if ProfileVersion.objects.current(organization) == version:
            raise ValidationError(
                _("Version %(number)s is already the current profile.") % {"number": version.number}
            )
        today = timezone.localdate()
        if next_review_date is None:
            next_review_date = next_review_proposal(organization, today)
        elif next_review_date <= today:
            raise ValidationError({"next_review_date": _("The next review must be after today.")})
        publication = Publication.objects.create(
            organization=organization,
            version=version,
            published_by=user,
            next_review_date=next_review_date,
        )
        transaction.on_commit(
            lambda: signals.profile_published.send(
                sender=ProfileVersion, version=version, publication=publication
            )
        )
    return publication


# --------------------------------------------------------------------------- step 6 draft


def workshop_draft_save(
    *, step: WorkshopStep, user, content: dict, version: int, reasons: dict, evidence
) -> WorkshopStep:
    """Save step 6's draft profile; the decision log records what changed, by whom and why."""
    old = {**empty_content(), **step.inputs}
    content = {**content, "decisions": []}
    content["decisions"] = draft.record_decisions(
        old,
        content,
        by=_display_name(user),
        at=timezone.now().isoformat(timespec="seconds"),
        reasons=reasons,
        evidence=evidence,
    )
    return workshop_step_save(step=step, user=user, inputs=content, version=version)


def _display_name(user) -> str:
    return str(user) if user is not None else _("someone")
