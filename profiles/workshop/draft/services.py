"""Writes of step 6: the draft profile saved with its decision log, suggestions adopted."""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.models import WorkshopStep
from profiles.versions.diff import criterion_key, empty_content
from profiles.workshop.draft import build as draft
from profiles.workshop.services import workshop_step_save


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


def workshop_draft_adopt(
    *, step: WorkshopStep, user, segment: str, criteria: list[dict], evidence: dict, version: int
) -> WorkshopStep:
    """Adopt criteria suggested from the data into the draft. Do-or-die ones replace the draft's
    do-or-die criteria (a suggestion is a whole set: its figures hold for it alone); a do-not
    one is added, or replaces the do-not criterion on the same attribute and operator. The
    decision log gives the reason "suggested from data" and the suggestion's figures."""
    old = {**empty_content(), **step.inputs}
    adopted = {criterion_key(item) for item in criteria}
    kept = [
        item
        for item in old["criteria"]
        if criterion_key(item) not in adopted
        and not (segment == "do-or-die" and item["segment"] == "do-or-die")
    ]
    content = {**old, "criteria": [*kept, *criteria], "decisions": []}
    reason = _("Suggested from data")
    touched = adopted | {criterion_key(item) for item in old["criteria"]} - {
        criterion_key(item) for item in kept
    }
    values = {(item["attribute"], json.dumps(item["value"])) for item in criteria}
    content["decisions"] = draft.record_decisions(
        old,
        content,
        by=_display_name(user),
        at=timezone.now().isoformat(timespec="seconds"),
        reasons=dict.fromkeys(touched, reason),
        evidence=lambda attribute, value: (
            evidence if (attribute, json.dumps(value)) in values else None
        ),
    )
    return workshop_step_save(step=step, user=user, inputs=content, version=version)
