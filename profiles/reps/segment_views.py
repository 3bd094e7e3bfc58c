"""The reps' segment lists: every customer with its segment, filtered, and their exports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, member_required
from portfolio.spreadsheets import to_csv_bytes, to_xlsx_bytes
from profiles.reps import crm_export, fitcheck
from profiles.reps import segments as segment_lists
from profiles.reps.forms import (
    SegmentFilterForm,
)
from profiles.reps.pages import PAGE_SIZE, current_version, download, no_profile
from profiles.versions.criteria import CriterionError


def _segments(request: MemberRequest):
    version = current_version(request)
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
        return no_profile(request, _("Segment lists"))
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
        return download(to_xlsx_bytes(rows, sheet_name=_("Segments")), name, "xlsx")
    return download(to_csv_bytes(rows), name, "csv")


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
    return download(data, f"icp-{layout}-v{version.number}", "csv")
