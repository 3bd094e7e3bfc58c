"""The reps' pages: the current profile (one-pager) and the fit check of one prospect."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from icp_site import l10n
from icp_site.access import MemberRequest, member_required
from portfolio.models import Customer
from profiles.models import SavedFitCheck
from profiles.reps import fitcheck, onepager
from profiles.reps import services as rep_services
from profiles.reps.forms import (
    FitCheckForm,
)
from profiles.reps.pages import SAVED_SHOWN, current_version, no_profile
from profiles.segments import lists, segmenting, services
from profiles.versions.guidance import segment_action

# --------------------------------------------------------------------------- the one-pager


@require_GET
@member_required
def current_profile(request: MemberRequest):
    version = current_version(request)
    if version is None:
        return no_profile(request, _("Current profile"))
    dataset = lists.segment_dataset(request.organization, version)
    context = {**onepager.one_pager(version, dataset), "is_current": True}
    return render(request, "profiles/current/profile.html", context)


# --------------------------------------------------------------------------- fit check


@require_http_methods(["GET", "POST"])
@member_required
@vary_on_headers("HX-Request")
def fit_check(request: MemberRequest):
    version = current_version(request)
    if version is None:
        return no_profile(request, _("Fit check"))
    attributes = fitcheck.attributes_for(version.content)
    labels = {a.key: a.label for a in attributes}
    language = get_language()
    existing = None
    if request.method == "GET" and request.GET.get("customer"):
        existing = _existing_customer(request, version, request.GET["customer"])
    form = FitCheckForm(
        request.POST or None,
        attributes=attributes,
        language=language,
        prefix="fit",
        initial=existing["initial"] if existing else None,
    )
    context = {"version": version, "form": form, "labels": labels, "existing": existing}
    if existing:
        context.update(_answer(existing["result"], labels))
    if request.method == "POST" and form.is_valid():
        entered = form.prospect_attributes()
        context.update(_answer(fitcheck.check(version.content, entered), labels))
        context["entered"] = bool(entered)
        if "save" in request.POST:
            try:
                saved = rep_services.saved_fit_check_create(
                    version=version,
                    user=request.user,
                    prospect=form.cleaned_data["prospect"],
                    attributes=entered,
                )
            except ValidationError as error:
                context["save_error"] = " ".join(error.messages)
            else:
                context["saved"] = saved
    if request.htmx and request.method == "POST":
        return render(request, "profiles/current/fit_check.html#result", context)
    context["saved_checks"] = SavedFitCheck.objects.for_organization(request.organization).filter(
        created_by=request.user
    )[:SAVED_SHOWN]
    return render(request, "profiles/current/fit_check.html", context)


def _existing_customer(request: MemberRequest, version, customer_id: str) -> dict:
    """A customer of the profile's list checked as it stands there (the table corrections
    the version was saved with included): the same answer as the segment lists."""
    dataset = lists.segment_dataset(request.organization, version)
    if dataset is None or not customer_id.isdigit():
        raise Http404
    customer = get_object_or_404(
        Customer.objects.for_organization(request.organization).filter(dataset=dataset),
        pk=int(customer_id),
    )
    segment_set = services.version_segments(version, dataset)
    known, result = segmenting.customer_fit(
        dataset, version.content, segment_set.corrections, customer.pk
    )
    initial = {"prospect": customer.name}
    for key, value in known.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = l10n.input_number(int(value) if float(value).is_integer() else value)
        initial[key] = value
    return {"customer": customer, "result": result, "initial": initial}


def _answer(result, labels) -> dict:
    """A fit check's answer: the segment, what to do (the method's words), why, criteria."""
    return {
        "result": result,
        "action": segment_action(result.segment),
        "reason": result.reason_text(labels),
        "rows": _rows(result, labels),
    }


def _rows(result, labels):
    return [
        {
            "segment": fitcheck.SEGMENT_LABELS[r.segment],
            "segment_key": r.segment,
            "text": fitcheck.criterion_text(r, labels),
            "result": r.result,
            "result_label": fitcheck.RESULT_LABELS[r.result],
        }
        for r in result.results
    ]


# --------------------------------------------------------------------------- bulk fit check


# --------------------------------------------------------------------------- segment lists
