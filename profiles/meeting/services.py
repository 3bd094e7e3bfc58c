"""Writes of the meeting: the agenda, the participants' functions, and the facilitator's
actions (take over, move the room, the timer). Each bumps the workshop's revision in the same
transaction, so every open page sees it at its next poll."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.meeting import agenda, room
from profiles.models import Function, Meeting, ParticipantFunction, Workshop

ACTIONS = ("take", "release", "move", "next", "previous", "start", "pause", "reset", "extend")
EXTEND_MINUTES = 5


class NotFacilitator(PermissionDenied):
    """Somebody else facilitates the meeting (or nobody does)."""


def _locked(workshop: Workshop) -> Meeting:
    meeting, _created = Meeting.objects.select_for_update().get_or_create(workshop=workshop)
    return meeting


def _bump(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )


def meeting_agenda_save(*, workshop: Workshop, minutes: dict, language: str = "") -> Meeting:
    """Save the minutes per step (agenda.clean_minutes) and the pack's language."""
    cleaned = agenda.clean_minutes(minutes)
    with transaction.atomic():
        meeting = _locked(workshop)
        meeting.durations = cleaned
        meeting.language = language
        meeting.save(update_fields=["durations", "language", "updated_at"])
        _bump(workshop)
    return meeting


def participant_functions_save(*, workshop: Workshop, functions: dict[int, str]) -> None:
    """The function each participant speaks for ({user id: function key}, "" for none); only
    the workshop's participants."""
    allowed = set(Function.values)
    participants = set(workshop.participants.values_list("pk", flat=True))
    if any(value and value not in allowed for value in functions.values()):
        raise ValidationError(_("Choose a function from the list."))
    with transaction.atomic():
        for user_id, function in functions.items():
            if user_id not in participants:
                continue
            if function:
                ParticipantFunction.objects.update_or_create(
                    workshop=workshop, user_id=user_id, defaults={"function": function}
                )
            else:
                ParticipantFunction.objects.filter(workshop=workshop, user_id=user_id).delete()
        _bump(workshop)


def meeting_room_act(*, workshop: Workshop, user, action: str, page_step: int) -> Meeting:
    """One action of the meeting bar: take over (or release) facilitating, move the room (to
    the page's step, the next or the previous one), start, pause or reset the timer, or give
    the room's step five more minutes. Only the facilitator moves the room and the timer
    (NotFacilitator)."""
    if action not in ACTIONS or not 1 <= page_step <= 6:
        raise ValidationError(_("Unknown action."))
    with transaction.atomic():
        meeting = _locked(workshop)
        now = timezone.now()
        if action == "take":
            meeting.facilitator = user
            if meeting.room_step is None:
                _move(meeting, page_step, now)
        elif meeting.facilitator_id != user.pk:
            raise NotFacilitator
        elif action == "release":
            meeting.facilitator = None
            _pause(meeting, now)
        elif action in ("move", "next", "previous"):
            target = {"move": page_step, "next": page_step + 1, "previous": page_step - 1}[action]
            _move(meeting, min(6, max(1, target)), now)
        elif action == "start":
            if not meeting.timer_running:
                meeting.timer_running, meeting.timer_started_at = True, now
        elif action == "pause":
            _pause(meeting, now)
        elif action == "reset":
            meeting.timer_elapsed = 0
            meeting.timer_started_at = now if meeting.timer_running else None
        elif action == "extend":
            minutes = agenda.minutes(meeting.durations)
            step = meeting.room_step or page_step
            minutes[step] = min(agenda.MAX_MINUTES, minutes[step] + EXTEND_MINUTES)
            meeting.durations = {str(k): v for k, v in minutes.items()}
        meeting.save()
        _bump(workshop)
    return meeting


def _pause(meeting: Meeting, now) -> None:
    meeting.timer_elapsed = room.elapsed(meeting, now)
    meeting.timer_running, meeting.timer_started_at = False, None


def _move(meeting: Meeting, step: int, now) -> None:
    """The room moves to `step`: the time spent on the step it leaves is kept, the timer
    counts the new step from zero (running on if it ran)."""
    if meeting.room_step is not None and meeting.room_step != step:
        key = str(meeting.room_step)
        meeting.spent = {
            **meeting.spent,
            key: meeting.spent.get(key, 0) + room.elapsed(meeting, now),
        }
        meeting.timer_elapsed = 0
        meeting.timer_started_at = now if meeting.timer_running else None
    meeting.room_step = step
    meeting.room_moves += 1
