"""The first rows of an upload, kept once on it (ImportUpload.sample) for the mapping page.

A text file is sampled when it arrives (its first megabyte, cut at a line end); a workbook by
the worker that reads it.  The mapping page rebuilds the table from the sample on every change
and never opens the file again.
"""

from dataclasses import dataclass

import pandas as pd

from portfolio.imports.reading import RawTable, read_table
from portfolio.imports.text_files import detect_encoding

SAMPLE_BYTES = 1 << 20
# Rows kept: the preview, the problems found so far and the suggestions (orders, repeated
# customers, units) look at these.
SAMPLE_ROWS = 2000


@dataclass(frozen=True)
class Sample:
    raw: RawTable
    complete: bool  # the whole file is in the sample
    file_rows: int | None = None  # the rows in the whole file, when known but not all here


def sample_json(raw: RawTable, *, complete: bool, row_count: int | None) -> dict:
    """What the mapping page needs of a table read from the upload."""
    head = raw.frame.head(SAMPLE_ROWS)
    overflow = {}
    if raw.overflow is not None:
        overflow = {str(row): text for row, text in raw.overflow.items() if row in head.index}
    return {
        "sheet": raw.sheet,
        "sheets": list(raw.sheets),
        "source": raw.source,
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "columns": list(raw.columns),
        "index": head.index.tolist(),
        "rows": head.astype(object).where(head.notna(), None).to_numpy().tolist(),
        "row_count": row_count,
        "complete": complete and len(head) == len(raw.frame),
        "overflow": overflow,
    }


def sample_from_json(sample: dict) -> Sample:
    """The table `sample_json` kept, as read_table made it."""
    frame = pd.DataFrame(
        sample["rows"],
        index=pd.Index(sample["index"], name="row"),
        columns=sample["columns"],
        dtype=object,
    ).astype("str")
    overflow = sample.get("overflow") or {}
    raw = RawTable(
        frame,
        tuple(sample["columns"]),
        sample.get("encoding"),
        sample.get("delimiter"),
        sample.get("sheet"),
        tuple(sample.get("sheets") or ()),
        sample.get("source") or "csv",
        pd.Series({int(row): text for row, text in overflow.items()}, dtype=object)
        if overflow
        else None,
    )
    complete = bool(sample.get("complete"))
    rows = sample.get("row_count")
    return Sample(raw, complete, None if complete else rows)


def text_sample(head: bytes, filename: str, *, complete: bool, max_rows: int) -> dict:
    """Sample a text file from its first bytes (all of them when `complete`).

    Raises ImportFileError when the file cannot be read.
    """
    if not complete:
        head = cut_at_line_end(head[:SAMPLE_BYTES])
    raw = read_table(head, filename, max_rows=max_rows if complete else None)
    return sample_json(raw, complete=complete, row_count=len(raw.frame) if complete else None)


def cut_at_line_end(data: bytes) -> bytes:
    """The bytes up to the last complete line (in the file's encoding)."""
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
