"""Step 6: the draft profile, edited field by field by the whole team; rebuilt from the tables;
saved as a version (pending edits first); and its live poll."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, leader_required, member_required
from portfolio.frames import cache as frame_cache
from profiles.meeting import checklist
from profiles.models import Workshop, WorkshopStep
from profiles.versions import services as version_services
from profiles.versions.diff import empty_content
from profiles.workshop import history, live, services
from profiles.workshop.draft import evidence as evidence_module
from profiles.workshop.draft import fields, page
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.draft.forms import DraftPost, read_post
from profiles.workshop.pages import workshop_of

TEMPLATE = "profiles/step6.html"


def _step(workshop) -> WorkshopStep:
    return get_object_or_404(WorkshopStep, workshop=workshop, number=6)


def _structure(content: dict) -> str:
    """A fingerprint of which traits and criteria there are: a poll rebuilds the sections when
    it changes."""
    text = repr(fields.all_fields(content))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def _context(request, workshop, step, **extra) -> dict:
    context = page.context(request, workshop, step, state=extra.pop("state", None))
    context["save_url"] = reverse("workshop_draft_save", args=[workshop.pk])
    context["structure"] = _structure(context["content"])
    context.update(extra)
    return context


def step6_page(request: MemberRequest, workshop: Workshop, step: WorkshopStep):
    """Step 6 (called by views.workshop_step)."""
    return render(request, TEMPLATE, _context(request, workshop, step))


def step6_live(request: MemberRequest, pk: int, state):
    """The poll of step 6 after a change: the fields the person is not editing, what the
    draft means for the customer list, the decision log, the progress, the newest change and
    who is here. All but who is here and what the person edits is the same for everybody at
    a revision: rendered once per process."""
    editing = set(request.GET.getlist("editing"))
    structure = request.GET.get("structure", "")
    can_edit = request.membership.can_edit
    key = (pk, state.revision, structure, can_edit, get_language())
    parts = _LIVE.get_or_set(key, lambda: _live_parts(request, pk, state, structure))
    body = [live.presence_html(state.others), parts["head"]]
    if parts["fields"] is None:
        body.append(parts["notice"] if editing else parts["sections"])
    else:
        body += [html for field_id, html in parts["fields"] if field_id not in editing]
    return HttpResponse(b"".join(body))


def _live_parts(request, pk, state, structure) -> dict:
    workshop = workshop_of(request, pk)
    step = _step(workshop)
    context = _context(request, workshop, step, state=state, oob=True)
    head = render_to_string(f"{TEMPLATE}#live_head", context, request=request).encode()
    if structure != context["structure"]:
        return {
            "head": head,
            "fields": None,
            "sections": (
                render_to_string(f"{TEMPLATE}#sections", context, request)
                + render_to_string(f"{TEMPLATE}#structure_input", context, request)
            ).encode(),
            "notice": render_to_string(f"{TEMPLATE}#rebuilt", context, request).encode(),
        }
    rendered = []
    for field_id in fields.all_fields(context["content"]):
        if _is_criterion(field_id):
            continue
        field = page.field_of(step, context["content"], field_id)
        field.swap = "field"
        html = render_to_string("profiles/step6/_field.html", {**context, "field": field})
        rendered.append((field_id, html.encode()))
    return {"head": head, "fields": rendered}


_LIVE = frame_cache.Memo(32)


def _is_criterion(field_id: str) -> bool:
    return field_id.startswith("crit:") and field_id.count(":") == 3


# --------------------------------------------------------------------------- saving


@require_GET
@member_required
def workshop_draft_preview(request: MemberRequest, pk: int):
    """The draft's figures alone: polled while a large list is recomputed in the background."""
    workshop = workshop_of(request, pk)
    context = {"workshop": workshop, "preview": evidence_module.application(workshop)}
    return render(request, "profiles/step6/_application.html", context)


@require_POST
@leader_required
@vary_on_headers("HX-Request")
def workshop_draft_save(request: MemberRequest, pk: int):
    """What the person changed in the draft: one field (it was left, or Enter), a reason, a
    criterion added or removed, a conflict decided, or (without JavaScript) the whole form."""
    workshop = workshop_of(request, pk)
    step = _step(workshop)
    evidence = Evidence(workshop)
    post = read_post(request, step, evidence)
    result, errors = _apply(request, step, post, evidence)
    if not request.htmx:
        if errors or result.conflicts or result.gone or post.new_error:
            return _refused(request, workshop, post, result, errors)
        messages.success(request, _("The draft was saved."))
        return redirect(reverse("workshop_step", args=[workshop.pk, 6]))
    return _answer(request, workshop, post, result, errors, evidence)


def _apply(request, step, post: DraftPost, evidence):
    """Save the post's edits and reason; (result, errors by field id)."""
    errors = dict(post.errors)
    result = draft_services.DraftSaved(step)
    result.gone += post.gone
    if post.edits:
        try:
            result = draft_services.workshop_draft_fields_save(
                step=step, user=request.user, edits=post.edits, evidence=evidence
            )
            result.gone += post.gone
        except ValidationError as error:
            errors.update({edit.field: " ".join(error.messages) for edit in post.edits})
    if post.reason_for:
        draft_services.workshop_draft_reason_save(
            step=step,
            user=request.user,
            field_id=post.reason_for,
            reason=post.reasons.get(post.reason_for, ""),
            evidence=evidence,
        )
    return result, errors


def _problems(step, post: DraftPost, result, errors) -> list[page.DraftField]:
    """The fields to show again with what the person typed: conflicts, errors, gone."""
    step.refresh_from_db()
    content = {**empty_content(), **step.inputs}
    shown = []
    for field_id in [*result.conflicts, *errors, *result.gone]:
        field = page.field_of(step, content, field_id)
        field.text = post.typed.get(field_id, field.text)
        if field_id in result.conflicts:
            theirs = page.field_of(step, content, field_id)
            who = history.last_author(step.workshop_id, f"draft:{field_id}")
            field.conflict = {"by": who, "theirs": theirs.text or "—"}
        field.error = errors.get(field_id, "")
        field.gone = field_id in result.gone
        field.swap = "field"
        shown.append(field)
    return shown


def _answer(request, workshop, post: DraftPost, result, errors, evidence):
    step = _step(workshop)
    content = {**empty_content(), **step.inputs}
    swapped = _problems(step, post, result, errors)
    problem_ids = {field.id for field in swapped}
    kept = request.POST.get("keep", "")
    for field_id in result.saved:
        if field_id in problem_ids or _is_criterion(field_id):
            continue
        field = page.field_of(step, content, field_id)
        field.swap = "field" if field_id == kept else "version"  # a decided conflict goes
        swapped.append(field)
    if post.taken:
        field = page.field_of(step, content, post.taken)
        field.swap = "field"
        swapped.append(field)
    context = _context(request, workshop, step, oob=True)
    context.update(swapped=swapped, new_error=post.new_error)
    context["kept"] = post.new_values if post.new_error else None
    context["changed_sections"] = [
        section for section in context["sections"] if section["id"] == post.segment_changed
    ]
    response = render(request, "profiles/step6/_answer.html", context)
    if result.conflicts:
        response["HX-Trigger"] = "field-conflict"
    elif errors or result.gone or post.new_error:
        response["HX-Trigger"] = "field-invalid"
    return response


def _refused(request, workshop, post: DraftPost, result, errors, *, note=""):
    """Without JavaScript (or saving a version): the page with the fields that were not saved,
    each showing what the person typed."""
    step = _step(workshop)
    problems = _problems(step, post, result, errors)
    context = _context(request, workshop, step)
    by_id = {field.id: field for field in problems}
    _replace_fields(context, by_id)
    names = [field.label for field in problems]
    context["errors"] = (
        [_("Not saved, decide on these first: %(fields)s.") % {"fields": ", ".join(names)}]
        if names
        else []
    )
    if post.new_error:
        context["errors"].append(post.new_error)
        context["kept"], context["new_error"] = post.new_values, post.new_error
    context["version_note"] = note
    status = 409 if result.conflicts else 400
    if note and not context["errors"]:
        context["errors"] = [_("Nothing was saved as a version.")]
    return render(request, TEMPLATE, context, status=status)


def _replace_fields(context: dict, by_id: dict) -> None:
    for row in context["traits"]:
        for name in ("value_field", "relevant_field"):
            row[name] = by_id.get(row[name].id, row[name])
    for segment in context["segments"]:
        segment["notes_field"] = by_id.get(segment["notes_field"].id, segment["notes_field"])
        for row in segment["criteria"]:
            for name in ("value_field", "note_field"):
                row[name] = by_id.get(row[name].id, row[name])


@require_POST
@leader_required
def workshop_draft_rebuild(request: MemberRequest, pk: int):
    """Start the draft again from the summaries of steps 4 and 5 (Undo takes it back)."""
    workshop = workshop_of(request, pk)
    step = _step(workshop)
    try:
        draft_services.workshop_draft_rebuild(
            step=step,
            user=request.user,
            evidence=Evidence(workshop),
            version=int(request.POST.get("version", "-1")),
        )
    except (ValueError, services.StaleVersion):
        messages.error(request, _("A teammate changed the draft meanwhile; look at it first."))
    else:
        messages.success(request, _("The draft was filled in from the company and buyer tables."))
    return redirect("workshop_step", pk=workshop.pk, number=6)


@require_POST
@leader_required
def profile_version_create(request: MemberRequest, pk: int):
    """Save the draft as a version: the person's edits not saved yet are saved first; when one
    of them cannot be (a teammate changed it, it does not read), nothing is versioned and the
    page names them."""
    workshop = workshop_of(request, pk)
    step = _step(workshop)
    note = request.POST.get("note", "")[:2000]
    if "field" in request.POST:
        evidence = Evidence(workshop)
        post = read_post(request, step, evidence, whole=True)
        result, errors = _apply(request, step, post, evidence)
        if errors or result.conflicts or result.gone or post.new_error:
            return _refused(request, workshop, post, result, errors, note=note)
    if (unmet := checklist.unmet(workshop)) and request.POST.get("checklist_ack") != "1":
        context = _context(request, workshop, step, version_note=note)
        context["errors"] = [
            _(
                "Not saved as a version: the check-list is not complete (%(items)s). Complete "
                "it, or tick “Save anyway” if the team knows what is missing."
            )
            % {"items": "; ".join(item.label for item in unmet)}
        ]
        return render(request, TEMPLATE, context, status=400)
    try:
        version = version_services.profile_version_save(
            workshop=workshop, user=request.user, note=note
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workshop_step", pk=workshop.pk, number=6)
    messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
    return redirect("profile_version", number=version.number)
