"""Formula-safe CSV and XLSX exports of analysis tables.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` would be run as a formula by a
spreadsheet (CSV injection), and so would one where these come after spaces, tabs, line breaks
or invisible characters, or in their full-width or small forms (``＝＋－＠``, which spreadsheets
read as the ASCII signs), and one starting with a tab, a carriage return or a line feed: such
text gets a leading apostrophe. Only
text is touched: numbers stay numbers, including negative ones. Both files carry the same
neutralised text, so a file saved again from Excel as CSV stays safe; in XLSX, text cells are
also written with the string type so Excel never evaluates them. The index is not written:
``reset_index()`` first to keep it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_SIGNS = "=+-@"
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _formula_sign_variants() -> str:
    """Every character that Unicode compatibility (NFKC) folds to = + - or @: the full-width
    and small forms, which spreadsheets accept for the ASCII ones."""
    found = [
        chr(code)
        for code in range(0x80, 0x10000)
        if unicodedata.normalize("NFKC", chr(code)) in FORMULA_SIGNS
    ]
    return re.escape(FORMULA_SIGNS + "".join(found))


# Leading whitespace (any Unicode space, tab, line break) or invisible characters, then a sign;
# or a tab, carriage return or line feed at the very start, whatever follows.
RISKY = re.compile(
    "^(?:[\\s\u200b-\u200d\u2060\ufeff]*[" + _formula_sign_variants() + "]|[\t\r\n])"
)


def is_risky(text: str) -> bool:
    """Whether a spreadsheet would evaluate this text as a formula."""
    return RISKY.match(text) is not None


def neutralise(value: object) -> object:
    """One value made formula-safe: risky text gets a leading apostrophe, the rest is kept."""
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose risky text cells and column names start with an apostrophe."""
    out = frame.copy()
    out.columns = [neutralise(c) for c in frame.columns]
    for i in range(out.shape[1]):  # per column, never per row
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = column.cat.categories
            if categories.dtype == object or pd.api.types.is_string_dtype(categories.dtype):
                safe = [neutralise(c) for c in categories]
                if len(set(safe)) == len(safe):
                    out.isetitem(i, column.cat.rename_categories(safe))
                else:  # "=a" and "'=a" both present: compare as text instead
                    out.isetitem(i, _neutralise_text(column.astype(object)))
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out.isetitem(i, _neutralise_text(column))
    return out


def _neutralise_text(column: pd.Series) -> pd.Series:
    text = column.astype("string")
    risky = text.str.match(RISKY).fillna(False).to_numpy(dtype=bool)
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) != "string":
        # Mixed column: a number -5 must stay a number, so only real text counts.
        risky &= np.fromiter((isinstance(v, str) for v in column), bool, len(column))
    if not risky.any():
        return column
    result = column.astype(object).copy()
    result[risky] = "'" + text[risky].astype(object).to_numpy()
    return result.astype(column.dtype) if pd.api.types.is_string_dtype(column.dtype) else result


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel reads Unicode), formula-safe, CRLF lines."""
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Sheet1") -> bytes:
    """An XLSX workbook with one sheet: formula-safe, text cells typed as strings."""
    safe = neutralise_formulas(frame)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_name))
    sheet.append([_cell(sheet, c) for c in safe.columns])
    columns = [_excel_values(safe.iloc[:, i]) for i in range(safe.shape[1])]
    for row in zip(*columns, strict=True) if columns else ():
        sheet.append([_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    """Excel's sheet name rules: no []:*?/\\, at most 31 characters, not empty."""
    title = SHEET_NAME_FORBIDDEN.sub("_", str(name)).strip("'")[:31]
    return title or "Sheet1"


def _excel_values(column: pd.Series) -> list:
    """A column as values openpyxl writes: Python numbers, naive datetimes, text, None."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        return [None if pd.isna(v) else bool(v) for v in column.astype(object)]
    if pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        if isinstance(dtype, np.dtype) and dtype.kind in "iu":
            return column.tolist()
        if pd.api.types.is_integer_dtype(dtype):  # nullable Int64: keep big ids exact
            return [None if v is pd.NA else int(v) for v in column.astype(object)]
        return [None if v != v else v for v in column.astype(float).tolist()]  # NaN -> empty
    if isinstance(dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)  # Excel has no time zones
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return [None if v is pd.NaT else v.to_pydatetime() for v in column]
    return [_plain(v) for v in column.astype(object)]


def _plain(value: object) -> object:
    if isinstance(value, str):
        return value
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, bool | int | float | Decimal | dt.datetime | dt.date):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _cell(sheet, value: object) -> object:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # never a formula, whatever the text looks like
    return cell


CSV_CHUNK = 20_000  # rows per streamed piece


def csv_chunks(frame: pd.DataFrame) -> Iterator[bytes]:
    """CSV in UTF-8 with a byte-order mark, formula-safe, CRLF lines, in pieces of rows."""
    yield "\ufeff".encode()
    header = neutralise_formulas(frame.iloc[:0]).to_csv(index=False, lineterminator="\r\n")
    yield header.encode()
    for start in range(0, len(frame), CSV_CHUNK):
        chunk = neutralise_formulas(frame.iloc[start : start + CSV_CHUNK])
        yield chunk.to_csv(index=False, header=False, lineterminator="\r\n").encode()


XLSX_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf/><xf fontId="1" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}

WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)

SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)

SHEET_END = "</sheetData></worksheet>"


def _text_cells(values: pd.Series, style: str = "") -> np.ndarray:
    """Inline-string cells: never a formula, whatever the text looks like."""
    codes, uniques = pd.factorize(values.astype(object))
    # Escape each distinct text once (a class or a band repeats on 100,000 rows).
    texts = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
    texts = texts.str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True).map(xml_escape)
    cells = f'<c{style} t="inlineStr"><is><t xml:space="preserve">' + texts + "</t></is></c>"
    return np.append(cells.to_numpy(dtype=object), f"<c{style}/>")[codes]


def _number_cells(values: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**53)
    text = np.where(whole, numbers, 0).astype(np.int64).astype(str).astype(object)
    rest = finite & ~whole
    text[rest] = pd.Series(numbers[rest]).astype(str).to_numpy(dtype=object)
    cells = "<c><v>" + text + "</v></c>"
    cells[~finite] = "<c/>"
    return cells


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Sheet1") -> bytes:
    """A one-sheet XLSX written column by column: 100,000 rows in about a second.

    Formula-safe like portfolio.spreadsheets.to_xlsx_bytes: text is neutralised the same way
    (``neutralise_formulas``) and written as inline strings, which a spreadsheet never
    evaluates. Numbers stay numbers; missing values are empty cells; the header row is bold.
    """
    safe = neutralise_formulas(frame)
    header = _text_cells(pd.Series([str(c) for c in safe.columns], dtype=object), ' s="1"')
    columns = []
    for i in range(safe.shape[1]):
        column = safe.iloc[:, i]
        dtype = column.dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        if numeric and not isinstance(dtype, pd.CategoricalDtype):
            columns.append(_number_cells(column))
        else:
            columns.append(_text_cells(column))
    rows = np.full(len(safe), "<row>", dtype=object)
    for cells in columns:
        rows = rows + cells
    body = "".join(["<row>", *header, "</row>"]) + "</row>".join(rows.tolist())
    body += "</row>" if len(rows) else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in XLSX_FILES.items():
            archive.writestr(name, content)
        # Excel's sheet name rules: no []:*?/\\, at most 31 characters, not empty.
        title = SHEET_NAME_FORBIDDEN.sub("_", sheet_name).strip("'")[:31] or "Sheet1"
        title = xml_escape(title, {'"': "&quot;"})
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=title))
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + body + SHEET_END)
    return buffer.getvalue()
