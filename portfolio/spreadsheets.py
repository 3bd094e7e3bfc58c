"""Formula-safe CSV and XLSX exports of analysis tables.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run
as a formula by a spreadsheet (CSV injection), so such text gets a leading apostrophe. Only
text is touched: numbers stay numbers, including negative ones. Both files carry the same
neutralised text, so a file saved again from Excel as CSV stays safe; in XLSX, text cells are
also written with the string type so Excel never evaluates them. The index is not written:
``reset_index()`` first to keep it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """One value made formula-safe: risky text gets a leading apostrophe, the rest is kept."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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
    risky = text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
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
