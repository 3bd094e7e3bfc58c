"""Step 6: the draft profile and what it means for the customer list; save, rebuild from the
tables, save as a version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, leader_required, member_required
from profiles.models import ProfileVersion, Workshop, WorkshopStep
from profiles.versions import criteria, diff
from profiles.versions import services as version_services
from profiles.versions.criteria import OPERATORS, SEGMENTS
from profiles.workshop import live, services, steps
from profiles.workshop.draft import build as draft
from profiles.workshop.draft import evidence as evidence_module
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.draft.forms import parse_draft
from profiles.workshop.pages import progress, workshop_of

# --------------------------------------------------------------------------- step 6


def _step6_context(request, workshop, step, *, errors=None, posted=None, conflict=False):

    evidence = Evidence(workshop)
    content = posted or {**diff.empty_content(), **step.inputs}
    state = live.live_state(
        workshop_id=workshop.pk, organization_id=workshop.organization_id, user_id=request.user.pk
    )
    traits = [
        {
            **trait,
            "text": criteria.value_text(trait["value"]),
            "evidence": evidence(trait["key"], trait["value"]),
        }
        for trait in content["traits"]
    ]
    labels = {t["key"]: t["label"] for t in content["traits"]}
    criteria_rows = [
        {
            **item,
            "index": i,
            "text": criteria.value_text(item["value"]),
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
        "operators": [(op, criteria.OPERATOR_LABELS[op]) for op in OPERATORS],
        "preview": evidence_module.application(workshop),
        "decisions": list(reversed(content["decisions"])),
        "errors": errors or [],
        "conflict": conflict,
        "can_edit": request.membership.can_edit,
        "progress": progress(workshop, current=6),
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
    workshop = workshop_of(request, pk)
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


@require_GET
@member_required
def workshop_draft_preview(request: MemberRequest, pk: int):
    """The draft's figures alone: polled while a large list is recomputed in the background."""
    workshop = workshop_of(request, pk)
    context = {"workshop": workshop, "preview": evidence_module.application(workshop)}
    return render(request, "profiles/step6.html#application", context)


@require_POST
@leader_required
@vary_on_headers("HX-Request")
def workshop_draft_save(request: MemberRequest, pk: int):
    workshop = workshop_of(request, pk)
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
            draft_services.workshop_draft_save(
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
    workshop = workshop_of(request, pk)
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
    workshop = workshop_of(request, pk)
    try:
        version = version_services.profile_version_save(
            workshop=workshop, user=request.user, note=request.POST.get("note", "")[:2000]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workshop_step", pk=workshop.pk, number=6)
    messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
    return redirect("profile_version", number=version.number)


# --------------------------------------------------------------------------- versions
