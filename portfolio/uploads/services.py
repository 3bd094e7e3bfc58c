"""Uploaded files on their way to a dataset: keep, clean up, discard, sample, run with progress.

The import itself (validation, COPY) is portfolio.imports.pipeline.dataset_import.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import connections
from django.db.models import BinaryField, F, Func, Value
from django.utils import timezone

from portfolio.imports.pipeline import ImportRejected, dataset_import
from portfolio.imports.reading import ImportFileError, RawTable, read_table
from portfolio.models import ImportPhase, ImportState, ImportUpload

log = logging.getLogger(__name__)


# Uploads in these states hold a file nobody is importing: they may be discarded.
DISCARDABLE_STATES = (ImportState.UPLOADED, ImportState.INVALID, ImportState.FAILED)


def import_upload_create(*, organization, user, file) -> ImportUpload:
    """Keep an uploaded file until its mapping is confirmed (the form checked its size)."""
    content = b"".join(file.chunks())
    # Each new upload clears out the forgotten ones, so no timer is needed for that.
    import_uploads_clean()
    return ImportUpload.objects.create(
        organization=organization,
        uploaded_by=user,
        file_name=file.name[:255],
        size=len(content),
        content=content,
    )


def import_uploads_clean(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads older than IMPORT_UPLOAD_MAX_AGE_DAYS never imported; how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_UPLOAD_MAX_AGE_DAYS)
    # Done uploads have no content left and are the history of the datasets: they stay.
    stale = ImportUpload.objects.filter(created_at__lt=cutoff, state__in=DISCARDABLE_STATES)
    deleted, _ = stale.delete()  # one DELETE: nothing refers to an upload
    return deleted


def import_upload_discard(*, upload: ImportUpload) -> bool:
    """Delete an upload nobody is importing, with its file; False when it is busy or done."""
    deleted, _ = ImportUpload.objects.filter(pk=upload.pk, state__in=DISCARDABLE_STATES).delete()
    return bool(deleted)


def upload_content(upload: ImportUpload, *, limit: int | None = None) -> bytes:
    """The uploaded bytes, or only the first `limit` of them (read from the database)."""
    rows = ImportUpload.objects.filter(pk=upload.pk)
    if limit is None:
        return bytes(rows.values_list("content", flat=True).get())
    head = Func(
        F("content"), Value(1), Value(limit), function="substring", output_field=BinaryField()
    )
    return bytes(rows.annotate(head=head).values_list("head", flat=True).get())


def import_upload_options_save(*, upload: ImportUpload, options: dict) -> ImportUpload:
    """Remember the chosen mapping and options; the next run uses them."""
    upload.options = options
    upload.state = ImportState.UPLOADED
    upload.report = {}
    upload.message = ""
    upload.save(update_fields=["options", "state", "report", "message"])
    return upload


def import_upload_queue(*, upload: ImportUpload, skip_invalid: bool = False) -> ImportUpload:
    """Mark the upload as waiting for a run (inline or by the worker)."""
    upload.options = {**upload.options, "skip_invalid": skip_invalid}
    upload.state = ImportState.QUEUED
    upload.phase = ImportPhase.WAITING
    upload.rows_done = upload.rows_total = 0
    upload.save(update_fields=["options", "state", "phase", "rows_done", "rows_total"])
    return upload


def import_upload_sample_queue(*, upload: ImportUpload, sheet: str) -> ImportUpload:
    """Mark a big workbook's `sheet` ("" for the first with content) as waiting for a read."""
    upload.sample = {"requested": sheet, "pending": True}
    upload.save(update_fields=["sample"])
    return upload


def import_upload_sample_save(*, upload: ImportUpload, sheet: str, sample: dict) -> bool:
    """Keep what the worker read of `sheet`, unless another sheet was asked for meanwhile."""
    waiting = ImportUpload.objects.filter(
        pk=upload.pk, sample__requested=sheet, sample__pending=True
    )
    return bool(waiting.update(sample={**sample, "requested": sheet}))


def read_upload(upload: ImportUpload, *, sheet: str | None = None) -> RawTable:
    """Read the stored file of an upload (whole) within the row limit."""
    data = upload_content(upload)
    return read_table(data, upload.file_name, sheet=sheet, max_rows=settings.IMPORT_MAX_ROWS)


def import_upload_run(*, upload: ImportUpload) -> ImportUpload:
    """Read, check and store an upload with its saved options; record the outcome on it."""
    reporter = ProgressReporter(upload.pk)
    options = upload.options
    upload.state, upload.phase = ImportState.RUNNING, ImportPhase.READING
    upload.save(update_fields=["state", "phase"])
    try:
        raw = read_upload(upload, sheet=options.get("sheet") or None)
        result = dataset_import(
            organization=upload.organization,
            user=upload.uploaded_by,
            raw=raw,
            file_name=upload.file_name,
            mapping=options.get("mapping") or {},
            skip_invalid=bool(options.get("skip_invalid")),
            order_level=bool(options.get("order_level")),
            period=options.get("period") or "all",
            number_format=options.get("number_format") or None,
            dayfirst=options.get("dayfirst"),
            progress=reporter,
        )
    except ImportFileError as error:
        upload.state, upload.message = ImportState.FAILED, error.code
    except ImportRejected as rejected:
        upload.state, upload.report = ImportState.INVALID, rejected.checked.as_json()
    except ValueError as error:
        upload.state, upload.message = ImportState.FAILED, f"mapping:{error}"
    except Exception:
        log.exception("import of upload %s failed", upload.pk)
        upload.state, upload.message = ImportState.FAILED, "unexpected"
    else:
        upload.state, upload.dataset = ImportState.DONE, result.dataset
        upload.rows_done = upload.rows_total = result.checked.row_count
        upload.report = {
            "row_count": result.checked.row_count,
            "valid_count": result.imported,
            "invalid_count": result.skipped,
        }
        upload.content = b""
        upload.sample = {}
    finally:
        reporter.close()
    upload.phase = ImportPhase.FINISHED
    upload.save()
    return upload


class ProgressReporter:
    """Writes progress on its own connection, so it shows while the import's transaction runs."""

    interval = 0.5

    def __init__(self, upload_id: int) -> None:
        self.upload_id = upload_id
        self.connection = None
        self.last = (None, 0.0)

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        last_phase, last_time = self.last
        if phase == last_phase and now - last_time < self.interval and done < total:
            return
        self.last = (phase, now)
        if self.connection is None:
            self.connection = connections.create_connection("default")
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE portfolio_importupload SET phase = %s, rows_done = %s, rows_total = %s"
                " WHERE id = %s",
                [str(phase), done, total, self.upload_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
