"""Asking for a meeting pack: written in the request for a small workshop, queued for the
worker (profiles.meeting.pack.tasks) for a large one; the pack's language."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from profiles.meeting.pack import tasks, writing
from profiles.models import MeetingPack, Workshop
from profiles.workshop import steps

PARTS = len(steps.STEPS) + 3  # the steps, the profile, the PDF and the deck


def pack_language(workshop: Workshop) -> str:
    """The workshop's language: the one set on its agenda, else the organisation's default."""
    meeting = getattr(workshop, "meeting", None) if hasattr(workshop, "meeting") else None
    chosen = getattr(meeting, "language", "") if meeting is not None else ""
    return chosen or workshop.organization.default_language or settings.LANGUAGE_CODE


def is_large(workshop: Workshop) -> bool:
    """Whether the pack goes to the worker (a list over PACK_INLINE_CUSTOMERS)."""
    rows = getattr(workshop.dataset, "rows_imported", 0) or 0
    return rows > settings.PACK_INLINE_CUSTOMERS


def meeting_pack_request(*, workshop: Workshop, user) -> MeetingPack:
    """Ask for a workshop's pack: written now for a small workshop, queued for the worker
    for a large one (its page shows the progress)."""
    pack = MeetingPack.objects.create(
        organization=workshop.organization,
        workshop=workshop,
        requested_by=user,
        language=pack_language(workshop),
        total=PARTS,
    )
    if is_large(workshop):
        transaction.on_commit(lambda: tasks.write_meeting_pack.enqueue(pack.pk))
        return pack
    return writing.pack_write(pack)
