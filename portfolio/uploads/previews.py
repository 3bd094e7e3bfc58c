"""What the import pages show before anything is stored, and the words for what went wrong.

The mapping page works on a sample, so that a change of a select answers at once: the whole
file when it is small, the first megabyte (cut at a line end) of a big text file, and for a
workbook over IMPORT_INLINE_BYTES the first rows the worker read once and kept on the upload
(`ImportUpload.sample`): a workbook can only be read whole, and a big one takes longer than a
request may (a 40 MB xlsx: 12 s, and still 5 s for its first rows alone).
"""

import logging
import re
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio.imports.mapping import FIELDS, looks_order_level, suggest_mapping
from portfolio.imports.pipeline import import_check
from portfolio.imports.reading import ImportFileError, RawTable, detect_encoding, read_table
from portfolio.models import ImportUpload
from portfolio.parsing.numbers import NumberFormat
from portfolio.uploads.forms import FIELD_LABELS, initial_from_options
from portfolio.uploads.services import read_upload, upload_content

log = logging.getLogger(__name__)

SAMPLE_BYTES = 1 << 20
# The rows of a big workbook kept for the mapping page: the preview and the order-level
# suggestion look at these.
SAMPLE_ROWS = 1000
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
PREVIEW_ROWS = 10
_AMBIGUOUS_DATE = re.compile(r"^\s*\d{1,2}[/-]\d{1,2}[/-]\d{2,4}")

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
    "too_long": gettext_lazy("Text too long"),
    "too_large": gettext_lazy("Number too large"),
}


@dataclass(frozen=True)
class Sample:
    raw: RawTable
    complete: bool  # the whole file was read
    file_rows: int | None = None  # the rows in the whole file, when known but not all here


class SampleUnreadable(Exception):
    """The worker found a big workbook unreadable; `code` is a key of FILE_ERRORS."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def read_in_worker(upload: ImportUpload) -> bool:
    """Whether the upload is a workbook too big to read within a request."""
    if upload.sample:
        return True
    if upload.size <= settings.IMPORT_INLINE_BYTES:
        return False
    return upload_content(upload, limit=len(WORKBOOK_MAGIC[0])).startswith(WORKBOOK_MAGIC)


def load_sample(upload: ImportUpload, *, sheet: str) -> Sample | None:
    """The sample of `sheet` ("" for the saved or first one); None while the worker reads it.

    Raises ImportFileError or SampleUnreadable when the file cannot be read.
    """
    if not read_in_worker(upload):
        return read_sample(upload, sheet=sheet or None)
    if not sample_fits(upload.sample, sheet):
        return None
    if "error" in upload.sample:
        raise SampleUnreadable(upload.sample["error"])
    return _stored_sample(upload.sample)


def sample_fits(sample: dict, sheet: str) -> bool:
    """Whether the worker has read the sheet asked for ("" takes whichever it read)."""
    if not sample or sample.get("pending"):
        return False
    if sheet == sample.get("requested"):
        return True
    return "error" not in sample and sheet in ("", sample.get("sheet"))


def sample_pending(sample: dict, sheet: str) -> bool:
    """Whether the worker was already asked to read this sheet."""
    return bool(sample.get("pending")) and sample.get("requested") == sheet


def workbook_sample(upload: ImportUpload, *, sheet: str) -> dict:
    """Read a big workbook whole (in the worker) and keep what the mapping page needs."""
    try:
        raw = read_upload(upload, sheet=sheet or None)
    except ImportFileError as error:
        return {"error": error.code}
    except Exception:
        log.exception("reading upload %s for its mapping failed", upload.pk)
        return {"error": "read_failed"}
    head = raw.frame.head(SAMPLE_ROWS)
    return {
        "sheet": raw.sheet,
        "sheets": list(raw.sheets),
        "source": raw.source,
        "columns": list(raw.columns),
        "index": head.index.tolist(),
        "rows": head.astype(object).where(head.notna(), None).to_numpy().tolist(),
        "row_count": len(raw.frame),
    }


def _stored_sample(sample: dict) -> Sample:
    """Rebuild the RawTable read_table made from what workbook_sample kept."""
    frame = pd.DataFrame(
        sample["rows"],
        index=pd.Index(sample["index"], name="row"),
        columns=sample["columns"],
        dtype=object,
    ).astype("str")
    raw = RawTable(
        frame,
        tuple(sample["columns"]),
        None,
        None,
        sample["sheet"],
        tuple(sample["sheets"]),
        sample["source"],
    )
    complete = sample["row_count"] <= len(frame)
    return Sample(raw, complete, None if complete else sample["row_count"])


def read_sample(upload: ImportUpload, *, sheet: str | None = None) -> Sample:
    """Read the upload, or the first megabyte of a big text file (ImportFileError if bad)."""
    data = upload_content(upload, limit=SAMPLE_BYTES + 1)
    workbook = data.startswith(WORKBOOK_MAGIC)
    if workbook and len(data) > SAMPLE_BYTES:
        data = upload_content(upload)
    complete = len(data) <= SAMPLE_BYTES or workbook
    if not complete:
        data = _cut_at_line_end(data[:SAMPLE_BYTES])
    max_rows = settings.IMPORT_MAX_ROWS if complete else None
    raw = read_table(data, upload.file_name, sheet=sheet, max_rows=max_rows)
    return Sample(raw, complete)


def _cut_at_line_end(data: bytes) -> bytes:
    encoding = detect_encoding(data)
    if encoding in ("utf-16", "utf-16-le"):
        bom_le = not data.startswith(b"\xfe\xff")
        newline = b"\n\x00" if bom_le else b"\x00\n"
        end = data.rfind(newline)
        while end > 0 and end % 2:  # a code unit starts at an even offset
            end = data.rfind(newline, 0, end)
        return data[: end + 2] if end > 0 else data
    if encoding == "utf-16-be":
        end = data.rfind(b"\x00\n")
        return data[: end + 2] if end > 0 else data
    end = data.rfind(b"\n")
    return data[: end + 1] if end > 0 else data


def initial_options(upload: ImportUpload, sample: Sample) -> dict:
    """The mapping form's starting values: saved choices, or the suggestion for the file."""
    if upload.options.get("mapping"):
        mapping = upload.options["mapping"]
        if all(column in sample.raw.columns for column in mapping.values() if column):
            return initial_from_options(upload.options)
    mapping = suggest_mapping(list(sample.raw.columns))
    options = {
        "mapping": mapping,
        "order_level": looks_order_level(sample.raw.frame, mapping),
        "period": "all",
        "sheet": sample.raw.sheet or "",
    }
    return initial_from_options(options)


def options_from_initial(initial) -> dict:
    """The service options that form values (initial or submitted, unchecked) stand for."""
    dayfirst = {"day": True, "month": False}.get(initial.get("date_order") or "")
    return {
        "mapping": {spec.name: initial.get(f"map_{spec.name}") or None for spec in FIELDS},
        "order_level": bool(initial.get("order_level")),
        "period": initial.get("period") or "all",
        "number_format": initial.get("number_format") or "",
        "dayfirst": dayfirst,
    }


def preview(sample: Sample, options: dict) -> dict:
    """The first rows as they will be stored, the detected formats and the sample's problems."""
    raw = sample.raw
    mapping = {
        name: column
        for name, column in options["mapping"].items()
        if column and column in raw.columns
    }
    result = {
        "complete": sample.complete,
        "file_rows": sample.file_rows,
        "unmapped": [column for column in raw.columns if column not in mapping.values()],
        "order_suggested": looks_order_level(raw.frame, mapping),
        "date_ambiguous": _dates_ambiguous(raw, mapping),
    }
    try:
        checked = import_check(
            raw=raw,
            mapping=mapping,
            order_level=options.get("order_level", False),
            number_format=options.get("number_format") or None,
            dayfirst=options.get("dayfirst"),
        )
    except ValueError:
        return {**result, "error": _("Choose the column that holds the customer name.")}
    shown = [spec for spec in FIELDS if spec.name in checked.customers.columns]
    head = checked.customers.head(PREVIEW_ROWS)
    bad = {(error.row, error.field) for error in checked.errors}
    rows = []
    for row_number, values in head.iterrows():
        cells = []
        for spec in shown:
            value = values[spec.name]
            kind = "text" if spec.name == "growth" else spec.kind
            cells.append(
                {
                    "value": None if _empty(value) else value,
                    "kind": kind,
                    "bad": (row_number, spec.name) in bad,
                }
            )
        rows.append({"number": row_number, "cells": cells})
    formats = checked.report.number_formats
    return {
        **result,
        "columns": [
            {"label": FIELD_LABELS[spec.name], "header": mapping[spec.name]} for spec in shown
        ],
        "rows": rows,
        "row_count": checked.row_count,
        "invalid_count": checked.invalid_count,
        "number_formats": [
            {
                "label": FIELD_LABELS[name],
                "example": _number_example(fmt),
                "certain": fmt.certain,
            }
            for name, fmt in formats.items()
        ],
        "uncertain": any(not fmt.certain for fmt in formats.values()),
    }


def _empty(value) -> bool:
    try:
        return value is None or value != value or str(value) in ("NaT", "<NA>")
    except TypeError:
        return str(value) == "<NA>"


def _number_example(fmt: NumberFormat) -> str:
    thousands = fmt.thousands if fmt.thousands not in (None, "\u00a0", "\u202f") else " "
    return f"1{thousands}234{fmt.decimal}56"


def _dates_ambiguous(raw: RawTable, mapping: dict) -> bool:
    """Whether a mapped date column writes dates like 01/03/2025 (day or month first)."""
    for spec in FIELDS:
        column = mapping.get(spec.name)
        if spec.kind == "date" and column:
            values = raw.frame[column].dropna().head(2000)
            if values.str.contains(_AMBIGUOUS_DATE).any():
                return True
    return False


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
    }


def reason_label(code: str) -> str:
    """The short name of a kind of problem, for the counts."""
    return str(REASON_LABELS.get(code, code))


def file_error_text(code: str) -> str:
    """The translated sentence for an unreadable file."""
    template = FILE_ERRORS.get(code, FILE_ERRORS["not_a_spreadsheet"])
    return template % {"max_rows": f"{settings.IMPORT_MAX_ROWS:,}"}


def failure_text(upload: ImportUpload) -> str:
    """Why a failed import failed, in one sentence (empty when it did not fail)."""
    message = upload.message
    if not message:
        return ""
    if message in FILE_ERRORS:
        return file_error_text(message)
    if message.startswith("mapping:"):
        return _("The chosen columns do not fit the file; check the mapping.")
    return _("The import stopped unexpectedly; nothing was stored. Please try again.")
