"""Workshop pages: the list, a new workshop, steps 1-3, and the two entry points every step shares:
the step page (steps 4-5 in tables.views, 6 in draft.views) and the live poll."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, retarget

from icp_site import submissions
from icp_site.access import MemberRequest, leader_required, member_required
from portfolio.analysis import GOALS
from portfolio.frames.customers import column_label
from profiles.models import Workshop
from profiles.versions import traits
from profiles.workshop import live, results, services, steps
from profiles.workshop.draft import views as profile_views
from profiles.workshop.forms import Step1Form, Step2Form, Step3Form, WorkshopForm
from profiles.workshop.pages import progress, step_of, workshop_of
from profiles.workshop.tables import views as table_views

FORM_STEPS = (1, 2, 3)  # the steps saved by one form through workshop_step_save

# Which form field shows an error about an input key of a step.
ERROR_FIELDS = {
    "thresholds": "medium_max",
    "excluded": "reason",
    "included": "include",
    "selection": None,
}


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
    context = _step_context(request, workshop, step, results.WorkshopData(workshop))
    return _render_step(request, step, context)


@require_POST
@leader_required
@vary_on_headers("HX-Request")
def workshop_step_save(request: MemberRequest, pk: int, number: int):
    workshop = workshop_of(request, pk)
    step = step_of(workshop, number)
    if number not in FORM_STEPS:
        raise Http404  # steps 4-6 save through their own views
    data = results.WorkshopData(workshop)
    form = _bound_form(request, step, data)
    stale = None
    if form.is_valid():
        inputs = _form_inputs(form, step, workshop, data)
        if not form.errors:
            try:
                services.workshop_step_save(
                    step=step,
                    user=request.user,
                    inputs=inputs,
                    version=form.cleaned_data["version"],
                    workshop_data=data,
                )
            except services.StaleVersion as error:
                stale = error.step
            except ValidationError as error:
                _add_errors(form, error)
    if stale is None and not form.errors:
        if "next" in request.POST and number + 1 in steps.STEP_PAGES:
            url = reverse("workshop_step", args=[workshop.pk, number + 1])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        if not request.htmx:
            return redirect("workshop_step", pk=workshop.pk, number=number)
    step.refresh_from_db()
    if stale is not None:
        # Refused: show what the teammate saved, with a note; the editor's change is not kept.
        context = _step_context(request, workshop, step, data, conflict=True)
        if request.htmx:
            response = _render_step(request, step, context, partial="body")
            return retarget(response, "#step-body")
        return _render_step(request, step, context, status=409)
    if form.errors:
        context = _step_context(request, workshop, step, data, form=form)
        return _render_step(request, step, context, status=200 if request.htmx else 400)
    context = _step_context(request, workshop, step, data)
    if number == 1:
        # The server set what the editor did not type (a preset's limits, "my own limits").
        posted = form.inputs()
        context["oob_preset"] = posted["preset"] != step.inputs["preset"]
        context["oob_thresholds"] = posted["thresholds"] != step.inputs["thresholds"]
    return _render_step(request, step, context)


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


# --------------------------------------------------------------------------- helpers


def _bound_form(request, step, data):
    if step.number == 1:
        return Step1Form(request.POST, metrics=data.metrics)
    return {2: Step2Form, 3: Step3Form}[step.number](request.POST)


def _form_inputs(form, step, workshop, data) -> dict:
    if step.number != 3:
        return form.inputs()
    step1 = services.saved_inputs(workshop, 1, data)
    main_group = _main_group(workshop, data)
    previous = services.saved_inputs(workshop, 3, data)

    def find(text):
        if main_group is None:
            return None
        criterion = GOALS[form.cleaned_data["goal"]][0]
        return results.find_customer(data.group(step1, main_group, criterion), text)

    return form.inputs(previous, find_customer=find)


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = ERROR_FIELDS.get(key, key)
        form.add_error(field if field in form.fields else None, errors)


def _main_group(workshop, data) -> str | None:
    step2 = services.saved_inputs(workshop, 2, data)
    return step2["main_group"] or results.proposed_group(
        data, services.saved_inputs(workshop, 1, data)
    )


def _initial_form(step, inputs, data):
    version = {"version": step.version}
    if step.number == 1:
        t1, t2 = inputs["thresholds"]
        initial = {**inputs, "small_max": t1, "medium_max": t2, **version}
        return Step1Form(initial=initial, metrics=data.metrics)
    if step.number == 2:
        return Step2Form(initial={**inputs, **version})
    return Step3Form(initial={**inputs, **version})


def _step_context(request, workshop, step, data, *, form=None, conflict=False) -> dict:
    inputs = services.saved_inputs(workshop, step.number, data)
    step1 = services.saved_inputs(workshop, 1, data)
    if step.number == 1:
        result = results.step1(data, inputs)
    elif step.number == 2:
        result = results.step2(data, step1, inputs)
    else:
        result = results.step3(data, step1, _main_group(workshop, data), inputs)
    return {
        "workshop": workshop,
        "step": step,
        "definition": steps.get_step(step.number),
        "inputs": inputs,
        "result": result,
        "form": form or _initial_form(step, inputs, data),
        "can_edit": request.membership.can_edit,
        # Inputs save themselves on change (only for those who may edit).
        "autosave": format_html(
            'hx-post="{}" hx-trigger="change"',
            reverse("workshop_step_save", args=[workshop.pk, step.number]),
        )
        if request.membership.can_edit
        else "",
        "progress": progress(workshop, current=step.number),
        "previous_number": step.number - 1 if step.number > 1 else None,
        "next_number": step.number + 1 if step.number + 1 in steps.STEP_PAGES else None,
        "conflict": conflict,
        "metric_label": column_label(step1["metric"]),
    }


def _render_step(request, step, context, *, partial: str = "results", status: int = 200):
    template = f"profiles/step{step.number}.html"
    if request.htmx:
        template += f"#{partial}"
        context["oob"] = partial == "results"
    return render(request, template, context, status=status)


@require_GET
@member_required
def workshop_live(request: MemberRequest, pk: int, number: int):
    state = live.live_state(
        workshop_id=pk, organization_id=request.organization.pk, user_id=request.user.pk
    )
    if state is None or number not in (4, 5, 6):
        raise Http404
    page = traits.TABLE_OF_STEP.get(number, f"step{number}")
    etag = state.etag(page)
    if live.matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    elif number == 6:
        response = profile_views.step6_live(request, pk, state)
    else:
        response = table_views.live_table(request, pk, page, state)
    response.setdefault("ETag", etag)
    # The page sends If-None-Match itself (static/js/live.js); the browser cache stays out.
    response["Cache-Control"] = "no-store"
    return response
