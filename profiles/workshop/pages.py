"""What every step page shares: the workshop of the request, the step, the progress bar, and
the live bar (who else is here, the poll, the newest change and its Undo) and the meeting bar
(profiles.meeting.room: the facilitator, the room's step, the timer)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from icp_site.access import MemberRequest, get_for_member
from profiles.meeting import room
from profiles.models import Workshop, WorkshopStep
from profiles.versions import traits
from profiles.workshop import history, live, steps


def workshop_of(request: MemberRequest, pk: int) -> Workshop:
    """The workshop `pk` of the member's organisation, or 404 (a page of a workshop of another
    of the member's organisations switches there: icp_site.access.OtherOrganization)."""
    return get_for_member(request, Workshop.objects.select_related("dataset"), pk=pk)


def step_of(workshop: Workshop, number: int) -> WorkshopStep:
    """Step `number` of the workshop, or 404."""
    if number not in steps.STEP_PAGES:
        raise Http404
    return get_object_or_404(WorkshopStep, workshop=workshop, number=number)


def progress(workshop: Workshop, current: int | None, steps_read=None) -> list[dict]:
    """The six steps with done / needs review / current, for the progress bar (`steps_read`:
    the workshop's steps by number, when the caller has them already)."""
    rows = steps_read or {s.number: s for s in WorkshopStep.objects.filter(workshop=workshop)}
    return [
        {
            "step": definition,
            "done": getattr(rows.get(definition.number), "done", False),
            "needs_review": getattr(rows.get(definition.number), "needs_review", False),
            "current": definition.number == current,
        }
        for definition in steps.STEPS
    ]


def live_context(request: MemberRequest, workshop: Workshop, number: int, state=None) -> dict:
    """What the live bar of a step page shows and how it polls.

    `state` is the live state read before what the page shows (the ETag must never be newer
    than the page); read now when not given.
    """
    if state is None:
        state = live.live_state(
            workshop_id=workshop.pk,
            organization_id=workshop.organization_id,
            user_id=request.user.pk,
        )
    return {
        "present": live.names(state.others),
        "etag": state.etag(page_name(number)),
        "revision": state.revision,
        "live_url": reverse("workshop_live", args=[workshop.pk, number]),
        "poll_seconds": live.POLL_SECONDS,
        "last_change": history.last_change(workshop.pk),
        "meeting_bar": room.page_bar(request, workshop, number),
    }


def page_name(number: int) -> str:
    """The name of a step page in its ETag: the table of steps 4-5, else "step<n>"."""
    return traits.TABLE_OF_STEP.get(number, f"step{number}")
