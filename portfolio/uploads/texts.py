"""The words of the import pages: why a file cannot be read, what is wrong with a row, why an
import failed; translated sentences for the codes the pipeline and the worker store."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio.models import ImportUpload

# The sentences of portfolio.imports.reading.MESSAGES and portfolio.imports.validation.REASONS,
# translated.
FILE_ERRORS = {
    "unsupported_type": gettext_lazy(
        "Please upload a CSV, Excel (.xlsx) or OpenDocument (.ods) file."
    ),
    "empty": gettext_lazy("The file is empty."),
    "header_only": gettext_lazy("The file has a header row but no customer rows."),
    "not_a_spreadsheet": gettext_lazy("The file does not look like a spreadsheet or CSV file."),
    "html": gettext_lazy(
        "The file is a web page (HTML), not a spreadsheet; export it as CSV or Excel instead."
    ),
    "pdf": gettext_lazy(
        "The file is a PDF document, not a spreadsheet; export it as CSV or Excel instead."
    ),
    "damaged": gettext_lazy("The spreadsheet is damaged or incomplete and cannot be read."),
    "encrypted": gettext_lazy(
        "The workbook could not be opened; it may be password-protected or damaged."
    ),
    "unknown_sheet": gettext_lazy("The workbook has no sheet of that name."),
    "empty_workbook": gettext_lazy("All sheets in the workbook are empty."),
    "too_many_rows": gettext_lazy(
        "The file has more than %(max_rows)s rows; split it into smaller files."
    ),
    "ragged": gettext_lazy(
        "A row has more values than the header row; check the separator and quoting."
    ),
    "too_big": gettext_lazy(
        "The workbook unpacks to more than %(max_bytes)s; save the sheet as CSV and upload that."
    ),
    "too_many_sheets": gettext_lazy(
        "The workbook has more than %(max_sheets)s sheets; save the sheet as CSV and upload that."
    ),
    "too_many_cells": gettext_lazy(
        "The sheet has more than %(max_cells)s cells; save it as CSV and upload that."
    ),
    "out_of_memory": gettext_lazy(
        "Reading the workbook needs more memory than allowed; save the sheet as CSV and upload "
        "that."
    ),
    "too_slow": gettext_lazy(
        "Reading the workbook took longer than %(seconds)s seconds; save the sheet as CSV and "
        "upload that."
    ),
    # Not from the importer: the worker failed to read a big workbook for the mapping page.
    "read_failed": gettext_lazy("Reading the file stopped unexpectedly; please upload it again."),
}
REASONS = {
    "missing_name": gettext_lazy("the customer name is missing"),
    "duplicate_id": gettext_lazy("the ID “%(value)s” was already used in row %(other_row)s"),
    "not_a_number": gettext_lazy("“%(value)s” is not a number"),
    "not_an_integer": gettext_lazy("“%(value)s” is not a whole number"),
    "unknown_date": gettext_lazy("“%(value)s” is not a date we recognise"),
    "negative": gettext_lazy("“%(value)s” must not be negative"),
    "end_before_start": gettext_lazy("the end date “%(value)s” is before the start date"),
    "unknown_period": gettext_lazy(
        "“%(value)s” is not a year, quarter, month or date we recognise"
    ),
    "other_currency": gettext_lazy(
        "“%(value)s” is in another currency than the list (%(currency)s)"
    ),
    "extra_values": gettext_lazy(
        "the row has more values than the header has columns (“%(value)s”); check the "
        "separator and quoting"
    ),
    "too_long": gettext_lazy("“%(value)s” is longer than %(limit)s characters"),
    "too_large": gettext_lazy("“%(value)s” is too large to store"),
}
REASON_LABELS = {
    "missing_name": gettext_lazy("Name missing"),
    "duplicate_id": gettext_lazy("Customer ID used twice"),
    "not_a_number": gettext_lazy("Not a number"),
    "not_an_integer": gettext_lazy("Not a whole number"),
    "unknown_date": gettext_lazy("Unknown date"),
    "negative": gettext_lazy("Negative value"),
    "end_before_start": gettext_lazy("End before start"),
    "unknown_period": gettext_lazy("Unknown period"),
    "other_currency": gettext_lazy("Another currency"),
    "extra_values": gettext_lazy("More values than columns"),
    "too_long": gettext_lazy("Text too long"),
    "too_large": gettext_lazy("Number too large"),
}


def reason_text(problem: dict) -> str:
    """One stored problem as a translated phrase."""
    template = REASONS.get(problem.get("reason"))
    if template is None:
        return problem.get("message", "")
    value = problem.get("value") or ""
    if len(value) > 80:
        value = value[:77] + "…"
    return template % {
        "value": value,
        "other_row": problem.get("other_row"),
        "limit": problem.get("limit"),
        "currency": problem.get("currency") or "",
    }


def reason_label(code: str) -> str:
    """The short name of a kind of problem, for the counts."""
    return str(REASON_LABELS.get(code, code))


def file_error_text(code: str) -> str:
    """The translated sentence for an unreadable file (limits as the settings say)."""
    template = FILE_ERRORS.get(code, FILE_ERRORS["not_a_spreadsheet"])
    return template % {
        "max_rows": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
        "max_bytes": filesizeformat(settings.IMPORT_WORKBOOK_MAX_UNPACKED_BYTES),
        "max_sheets": settings.IMPORT_WORKBOOK_MAX_SHEETS,
        "max_cells": number_format(settings.IMPORT_WORKBOOK_MAX_CELLS, force_grouping=True),
        "seconds": settings.IMPORT_WORKBOOK_MAX_SECONDS,
    }


def failure_text(upload: ImportUpload) -> str:
    """Why a failed import failed, in one sentence (empty when it did not fail)."""
    message = upload.message
    if not message:
        return ""
    if message in FILE_ERRORS:
        return file_error_text(message)
    if message.startswith("mapping:"):
        return _("The chosen columns do not fit the file; check the mapping.")
    if message == "stopped":
        return _(
            "The import stopped: the process running it gave no sign of life for two minutes. "
            "Nothing was stored. Try again, or discard the file."
        )
    if message == "read_stopped":
        return _(
            "Reading the workbook stopped: the process reading it gave no sign of life for two "
            "minutes. Try again, or discard the file."
        )
    return _("The import stopped unexpectedly; nothing was stored. Please try again.")
