"""The reps' pages: the current profile, the fit check (one and bulk), segment lists, exports."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from icp_site import l10n
from icp_site.access import MemberRequest, member_required
from portfolio.imports.reading import ImportFileError, read_table
from portfolio.spreadsheets import to_csv_bytes, to_xlsx_bytes
from portfolio.uploads import previews
from profiles.models import ProfileVersion, Publication, SavedFitCheck
from profiles.reps import crm_export, fitcheck
from profiles.reps import segments as segment_lists
from profiles.reps import services as rep_services
from profiles.reps.forms import (
    FitCheckForm,
    ProspectMappingForm,
    ProspectUploadForm,
    SegmentFilterForm,
)
from profiles.versions.criteria import SEGMENTS, CriterionError
from profiles.workshop.tables import columns as tables

PAGE_SIZE = 50
SAVED_SHOWN = 20
UPLOAD_SESSION_KEY = "prospect_upload"


def _current(request: MemberRequest) -> ProfileVersion | None:
    return ProfileVersion.objects.current(request.organization)


def _no_profile(request: MemberRequest, title: str):
    return render(request, "profiles/current/no_profile.html", {"title": title}, status=200)


def _download(data: bytes, name: str, file_format: str) -> HttpResponse:
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[file_format]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


# --------------------------------------------------------------------------- the one-pager


def _one_pager(version: ProfileVersion) -> dict:
    content = version.content
    labels = fitcheck.labels_for(content)
    currency = version.organization.currency
    traits = [
        {
            **t,
            "label": tables.trait_label(t.get("key", ""), t.get("label", "")),
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
    version = _current(request)
    if version is None:
        return _no_profile(request, _("Current profile"))
    context = {**_one_pager(version), "is_current": True}
    return render(request, "profiles/current/profile.html", context)


# --------------------------------------------------------------------------- fit check


@require_http_methods(["GET", "POST"])
@member_required
@vary_on_headers("HX-Request")
def fit_check(request: MemberRequest):
    version = _current(request)
    if version is None:
        return _no_profile(request, _("Fit check"))
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


def _prospect_storage() -> FileSystemStorage:
    """Where an uploaded prospect list waits for its mapping: the web host's temporary folder
    (one file per member, replaced by their next upload; compose runs one web container)."""
    return FileSystemStorage(location=Path(tempfile.gettempdir()) / "icp-prospects")


def _stored_upload(request: MemberRequest) -> dict | None:
    stored = request.session.get(UPLOAD_SESSION_KEY)
    if not stored or stored.get("organization") != request.organization.pk:
        return None
    return stored


def _store_prospects(request: MemberRequest, upload) -> None:
    """Keep the uploaded list for the mapping step (the previous one of this member goes)."""
    storage = _prospect_storage()
    if old := _stored_upload(request):
        storage.delete(old["path"])
    suffix = PurePath(upload.name).suffix.casefold()
    path = f"prospects/{request.organization.pk}/{request.user.pk}/{uuid.uuid4().hex}{suffix}"
    path = storage.save(path, upload)
    request.session[UPLOAD_SESSION_KEY] = {
        "organization": request.organization.pk,
        "path": path,
        "name": PurePath(upload.name).name,
    }


@require_http_methods(["GET", "POST"])
@member_required
def fit_check_bulk(request: MemberRequest):
    version = _current(request)
    if version is None:
        return _no_profile(request, _("Bulk fit check"))
    form = ProspectUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            read_table(upload.read(), upload.name, max_rows=settings.IMPORT_MAX_ROWS)
        except ImportFileError as error:
            form.add_error("file", previews.file_error_text(error.code))
        else:
            upload.seek(0)
            _store_prospects(request, upload)
            return redirect("fit_check_bulk_mapping")
    status = 400 if form.errors else 200
    context = {"form": form, "version": version}
    return render(request, "profiles/current/bulk_upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def fit_check_bulk_mapping(request: MemberRequest):
    version = _current(request)
    stored = _stored_upload(request)
    if version is None or stored is None:
        messages.info(request, _("Upload a prospect list first."))
        return redirect("fit_check_bulk")
    storage = _prospect_storage()
    try:
        with storage.open(stored["path"], "rb") as handle:
            raw = read_table(handle.read(), stored["name"], max_rows=settings.IMPORT_MAX_ROWS)
    except (OSError, ImportFileError):
        request.session.pop(UPLOAD_SESSION_KEY, None)
        messages.error(request, _("The uploaded list is gone; upload it again."))
        return redirect("fit_check_bulk")
    attributes = fitcheck.attributes_for(version.content)
    suggested = fitcheck.bulk_mapping(raw.columns, version.content)
    initial = {f"map_{key}": header or "" for key, header in suggested.items()}
    form = ProspectMappingForm(
        request.POST or None, initial=initial, columns=raw.columns, attributes=attributes
    )
    if request.method == "POST" and form.is_valid():
        result = fitcheck.bulk_check(
            raw, form.mapping(), version.content, number_hint=form.number_hint()
        )
        file_format = form.cleaned_data["file_format"]
        stem = PurePath(stored["name"]).stem
        name = f"{stem}-fit-check-v{version.number}"
        data = (
            to_xlsx_bytes(result.table, sheet_name=_("Fit check"))
            if file_format == "xlsx"
            else to_csv_bytes(result.table)
        )
        return _download(data, name, file_format)
    context = {
        "form": form,
        "version": version,
        "file_name": stored["name"],
        "columns": raw.columns,
        "row_count": len(raw.frame),
        "sample": raw.frame.head(5).fillna("").to_numpy().tolist(),
    }
    return render(
        request, "profiles/current/bulk_mapping.html", context, status=400 if form.errors else 200
    )


# --------------------------------------------------------------------------- segment lists


def _segments(request: MemberRequest):
    version = _current(request)
    if version is None:
        return None, None, None
    dataset = segment_lists.segment_dataset(request.organization, version)
    if dataset is None:
        return version, None, None
    try:
        frame = segment_lists.segment_frame(version, dataset)
    except CriterionError:
        raise Http404 from None
    return version, dataset, frame


@require_GET
@member_required
@vary_on_headers("HX-Request")
def segment_list(request: MemberRequest):
    version, dataset, frame = _segments(request)
    if version is None:
        return _no_profile(request, _("Segment lists"))
    context = {"version": version, "dataset": dataset}
    if frame is not None:
        data = request.GET.copy()
        own = segment_lists.own_owner(frame, request.user.name)
        if "owner" not in data and own:
            data["owner"] = own  # a rep sees their own portfolio first
        form = SegmentFilterForm(data)
        form.is_valid()
        filters = {k: form.cleaned_data.get(k) or "" for k in ("segment", "owner", "q")}
        rows = segment_lists.filtered(frame, **filters)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        # An explicit "all owners" stays explicit on the next page.
        query = {k: v for k, v in filters.items() if v or k == "owner"}
        records = page.object_list.to_dict("records")
        for record in records:
            record["segment_label"] = fitcheck.SEGMENT_LABELS[record["segment"]]
        context.update(
            form=form,
            page=page,
            rows=records,
            counts=segment_lists.counts(rows),
            all_counts=segment_lists.counts(frame),
            owners=segment_lists.owner_names(frame),
            own_owner=own,
            query=query,
            segment_labels=fitcheck.SEGMENT_LABELS,
            reason_labels=fitcheck.REASON_LABELS,
        )
    if request.htmx:
        return render(request, "profiles/current/segments.html#list", context)
    return render(request, "profiles/current/segments.html", context)


@require_GET
@member_required
def segment_list_export(request: MemberRequest):
    version, dataset, frame = _segments(request)
    if frame is None:
        raise Http404
    form = SegmentFilterForm(request.GET)
    form.is_valid()
    filters = {k: form.cleaned_data.get(k) or "" for k in ("segment", "owner", "q")}
    rows = segment_lists.export_frame(segment_lists.filtered(frame, **filters))
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    name = f"segments-v{version.number}-{timezone.localdate():%Y-%m-%d}"
    if file_format == "xlsx":
        return _download(to_xlsx_bytes(rows, sheet_name=_("Segments")), name, "xlsx")
    return _download(to_csv_bytes(rows), name, "csv")


@require_GET
@member_required
def crm_export_download(request: MemberRequest):
    version, dataset, frame = _segments(request)
    if frame is None:
        raise Http404
    layout = request.GET.get("layout", "plain")
    if layout not in crm_export.LAYOUTS:
        layout = "plain"
    data = to_csv_bytes(crm_export.crm_frame(frame, layout))
    return _download(data, f"icp-{layout}-v{version.number}", "csv")
