"""Read uploaded customer lists (CSV, Excel, OpenDocument) into a table of strings.

Everything here is pure: bytes or a file in, a `RawTable` out, no database and no Django
settings.  Workbooks are turned into CSV by `sheets` (in a child process, with limits) and then
read like any text file.  Typing of the cells (numbers, dates) happens later in
`portfolio.parsing`; this module only guarantees that every cell arrives as text the parsers
can recognise, and that a row with more values than the header is reported, never absorbed.
"""

import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np
import pandas as pd

from portfolio.imports.sheets import WorkbookLimits, WorkbookRefused, workbook_to_csv
from portfolio.imports.text_files import (
    EXCEL_SEP_LINE,
    ImportFileError,
    Source,
    cut_overflow,
    decode_sample,
    detect_delimiter,
    detect_encoding,
    read_csv_cells,
    reject_binary,
    widths,
)

TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".tsv", ".tab"})
# Some CRMs (old Salesforce reports) save HTML or tab-separated text under an .xls name, so
# the workbook extensions are only a hint: the bytes decide how the file is read.
WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


@dataclass(frozen=True)
class RawTable:
    """An uploaded table: string cells, indexed by the row number shown in the spreadsheet."""

    frame: pd.DataFrame  # str cells, NaN when empty; index = file row number (header is row 1)
    columns: tuple[str, ...]  # header texts, blanks named "column N", duplicates "Name (2)"
    encoding: str | None  # text files only
    delimiter: str | None  # text files only
    sheet: str | None  # workbooks only: the sheet that was read
    sheets: tuple[str, ...] = ()  # workbooks only: every sheet name
    source: str = "csv"  # "csv", "xlsx", "xls" or "ods"
    # Text files: rows with more values than the header has columns, and those values
    # (joined by the delimiter), by row number; None when there are none.
    overflow: pd.Series | None = None

    @property
    def is_workbook(self) -> bool:
        """Whether the cells came from a workbook (numbers then use a decimal point)."""
        return self.source != "csv"


@dataclass(frozen=True)
class Converted:
    """A workbook's sheet already turned into UTF-8 CSV by `sheets` (e.g. kept by the worker)."""

    sheet: str
    sheets: tuple[str, ...]
    source: str  # "xlsx", "xls" or "ods"


def read_table(
    data: bytes | Path,
    filename: str,
    *,
    sheet: str | None = None,
    max_rows: int | None = None,
    limits: WorkbookLimits | None = None,
    converted: Converted | None = None,
) -> RawTable:
    """Read an uploaded CSV/TSV, .xlsx, .xls or .ods file into a `RawTable` of strings.

    `data` is the file's bytes or its path (a path is read in pieces, never whole).
    `converted`: `data` is a workbook's sheet that `sheets` already turned into CSV.
    """
    source = Source(data)
    if converted is not None:
        raw = _read_text(source, max_rows=max_rows, known=("utf-8", ","))
        return RawTable(
            raw.frame, raw.columns, None, None, converted.sheet, converted.sheets, converted.source
        )
    suffix = PurePath(filename).suffix.casefold()
    if suffix not in TEXT_EXTENSIONS | WORKBOOK_EXTENSIONS:
        raise ImportFileError("unsupported_type")
    if source.is_blank():
        raise ImportFileError("empty")
    kind = file_kind(source)
    if kind in ("xlsx", "ods", "xls"):
        limits = limits or WorkbookLimits(max_rows=max_rows or WorkbookLimits.max_rows)
        with tempfile.TemporaryDirectory() as folder:
            path = source.path or source.spill(Path(folder) / "workbook")
            csv_path = Path(folder) / "sheet.csv"
            try:
                chosen, names = workbook_to_csv(path, kind, csv_path, sheet=sheet, limits=limits)
            except WorkbookRefused as refused:
                raise ImportFileError(refused.code, **refused.params) from None
            return read_table(
                csv_path, filename, max_rows=max_rows, converted=Converted(chosen, names, kind)
            )
    if kind == "zip":
        raise ImportFileError("not_a_spreadsheet")
    return _read_text(source, max_rows=max_rows)


# --- file type -----------------------------------------------------------------------------


def file_kind(data: bytes | Path | Source) -> str:
    """ "xlsx", "ods", "xls", "zip" (not a workbook) or "text", by the bytes, whatever the name.

    Raises ImportFileError("damaged") for a zip that cannot be opened.
    """
    source = data if isinstance(data, Source) else Source(data)
    head = source.head(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            names = source.zip_names()
        except (zipfile.BadZipFile, EOFError, ValueError, OSError):
            raise ImportFileError("damaged") from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2: a legacy .xls, or an encrypted .xlsx (which calamine cannot open).
        return "xls"
    return "text"


# --- text files ----------------------------------------------------------------------------


def _read_text(
    source: Source, *, max_rows: int | None, known: tuple[str, str] | None = None
) -> RawTable:
    """Read delimited text after detecting its encoding and delimiter (unless `known`)."""
    encoding = known[0] if known else detect_encoding(source)
    sample = decode_sample(source, encoding)
    skip = 0
    if known:
        delimiter = known[1]
    else:
        reject_binary(sample)
        if match := EXCEL_SEP_LINE.match(sample):
            # Excel honours a first line "sep=;" and so do we.
            delimiter, skip = match.group(1), 1
            sample = sample[match.end() :]
        else:
            delimiter = detect_delimiter(sample)
    header_width, width = widths(sample, delimiter)
    nrows = None if max_rows is None else max_rows + 2  # header plus one row too many
    grid = read_csv_cells(source, encoding, delimiter, width, skip, nrows)
    if nrows is not None and len(grid) >= nrows and grid.notna().any(axis=1).sum() < nrows:
        # Blank lines used up the allowance, so the limit proves nothing: read everything.
        grid = read_csv_cells(source, encoding, delimiter, grid.shape[1], skip, None)
    grid.index = grid.index + 1 + skip
    overflow = None
    if not known and grid.shape[1] > header_width:
        grid, overflow = cut_overflow(grid, header_width, delimiter)
    frame, columns = _split_header(grid)
    _check_size(frame, max_rows)
    if overflow is not None:
        overflow = overflow[overflow.index.isin(frame.index)]
        overflow = overflow if len(overflow) else None
    return RawTable(frame, columns, encoding, delimiter, None, (), "csv", overflow)


# --- shared --------------------------------------------------------------------------------


def _split_header(grid: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Use the first non-empty row as header; drop empty rows and columns; name columns."""
    nonblank_rows = _filled_rows(grid)
    if not nonblank_rows.any():
        raise ImportFileError("empty")
    header_at = int(nonblank_rows.argmax())
    header = grid.iloc[header_at]
    body = grid.iloc[header_at + 1 :]
    body_rows = nonblank_rows[header_at + 1 :]
    if not body_rows.any():
        raise ImportFileError("header_only")
    if not body_rows.all():
        body = body[body_rows]
    # Only a column without a header needs looking at: it stays if any cell below is filled.
    keep = header.notna().to_numpy().copy()
    for i in np.flatnonzero(~keep):
        keep[i] = grid.iloc[header_at + 1 :, i].notna().any()
    positions = [i + 1 for i, kept in enumerate(keep) if kept]
    names = unique_headers(
        [header.iloc[p - 1] for p in positions], lambda i: f"column {positions[i]}"
    )
    body = body.iloc[:, keep.nonzero()[0]]
    body.columns = list(names)
    body.index.name = "row"
    return body, names


def _filled_rows(grid: pd.DataFrame) -> np.ndarray:
    """Whether each row has any cell, column by column until every row has one."""
    filled = np.zeros(len(grid), dtype=bool)
    for i in range(grid.shape[1]):
        filled |= grid.iloc[:, i].notna().to_numpy()
        if filled.all():  # usually after the first column: names and ids are rarely blank
            break
    return filled


def unique_headers(raw: list[object], blank_name: Callable[[int], str]) -> tuple[str, ...]:
    """Clean header texts: blanks get `blank_name(i)`, repeats become "Name (2)", "Name (3)"."""
    names: list[str] = []
    seen: set[str] = set()
    for i, value in enumerate(raw):
        text = " ".join(str(value).split()) if isinstance(value, str) else ""
        base = text or blank_name(i)
        name, n = base, 1
        while name.casefold() in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name.casefold())
        names.append(name)
    return tuple(names)


def _check_size(frame: pd.DataFrame, max_rows: int | None) -> None:
    if max_rows is not None and len(frame) > max_rows:
        raise ImportFileError("too_many_rows", max_rows=max_rows)
