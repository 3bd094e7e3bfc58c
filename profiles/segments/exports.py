"""The segment lists as files: the reps' export (CSV or Excel) and the CRM's CSV.

CSV is streamed from PostgreSQL as it is read (``COPY ... TO STDOUT``): the first bytes leave
before the last row is read and no process holds the list. Text cells are made formula-safe in
the query itself, with the same rule as portfolio.spreadsheets (text starting with = + - @, a
tab or a carriage return gets a leading apostrophe; numbers stay numbers). Lines end in CRLF
and the file starts with a byte-order mark, as every export of the app.

Excel files of up to XLSX_INLINE_ROWS rows are written in the request; larger ones by the
worker (profiles.segments.tasks) into FILES_DIR/exports, in pieces, with progress.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, F, IntegerField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio.spreadsheets import neutralise, write_xlsx
from profiles.models import SegmentExport, SegmentSet
from profiles.segments import lists
from profiles.versions.criteria import FIT_SEGMENTS
from profiles.versions.evaluation import REASONS
from profiles.versions.wording import FIT_LABELS

CHUNK_ROWS = 50_000
FORMULA_PATTERN = r"^[=+\-@\t\r]"  # portfolio.spreadsheets.FORMULA_STARTS
TIERS = {"do-or-die": 1, "neutral": 2, "do-not": 3}
# The reps' export names the segments in the member's language (wording.FIT_LABELS); the CRM
# layouts keep the keys: a CRM field's allowed values.
CRM_LAYOUTS = {
    # layout: (id, name, segment, tier) headers
    "hubspot": ("Record ID", "Company name", "ICP segment", "ICP tier"),
    "salesforce": ("Account ID", "Account Name", "ICP_Segment__c", "ICP_Tier__c"),
    "plain": ("external_id", "name", "segment", "tier"),
}


def _safe(field: str) -> Case:
    """A text column made formula-safe in SQL (the rule of portfolio.spreadsheets)."""
    return Case(
        When(**{f"{field}__regex": FORMULA_PATTERN}, then=Concat(Value("'"), F(field))),
        default=F(field),
        output_field=CharField(),
    )


def _named(values: dict, field: str) -> Case:
    return Case(
        *(When(**{field: code}, then=Value(text)) for code, text in values.items()),
        default=None,
        output_field=CharField(),
    )


def export_header() -> list[str]:
    """The columns of the reps' export, in the member's language."""
    return [
        _("Customer ID"),
        _("Name"),
        _("Owner"),
        _("Revenue with us"),
        _("ICP segment"),
        _("Criteria known"),
        _("Criteria total"),
        _("Reason"),
    ]


def _export_query(segment_set: SegmentSet, reason_labels: list[str], filters: dict):
    """SELECT of the export's rows (formula-safe) with its parameters."""
    found = lists.rows(segment_set, **filters).annotate(
        x_id=_safe("external_id"),
        x_name=_safe("name"),
        x_owner=_safe("owner"),
        x_segment=_named({i: str(FIT_LABELS[s]) for i, s in enumerate(FIT_SEGMENTS)}, "segment"),
        x_total=Value(int(segment_set.criteria_total), output_field=IntegerField()),
        x_reason=_named({i: neutralise(str(t)) for i, t in enumerate(reason_labels)}, "reason"),
    )
    columns = ("x_id", "x_name", "x_owner", "revenue", "x_segment", "known", "x_total", "x_reason")
    return found.values_list(*columns).query.sql_with_params()


def _crm_query(segment_set: SegmentSet):
    tiers = {FIT_SEGMENTS.index(s): str(t) for s, t in TIERS.items()}
    found = lists.rows(segment_set).annotate(
        x_id=_safe("external_id"),
        x_name=_safe("name"),
        x_segment=_named(dict(enumerate(FIT_SEGMENTS)), "segment"),
        x_tier=_named(tiers, "segment"),
    )
    return found.values_list("x_id", "x_name", "x_segment", "x_tier").query.sql_with_params()


def _header_line(names) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([neutralise(str(n)) for n in names])
    return out.getvalue().encode()


def _streamed(sql: str, params: list, header) -> Iterator[bytes]:
    yield "\ufeff".encode() + _header_line(header)
    copy_sql = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql, params) as copy:
        for chunk in copy:
            yield bytes(chunk).replace(b"\n", b"\r\n")


def segment_csv(segment_set: SegmentSet, reason_labels: list[str], **filters) -> Iterator[bytes]:
    """The reps' export as CSV, streamed."""
    sql, params = _export_query(segment_set, reason_labels, filters)
    return _streamed(sql, params, export_header())


def crm_csv(segment_set: SegmentSet, layout: str) -> Iterator[bytes]:
    """External id, name, segment and tier of every customer, with the layout's headers."""
    sql, params = _crm_query(segment_set)
    return _streamed(sql, params, CRM_LAYOUTS[layout])


def _frames(segment_set: SegmentSet, reason_labels: list[str], filters: dict):
    sql, params = _export_query(segment_set, reason_labels, filters)
    header = export_header()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            frame = pd.DataFrame(rows, columns=header)
            frame[header[3]] = pd.to_numeric(frame[header[3]], errors="coerce").astype(float)
            yield frame


def segment_xlsx(
    target, segment_set: SegmentSet, reason_labels: list[str], *, progress=None, **filters
) -> None:
    """The reps' export as an Excel workbook, written in pieces to `target`."""
    write_xlsx(
        target,
        _frames(segment_set, reason_labels, filters),
        columns=export_header(),
        sheet_name=_("Segments"),
        progress=progress,
    )


# Short forms of evaluation.REASONS for a spreadsheet cell (the bulk fit check's too).
REASON_LABELS = {
    "no_criteria": gettext_lazy("The profile has no criteria"),
    "conflict_do_not_wins": gettext_lazy("Do-not wins over do-or-die"),
    "do_not": gettext_lazy("A do-not criterion is met"),
    "too_little_known": gettext_lazy("Too little known to decide"),
    "do_or_die": gettext_lazy("Meets the do-or-die criteria"),
    "do_or_die_unclear": gettext_lazy("Could be do-or-die; too little known"),
    "neutral_match": gettext_lazy("Meets the neutral criteria"),
    "between": gettext_lazy("Grey zone"),
}


def reason_labels() -> list[str]:
    """REASON_LABELS in evaluation.REASONS order, in the active language."""
    return [str(REASON_LABELS[code]) for code in REASONS]


def export_folder() -> Path:
    return Path(settings.FILES_DIR) / "exports"


def export_write(job: SegmentExport, reason_labels: list[str]) -> SegmentExport:
    """Write a queued export's file, telling its progress as it goes."""
    folder = export_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"export-{job.pk}-{timezone.now():%Y%m%d%H%M%S}.xlsx"
    SegmentExport.objects.filter(pk=job.pk).update(state="running", rows_done=0)

    def progress(done: int) -> None:
        SegmentExport.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        with path.open("wb") as target:
            segment_xlsx(target, job.segment_set, reason_labels, progress=progress, **job.filters)
    except Exception:
        path.unlink(missing_ok=True)
        SegmentExport.objects.filter(pk=job.pk).update(state="failed", finished_at=timezone.now())
        raise
    SegmentExport.objects.filter(pk=job.pk).update(
        state="ready", path=str(path), finished_at=timezone.now(), rows_done=job.rows_total
    )
    job.refresh_from_db()
    return job
