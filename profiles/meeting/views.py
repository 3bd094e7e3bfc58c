"""The meeting's pages: the agenda (minutes, the facilitator's notes, who speaks for which
function), the facilitator's actions from the meeting bar, and the presenting view of a step
with its live poll."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from icp_site.access import MemberRequest, leader_required, member_required
from profiles.meeting import agenda, checklist, content, room, services
from profiles.models import Function, MeetingPack, ParticipantFunction
from profiles.workshop import live, steps
from profiles.workshop.pages import progress, workshop_of

PRESENT_TEMPLATE = "profiles/meeting/present.html"


def _agenda_context(request, workshop, *, errors=None, posted=None) -> dict:
    current = room.room_of(workshop)
    functions = dict(
        ParticipantFunction.objects.filter(workshop=workshop).values_list("user_id", "function")
    )
    minutes = current.minutes
    spent = room.meeting_row(workshop.pk)
    spent = spent.spent if spent is not None else {}
    rows = []
    for definition in steps.STEPS:
        number = definition.number
        seconds = int(spent.get(str(number), 0))
        if current.step == number:
            seconds += current.elapsed
        rows.append(
            {
                "step": definition,
                "minutes": (posted or {}).get(number, minutes[number]),
                "spent": f"{seconds // 60}:{seconds % 60:02d}" if seconds else "",
                "notes": agenda.NOTES[number],
                "error": (errors or {}).get(f"minutes_{number}"),
            }
        )
    meeting = room.meeting_row(workshop.pk)
    return {
        "workshop": workshop,
        "room": current,
        "rows": rows,
        "total": sum(int(row["minutes"]) for row in rows if str(row["minutes"]).isdigit()),
        "participants": [
            {"user": person, "function": functions.get(person.pk, "")}
            for person in workshop.participants.order_by("name", "email")
        ],
        "functions": Function.choices,
        "missing": checklist.missing_functions(workshop),
        "pack_languages": settings.LANGUAGES,
        "language": (meeting.language if meeting else "") or "",
        "can_edit": request.membership.can_edit,
        "progress": progress(workshop, current=None),
        "packs": MeetingPack.objects.for_organization(request.organization).filter(
            workshop=workshop, requested_by=request.user
        )[:3],
    }


@require_http_methods(["GET", "POST"])
@member_required
def meeting_agenda(request: MemberRequest, pk: int):
    workshop = workshop_of(request, pk)
    if request.method == "GET":
        return render(request, "profiles/meeting/agenda.html", _agenda_context(request, workshop))
    if not request.membership.can_edit:
        raise PermissionDenied
    posted = {n: request.POST.get(f"minutes_{n}", "") for n in agenda.DEFAULT_MINUTES}
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = ""
    try:
        services.meeting_agenda_save(workshop=workshop, minutes=posted, language=language)
        services.participant_functions_save(
            workshop=workshop,
            functions={
                person.pk: request.POST.get(f"function_{person.pk}", "")
                for person in workshop.participants.all()
            },
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {}
        context = _agenda_context(request, workshop, errors=errors, posted=posted)
        context["error"] = " ".join(error.messages)
        return render(request, "profiles/meeting/agenda.html", context, status=400)
    messages.success(request, _("The agenda was saved."))
    return redirect("meeting_agenda", pk=workshop.pk)


@require_POST
@leader_required
def meeting_room(request: MemberRequest, pk: int):
    """An action of the meeting bar (services.meeting_room_act); the facilitator who moves the
    room goes along, the others follow at their next poll."""
    workshop = workshop_of(request, pk)
    action = request.POST.get("action", "")
    try:
        page_step = int(request.POST.get("step", ""))
    except ValueError:
        page_step = 0
    presenting = request.POST.get("presenting") == "1"
    try:
        meeting = services.meeting_room_act(
            workshop=workshop, user=request.user, action=action, page_step=page_step
        )
    except services.NotFacilitator:
        text = _("Only the facilitator moves the room. Take over first if you want to lead.")
        if request.htmx:
            return HttpResponse(text, status=409)
        messages.error(request, text)
        return redirect("workshop_step", pk=workshop.pk, number=max(1, page_step))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    target = page_step
    if action in ("move", "next", "previous", "take") and meeting.room_step:
        target = meeting.room_step
    name = "meeting_present" if presenting else "workshop_step"
    url = reverse(name, args=[workshop.pk, target])
    if request.htmx:
        if target != page_step:
            return HttpResponseClientRedirect(url)
        response = HttpResponse(status=204)
        response["HX-Trigger"] = "live-refresh"
        return response
    return redirect(url)


# --------------------------------------------------------------------------- presenting


def _present_context(request, workshop, number: int, state) -> dict:
    found = content.step_content(workshop, number)
    found.figure = content.for_projector(found.figure)
    return {
        "workshop": workshop,
        "content": found,
        "number": number,
        "etag": state.etag(f"present{number}"),
        "live_url": reverse("meeting_present_live", args=[workshop.pk, number]),
        "poll_seconds": live.POLL_SECONDS,
        "meeting_bar": room.page_bar(request, workshop, number, presenting=True),
    }


def _state(request, pk: int):
    state = live.live_state(
        workshop_id=pk, organization_id=request.organization.pk, user_id=request.user.pk
    )
    if state is None:
        raise Http404
    return state


@require_GET
@member_required
def meeting_present(request: MemberRequest, pk: int, number: int):
    """A step for the projector: its question, its main chart or table and the decision so
    far, in large type, without the site's navigation."""
    workshop = workshop_of(request, pk)
    if number not in steps.STEP_PAGES:
        raise Http404
    state = _state(request, workshop.pk)
    return render(request, PRESENT_TEMPLATE, _present_context(request, workshop, number, state))


@require_GET
@member_required
def meeting_present_live(request: MemberRequest, pk: int, number: int):
    """The presenting view's poll: 304 until the workshop changes, then the step's content and
    the meeting bar (the view follows the room like a participant who follows)."""
    state = _state(request, pk)
    if number not in steps.STEP_PAGES:
        raise Http404
    etag = state.etag(f"present{number}")
    if live.matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        workshop = workshop_of(request, pk)
        context = {**_present_context(request, workshop, number, state), "oob": True}
        response = render(request, f"{PRESENT_TEMPLATE}#live", context)
    response["ETag"] = etag
    response["Cache-Control"] = "no-store"
    return response
