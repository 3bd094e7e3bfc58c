"""The bulk fit check: a prospect file uploaded, its columns mapped, every row judged."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from icp_site.access import MemberRequest, member_required
from portfolio.imports.reading import ImportFileError, read_table
from portfolio.reports.org_settings import chosen_scoring_model
from portfolio.spreadsheets import to_csv_bytes, to_xlsx_bytes
from portfolio.uploads import previews
from profiles.reps import fitcheck, prospect_files, prospect_scores
from profiles.reps.forms import (
    ProspectMappingForm,
    ProspectUploadForm,
)
from profiles.reps.pages import current_version, download, no_profile

UPLOAD_SESSION_KEY = "prospect_upload"


def _stored_upload(request: MemberRequest) -> dict | None:
    stored = request.session.get(UPLOAD_SESSION_KEY)
    if not stored or stored.get("organization") != request.organization.pk:
        return None
    return stored


def _store_prospects(request: MemberRequest, upload) -> None:
    """Keep the uploaded list for the mapping step (the previous one of this member goes)."""
    if old := _stored_upload(request):
        prospect_files.delete(old["path"])
    path = prospect_files.store(
        upload, organization_id=request.organization.pk, user_id=request.user.pk
    )
    request.session[UPLOAD_SESSION_KEY] = {
        "organization": request.organization.pk,
        "path": path,
        "name": PurePath(upload.name).name,
    }


@require_http_methods(["GET", "POST"])
@member_required
def fit_check_bulk(request: MemberRequest):
    version = current_version(request)
    if version is None:
        return no_profile(request, _("Bulk fit check"))
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
    version = current_version(request)
    stored = _stored_upload(request)
    if version is None or stored is None:
        messages.info(request, _("Upload a prospect list first."))
        return redirect("fit_check_bulk")
    try:
        with prospect_files.storage().open(stored["path"], "rb") as handle:
            raw = read_table(handle.read(), stored["name"], max_rows=settings.IMPORT_MAX_ROWS)
    except (OSError, ImportFileError):
        request.session.pop(UPLOAD_SESSION_KEY, None)
        messages.error(request, _("The uploaded list is gone; upload it again."))
        return redirect("fit_check_bulk")
    attributes = fitcheck.attributes_for(version.content)
    model = chosen_scoring_model(request.organization)
    fields = tuple(prospect_scores.score_fields(model))
    suggested = fitcheck.bulk_mapping(raw.columns, version.content, fields)
    initial = {f"map_{key}": header or "" for key, header in suggested.items()}
    form = ProspectMappingForm(
        request.POST or None,
        initial=initial,
        columns=raw.columns,
        attributes=attributes,
        score_fields=fields,
    )
    if request.method == "POST" and form.is_valid():
        result = fitcheck.bulk_check(
            raw,
            form.mapping(),
            version.content,
            number_format=form.number_format_key(),
            scoring_model=model,
        )
        file_format = form.cleaned_data["file_format"]
        stem = PurePath(stored["name"]).stem
        name = f"{stem}-fit-check-v{version.number}"
        data = (
            to_xlsx_bytes(result.table, sheet_name=_("Fit check"))
            if file_format == "xlsx"
            else to_csv_bytes(result.table)
        )
        # Done with the list: it does not wait on the server for anything else.
        prospect_files.delete(stored["path"])
        request.session.pop(UPLOAD_SESSION_KEY, None)
        return download(data, name, file_format)
    context = {
        "form": form,
        "version": version,
        "scoring_model": model,
        "file_name": stored["name"],
        "columns": raw.columns,
        "row_count": len(raw.frame),
        "sample": raw.frame.head(5).fillna("").to_numpy().tolist(),
    }
    return render(
        request, "profiles/current/bulk_mapping.html", context, status=400 if form.errors else 200
    )
