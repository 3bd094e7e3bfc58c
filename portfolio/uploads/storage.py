"""An upload's bytes in PostgreSQL, in pieces: written as they arrive, read back into a
temporary file, never held whole in memory (a million-row CSV is over 100 MB).

The database is what the web app and every worker share; a process reading an upload
copies it into IMPORT_TMP_DIR for the readers (pandas, the workbook reader), which want a
file, and removes it afterwards.  Files left there by a killed process are removed by
`clean_temporary_files` (run by clean_uploads).
"""

import contextlib
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portfolio.models import ImportUpload, ImportUploadPart, PartKind

PART_BYTES = 8 << 20


def temporary_folder() -> Path:
    """Where uploads are copied to be read (created on first use)."""
    folder = Path(settings.IMPORT_TMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def parts_store(*, upload: ImportUpload, chunks: Iterable[bytes], kind: str = PartKind.FILE) -> int:
    """Keep `chunks` as the upload's file (or table), replacing any before; the size stored."""
    size = number = 0
    buffer = bytearray()
    with transaction.atomic():
        ImportUploadPart.objects.filter(upload=upload, kind=kind).delete()
        for chunk in chunks:
            buffer += chunk
            while len(buffer) >= PART_BYTES:
                ImportUploadPart.objects.create(
                    upload=upload, kind=kind, number=number, data=bytes(buffer[:PART_BYTES])
                )
                del buffer[:PART_BYTES]
                number += 1
            size += len(chunk)
        if buffer or not number:
            ImportUploadPart.objects.create(
                upload=upload, kind=kind, number=number, data=bytes(buffer)
            )
    return size


def parts_delete(*, upload: ImportUpload, kind: str | None = None) -> None:
    """Forget the upload's file (and table), e.g. once it is imported."""
    parts = ImportUploadPart.objects.filter(upload=upload)
    if kind is not None:
        parts = parts.filter(kind=kind)
    parts.delete()


def chunks_of(upload: ImportUpload, kind: str = PartKind.FILE) -> Iterator[bytes]:
    """The upload's bytes, one piece at a time."""
    numbers = (
        ImportUploadPart.objects.filter(upload=upload, kind=kind)
        .order_by("number")
        .values_list("pk", flat=True)
    )
    for pk in list(numbers):
        yield bytes(ImportUploadPart.objects.values_list("data", flat=True).get(pk=pk))


@contextlib.contextmanager
def upload_file(upload: ImportUpload, kind: str = PartKind.FILE) -> Iterator[Path]:
    """The upload's bytes as a temporary file, removed afterwards."""
    handle, name = tempfile.mkstemp(prefix=f"upload-{upload.pk}-", dir=temporary_folder())
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks_of(upload, kind):
                out.write(chunk)
        yield path
    finally:
        path.unlink(missing_ok=True)


def clean_temporary_files(*, older_than_seconds: int = 24 * 3600) -> int:
    """Remove files a killed process left in IMPORT_TMP_DIR; how many."""
    folder = Path(settings.IMPORT_TMP_DIR)
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
