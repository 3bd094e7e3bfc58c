"""Read one sheet of a workbook into a UTF-8 CSV file: run as its own process by `sheets`.

    python sheet_reader.py WORKBOOK OUT.csv KIND MAX_ROWS MAX_CELLS MAX_SHEETS MAX_MEMORY [SHEET]

Standalone on purpose (the standard library and python-calamine only), so that a hostile
workbook costs a short-lived process with a memory limit, never the web app or the worker.
Prints one JSON object: {"sheet", "sheets"} or {"error": code, "params": {...}}.  Cells are
written as the import's parsers expect them: formulas as their cached values, ISO dates,
numbers without binary noise; leading empty rows and columns are kept so row numbers and
column positions stay the spreadsheet's.
"""

import csv
import datetime as dt
import json
import math
import resource
import sys


def _cell_text(value: object) -> str:
    """Render one workbook cell the way the parsers expect (ISO dates, plain numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if value.strip() else ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
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
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _fail(code: str, **params: object) -> None:
    print(json.dumps({"error": code, "params": params}))
    sys.exit(0)


def main(argv: list[str]) -> None:
    path, out, kind = argv[0], argv[1], argv[2]
    max_rows, max_cells, max_sheets, max_memory = (int(value) for value in argv[3:7])
    wanted = argv[7] if len(argv) > 7 else None
    import python_calamine

    if max_memory:
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
        names = [str(name) for name in book.sheet_names]
    except MemoryError:
        raise
    except Exception:  # any reader failure means an unreadable file
        _fail("encrypted" if kind == "xls" else "damaged")
    if len(names) > max_sheets:
        _fail("too_many_sheets", sheets=len(names), max_sheets=max_sheets)
    if wanted is not None and wanted not in names:
        _fail("unknown_sheet", sheet=wanted)
    for name in [wanted] if wanted is not None else names:
        try:
            sheet = book.get_sheet_by_name(name)
        except MemoryError:
            raise
        except Exception:
            _fail("damaged")
        if sheet.height and sheet.width:
            break
    else:
        _fail("empty" if wanted is not None else "empty_workbook")
    if sheet.height * sheet.width > max_cells:
        _fail("too_many_cells", max_cells=max_cells)
    if sheet.height - 1 > max_rows:
        _fail("too_many_rows", max_rows=max_rows)
    # iter_rows starts at the sheet's first row but at the range's first column.
    left = (sheet.start or (0, 0))[1]
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        padding = [""] * left
        for row in sheet.iter_rows():
            writer.writerow([*padding, *map(_cell_text, row)])
    print(json.dumps({"sheet": name, "sheets": names}))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except MemoryError:
        _fail("out_of_memory")
