"""Writes of step 6: the draft profile, field by field, with its decision log; criteria
suggested from the data adopted.

Each field (profiles.workshop.draft.fields) has its own version in the step's field_versions:
two people editing different fields both save; the second of two edits of the same field is
refused and comes back as a conflict (the page shows both values and the person decides).
Every save writes only the fields the person changed; each is kept as a change for Undo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.models import Workshop, WorkshopStep
from profiles.versions.diff import criterion_key, empty_content
from profiles.workshop import history, steps
from profiles.workshop.draft import build as draft
from profiles.workshop.draft import fields
from profiles.workshop.services import StaleVersion, workshop_step_save

CONTENT = "content"  # the pseudo-field of a rebuild: traits, criteria and notes at once


def workshop_draft_save(
    *, step: WorkshopStep, user, content: dict, version: int, reasons: dict, evidence
) -> WorkshopStep:
    """Save a whole draft at once (the demo, scripts); the decision log records what changed."""
    old = {**empty_content(), **step.inputs}
    content = {**content, "decisions": []}
    content["decisions"] = draft.record_decisions(
        old, content, by=_display_name(user), at=_now(), reasons=reasons, evidence=evidence
    )
    return workshop_step_save(step=step, user=user, inputs=content, version=version)


@dataclass(frozen=True)
class FieldEdit:
    """One field as the editor left it: the new value, the version they started from (None:
    no check, for Undo) and why (for the decision log)."""

    field: str
    value: Any
    version: int | None
    reason: str = ""
    index: int | None = None  # where a criterion put back by Undo goes


@dataclass
class DraftSaved:
    step: WorkshopStep
    saved: list[str] = field(default_factory=list)
    conflicts: dict[str, Any] = field(default_factory=dict)  # field -> the teammate's value
    gone: list[str] = field(default_factory=list)  # fields whose trait or criterion is gone


def workshop_draft_fields_save(
    *,
    step: WorkshopStep,
    user,
    edits: list[FieldEdit],
    evidence,
    record: bool = True,
    expect_version: int | None = None,
) -> DraftSaved:
    """Save the fields the editor changed; refuse those a teammate saved meanwhile.

    Raises ValidationError when the changed draft is not a valid profile (nothing is saved),
    StaleVersion when `expect_version` is given and the draft moved on since (a whole set of
    changes made on what the person saw). `record=False` (Undo) keeps no change to undo and no
    decision of its own.
    """
    with transaction.atomic():
        current = WorkshopStep.objects.select_for_update().get(pk=step.pk)
        if expect_version is not None and current.version != expect_version:
            raise StaleVersion(current)
        content = {**empty_content(), **current.inputs}
        result = DraftSaved(current)
        versions = dict(current.field_versions)
        changes, decided = [], {}
        for edit in edits:
            try:
                before = fields.value(content, edit.field)
            except fields.FieldGone:
                result.gone.append(edit.field)
                continue
            if before == edit.value:
                continue  # already so: a double submit, or two people typing the same
            if edit.version is not None and versions.get(edit.field, 0) != edit.version:
                result.conflicts[edit.field] = before
                continue
            index = fields.criterion_index(content, edit.field)
            content = fields.with_value(content, edit.field, edit.value, index=edit.index)
            for name in _fields_of(edit.field):
                versions[name] = versions.get(name, 0) + 1
            changes.append({"field": f"draft:{edit.field}", "before": before, "after": edit.value})
            if index is not None and edit.field.count(":") == 3:
                changes[-1]["index"] = index
            result.saved.append(edit.field)
            if (key := fields.decision_key(edit.field)) is not None:
                decided[key] = _decision(key, edit, before, content, user, evidence)
        if not result.saved:
            return result
        if record:
            content["decisions"] = [*content["decisions"], *decided.values()]
        content = steps.clean_inputs(6, content, metrics=())
        _write(current, content, versions, user)
        if record:
            history.change_record(
                workshop_id=current.workshop_id,
                step=6,
                user=user,
                fields=changes,
                context={"labels": _labels(content)},
            )
    return result


def workshop_draft_reason_save(*, step: WorkshopStep, user, field_id: str, reason: str, evidence):
    """A reason typed next to a trait or criterion: it explains the editor's own latest change
    of it, or records that the team kept it as it is, and why."""
    key = fields.decision_key(field_id)
    reason = " ".join(str(reason or "").split())[: steps.MAX_REASON]
    if key is None or not reason:
        return
    by = _display_name(user)
    with transaction.atomic():
        current = WorkshopStep.objects.select_for_update().get(pk=step.pk)
        content = {**empty_content(), **current.inputs}
        decisions = [dict(item) for item in content["decisions"]]
        latest = next((d for d in reversed(decisions) if (d["subject"], d["key"]) == key), None)
        if latest is not None and latest["by"] == by and latest["action"] != "proposed":
            latest["reason"] = reason
        else:
            subject, name = key
            attribute = name.split(":")[1] if subject == "criterion" else name
            try:
                shown = fields.value(content, _value_field(key))
            except fields.FieldGone:
                return
            decisions.append(
                draft.decision(
                    subject,
                    name,
                    "kept",
                    by=by,
                    at=_now(),
                    reason=reason,
                    evidence=evidence(attribute, shown),
                )
            )
        content["decisions"] = decisions
        _write(current, content, current.field_versions, user, bump=False)


def workshop_draft_rebuild(*, step: WorkshopStep, user, evidence, version: int) -> WorkshopStep:
    """Start the draft again from the summaries of steps 4 and 5 (one change, undoable)."""
    built = draft.draft_from_tables(evidence.by_table, by=_display_name(user), at=_now())
    with transaction.atomic():
        current = WorkshopStep.objects.select_for_update().get(pk=step.pk)
        if current.version != version:
            raise StaleVersion(current)
        old = {**empty_content(), **current.inputs}
        content = {**built, "decisions": old["decisions"] + built["decisions"]}
        content = steps.clean_inputs(6, content, metrics=())
        versions = _bump_all(current.field_versions, old, content)
        _write(current, content, versions, user)
        history.change_record(
            workshop_id=current.workshop_id,
            step=6,
            user=user,
            fields=[{"field": f"draft:{CONTENT}", "before": _body(old), "after": _body(content)}],
            context={"action": "rebuild"},
        )
    return current


def workshop_draft_content_set(*, step: WorkshopStep, user, body: dict) -> None:
    """Put traits, criteria and notes back as they were (Undo of a rebuild)."""
    with transaction.atomic():
        current = WorkshopStep.objects.select_for_update().get(pk=step.pk)
        old = {**empty_content(), **current.inputs}
        content = steps.clean_inputs(6, {**old, **body}, metrics=())
        _write(current, content, _bump_all(current.field_versions, old, content), user)


def draft_body(step: WorkshopStep) -> dict:
    """Traits, criteria and notes of the saved draft (what a rebuild replaces)."""
    return _body({**empty_content(), **step.inputs})


# --------------------------------------------------------------------------- helpers


def _body(content: dict) -> dict:
    return {name: content[name] for name in ("traits", "criteria", "notes")}


def _fields_of(field_id: str) -> list[str]:
    # A criterion added or removed: its value and note are new fields too.
    if field_id.startswith("crit:") and field_id.count(":") == 3:
        return [field_id, f"{field_id}:value", f"{field_id}:note"]
    return [field_id]


def _bump_all(versions: dict, *contents: dict) -> dict:
    bumped = dict(versions)
    for name in {name for content in contents for name in fields.all_fields(content)}:
        bumped[name] = bumped.get(name, 0) + 1
    return bumped


def _value_field(key: tuple[str, str]) -> str:
    subject, name = key
    return f"trait:{name}:value" if subject == "trait" else f"crit:{name}:value"


def _decision(key, edit: FieldEdit, before, content: dict, user, evidence) -> dict:
    subject, name = key
    if edit.field.count(":") == 3 and subject == "criterion" and (before is None or not edit.value):
        action = "removed" if edit.value is None else "proposed"
    else:
        action = "changed"  # a value, or a criterion replaced by another on the same key
    attribute = name.split(":")[1] if subject == "criterion" else name
    try:
        shown = fields.value(content, _value_field(key))
    except fields.FieldGone:
        shown = None
    return draft.decision(
        subject,
        name,
        action,
        by=_display_name(user),
        at=_now(),
        reason=edit.reason,
        evidence=None if action == "removed" else evidence(attribute, shown),
    )


def _labels(content: dict) -> dict:
    return {trait["key"]: trait["label"] for trait in content["traits"]}


def _write(current: WorkshopStep, content: dict, versions: dict, user, *, bump=True) -> None:
    current.inputs = content
    current.field_versions = versions
    if bump:
        current.version += 1
    current.updated_by = user
    current.save()
    Workshop.objects.filter(pk=current.workshop_id).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")


def _display_name(user) -> str:
    return str(user) if user is not None else _("someone")


def workshop_draft_adopt(
    *, step: WorkshopStep, user, segment: str, criteria: list[dict], evidence: dict, version: int
) -> WorkshopStep:
    """Adopt criteria suggested from the data into the draft. Do-or-die ones replace the draft's
    do-or-die criteria (a suggestion is a whole set: its figures hold for it alone); a do-not
    one is added, or replaces the do-not criterion on the same attribute and operator. The
    decision log gives the reason "suggested from data" and the suggestion's figures; it is one
    change, which Undo takes back. Refused (StaleVersion) when the draft changed since the
    panel showed it (`version`; the panel is loaded again each time its tab is opened).
    """
    old = {**empty_content(), **step.inputs}
    adopted = {criterion_key(item): item for item in criteria}
    reason = _("Suggested from data")
    edits = [
        FieldEdit(f"crit:{criterion_key(item)}", None, None, reason)
        for item in old["criteria"]
        if criterion_key(item) not in adopted
        and segment == "do-or-die"
        and item["segment"] == "do-or-die"
    ]
    edits += [FieldEdit(f"crit:{key}", item, None, reason) for key, item in adopted.items()]
    values = {(item["attribute"], json.dumps(item["value"])) for item in criteria}

    def figures(attribute, value):
        return evidence if (attribute, json.dumps(value)) in values else None

    saved = workshop_draft_fields_save(
        step=step, user=user, edits=edits, evidence=figures, expect_version=version
    )
    return saved.step
