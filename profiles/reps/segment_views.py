"""The reps' segment lists: every customer with its stored segment, filtered, and their exports
(streamed CSV; Excel in the request, or by the worker with progress for a long list)."""

from __future__ import annotations

import io

from django.conf import settings
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, member_required
from profiles.models import SegmentExport
from profiles.reps import fitcheck
from profiles.reps.forms import SegmentFilterForm
from profiles.reps.pages import PAGE_SIZE, current_version, download, no_profile
from profiles.segments import exports, lists, services
from profiles.versions.guidance import segment_actions

FILTERS = ("segment", "owner", "q")


def _segments(request: MemberRequest):
    """(version, dataset, segment set) of the current profile; None where there is none."""
    version = current_version(request)
    if version is None:
        return None, None, None
    dataset = lists.segment_dataset(request.organization, version)
    if dataset is None:
        return version, None, None
    return version, dataset, services.version_segments(version, dataset)


def _filters(data) -> tuple[SegmentFilterForm, dict]:
    form = SegmentFilterForm(data)
    form.is_valid()
    return form, {k: form.cleaned_data.get(k) or "" for k in FILTERS}


@require_GET
@member_required
@vary_on_headers("HX-Request")
def segment_list(request: MemberRequest):
    version, dataset, segment_set = _segments(request)
    if version is None:
        return no_profile(request, _("Segment lists"))
    context = {
        "version": version,
        "dataset": dataset,
        "segment_set": segment_set,
        "segment_actions": segment_actions(),
    }
    if segment_set is not None and segment_set.ready:
        data = request.GET.copy()
        own = lists.own_owner(segment_set, request.user.name)
        if "owner" not in data and own:
            data["owner"] = own  # a rep sees their own portfolio first
        form, filters = _filters(data)
        page, counts = lists.page(segment_set, request.GET.get("page"), size=PAGE_SIZE, **filters)
        records = lists.records(page.object_list, segment_set.criteria_total)
        for record in records:
            record["segment_label"] = fitcheck.SEGMENT_LABELS[record["segment"]]
        context.update(
            form=form,
            page=page,
            rows=records,
            counts=counts,
            all_counts=lists.all_counts(segment_set),
            owners=lists.owner_names(segment_set),
            own_owner=own,
            # An explicit "all owners" stays explicit on the next page.
            query={k: v for k, v in filters.items() if v or k == "owner"},
            segment_labels=fitcheck.SEGMENT_LABELS,
            reason_labels=exports.REASON_LABELS,
            exports=SegmentExport.objects.for_organization(request.organization).filter(
                requested_by=request.user
            )[:3],
        )
    if request.htmx:
        return render(request, "profiles/current/segments.html#list", context)
    return render(request, "profiles/current/segments.html", context)


def _ready_set(request):
    version, _dataset, segment_set = _segments(request)
    if segment_set is None or not segment_set.ready:
        raise Http404
    return version, segment_set


def _attachment(chunks, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_GET
@member_required
def segment_list_export(request: MemberRequest):
    version, segment_set = _ready_set(request)
    _form, filters = _filters(request.GET)
    name = f"segments-v{version.number}-{timezone.localdate():%Y-%m-%d}"
    if request.GET.get("format") != "xlsx":
        return _attachment(
            exports.segment_csv(segment_set, exports.reason_labels(), **filters), name
        )
    rows = lists.counts(segment_set, **filters).total
    if rows > settings.XLSX_INLINE_ROWS:
        job = services.segment_export_request(
            segment_set=segment_set,
            user=request.user,
            filters=filters,
            rows=rows,
            file_name=f"{name}.xlsx",
            language=get_language() or "",
        )
        return redirect("segment_export_status", pk=job.pk)
    buffer = io.BytesIO()
    exports.segment_xlsx(buffer, segment_set, exports.reason_labels(), **filters)
    return download(buffer.getvalue(), name, "xlsx")


@require_GET
@member_required
def crm_export_download(request: MemberRequest):
    version, segment_set = _ready_set(request)
    layout = request.GET.get("layout", "plain")
    if layout not in exports.CRM_LAYOUTS:
        layout = "plain"
    return _attachment(exports.crm_csv(segment_set, layout), f"icp-{layout}-v{version.number}")


def _own_export(request: MemberRequest, pk: int) -> SegmentExport:
    found = SegmentExport.objects.for_organization(request.organization).filter(
        requested_by=request.user
    )
    return get_object_or_404(found, pk=pk)


@require_GET
@member_required
@vary_on_headers("HX-Request")
def segment_export_status(request: MemberRequest, pk: int):
    job = _own_export(request, pk)
    template = "profiles/current/export.html"
    context = {"job": job}
    if request.htmx:
        return render(request, f"{template}#progress", context)
    return render(request, template, context)


@require_GET
@member_required
def segment_export_download(request: MemberRequest, pk: int):
    job = _own_export(request, pk)
    if job.state != "ready" or not job.path:
        raise Http404
    try:
        handle = open(job.path, "rb")  # noqa: SIM115  (FileResponse closes it)
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.file_name)
