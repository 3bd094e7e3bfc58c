"""The long parts of an upload's way, with a heartbeat: a worker reading a workbook once, and
an import run (in the request for small files, else by the worker).

Each claims its upload with one UPDATE (so it runs once), writes a heartbeat and its progress
on its own database connection while it works (visible while the import's transaction is
open), and records its outcome on the upload whatever happens.  A process that dies stops its
heartbeat; `services.import_uploads_sweep` then fails the upload.
"""

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from portfolio.imports.limits import workbook_limits
from portfolio.imports.pipeline import ImportRejected, dataset_import
from portfolio.imports.reading import Converted, ImportFileError, read_table
from portfolio.imports.repeats import Repeats
from portfolio.imports.sheets import WorkbookRefused, workbook_to_csv
from portfolio.models import ImportPhase, ImportState, ImportUpload, PartKind
from portfolio.uploads.samples import sample_json
from portfolio.uploads.services import import_upload_content_forget
from portfolio.uploads.storage import parts_store, temporary_folder, upload_file

log = logging.getLogger(__name__)


class Heartbeat:
    """While open: a heartbeat every IMPORT_HEARTBEAT_SECONDS, and progress when called.

    Both are written on a connection of their own, so other requests see them while the
    import's transaction is still open.
    """

    progress_interval = 0.5

    def __init__(self, upload_id: int) -> None:
        self.upload_id = upload_id
        self.connection = None
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)
        self.last = (None, 0.0)

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()
        with self.lock:
            if self.connection is not None:
                self.connection.close()
                self.connection.dec_thread_sharing()
                self.connection = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        """Progress of the import: shown on its page (throttled, a phase's end always)."""
        now = time.monotonic()
        last_phase, last_time = self.last
        if phase == last_phase and now - last_time < self.progress_interval and done < total:
            return
        self.last = (phase, now)
        try:
            self._write(
                "phase = %s, rows_done = %s, rows_total = %s, heartbeat_at = %s",
                [str(phase), done, total, timezone.now()],
            )
        except DatabaseError:  # progress is shown, not needed: the import goes on
            log.exception("progress of upload %s not written", self.upload_id)

    def _beat(self) -> None:
        while not self.stopped.wait(settings.IMPORT_HEARTBEAT_SECONDS):
            try:
                self._write("heartbeat_at = %s", [timezone.now()])
            except Exception:  # a missed beat is not worth stopping an import for
                log.exception("heartbeat of upload %s failed", self.upload_id)

    def _write(self, assignments: str, params: list) -> None:
        with self.lock:
            if self.connection is None:
                self.connection = connections.create_connection("default")
                # Used by the import's thread and the beat's, one at a time (the lock).
                self.connection.inc_thread_sharing()
                with self.connection.cursor() as cursor:
                    # Never wait long for the row: a beat may be skipped, an import not held up.
                    cursor.execute("SET lock_timeout = '5s'")
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE portfolio_importupload SET {assignments} WHERE id = %s",
                    [*params, self.upload_id],
                )


def import_upload_read(*, upload_id: int, sheet: str) -> bool:
    """Read a workbook's `sheet` ("" for the first with content) once, in the worker.

    Keeps the sheet as CSV (the import reads that, never the workbook again) and its first
    rows as the sample; or fails the upload with the reason.  False when the upload was
    discarded or another sheet was asked for meanwhile.
    """
    waiting = ImportUpload.objects.filter(
        pk=upload_id, state=ImportState.READING, options__sheet=sheet
    )
    if not waiting.update(heartbeat_at=timezone.now()):
        return False
    upload = ImportUpload.objects.without_sample().get(pk=upload_id)
    csv_path = None
    with Heartbeat(upload_id), upload_file(upload) as path:
        csv_path = temporary_folder() / f"{path.name}.csv"
        try:
            error, sample = None, _read_sheet(upload, path, csv_path, sheet)
        except (WorkbookRefused, ImportFileError) as refused:
            error, sample = refused.code, None
        except Exception:
            log.exception("reading upload %s failed", upload_id)
            error, sample = "read_failed", None
        try:
            return _keep_read(upload_id, sheet, error, sample, csv_path)
        finally:
            csv_path.unlink(missing_ok=True)


def _read_sheet(upload: ImportUpload, path: Path, csv_path: Path, sheet: str) -> dict:
    chosen, names = workbook_to_csv(
        path, upload.file_kind, csv_path, sheet=sheet or None, limits=workbook_limits()
    )
    converted = Converted(chosen, names, upload.file_kind)
    raw = read_table(
        csv_path, upload.file_name, max_rows=settings.IMPORT_MAX_ROWS, converted=converted
    )
    return sample_json(raw, complete=True, row_count=len(raw.frame))


def _keep_read(upload_id, sheet, error, sample, csv_path: Path) -> bool:
    with transaction.atomic():
        upload = (
            ImportUpload.objects.select_for_update()
            .filter(pk=upload_id, state=ImportState.READING, options__sheet=sheet)
            .first()
        )
        if upload is None:
            return False
        if error is not None:
            upload.state, upload.message = ImportState.FAILED, error
            upload.save(update_fields=["state", "message"])
            return True
        with csv_path.open("rb") as handle:
            parts_store(upload=upload, chunks=iter(lambda: handle.read(1 << 20), b""), kind="table")
        upload.sample, upload.state = sample, ImportState.UPLOADED
        upload.save(update_fields=["sample", "state"])
    return True


def import_upload_run(*, upload: ImportUpload) -> ImportUpload:
    """Read, check and store a queued upload with its saved options; record the outcome.

    Does nothing when another process claimed the upload first.
    """
    claimed = ImportUpload.objects.filter(pk=upload.pk, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, phase=ImportPhase.READING, heartbeat_at=timezone.now()
    )
    if not claimed:
        upload.refresh_from_db()
        return upload
    options = upload.options
    outcome: dict = {}
    with Heartbeat(upload.pk) as beat:
        try:
            result = _run(upload, options, beat)
        except ImportFileError as error:
            outcome = {"state": ImportState.FAILED, "message": error.code}
        except ImportRejected as rejected:
            outcome = {"state": ImportState.INVALID, "report": rejected.checked.as_json()}
        except ValueError as error:
            outcome = {"state": ImportState.FAILED, "message": f"mapping:{error}"}
        except Exception:
            log.exception("import of upload %s failed", upload.pk)
            outcome = {"state": ImportState.FAILED, "message": "unexpected"}
        else:
            rows = result.checked.row_count
            outcome = {
                "state": ImportState.DONE,
                "dataset": result.dataset,
                "rows_done": rows,
                "rows_total": rows,
                "report": {**result.checked.as_json(), "errors": []},
            }
    ImportUpload.objects.filter(pk=upload.pk).update(phase=ImportPhase.FINISHED, **outcome)
    if outcome["state"] == ImportState.DONE:
        import_upload_content_forget(upload=upload)
    upload.refresh_from_db()
    return upload


def _run(upload: ImportUpload, options: dict, progress: Heartbeat):
    workbook = upload.is_workbook
    kind = PartKind.TABLE if workbook else PartKind.FILE
    with upload_file(upload, kind) as path:
        converted = None
        if workbook:
            sample = ImportUpload.objects.values_list("sample", flat=True).get(pk=upload.pk)
            converted = Converted(
                sample.get("sheet") or "", tuple(sample.get("sheets") or ()), upload.file_kind
            )
        raw = read_table(
            path, upload.file_name, max_rows=settings.IMPORT_MAX_ROWS, converted=converted
        )
    return dataset_import(
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
        scales=_scales(options),
        currencies=options.get("currencies") or {},
        repeats=Repeats(
            options.get("repeated") or "latest", merge_names=bool(options.get("merge_names"))
        ),
        progress=progress,
    )


def _scales(options: dict) -> dict[str, int | None]:
    return {
        name: None if value in (None, "") else int(value)
        for name, value in (options.get("scales") or {}).items()
    }
