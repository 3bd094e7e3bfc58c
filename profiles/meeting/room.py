"""Where the room is: the facilitator, the step shown to the room and its timer, as every page
of the workshop shows them (the meeting bar), read from one row (profiles.models.Meeting).

The bar is part of every live poll of a step page: a facilitator's move or timer change bumps
the workshop's revision, so every open page gets the new bar within a poll. It is rendered once
per revision, kind of reader and language (static/js/room.js takes the participants along).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from portfolio.frames.cache import Memo
from profiles.meeting import agenda
from profiles.models import Meeting, Workshop


@dataclass(frozen=True)
class Room:
    """The meeting as a participant's page shows it."""

    workshop_id: int
    facilitator_id: int | None
    facilitator: str
    step: int | None  # the step the facilitator shows the room
    moves: int
    running: bool
    elapsed: int  # seconds spent on the room's step so far
    planned: int  # minutes the agenda gives the room's step
    minutes: dict[int, int]  # the agenda
    now: dt.datetime

    @property
    def remaining(self) -> int:
        """Seconds left of the room's step (negative: over time)."""
        return self.planned * 60 - self.elapsed

    @property
    def deadline_ms(self) -> int:
        """When the time of the room's step is up, in milliseconds since the epoch."""
        return int((self.now.timestamp() + self.remaining) * 1000)

    @property
    def now_ms(self) -> int:
        return int(self.now.timestamp() * 1000)

    @property
    def clock(self) -> str:
        """The time left as the timer shows it: 12:05, or +01:30 when over."""
        seconds = self.remaining
        sign = "+" if seconds < 0 else ""
        seconds = abs(seconds)
        return f"{sign}{seconds // 60:02d}:{seconds % 60:02d}"

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())


def elapsed(meeting: Meeting, now: dt.datetime) -> int:
    """Seconds the timer has counted for the room's step at `now`."""
    seconds = meeting.timer_elapsed
    if meeting.timer_running and meeting.timer_started_at is not None:
        seconds += max(0, int((now - meeting.timer_started_at).total_seconds()))
    return seconds


def meeting_row(workshop_id: int) -> Meeting | None:
    return Meeting.objects.filter(workshop_id=workshop_id).select_related("facilitator").first()


def room_of(workshop: Workshop | int, meeting: Meeting | None = None) -> Room:
    """The room of a workshop now (an empty room when nobody has started the meeting)."""
    workshop_id = workshop if isinstance(workshop, int) else workshop.pk
    meeting = meeting or meeting_row(workshop_id)
    now = timezone.now()
    if meeting is None:
        meeting = Meeting(workshop_id=workshop_id)
    minutes = agenda.minutes(meeting.durations)
    return Room(
        workshop_id=workshop_id,
        facilitator_id=meeting.facilitator_id,
        facilitator=str(meeting.facilitator) if meeting.facilitator_id else "",
        step=meeting.room_step,
        moves=meeting.room_moves,
        running=meeting.timer_running,
        elapsed=elapsed(meeting, now),
        planned=minutes.get(meeting.room_step or 1, 0),
        minutes=minutes,
        now=now,
    )


def bar_context(room: Room, *, user, can_edit: bool, page_step: int, presenting=False) -> dict:
    """What the meeting bar of a page shows."""
    facilitating = room.facilitator_id is not None and room.facilitator_id == user.pk
    room_step = room.step or page_step
    return {
        "room": room,
        "facilitating": facilitating,
        "can_edit": can_edit,
        "page_step": page_step,
        "presenting": presenting,
        "notes": agenda.NOTES[page_step],
        "room_url": reverse("workshop_step", args=[room.workshop_id, room_step]),
        "room_present_url": reverse("meeting_present", args=[room.workshop_id, room_step]),
        "present_url": reverse("meeting_present", args=[room.workshop_id, page_step]),
        "step_url": reverse("workshop_step", args=[room.workshop_id, page_step]),
        "action_url": reverse("meeting_room", args=[room.workshop_id]),
        "agenda_url": reverse("meeting_agenda", args=[room.workshop_id]),
        "next_step": page_step + 1 if page_step < 6 else None,
        "previous_step": page_step - 1 if page_step > 1 else None,
    }


def bar_html(request, *, workshop_id: int, revision: int, page_step: int, presenting=False):
    """The meeting bar for a poll's answer (swapped in out of band): rendered once per
    revision, page, reader (facilitator or not, may edit or not) and language; the timer's
    figures come from the row at that revision, the page counts on from them."""
    can_edit = request.membership.can_edit
    meeting = meeting_row(workshop_id)
    facilitating = meeting is not None and meeting.facilitator_id == request.user.pk
    key = (workshop_id, revision, page_step, presenting, facilitating, can_edit, get_language())

    def render() -> bytes:
        room = room_of(workshop_id, meeting)
        context = bar_context(
            room,
            user=request.user,
            can_edit=can_edit,
            page_step=page_step,
            presenting=presenting,
        )
        return render_to_string(
            "profiles/meeting/_bar.html", {"bar": context, "oob": True}, request=request
        ).encode()

    if meeting is not None and meeting.timer_running:
        return render()  # "now" moves with the clock: the page counts from it
    return _BARS.get_or_set(key, render)


def page_bar(request, workshop: Workshop, page_step: int, *, presenting=False) -> dict:
    """The meeting bar of a page as it is rendered with the page."""
    return bar_context(
        room_of(workshop),
        user=request.user,
        can_edit=request.membership.can_edit,
        page_step=page_step,
        presenting=presenting,
    )


_BARS = Memo(128)
