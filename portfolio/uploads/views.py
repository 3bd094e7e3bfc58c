"""The import pages: upload, mapping (with the sample), progress and problems, confirm, discard."""

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
from portfolio.uploads.forms import (
    MappingForm,
    UploadForm,
)
from portfolio.uploads.services import (
    import_upload_create,
    import_upload_discard,
    import_upload_options_save,
    import_upload_queue,
    import_upload_run,
    import_upload_sample_queue,
)
from portfolio.uploads.tasks import import_upload, read_upload_sample

PROBLEMS_PAGE_SIZE = 100


# --- customers -----------------------------------------------------------------------------


# --- import --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@leader_required
def import_upload_view(request: MemberRequest):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = import_upload_create(
            organization=request.organization, user=request.user, file=form.cleaned_data["file"]
        )
        return redirect("import_mapping", pk=upload.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "max_bytes": settings.IMPORT_MAX_BYTES}
    return render(request, "portfolio/import_upload.html", context, status=status)


def _upload(request: MemberRequest, pk: int, *, with_sample: bool = False) -> ImportUpload:
    uploads = (
        ImportUpload.objects.for_organization(request.organization)
        .without_content()
        .select_related("organization", "uploaded_by")
    )
    if not with_sample:  # a big workbook's first rows: only the mapping page needs them
        uploads = uploads.defer("sample")
    return get_object_or_404(uploads, pk=pk)


@require_http_methods(["GET", "POST"])
@leader_required
@vary_on_headers("HX-Request")
def import_mapping(request: MemberRequest, pk: int):
    upload = _upload(request, pk, with_sample=True)
    if upload.state == ImportState.DONE:
        return redirect("dataset_detail", pk=upload.dataset_id)
    if upload.is_busy:
        return redirect("import_detail", pk=upload.pk)
    sheet = (request.POST or request.GET).get("sheet") or upload.options.get("sheet") or ""
    # The wait state polls this view; once the sample is there, the whole page reloads.
    polling = request.htmx and request.htmx.target == "sample-status"
    try:
        sample = previews.load_sample(upload, sheet=sheet)
    except (ImportFileError, previews.SampleUnreadable) as error:
        if polling:
            return HttpResponseClientRefresh()
        return render(
            request,
            "portfolio/import_detail.html",
            {"upload": upload, "file_error": previews.file_error_text(error.code)},
            status=400,
        )
    if sample is None:
        return _wait_for_sample(request, upload, sheet)
    if polling:
        return HttpResponseClientRefresh()
    initial = previews.initial_options(upload, sample)
    data = request.POST if request.method == "POST" else (request.GET if request.htmx else None)
    form = MappingForm(data, initial=initial, columns=sample.raw.columns, sheets=sample.raw.sheets)
    if request.method == "POST" and form.is_valid():
        import_upload_options_save(upload=upload, options=form.options())
        return _start(request, upload)
    # The preview follows what the form says, even before it is valid (a name still missing).
    options = previews.options_from_initial(data if data is not None else initial)
    context = {"upload": upload, "form": form, "preview": previews.preview(sample, options)}
    if request.htmx and request.method == "GET":
        return render(request, "portfolio/import_mapping.html#preview", context)
    return render(
        request, "portfolio/import_mapping.html", context, status=400 if form.errors else 200
    )


def _wait_for_sample(request, upload: ImportUpload, sheet: str):
    """A big workbook is read by the worker: ask for the sheet once, then show the wait."""
    if not previews.sample_pending(upload.sample, sheet):
        import_upload_sample_queue(upload=upload, sheet=sheet)
        read_upload_sample.enqueue(upload.pk, sheet)
    context = {"upload": upload, "sheet": sheet}
    if request.htmx:
        return render(request, "portfolio/import_wait.html#status", context)
    return render(request, "portfolio/import_wait.html", context)


def _start(request, upload: ImportUpload, *, skip_invalid: bool = False):
    """Run small files now; queue big ones for the worker and show their progress."""
    import_upload_queue(upload=upload, skip_invalid=skip_invalid)
    if upload.size <= settings.IMPORT_INLINE_BYTES:
        import_upload_run(upload=upload)
    else:
        import_upload.enqueue(upload.pk)
    upload.refresh_from_db()
    if upload.state == ImportState.DONE:
        messages.success(
            request,
            _("%(imported)s customers imported, %(skipped)s rows skipped.")
            % {
                "imported": upload.dataset.rows_imported,
                "skipped": upload.dataset.rows_skipped,
            },
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
    context = {"upload": upload, "file_error": previews.failure_text(upload)}
    if upload.state == ImportState.INVALID:
        report = upload.report
        problems = Paginator(report.get("errors", []), PROBLEMS_PAGE_SIZE)
        context.update(
            report=report,
            problems=[
                {**problem, "text": previews.reason_text(problem)}
                for problem in problems.get_page(request.GET.get("page"))
            ],
            problems_page=problems.get_page(request.GET.get("page")),
            reasons=[
                (previews.reason_label(code), count)
                for code, count in sorted(report.get("error_counts", {}).items())
            ],
            capped=report.get("error_count", 0) > len(report.get("errors", [])),
        )
    return render(request, "portfolio/import_detail.html", context)


@require_POST
@leader_required
def import_confirm(request: MemberRequest, pk: int):
    upload = _upload(request, pk)
    if upload.state != ImportState.INVALID or not upload.report.get("valid_count"):
        return HttpResponse(_("There is nothing to confirm for this file."), status=409)
    return _start(request, upload, skip_invalid=True)


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
