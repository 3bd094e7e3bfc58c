"""Rows into PostgreSQL with COPY: pandas columns to COPY's text format, sent in blocks."""

import itertools
import json
import queue
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

CHUNK_ROWS = 100_000
# Pieces of 128 kB the writer thread may hold: 16 MB, about one block of rows.
QUEUED_PIECES = 128
Progress = Callable[[str, int, int], None]

# COPY's text format: tab between columns, \N for NULL, and a backslash before any
# backslash, tab or line break inside a value.  Text columns are never NULL ('' instead).
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(values: pd.Series) -> np.ndarray:
    """Text cells for COPY; only a column that holds a special character is escaped."""
    out = values.to_numpy(dtype=object, na_value="")
    joined = "\x00".join(out)  # one fast scan instead of a regex per cell
    if any(char in joined for char in _COPY_SPECIAL):
        out = np.array([text.translate(_COPY_ESCAPES) for text in out], dtype=object)
    return out


def copy_numbers(values: pd.Series) -> np.ndarray:
    """Numbers as COPY text (\\N when empty); money with two decimals."""
    missing = values.isna().to_numpy()
    if values.dtype.kind == "f":
        numbers, render = values.to_numpy(dtype="float64", na_value=0.0), "{:.2f}".format
    else:
        numbers, render = values.to_numpy(dtype="int64", na_value=0), str
    codes, uniques = pd.factorize(numbers)
    if len(uniques) < len(numbers) // 2:  # seats, margins: format each value once
        out = np.array(list(map(render, uniques.tolist())), dtype=object)[codes]
    else:
        out = np.array(list(map(render, numbers.tolist())), dtype=object)
    out[missing] = "\\N"
    return out


def copy_exact(texts: np.ndarray) -> np.ndarray:
    """Exact decimal texts for COPY (\\N when empty): they go in as written."""
    out = np.asarray(texts, dtype=object)
    missing = pd.isna(out)
    if missing.any():
        out = out.copy()
        out[missing] = "\\N"
    return out


def copy_dates(values: pd.Series) -> np.ndarray:
    """ISO dates as COPY text (\\N when empty); each distinct date is formatted once."""
    days = values.to_numpy(dtype="datetime64[D]")
    codes, uniques = pd.factorize(days.view(np.int64))
    text = uniques.view("datetime64[D]").astype(str).astype(object)
    text[np.isnat(uniques.view("datetime64[D]"))] = "\\N"
    return text[codes]


def json_objects(frame: pd.DataFrame) -> np.ndarray:
    """Per row, the non-empty cells as a JSON object for COPY (text kept as uploaded)."""
    columns = []  # per column and row: '"key":"value"', or '' for an empty cell
    for column in frame.columns:
        codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object))
        key = json.dumps(str(column), ensure_ascii=False) + ":"
        pieces = [
            (key + json.dumps(value, ensure_ascii=False)).translate(_COPY_ESCAPES)
            if isinstance(value, str) and value.strip()
            else ""
            for value in uniques
        ]
        columns.append(np.array([*pieces, ""], dtype=object)[codes])
    if not columns:
        return np.full(len(frame), "{}", dtype=object)
    rows = zip(*columns, strict=True)
    if not any("" in pieces for pieces in columns):  # every cell filled: one join per row
        return np.array([f"{{{','.join(row)}}}" for row in rows], dtype=object)
    objects = [f"{{{','.join(piece for piece in row if piece)}}}" for row in rows]
    return np.array(objects, dtype=object)


def allocate_ids(model, count: int) -> np.ndarray:
    """Reserve primary keys, so order rows can point at customers before they exist."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)


class _ShortQueueWriter(QueuedLibpqWriter):
    """psycopg's queued writer with a short queue: the next block is formatted while this one
    is sent, but a slow server never lets whole blocks pile up in memory (psycopg's queue
    holds up to 128 MB)."""

    def __init__(self, cursor) -> None:
        super().__init__(cursor)
        self._queue = queue.Queue(maxsize=QUEUED_PIECES)


def copy_rows(model, block: Callable[[int, int], dict], total: int, progress: Progress) -> None:
    """COPY `total` rows into the model's table; `block(start, end)` gives their text columns.

    A writer thread sends each block while the next one is formatted, so the database's
    work and ours overlap.
    """
    progress("storing", 0, total)
    if not total:
        return
    columns = block(0, min(total, CHUNK_ROWS))
    quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
    sql = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor:
        writer = _ShortQueueWriter(cursor.cursor)
        with cursor.cursor.copy(sql, writer=writer) as copy:
            for start in range(0, total, CHUNK_ROWS):
                end = min(total, start + CHUNK_ROWS)
                if start:
                    columns = block(start, end)
                cells = [
                    itertools.repeat(value, end - start) if isinstance(value, str) else value
                    for value in columns.values()
                ]
                lines = "\n".join(map("\t".join, zip(*cells, strict=True)))
                copy.write(f"{lines}\n".encode())
                progress("storing", end, total)
