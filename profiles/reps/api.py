"""The read API: the current profile, one version, and the fit check, as JSON.

Authentication, throttling, body limits and JSON errors are the shell's `icp_site.tokens.api`
(`api_view`, `error`, `json_body`, `ApiError`); this module holds the endpoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from icp_site.tokens.api import ApiError, api_view, error, json_body
from profiles.models import ProfileVersion, Publication
from profiles.reps import fitcheck
from profiles.segments import lists, services
from profiles.versions.criteria import FIT_SEGMENTS
from profiles.versions.guidance import segment_action

__all__ = ["ApiError", "api_view", "error", "fit_check", "profile_current", "profile_version"]

PROFILE_SECTIONS = ("traits", "criteria", "notes")
MAX_VERSION_NUMBER = 2**31 - 1  # the column's range: a larger number names no version


def profile_json(version: ProfileVersion, publication: Publication | None) -> dict[str, Any]:
    """A profile version as the API answers it."""
    content = version.content
    return {
        "version": version.number,
        "created_at": version.created_at.isoformat(),
        "note": version.note,
        "published_at": publication.published_at.isoformat() if publication else None,
        "published_by": str(publication.published_by)
        if publication and publication.published_by
        else None,
        "next_review_date": publication.next_review_date.isoformat()
        if publication and publication.next_review_date
        else None,
        "traits": [
            {k: trait.get(k) for k in ("key", "label", "value", "relevant", "source")}
            for trait in content.get("traits", [])
        ],
        "criteria": [
            {k: c.get(k, "") for k in ("segment", "attribute", "operator", "value", "note")}
            for c in content.get("criteria", [])
        ],
        "notes": {
            s: content.get("notes", {}).get(s, "") for s in ("do-or-die", "neutral", "do-not")
        },
    }


def _publication(version: ProfileVersion) -> Publication | None:
    return (
        Publication.objects.filter(version=version)
        .select_related("published_by")
        .order_by("-published_at", "-pk")
        .first()
    )


def _segment_set(request, version):
    dataset = lists.segment_dataset(request.organization, version)
    return None if dataset is None else services.version_segments(version, dataset)


def segments_json(segment_set) -> dict[str, Any] | None:
    """Customers per segment of the current profile's customer list (None while computing)."""
    if segment_set is None or not segment_set.ready:
        return None
    counts = lists.all_counts(segment_set)
    return {"customers": counts.total, "counts": counts.counts, "up_to_date": segment_set.current}


@api_view("GET")
def profile_current(request):
    version = ProfileVersion.objects.current(request.organization)
    if version is None:
        return error(404, _("There is no published profile yet."))
    segments = segments_json(_segment_set(request, version))
    return JsonResponse(
        {**profile_json(version, _publication(version)), "current": True, "segments": segments}
    )


PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _positive(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


@api_view("GET")
def profile_current_customers(request):
    """The customers of one segment (or all), in name order, a page at a time."""
    version = ProfileVersion.objects.current(request.organization)
    if version is None:
        return error(404, _("There is no published profile yet."))
    segment = request.GET.get("segment", "")
    if segment and segment not in FIT_SEGMENTS:
        message = _("Unknown segment %(segment)s. Use one of: %(segments)s.")
        return error(400, message % {"segment": segment, "segments": ", ".join(FIT_SEGMENTS)})
    number = _positive(request.GET.get("page"), 1)
    size = _positive(request.GET.get("page_size"), PAGE_SIZE)
    if number is None or size is None or size > MAX_PAGE_SIZE:
        message = _("page and page_size are whole numbers from 1; page_size at most %(max)s.")
        return error(400, message % {"max": MAX_PAGE_SIZE})
    segment_set = _segment_set(request, version)
    if segment_set is None:
        return error(404, _("There is no customer list to apply the profile to yet."))
    if not segment_set.ready:
        return error(
            409,
            _("The segments of the customer list are being computed. Try again in a minute."),
            Retry_After="30",
        )
    counts = lists.counts(segment_set, segment=segment)
    pages = max(1, -(-counts.total // size))
    if number > pages:
        return error(
            404,
            _("There is no page %(page)s; the last is %(pages)s.")
            % {"page": number, "pages": pages},
        )
    start = (number - 1) * size
    found = lists.rows(segment_set, segment=segment)[start : start + size]
    customers = [
        {"external_id": row.external_id, "name": row.name, "segment": FIT_SEGMENTS[row.segment]}
        for row in found.only("customer_id", "external_id", "name", "segment")
    ]
    base = request.build_absolute_uri(request.path)
    query = {"segment": segment} if segment else {}

    def link(page_number: int) -> str:
        return f"{base}?{urlencode({**query, 'page': page_number, 'page_size': size})}"

    return JsonResponse(
        {
            "version": version.number,
            "segment": segment or None,
            "count": counts.total,
            "page": number,
            "pages": pages,
            "page_size": size,
            "next": link(number + 1) if number < pages else None,
            "previous": link(number - 1) if number > 1 else None,
            "up_to_date": segment_set.current,
            "customers": customers,
        }
    )


@api_view("GET")
def profile_version(request, number: int):
    if not 0 < number <= MAX_VERSION_NUMBER:
        raise ApiError(404, _("Not found."))
    version = get_object_or_404(
        ProfileVersion.objects.for_organization(request.organization), number=number
    )
    current = ProfileVersion.objects.current(request.organization)
    return JsonResponse(
        {**profile_json(version, _publication(version)), "current": version == current}
    )


def _valid_value(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    return isinstance(value, list) and all(
        isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
    )


def _attributes(request) -> tuple[dict | None, HttpResponse | None]:
    body = json_body(request)
    if not isinstance(body, Mapping) or not isinstance(body.get("attributes"), Mapping):
        return None, error(400, _('Send a JSON object: {"attributes": {"industry": "IT", ...}}.'))
    if extra := sorted(set(body) - {"attributes"}):
        return None, error(400, _("Unknown fields: %(names)s.") % {"names": ", ".join(extra)})
    attributes = dict(body["attributes"])
    if bad := sorted(k for k, v in attributes.items() if not _valid_value(v)):
        message = _("Attribute values are text, numbers or lists of them: %(names)s.")
        return None, error(400, message % {"names": ", ".join(bad)})
    return attributes, None


@api_view("POST")
def fit_check(request):
    version = ProfileVersion.objects.current(request.organization)
    if version is None:
        return error(404, _("There is no published profile yet."))
    attributes, refusal = _attributes(request)
    if refusal is not None:
        return refusal
    try:
        result = fitcheck.check(version.content, attributes)
    except fitcheck.UnknownAttributes as unknown:
        known = ", ".join(a.key for a in fitcheck.attributes_for(version.content))
        message = _("Unknown attributes: %(names)s. Known attributes: %(known)s.")
        return error(400, message % {"names": ", ".join(unknown.names), "known": known})
    labels = fitcheck.labels_for(version.content)
    answer = {"version": version.number, **result.to_dict(labels)}
    answer["action"] = segment_action(result.segment)  # what to do, in the method's words
    return JsonResponse(answer)
