"""Delimited text files: where the bytes come from, their encoding and delimiter, the cells
as strings, and the values a row has beyond its header.  Pure; used by `reading`."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

DELIMITERS = (",", ";", "\t")
SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1 << 20
EXCEL_SEP_LINE = re.compile(r"\A\s*sep=(.)\s*?\r?\n")

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
    "too_big": "The workbook unpacks to more than {max_bytes:,} bytes; save the sheet as CSV.",
    "too_many_sheets": "The workbook has {sheets:,} sheets; at most {max_sheets:,} can be read.",
    "too_many_cells": "The sheet has more than {max_cells:,} cells; save it as CSV instead.",
    "too_slow": "Reading the workbook took longer than {seconds:,} seconds; save it as CSV.",
    "out_of_memory": "Reading the workbook needs more memory than allowed; save it as CSV.",
}


class ImportFileError(Exception):
    """An uploaded file that cannot be read; `message` is one user-facing sentence."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.message = MESSAGES[code].format(**params)
        super().__init__(self.message)


class Source:
    """Uploaded bytes, or a file read in pieces."""

    def __init__(self, data: bytes | Path) -> None:
        self.data = data if isinstance(data, bytes | bytearray | memoryview) else None
        self.path = None if self.data is not None else Path(data)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def head(self, size: int) -> bytes:
        if self.data is not None:
            return bytes(self.data[:size])
        with self.path.open("rb") as handle:
            return handle.read(size)

    def chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            for start in range(0, len(self.data), CHUNK_BYTES):
                yield self.data[start : start + CHUNK_BYTES]
            return
        with self.path.open("rb") as handle:
            while block := handle.read(CHUNK_BYTES):
                yield block

    def handle(self):
        """What pandas reads: the path, or the bytes as a file."""
        return str(self.path) if self.path is not None else io.BytesIO(self.data)

    def is_blank(self) -> bool:
        """Empty, or nothing but white space."""
        if self.data is not None:
            return not self.data or self.data.isspace()  # not strip(): that copies the upload
        return all(block.isspace() for block in self.chunks())

    def spill(self, path: Path) -> Path:
        """The bytes written to `path` (a reader that wants a file gets one)."""
        path.write_bytes(self.data)
        return path

    def zip_names(self) -> set[str]:
        with zipfile.ZipFile(self.path or io.BytesIO(self.data)) as archive:
            return set(archive.namelist())


def widths(sample: str, delimiter: str) -> tuple[int, int]:
    """The header row's number of fields, and the widest row's in the sample."""
    rows = list(csv.reader(sample.splitlines()[:1000], delimiter=delimiter))
    filled = [row for row in rows if any(field.strip() for field in row)]
    header = len(filled[0]) if filled else 1
    return header or 1, max((len(row) for row in rows), default=1) or 1


def cut_overflow(
    grid: pd.DataFrame, header_width: int, delimiter: str
) -> tuple[pd.DataFrame, pd.Series | None]:
    """Split off the values beyond the header's columns: per row that has any, joined."""
    beyond = grid.iloc[:, header_width:]
    has = beyond.notna().any(axis=1).to_numpy()
    grid = grid.iloc[:, :header_width]
    if not has.any():
        return grid, None
    rows = beyond[has]
    texts = [
        delimiter.join(value for value in values if isinstance(value, str))
        for values in rows.itertuples(index=False)
    ]
    return grid, pd.Series(texts, index=rows.index, dtype=object)


def detect_encoding(data: bytes | Path | Source) -> str:
    """Guess the text encoding: BOMs first, then UTF-16 by zero bytes, UTF-8, Windows-1252."""
    source = data if isinstance(data, Source) else Source(data)
    head = source.head(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a BOM: ASCII text has a zero in every other byte.
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head) / 2 > head[0::2].count(0):
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head) / 2 > head[1::2].count(0):
        return "utf-16-be"
    if all(block.isascii() for block in source.chunks()):  # ASCII is valid UTF-8
        return "utf-8"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(source, encoding):
            return encoding
    return "latin-1"  # decodes any byte; cp1252 leaves five bytes undefined


def _decodes(source: Source, encoding: str) -> bool:
    """Whether all of the file decodes, checked in pieces so a big upload is not copied."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for block in source.chunks():
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode_sample(source: Source, encoding: str) -> str:
    """Decode the start of the file, cut at the last complete line."""
    head = source.head(SAMPLE_BYTES)
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    if len(head) < source.size and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def reject_binary(sample: str) -> None:
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


def read_csv_cells(
    source: Source, encoding: str, delimiter: str, width: int, skip: int, nrows: int | None
) -> pd.DataFrame:
    """Parse with pandas' C reader: every cell a string, blank lines kept for row numbers.

    A row wider than `width` (found after the sample) makes the reader start again with the
    width it reported, a few times at most.
    """
    for _attempt in range(6):
        try:
            # Read as object and convert the finished columns to str in one go: asking the
            # reader for str makes it build and then concatenate str arrays per chunk (0.4 s
            # a million rows more).
            grid = pd.read_csv(
                source.handle(),
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
            wider = re.search(r"line (\d+), saw (\d+)", str(error))
            if wider is None or int(wider.group(2)) <= width:
                line = re.search(r"line (\d+)", str(error))
                raise ImportFileError("ragged", row=line.group(1) if line else "?") from None
            width = max(int(wider.group(2)), 2 * width)
            continue
        return grid.astype("str")
    raise ImportFileError("ragged", row="?")
