"""Step 6's panels that load after the page: criteria suggested from the data (and adopting
one), and the profile's self-check, for the draft and for a saved version."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from icp_site.access import MemberRequest, leader_required, member_required
from icp_site.l10n import MONEY_ATTRIBUTES, format_value
from profiles.models import ProfileVersion, WorkshopStep
from profiles.versions.criteria import OPERATOR_LABELS, SEGMENTS
from profiles.versions.diff import empty_content
from profiles.workshop import services
from profiles.workshop.draft import checks, suggestions
from profiles.workshop.draft import services as draft_services
from profiles.workshop.pages import workshop_of


class HtmxRequest(MemberRequest):
    htmx: HtmxDetails


def _rows(found, segment: str, names: dict[str, str], currency: str) -> list[dict]:
    rows = []
    for subgroup in found:
        rows.append(
            {
                "subgroup": subgroup,
                "conditions": [
                    {
                        "label": names.get(c.attribute, c.attribute),
                        "operator": OPERATOR_LABELS[c.operator],
                        "value": format_value(
                            list(c.value) if isinstance(c.value, tuple) else c.value,
                            currency=currency if c.attribute in MONEY_ATTRIBUTES else None,
                            between=c.operator == "between",
                        ),
                    }
                    for c in subgroup.conditions
                ],
                "share": subgroup.size / subgroup.population * 100 if subgroup.population else 0,
                "key": suggestions.signature(subgroup),
                "segment": segment,
            }
        )
    return rows


@require_GET
@member_required
@vary_on_headers("HX-Request")
def workshop_suggestions(request: HtmxRequest, pk: int):
    """The criteria the data suggests for the workshop's draft (a panel; a page without JS)."""
    workshop = workshop_of(request, pk)
    step = get_object_or_404(WorkshopStep, workshop=workshop, number=6)
    found = suggestions.for_workshop(workshop)
    content = {**empty_content(), **step.inputs}
    used = (
        [c.attribute for s in (*found.do_or_die, *found.do_not) for c in s.conditions]
        if found
        else []
    )
    names = checks.labels(content, used)
    currency = request.organization.currency
    context = {
        "workshop": workshop,
        "step": step,
        "found": found,
        "do_or_die": _rows(found.do_or_die, "do-or-die", names, currency) if found else [],
        "do_not": _rows(found.do_not, "do-not", names, currency) if found else [],
        "current_do_or_die": sum(c["segment"] == "do-or-die" for c in content["criteria"]),
        "can_edit": request.membership.can_edit,
    }
    template = "profiles/suggestions.html"
    return render(request, f"{template}#panel" if request.htmx else template, context)


@require_POST
@leader_required
def workshop_suggestion_adopt(request: MemberRequest, pk: int):
    """Adopt one suggestion into the draft's criteria (the decision log says why)."""
    workshop = workshop_of(request, pk)
    step = get_object_or_404(WorkshopStep, workshop=workshop, number=6)
    back = reverse("workshop_step", args=[workshop.pk, 6])
    segment = request.POST.get("segment", "")
    found = suggestions.for_workshop(workshop) if segment in SEGMENTS else None
    subgroup = (
        suggestions.find(found, segment, request.POST.get("suggestion", "")) if found else None
    )
    if subgroup is None:
        messages.error(
            request,
            _("This suggestion is no longer made: the data or the best customers changed."),
        )
        return redirect(back + "#suggestions")
    try:
        draft_services.workshop_draft_adopt(
            step=step,
            user=request.user,
            segment=segment,
            criteria=suggestions.criteria_of(subgroup, segment),
            evidence=suggestions.figures(subgroup, segment),
            version=int(request.POST.get("version", "-1")),
        )
    except (ValueError, services.StaleVersion):
        messages.error(request, _("A teammate changed the draft meanwhile; look at it first."))
        return redirect(back + "#suggestions")
    messages.success(request, _("The suggestion is now part of the draft; see its check below."))
    return redirect(back + "#selfcheck")


def _check_page(request: HtmxRequest, context: dict):
    template = "profiles/selfcheck.html"
    return render(request, f"{template}#panel" if request.htmx else template, context)


@require_GET
@member_required
@vary_on_headers("HX-Request")
def workshop_selfcheck(request: HtmxRequest, pk: int):
    """How the saved draft of step 6 fares on the customer list (a panel)."""
    workshop = workshop_of(request, pk)
    step = get_object_or_404(WorkshopStep, workshop=workshop, number=6)
    content = {**empty_content(), **step.inputs}
    context = {
        "check": checks.draft_check(workshop, content),
        "workshop": workshop,
        "back": reverse("workshop_step", args=[workshop.pk, 6]),
    }
    return _check_page(request, context)


@require_GET
@member_required
@vary_on_headers("HX-Request")
def profile_version_selfcheck(request: HtmxRequest, number: int):
    """How a saved version fares on its customer list (a panel of the version page)."""
    versions = ProfileVersion.objects.for_organization(request.organization).select_related(
        "workshop__dataset", "dataset"
    )
    version = get_object_or_404(versions, number=number)
    context = {
        "check": checks.version_check(version),
        "version": version,
        "back": reverse("profile_version", args=[version.number]),
    }
    return _check_page(request, context)
