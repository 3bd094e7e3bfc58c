"""Workshop pages: the list, a new workshop, steps 1-3 (their fields in form_steps), and what every
step shares: the step page (steps 4-5 in tables.views, 6 in draft.views), the live poll, Undo."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from icp_site import submissions
from icp_site.access import MemberRequest, leader_required, member_required
from portfolio.frames import cache as frame_cache
from profiles.meeting import room
from profiles.models import Workshop
from profiles.versions import traits
from profiles.workshop import form_steps, history, live, results, services, steps, undo
from profiles.workshop.draft import views as profile_views
from profiles.workshop.forms import WorkshopForm
from profiles.workshop.pages import page_name, progress, step_of, workshop_of
from profiles.workshop.tables import live as table_live
from profiles.workshop.tables import views as table_views

FORM_STEPS = (1, 2, 3)  # the steps saved by one form through workshop_step_save


@require_GET
@member_required
def workshops(request: MemberRequest):
    rows = (
        Workshop.objects.for_organization(request.organization)
        .select_related("dataset")
        .annotate(
            steps_done=Count("steps", filter=Q(steps__done=True)),
            steps_to_review=Count("steps", filter=Q(steps__needs_review=True)),
        )
    )
    return render(
        request, "profiles/workshops.html", {"workshops": rows, "step_count": len(steps.STEPS)}
    )


@require_http_methods(["GET", "POST"])
@leader_required
def workshop_new(request: MemberRequest):
    form = WorkshopForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():

        def create():
            workshop = services.workshop_create(
                organization=request.organization, user=request.user, **form.cleaned_data
            )
            return reverse("workshop_step", args=[workshop.pk, 1]), workshop

        try:
            # A double click or a reload sends the form again: one workshop all the same.
            url, created = submissions.once_per_submit(request, create)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created is not None:
                messages.success(request, _("The workshop was created."))
            return redirect(url)
    status = 400 if form.errors else 200
    return render(request, "profiles/workshop_new.html", {"form": form}, status=status)


@require_GET
@member_required
def workshop_detail(request: MemberRequest, pk: int):
    workshop = workshop_of(request, pk)
    context = {"workshop": workshop, "progress": progress(workshop, current=None)}
    return render(request, "profiles/workshop_detail.html", context)


@require_GET
@member_required
@vary_on_headers("HX-Request")
def workshop_step(request: MemberRequest, pk: int, number: int):
    workshop = workshop_of(request, pk)
    step = step_of(workshop, number)
    if number in traits.TABLE_OF_STEP:
        return table_views.table_page(request, workshop, traits.TABLE_OF_STEP[number])
    if number == 6:
        return profile_views.step6_page(request, workshop, step)
    context = form_steps.context(request, workshop, step, results.WorkshopData(workshop))
    return render(request, f"profiles/step{number}.html", context)


@require_POST
@leader_required
@vary_on_headers("HX-Request")
def workshop_step_save(request: MemberRequest, pk: int, number: int):
    """A field of step 1, 2 or 3 changed (or the whole form was sent): save what changed."""
    workshop = workshop_of(request, pk)
    step = step_of(workshop, number)
    if number not in FORM_STEPS:
        raise Http404  # steps 4-6 save through their own views
    data = results.WorkshopData(workshop)
    form = form_steps.bound_form(request, step, data)
    outcome = form_steps.SaveOutcome()
    if form.is_valid():
        outcome.posted = form_steps.posted_inputs(form, step)
        try:
            outcome = form_steps.save(request, workshop, step, data, form, outcome.posted)
        except ValidationError as error:
            form_steps.add_errors(form, error)
    # Steps 4 and 5 describe the best customers: step 3 is not left with nobody picked.
    nobody = number == 3 and "next" in request.POST and not _picked(workshop, data)
    if not form.errors and not outcome.conflicts and not outcome.taken:
        if "next" in request.POST and number + 1 in steps.STEP_PAGES and not nobody:
            url = reverse("workshop_step", args=[workshop.pk, number + 1])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        if nobody and not request.htmx:
            messages.error(request, _(NOBODY_PICKED))
        if not request.htmx:
            return redirect("workshop_step", pk=workshop.pk, number=number)
    step.refresh_from_db()
    context = form_steps.context(request, workshop, step, data, form=form, oob=True)
    context["nobody_picked"] = nobody
    if form.errors and not request.htmx:
        # The page again with what the person typed (in the browser it is still there).
        context["fields"] = form_steps.fields(
            step, context["inputs"], data, context["result"], shown=outcome.posted
        )
    else:
        context["fields"] = form_steps.after_save(
            step, context["inputs"], data, context["result"], outcome
        )
    if request.htmx:
        response = render(request, f"profiles/step{number}.html#results", context)
    else:
        status = 400 if form.errors else 409
        response = render(request, f"profiles/step{number}.html", context, status=status)
    if outcome.conflicts:
        response["HX-Trigger"] = "field-conflict"
    elif form.errors:
        response["HX-Trigger"] = "field-invalid"
    return response


NOBODY_PICKED = gettext_noop(
    "No best customer is picked: steps 4 and 5 describe them. Raise the number to take or add "
    "customers below."
)


def _picked(workshop, data) -> int:
    """How many best customers step 3 picks now."""
    return form_steps.step_result(workshop, 3, data).selection_count


@require_POST
@leader_required
def workshop_step_review(request: MemberRequest, pk: int, number: int):
    workshop = workshop_of(request, pk)
    step = step_of(workshop, number)
    try:
        version = int(request.POST.get("version", ""))
        services.workshop_step_review(step=step, user=request.user, version=version)
    except (ValueError, services.StaleVersion):
        messages.error(request, _("The step changed meanwhile; check it again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as reviewed."))
    return redirect("workshop_step", pk=workshop.pk, number=number)


@require_POST
@leader_required
def workshop_undo(request: MemberRequest, pk: int):
    """Undo the newest change of the workshop (the one the person saw on the Undo button)."""
    workshop = workshop_of(request, pk)
    try:
        change_id = int(request.POST.get("change", ""))
    except ValueError:
        change_id = -1
    try:
        change = undo.workshop_change_undo(
            workshop=workshop, change_id=change_id, user=request.user
        )
    except undo.NothingToUndo:
        level, text = messages.WARNING, _("There is nothing left to undo.")
    except undo.NewerChange as newer:
        level = messages.WARNING
        text = _("A newer change came in meanwhile: %(change)s. Undo that one first if you want.")
        text %= {"change": history.describe(newer.change)}
    except undo.ChangedSince:
        level = messages.ERROR
        text = _("This change cannot be undone: what it changed was changed again since.")
    except ValidationError as error:
        level, text = messages.ERROR, " ".join(error.messages)
    else:
        level, text = (
            messages.SUCCESS,
            _("Undone: %(change)s") % {"change": history.describe(change)},
        )
    number = _return_step(request)
    if request.htmx:
        context = {"workshop": workshop, "last_change": history.last_change(workshop.pk)}
        tag = {messages.SUCCESS: "success", messages.WARNING: "warning"}.get(level, "error")
        context.update(oob=True, announcement=text, level_tag=tag, can_edit=True)
        response = render(request, "profiles/_undo.html", context)
        response["HX-Trigger"] = "live-refresh"
        return response
    messages.add_message(request, level, text)
    return redirect("workshop_step", pk=workshop.pk, number=number)


def _return_step(request) -> int:
    try:
        number = int(request.POST.get("step", "1"))
    except ValueError:
        number = 1
    return number if number in steps.STEP_PAGES else 1


@require_GET
@member_required
def workshop_live(request: MemberRequest, pk: int, number: int):
    state = live.live_state(
        workshop_id=pk, organization_id=request.organization.pk, user_id=request.user.pk
    )
    if state is None or number not in steps.STEP_PAGES:
        raise Http404
    etag = state.etag(page_name(number))
    if live.matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    elif number == 6:
        response = profile_views.step6_live(request, pk, state)
    elif number in traits.TABLE_OF_STEP:
        response = table_live.live_table(request, pk, traits.TABLE_OF_STEP[number], state)
    else:
        response = _form_step_live(request, pk, number, state)
    if response.status_code == 200:
        bar = room.bar_html(request, workshop_id=pk, revision=state.revision, page_step=number)
        response.content = bar + response.content
    response.setdefault("ETag", etag)
    # The page sends If-None-Match itself (static/js/live.js); the browser cache stays out.
    response["Cache-Control"] = "no-store"
    return response


def _form_step_live(request, pk: int, number: int, state):
    """Steps 1-3 after a change: the results, the fields the person is not editing, the
    progress and the newest change (rendered once per revision for all who edit the same
    fields, which is nobody most of the time), and who else is here."""
    editing = tuple(sorted(set(request.GET.getlist("editing"))))
    can_edit = request.membership.can_edit
    key = (pk, number, state.revision, editing, can_edit, get_language())

    def render_part() -> bytes:
        workshop = workshop_of(request, pk)
        step = step_of(workshop, number)
        data = results.WorkshopData(workshop)
        context = form_steps.context(request, workshop, step, data, oob=True)
        context["fields"] = form_steps.polled(
            step, context["inputs"], data, context["result"], set(editing)
        )
        return render(request, f"profiles/step{number}.html#live", context).content

    part = _FORM_LIVE.get_or_set(key, render_part)
    return HttpResponse(live.presence_html(state.others) + part)


_FORM_LIVE = frame_cache.Memo(64)
