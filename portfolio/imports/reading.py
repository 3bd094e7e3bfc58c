"""Read uploaded customer lists (CSV, Excel, OpenDocument) into a table of strings.

Everything here is pure: bytes in, a `RawTable` out, no database and no Django settings.
Typing of the cells (numbers, dates) happens later in `portfolio.parsing.numbers`; this module only
guarantees that every cell arrives as text the parsers can recognise.
"""

import codecs
import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd

TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".tsv", ".tab"})
# Some CRMs (old Salesforce reports) save HTML or tab-separated text under an .xls name, so
# the workbook extensions are only a hint: the bytes decide how the file is read.
WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
DELIMITERS = (",", ";", "\t")
SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1 << 20

# Plain English, one sentence each; the view layer marks them for translation.
MESSAGES = {
    "unsupported_type": "Please upload a CSV, Excel (.xlsx) or OpenDocument (.ods) file.",
    "empty": "The file is empty.",
    "header_only": "The file has a header row but no customer rows.",
    "not_a_spreadsheet": "The file does not look like a spreadsheet or CSV file.",
    "html": "The file is a web page (HTML), not a spreadsheet; export it as CSV or Excel instead.",
    "pdf": "The file is a PDF document, not a spreadsheet; export it as CSV or Excel instead.",
    "damaged": "The spreadsheet is damaged or incomplete and cannot be read.",
    "encrypted": "The workbook could not be opened; it may be password-protected or damaged.",
    "unknown_sheet": "The workbook has no sheet named “{sheet}”.",
    "empty_workbook": "All sheets in the workbook are empty.",
    "too_many_rows": "The file has more than {max_rows:,} rows; split it into smaller files.",
    "ragged": "Row {row} has more values than the header row; check the separator and quoting.",
}


class ImportFileError(Exception):
    """An uploaded file that cannot be read; `message` is one user-facing sentence."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)


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

    @property
    def is_workbook(self) -> bool:
        """Whether the cells came from a workbook (numbers then use a decimal point)."""
        return self.source != "csv"


def read_table(
    data: bytes, filename: str, *, sheet: str | None = None, max_rows: int | None = None
) -> RawTable:
    """Read an uploaded CSV/TSV, .xlsx, .xls or .ods file into a `RawTable` of strings."""
    suffix = PurePath(filename).suffix.casefold()
    if suffix not in TEXT_EXTENSIONS | WORKBOOK_EXTENSIONS:
        raise ImportFileError("unsupported_type")
    if not data or data.isspace():  # not data.strip(): that copies the whole upload
        raise ImportFileError("empty")
    kind = _sniff_container(data)
    if kind in ("xlsx", "ods", "xls"):
        return _read_workbook(data, kind, sheet=sheet, max_rows=max_rows)
    if kind == "zip":
        raise ImportFileError("not_a_spreadsheet")
    return _read_text(data, max_rows=max_rows)


# --- file type -----------------------------------------------------------------------------


def _sniff_container(data: bytes) -> str:
    """Tell workbooks from text by their magic bytes, whatever the file is called."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise ImportFileError("damaged") from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2: a legacy .xls, or an encrypted .xlsx (which calamine cannot open).
        return "xls"
    return "text"


# --- workbooks -----------------------------------------------------------------------------


def _read_workbook(data: bytes, kind: str, *, sheet: str | None, max_rows: int | None) -> RawTable:
    """Read one sheet of a workbook; formulas come through as their cached values."""
    engines = ["calamine", "odf"] if kind == "ods" else ["calamine"]
    failure = "encrypted" if kind == "xls" else "damaged"
    for engine in engines:
        try:
            with pd.ExcelFile(io.BytesIO(data), engine=engine) as book:
                names = tuple(str(name) for name in book.sheet_names)
                grid, chosen = _pick_sheet(book, names, sheet)
            break
        except ImportFileError:
            raise
        except Exception:  # any reader failure means an unreadable file; try the next engine
            continue
    else:
        raise ImportFileError(failure)
    # Cells keep their Python types here (float, int, datetime, str); text them column by
    # column.  Excel row numbers are 1-based and pandas starts at A1, so shift the index.
    grid = grid.apply(lambda column: column.map(_cell_text, na_action="ignore").astype("str"))
    grid.index = grid.index + 1
    frame, columns = _split_header(grid)
    _check_size(frame, max_rows)
    return RawTable(frame, columns, None, None, chosen, names, kind)


def _pick_sheet(
    book: pd.ExcelFile, names: tuple[str, ...], sheet: str | None
) -> tuple[pd.DataFrame, str]:
    """Return the requested sheet, or else the first one with any content."""
    if sheet is not None:
        if sheet not in names:
            raise ImportFileError("unknown_sheet", sheet=sheet)
        return _parse_sheet(book, sheet), sheet
    for name in names:
        grid = _parse_sheet(book, name)
        if grid.notna().any(axis=None):
            return grid, name
    raise ImportFileError("empty_workbook")


def _parse_sheet(book: pd.ExcelFile, name: str) -> pd.DataFrame:
    # keep_default_na=False: a customer called "NA" or a cell saying "n/a" is text, not empty.
    return pd.read_excel(
        book, sheet_name=name, header=None, dtype=object, keep_default_na=False, na_values=[""]
    )


def _cell_text(value: object) -> str | None:
    """Render one workbook cell the way the parsers expect (ISO dates, plain numbers)."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # 15 significant digits is what Excel shows; it hides binary noise like 0.30000000000000004.
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# --- text files ----------------------------------------------------------------------------

_EXCEL_SEP_LINE = re.compile(r"\A\s*sep=(.)\s*?\r?\n")


def _read_text(data: bytes, *, max_rows: int | None) -> RawTable:
    """Read delimited text after detecting its encoding and delimiter."""
    encoding = detect_encoding(data)
    sample = _decode_sample(data, encoding)
    _reject_binary(sample)
    skip = 0
    if match := _EXCEL_SEP_LINE.match(sample):
        # Excel honours a first line "sep=;" and so do we.
        delimiter, skip = match.group(1), 1
        sample = sample[match.end() :]
    else:
        delimiter = detect_delimiter(sample)
    width = _max_width(sample, delimiter)
    nrows = None if max_rows is None else max_rows + 2  # header plus one row too many
    grid = _read_csv(data, encoding, delimiter, width, skip, nrows)
    if nrows is not None and len(grid) >= nrows and grid.notna().any(axis=1).sum() < nrows:
        # Blank lines used up the allowance, so the limit proves nothing: read everything.
        grid = _read_csv(data, encoding, delimiter, width, skip, None)
    grid.index = grid.index + 1 + skip
    frame, columns = _split_header(grid)
    _check_size(frame, max_rows)
    return RawTable(frame, columns, encoding, delimiter, None, (), "csv")


def detect_encoding(data: bytes) -> str:
    """Guess the text encoding: BOMs first, then UTF-16 by zero bytes, UTF-8, Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:SAMPLE_BYTES]
    # UTF-16 without a BOM: ASCII text has a zero in every other byte.
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head) / 2 > head[0::2].count(0):
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head) / 2 > head[1::2].count(0):
        return "utf-16-be"
    if data.isascii():  # far quicker than decoding, and ASCII is valid UTF-8
        return "utf-8"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(data, encoding):
            return encoding
    return "latin-1"  # decodes any byte; cp1252 leaves five bytes undefined


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether all of `data` decodes, checked in chunks so a big upload is not copied."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), CHUNK_BYTES):
            decoder.decode(data[start : start + CHUNK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode_sample(data: bytes, encoding: str) -> str:
    """Decode the start of the file, cut at the last complete line."""
    head = data[:SAMPLE_BYTES]
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    if len(head) < len(data) and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def _reject_binary(sample: str) -> None:
    """Refuse PDFs, web pages and binary junk before pandas makes a mess of them."""
    start = sample.lstrip()[:1024].casefold()
    if start.startswith("%pdf"):
        raise ImportFileError("pdf")
    if start.startswith(("<!doctype html", "<html", "<table", "<?xml")) or "<html" in start:
        raise ImportFileError("html")
    control = sum(1 for char in sample if char < " " and char not in "\t\r\n\f")
    if "\x00" in sample or control > max(2, len(sample) // 200):
        raise ImportFileError("not_a_spreadsheet")


def detect_delimiter(sample: str) -> str:
    """Pick `,`, `;` or tab: the delimiter that splits the sample into consistent rows.

    csv.Sniffer is not used because decimal commas ("1,5") fool it in semicolon files.
    Each candidate is scored by the share of rows with as many fields as the header row
    (which must have at least two); ties go to more columns, then tab, `;`, `,`.
    """
    lines = sample.splitlines()[:200]
    best, best_score = ",", (0.0, 0, 0)
    for rank, delimiter in enumerate(("\t", ";", ",")[::-1]):
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if any(row)]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:] or rows
        consistent = sum(len(row) == width for row in body) / len(body)
        score = (consistent, width, rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _max_width(sample: str, delimiter: str) -> int:
    """The widest row in the sample, so trailing delimiters do not break parsing."""
    rows = csv.reader(sample.splitlines()[:1000], delimiter=delimiter)
    return max((len(row) for row in rows), default=1) or 1


def _read_csv(
    data: bytes, encoding: str, delimiter: str, width: int, skip: int, nrows: int | None
) -> pd.DataFrame:
    """Parse with pandas' C reader: every cell a string, blank lines kept for row numbers."""
    try:
        # Read as object and convert the finished columns to str in one go: asking the reader
        # for str makes it build and then concatenate str arrays per chunk (0.4 s a million
        # rows more).
        grid = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=object,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            skiprows=skip,
            nrows=nrows,
            encoding=encoding,
            encoding_errors="replace",
            engine="c",
            quotechar='"',
            index_col=False,
        )
    except pd.errors.EmptyDataError:
        raise ImportFileError("empty") from None
    except pd.errors.ParserError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ImportFileError("ragged", row=line.group(1) if line else "?") from None
    return grid.astype("str")


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
