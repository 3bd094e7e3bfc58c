"""Writes of step 6: the draft profile saved with its decision log."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.models import WorkshopStep
from profiles.versions.diff import empty_content
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
