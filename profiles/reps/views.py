"""The reps' pages: the current profile (one-pager) and the fit check of one prospect."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from icp_site import l10n
from icp_site.access import MemberRequest, member_required
from profiles.models import ProfileVersion, Publication, SavedFitCheck
from profiles.reps import fitcheck
from profiles.reps import services as rep_services
from profiles.reps.forms import (
    FitCheckForm,
)
from profiles.reps.pages import SAVED_SHOWN, current_version, no_profile
from profiles.versions.criteria import SEGMENTS
from profiles.versions.traits import trait_label

# --------------------------------------------------------------------------- the one-pager


def _one_pager(version: ProfileVersion) -> dict:
    content = version.content
    labels = fitcheck.labels_for(content)
    # The profile's money is in the currency of the customer list it was built from.
    currency = getattr(version.dataset, "currency", "") or version.organization.currency
    traits = [
        {
            **t,
            "label": trait_label(t.get("key", ""), t.get("label", "")),
            "display": _trait_value(t.get("key"), t.get("value"), currency),
        }
        for t in content.get("traits", [])
        if t.get("relevant", True)
    ]
    criteria = content.get("criteria", [])
    segments = [
        {
            "key": segment,
            "label": fitcheck.SEGMENT_LABELS[segment],
            "note": content.get("notes", {}).get(segment, ""),
            "criteria": [
                {
                    "text": fitcheck.criterion_text(c, labels, currency=currency),
                    "note": c.get("note", ""),
                }
                for c in criteria
                if c["segment"] == segment
            ],
        }
        for segment in SEGMENTS
    ]
    return {
        "version": version,
        "company_traits": [t for t in traits if t.get("source") == "company"],
        "buyer_traits": [t for t in traits if t.get("source") == "buyer"],
        "other_traits": [t for t in traits if t.get("source") not in ("company", "buyer")],
        "segments": segments,
        "publication": Publication.objects.filter(version=version)
        .select_related("published_by")
        .order_by("-published_at", "-pk")
        .first(),
        "history_url": reverse("profile_versions"),
    }


def _trait_value(key, value, currency: str) -> str:
    numbers = isinstance(value, list) and all(isinstance(v, int | float) for v in value)
    money = currency if key in l10n.MONEY_ATTRIBUTES else None
    return l10n.format_value(value, currency=money, between=numbers)


@require_GET
@member_required
def current_profile(request: MemberRequest):
    version = current_version(request)
    if version is None:
        return no_profile(request, _("Current profile"))
    context = {**_one_pager(version), "is_current": True}
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
    form = FitCheckForm(
        request.POST or None, attributes=attributes, language=language, prefix="fit"
    )
    context = {"version": version, "form": form, "labels": labels}
    if request.method == "POST" and form.is_valid():
        entered = form.prospect_attributes()
        result = fitcheck.check(version.content, entered)
        context.update(result=result, reason=result.reason_text(labels), rows=_rows(result, labels))
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
