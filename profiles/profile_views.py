"""Step 6 (the draft profile and what it means for the customer list) and the profile versions:
save, history, diff, publish, restore, and the current profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, leader_required, member_required
from profiles import diff, draft, live, services, steps, tables
from profiles import evidence as evidence_module
from profiles.criteria import OPERATORS, SEGMENTS
from profiles.evidence import Evidence
from profiles.forms import PublishForm, parse_draft
from profiles.models import ProfileVersion, Publication, Workshop, WorkshopStep


def _workshop(request: MemberRequest, pk: int) -> Workshop:
    workshops = Workshop.objects.for_organization(request.organization).select_related("dataset")
    return get_object_or_404(workshops, pk=pk)


# --------------------------------------------------------------------------- step 6


def _step6_context(request, workshop, step, *, errors=None, posted=None, conflict=False):
    from profiles.views import _progress

    evidence = Evidence(workshop)
    content = posted or {**diff.empty_content(), **step.inputs}
    state = live.live_state(
        workshop_id=workshop.pk, organization_id=workshop.organization_id, user_id=request.user.pk
    )
    traits = [
        {
            **trait,
            "text": draft.value_text(trait["value"]),
            "evidence": evidence(trait["key"], trait["value"]),
        }
        for trait in content["traits"]
    ]
    labels = {t["key"]: t["label"] for t in content["traits"]}
    criteria_rows = [
        {
            **item,
            "index": i,
            "text": draft.value_text(item["value"]),
            "label": labels.get(item["attribute"], item["attribute"]),
        }
        for i, item in enumerate(content["criteria"])
    ]
    attributes = [(s.column.key, str(s.column.label)) for s in evidence.by_key.values()]
    known = {key for key, _label in attributes}
    attributes += [
        (field, field)
        for field in ("revenue", "seats", "owner", "contract_type")
        if field not in known
    ]
    return {
        "workshop": workshop,
        "step": step,
        "definition": steps.get_step(6),
        "content": content,
        "traits": traits,
        "segments": [
            {
                "key": segment,
                "criteria": [c for c in criteria_rows if c["segment"] == segment],
                "note": content["notes"].get(segment, ""),
            }
            for segment in SEGMENTS
        ],
        "attributes": attributes,
        "operators": [(op, draft.OPERATOR_LABELS[op]) for op in OPERATORS],
        "application": evidence_module.application(workshop, content, evidence),
        "decisions": list(reversed(content["decisions"])),
        "errors": errors or [],
        "conflict": conflict,
        "can_edit": request.membership.can_edit,
        "progress": _progress(workshop, current=6),
        "present": live.names(state.others),
        "etag": state.etag("step6"),
        "live_url": reverse("workshop_live", args=[workshop.pk, 6]),
        "poll_seconds": live.POLL_SECONDS,
        "has_tables": any(evidence.by_key.values()),
        "versions": ProfileVersion.objects.for_organization(workshop.organization).filter(
            workshop=workshop
        )[:5],
    }


def step6_page(request: MemberRequest, workshop: Workshop, step: WorkshopStep):
    """Step 6 (called by views.workshop_step)."""
    return render(request, "profiles/step6.html", _step6_context(request, workshop, step))


def step6_live(request: MemberRequest, pk: int, state):
    """The poll of step 6: who is here, and a notice when a teammate saved the draft."""
    workshop = _workshop(request, pk)
    step = get_object_or_404(WorkshopStep, workshop=workshop, number=6)
    seen = request.GET.get("version", "")
    context = {
        "present": live.names(state.others),
        "oob": True,
        "changed": seen != str(step.version),
        "step": step,
        "workshop": workshop,
    }
    return render(request, "profiles/step6.html#live", context)


@require_POST
@leader_required
@vary_on_headers("HX-Request")
def workshop_draft_save(request: MemberRequest, pk: int):
    workshop = _workshop(request, pk)
    step = get_object_or_404(WorkshopStep, workshop=workshop, number=6)
    evidence = Evidence(workshop)
    current = {**diff.empty_content(), **step.inputs}
    content, reasons, errors = parse_draft(request.POST, current, evidence.column)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    if not errors:
        try:
            services.workshop_draft_save(
                step=step,
                user=request.user,
                content=content,
                version=version,
                reasons=reasons,
                evidence=evidence,
            )
        except services.StaleVersion as stale:
            context = _step6_context(request, workshop, stale.step, conflict=True)
            return render(request, "profiles/step6.html", context, status=409)
        except ValidationError as error:
            errors = error.messages
    if errors:
        context = _step6_context(request, workshop, step, errors=errors, posted=content)
        return render(request, "profiles/step6.html", context, status=400)
    messages.success(request, _("The draft was saved."))
    return redirect(reverse("workshop_step", args=[workshop.pk, 6]) + "#segments")


@require_POST
@leader_required
def workshop_draft_rebuild(request: MemberRequest, pk: int):
    """Start the draft again from the summaries of steps 4 and 5."""
    workshop = _workshop(request, pk)
    step = get_object_or_404(WorkshopStep, workshop=workshop, number=6)
    evidence = Evidence(workshop)
    content = draft.draft_from_tables(
        evidence.by_table,
        by=str(request.user),
        at=timezone.now().isoformat(timespec="seconds"),
    )
    try:
        services.workshop_step_save(
            step=step,
            user=request.user,
            inputs={
                **content,
                "decisions": step.inputs.get("decisions", []) + content["decisions"],
            },
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
    workshop = _workshop(request, pk)
    try:
        version = services.profile_version_save(
            workshop=workshop, user=request.user, note=request.POST.get("note", "")[:2000]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workshop_step", pk=workshop.pk, number=6)
    messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
    return redirect("profile_version", number=version.number)


# --------------------------------------------------------------------------- versions


def _version(request: MemberRequest, number: int) -> ProfileVersion:
    versions = ProfileVersion.objects.for_organization(request.organization).select_related(
        "author", "workshop", "dataset", "restored_from"
    )
    return get_object_or_404(versions, number=number)


@require_GET
@member_required
def profile_versions(request: MemberRequest):
    org = request.organization
    versions = ProfileVersion.objects.for_organization(org).select_related(
        "author", "workshop", "restored_from"
    )
    published = {}
    for publication in Publication.objects.for_organization(org).order_by("published_at"):
        published[publication.version_id] = publication
    current = ProfileVersion.objects.current(org)
    rows = [{"version": v, "publication": published.get(v.pk)} for v in versions]
    return render(
        request,
        "profiles/versions.html",
        {"rows": rows, "current": current, "can_edit": request.membership.can_edit},
    )


@require_GET
@member_required
def profile_version(request: MemberRequest, number: int):
    version = _version(request, number)
    org = request.organization
    current = ProfileVersion.objects.current(org)
    publications = Publication.objects.filter(version=version).select_related("published_by")
    proposal = services.next_review_proposal(org, timezone.localdate())
    context = {
        "version": version,
        "content": _readable(version.content),
        "is_current": current == version,
        "publications": publications,
        "form": PublishForm(initial={"next_review_date": proposal}),
        "can_edit": request.membership.can_edit,
        "previous": ProfileVersion.objects.for_organization(org)
        .filter(number__lt=version.number)
        .order_by("-number")
        .first(),
    }
    return render(request, "profiles/version.html", context)


@require_POST
@leader_required
def profile_version_publish(request: MemberRequest, number: int):
    version = _version(request, number)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.profile_version_publish(
                version=version,
                user=request.user,
                next_review_date=form.cleaned_data["next_review_date"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Version %(number)s is now the current profile.") % {"number": version.number},
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("profile_version", number=version.number)


@require_POST
@leader_required
def profile_version_restore(request: MemberRequest, number: int):
    version = _version(request, number)
    note = request.POST.get("note", "").strip() or _("Restored from version %(number)s") % {
        "number": version.number
    }
    restored = services.profile_version_restore(version=version, user=request.user, note=note)
    messages.success(
        request,
        _("Version %(old)s was saved again as version %(new)s.")
        % {"old": version.number, "new": restored.number},
    )
    return redirect("profile_version", number=restored.number)


@require_GET
@member_required
def profile_version_diff(request: MemberRequest):
    org = request.organization
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        raise Http404 from None
    before = get_object_or_404(ProfileVersion.objects.for_organization(org), number=a)
    after = get_object_or_404(ProfileVersion.objects.for_organization(org), number=b)
    context = {
        "before": before,
        "after": after,
        "diff": diff.diff(before.content, after.content),
        "numbers": ProfileVersion.objects.for_organization(org).values_list("number", flat=True),
    }
    return render(request, "profiles/version_diff.html", context)


def _readable(content: dict) -> dict:
    """A version's content arranged for reading: relevant traits, criteria by segment."""
    traits = [{**t, "label": tables.trait_label(t["key"], t["label"])} for t in content["traits"]]
    labels = {t["key"]: t["label"] for t in traits}
    return {
        "traits": [{**t, "text": draft.value_text(t["value"])} for t in traits if t["relevant"]],
        "dropped": [t for t in traits if not t["relevant"]],
        "segments": [
            {
                "key": segment,
                "criteria": [
                    {
                        **c,
                        "text": draft.value_text(c["value"]),
                        "label": labels.get(c["attribute"], c["attribute"]),
                        "operator_label": draft.OPERATOR_LABELS.get(c["operator"], c["operator"]),
                    }
                    for c in content["criteria"]
                    if c["segment"] == segment
                ],
                "note": content["notes"].get(segment, ""),
            }
            for segment in SEGMENTS
        ],
        "decisions": content["decisions"],
    }
