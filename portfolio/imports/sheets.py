"""Workbooks (.xlsx, .xls, .ods) to CSV, once, in a child process with limits.

A workbook is a zip of XML that can unpack to gigabytes; the reader holds a whole sheet in
memory.  So a workbook is only ever opened by `sheet_reader` in its own process, after its
declared unpacked size is checked, with a memory limit, a time limit, and limits on sheets,
rows and cells.  What comes back is the sheet as UTF-8 CSV, read like any text file.
"""

import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

READER = Path(__file__).with_name("sheet_reader.py")


@dataclass(frozen=True)
class WorkbookLimits:
    """What one workbook may cost (see the IMPORT_WORKBOOK_* settings)."""

    max_rows: int = 1_000_000
    max_cells: int = 30_000_000
    max_sheets: int = 200
    max_unpacked_bytes: int = 1 << 30
    max_seconds: int = 300
    max_memory_bytes: int = 3 << 30


class WorkbookRefused(Exception):
    """The workbook cannot or may not be read: `code` and `params` for its message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def unpacked_size(file: Path | BinaryIO) -> int:
    """The size a zipped workbook (a path or an open file) declares for its contents; 0 for a
    file that is no zip (its reader refuses it)."""
    try:
        with zipfile.ZipFile(file) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def workbook_to_csv(
    path: Path, kind: str, out: Path, *, sheet: str | None, limits: WorkbookLimits
) -> tuple[str, tuple[str, ...]]:
    """Write `sheet` (or the first with content) of the workbook at `path` as CSV to `out`.

    Returns the sheet read and every sheet's name; raises WorkbookRefused.
    """
    if kind != "xls" and unpacked_size(path) > limits.max_unpacked_bytes:
        raise WorkbookRefused("too_big", max_bytes=limits.max_unpacked_bytes)
    command = [
        sys.executable,
        "-I",  # isolated: no user site, no environment's PYTHONPATH
        str(READER),
        str(path),
        str(out),
        kind,
        *(str(limit) for limit in (limits.max_rows, limits.max_cells, limits.max_sheets)),
        str(limits.max_memory_bytes),
        *([sheet] if sheet is not None else []),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=limits.max_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise WorkbookRefused("too_slow", seconds=limits.max_seconds) from None
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        # Killed by its memory limit, or crashed: either way the file cannot be read here.
        raise WorkbookRefused("out_of_memory" if done.returncode else "damaged") from None
    if "error" in answer:
        raise WorkbookRefused(answer["error"], **answer.get("params", {}))
    return answer["sheet"], tuple(answer["sheets"])
