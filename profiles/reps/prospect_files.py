"""Uploaded prospect lists waiting for their mapping (bulk fit check), kept privately.

In PROSPECT_UPLOAD_DIR, a folder only the app's user may enter (0700), each file readable only
by it (0600) under a generated name (never the uploaded one, which stays in the session for
display). A file is deleted when its check has been downloaded, when the same member uploads
another, and by the background sweep after PROSPECT_UPLOAD_MAX_AGE_HOURS.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def storage() -> FileSystemStorage:
    """The private folder, created (or tightened) on first use."""
    root = Path(settings.PROSPECT_UPLOAD_DIR)
    root.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    info = root.stat()
    if info.st_uid != os.getuid():
        raise ImproperlyConfigured(f"{root} belongs to another user; choose another folder.")
    if stat.S_IMODE(info.st_mode) != FOLDER_MODE:
        root.chmod(FOLDER_MODE)
    return FileSystemStorage(
        location=root, file_permissions_mode=FILE_MODE, directory_permissions_mode=FOLDER_MODE
    )


def store(upload, *, organization_id: int, user_id: int) -> str:
    """Save an upload under a generated name; returns its path in the storage."""
    suffix = PurePath(upload.name).suffix.casefold()
    if not suffix[1:].isalnum() or len(suffix) > 6:
        suffix = ""
    path = f"{organization_id}/{user_id}/{uuid.uuid4().hex}{suffix}"
    return storage().save(path, upload)


def delete(path: str | None) -> None:
    if path:
        storage().delete(path)


def prospect_files_clean(*, now: float | None = None) -> int:
    """Delete files older than PROSPECT_UPLOAD_MAX_AGE_HOURS; returns how many."""
    root = Path(settings.PROSPECT_UPLOAD_DIR)
    if not root.exists():
        return 0
    cutoff = (now or time.time()) - dt.timedelta(
        hours=settings.PROSPECT_UPLOAD_MAX_AGE_HOURS
    ).total_seconds()
    deleted = 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
