"""The import pages: upload, mapping (on the kept sample), progress and problems, confirm,
retry, discard.  A workbook is only ever read by the worker; these views never open one."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from icp_site.access import MemberRequest, leader_required
from portfolio.imports.reading import ImportFileError
from portfolio.models import ImportState, ImportUpload
from portfolio.uploads import previews
from portfolio.uploads.forms import MappingForm, UploadForm
from portfolio.uploads.running import import_upload_run
from portfolio.uploads.services import (
    import_upload_create,
    import_upload_discard,
    import_upload_read_queue,
    import_upload_start,
    import_uploads_sweep,
)
from portfolio.uploads.tasks import import_upload, read_upload_sample

PROBLEMS_PAGE_SIZE = 100
READ_AGAIN = ("read_stopped", "read_failed")


@require_http_methods(["GET", "POST"])
@leader_required
def import_upload_view(request: MemberRequest):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = import_upload_create(
                organization=request.organization,
                user=request.user,
                file=form.cleaned_data["file"],
            )
        except ImportFileError as error:
            form.add_error("file", previews.file_error_text(error.code))
        else:
            if upload.state == ImportState.READING:
                read_upload_sample.enqueue(upload.pk, "")
            return redirect("import_mapping", pk=upload.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "max_bytes": settings.IMPORT_MAX_BYTES}
    return render(request, "portfolio/import_upload.html", context, status=status)


def _upload(request: MemberRequest, pk: int, *, with_sample: bool = False) -> ImportUpload:
    import_uploads_sweep()
    uploads = ImportUpload.objects.for_organization(request.organization).select_related(
        "organization", "uploaded_by"
    )
    if not with_sample:  # the first rows: only the mapping page needs them
        uploads = uploads.without_sample()
    return get_object_or_404(uploads, pk=pk)


@require_http_methods(["GET", "POST"])
@leader_required
@vary_on_headers("HX-Request")
def import_mapping(request: MemberRequest, pk: int):
    upload = _upload(request, pk, with_sample=True)
    if upload.state == ImportState.DONE:
        return redirect("dataset_detail", pk=upload.dataset_id)
    if upload.state in (ImportState.QUEUED, ImportState.RUNNING):
        return redirect("import_detail", pk=upload.pk)
    # The wait state polls this view; once the sample is there, the whole page reloads.
    polling = request.htmx and request.htmx.target == "sample-status"
    sheet = (request.POST or request.GET).get("sheet")
    if upload.is_workbook and sheet is not None and _other_sheet(upload, sheet):
        import_upload_read_queue(upload=upload, sheet=sheet)
        read_upload_sample.enqueue(upload.pk, sheet)
    try:
        sample = previews.load_sample(upload)
    except previews.SampleUnreadable as error:
        if polling:
            return HttpResponseClientRefresh()
        context = {"upload": upload, "file_error": previews.file_error_text(error.code)}
        return render(request, "portfolio/import_detail.html", context, status=400)
    if sample is None:
        context = {"upload": upload, "sheet": upload.options.get("sheet") or ""}
        if request.htmx:
            return render(request, "portfolio/import_wait.html#status", context)
        return render(request, "portfolio/import_wait.html", context)
    if polling:
        return HttpResponseClientRefresh()
    initial = previews.initial_options(upload, sample)
    data = request.POST if request.method == "POST" else (request.GET if request.htmx else None)
    # The preview follows what the form says, even before it is valid (a name still missing).
    options = previews.options_from_initial(data if data is not None else initial)
    preview = previews.preview(sample, options, home_currency=request.organization.currency)
    form = MappingForm(
        data,
        initial=initial,
        columns=sample.raw.columns,
        sheets=sample.raw.sheets,
        periods=previews.period_labels(sample, options["mapping"]),
        currencies=tuple(item["currency"] for item in preview.get("money", ())),
    )
    if request.method == "POST" and form.is_valid():
        if not preview.get("error"):
            return _start(request, upload, form.options())
        # The columns chosen cannot be imported as they are (e.g. two currencies).
        form.add_error(None, preview["error"])
    context = {"upload": upload, "form": form, "preview": preview}
    if request.htmx and request.method == "GET":
        return render(request, "portfolio/import_mapping.html#preview", context)
    return render(
        request, "portfolio/import_mapping.html", context, status=400 if form.errors else 200
    )


def _other_sheet(upload: ImportUpload, sheet: str) -> bool:
    """Whether `sheet` is neither the one read nor the one being read."""
    if upload.state == ImportState.READING:
        return sheet != (upload.options.get("sheet") or "")
    return bool(sheet) and sheet != (upload.sample or {}).get("sheet")


def _start(request, upload: ImportUpload, options: dict):
    """Start the import once: small files now, big ones in the worker (with progress)."""
    if not import_upload_start(upload=upload, options=options):
        messages.info(request, _("This file is already being imported."))
        return redirect("import_detail", pk=upload.pk)
    if upload.size <= settings.IMPORT_INLINE_BYTES:
        import_upload_run(upload=upload)
    else:
        import_upload.enqueue(upload.pk)
    upload.refresh_from_db()
    if upload.state == ImportState.DONE:
        rows = upload.report.get("rows", {})
        messages.success(
            request,
            _("%(imported)s customers imported, %(skipped)s rows skipped.")
            % {"imported": rows.get("customers", 0), "skipped": rows.get("skipped", 0)},
        )
        return redirect("dataset_detail", pk=upload.dataset_id)
    return redirect("import_detail", pk=upload.pk)


@leader_required  # before the method check: a rep learns nothing, whatever the method
@require_GET
@vary_on_headers("HX-Request")
def import_detail(request: MemberRequest, pk: int):
    upload = _upload(request, pk)
    if request.htmx and not upload.is_busy:
        if upload.state == ImportState.DONE:
            return HttpResponseClientRedirect(reverse("dataset_detail", args=[upload.dataset_id]))
        return HttpResponseClientRefresh()
    if request.htmx:
        return render(request, "portfolio/import_detail.html#status", {"upload": upload})
    if upload.state == ImportState.DONE and upload.dataset_id:
        return redirect("dataset_detail", pk=upload.dataset_id)
    if upload.state == ImportState.READING:
        return redirect("import_mapping", pk=upload.pk)
    context = {"upload": upload, "file_error": previews.failure_text(upload)}
    if upload.state == ImportState.INVALID:
        context.update(_problems(request, upload.report))
    return render(request, "portfolio/import_detail.html", context)


def _problems(request, report: dict) -> dict:
    problems = Paginator(report.get("errors", []), PROBLEMS_PAGE_SIZE)
    page = problems.get_page(request.GET.get("page"))
    return {
        "report": report,
        "problems": [{**problem, "text": previews.reason_text(problem)} for problem in page],
        "problems_page": page,
        "reasons": [
            (previews.reason_label(code), count)
            for code, count in sorted(report.get("error_counts", {}).items())
        ],
        "capped": report.get("error_count", 0) > len(report.get("errors", [])),
    }


@require_POST
@leader_required
def import_confirm(request: MemberRequest, pk: int):
    upload = _upload(request, pk)
    if upload.state != ImportState.INVALID or not upload.report.get("valid_count"):
        return HttpResponse(_("There is nothing to confirm for this file."), status=409)
    return _start(request, upload, {**upload.options, "skip_invalid": True})


@require_POST
@leader_required
def import_retry(request: MemberRequest, pk: int):
    upload = _upload(request, pk)
    if upload.state != ImportState.FAILED:
        return HttpResponse(_("Only a failed import can be tried again."), status=409)
    if upload.is_workbook and (upload.message in READ_AGAIN or not upload.sample):
        sheet = upload.options.get("sheet") or ""
        import_upload_read_queue(upload=upload, sheet=sheet)
        read_upload_sample.enqueue(upload.pk, sheet)
        return redirect("import_mapping", pk=upload.pk)
    if not upload.options.get("mapping"):
        return redirect("import_mapping", pk=upload.pk)
    return _start(request, upload, upload.options)


@require_POST
@leader_required
def import_discard(request: MemberRequest, pk: int):
    upload = _upload(request, pk)
    if not import_upload_discard(upload=upload):
        return HttpResponse(
            _("This file is being imported or was imported; it is kept."), status=409
        )
    messages.success(
        request,
        _("The file “%(name)s” was discarded; nothing was imported.") % {"name": upload.file_name},
    )
    return redirect("customers")
