"""A dataset revision's customers as memory-mapped columns on disk, shared by every process.

The typed columns the analyses read are written once per dataset revision (at import, and
again when re-aggregating an order list raises the revision) to
``FILES_DIR/snapshots/dataset-<pk>/r<revision>-<stamp>/``: one ``.npy`` file per column, rows in
customer id order. Numbers are float64 with NaN for missing, dates float64 days since
1970-01-01, texts int32 codes into ``texts.json`` (their distinct values; -1 for blank).

Every process maps the files read-only (``numpy.load(mmap_mode="r")``): the operating system
keeps one copy in its file cache for all web workers and the task worker, so a worker's first
page of a dataset reads no customer rows from PostgreSQL and holds no private copy of them.
Numpy's own format rather than Arrow IPC or Parquet: every column here is a fixed-width array,
which numpy maps without a copy and without another dependency (names and ids, the only
variable-width texts, stay in PostgreSQL and are fetched for the rows a page shows).

A snapshot missing (a dataset imported before snapshots, an emptied volume) is written by the
first process that needs it. Two processes writing at once each write their own folder and
rename it into place; the first rename wins. The stamp (the dataset's creation time) keeps a
folder of a deleted dataset from ever being read for a new one with the same primary key.
Deleting a dataset deletes its folder (`remove`, called on commit by the receiver in
portfolio.frames.receivers).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction

NUMBERS = (
    "revenue",
    "margin",
    "seats",
    "sales_cycle_days",
    "employees",
    "company_revenue",
    "order_count",
)
# Computed once by PostgreSQL in exact decimals, as the analyses have always read it.
COMPUTED = {"contribution": "revenue * margin / 100"}
DATES = ("customer_since", "customer_until", "first_order", "last_order")
TEXTS = (
    "owner",
    "industry",
    "contract_type",
    "country",
    "customer_type",
    "market_position",
    "growth",
)
FORMAT = 1  # raise when the layout of a snapshot changes: older folders are then rewritten


def root() -> Path:
    """Where the snapshots live."""
    return Path(settings.FILES_DIR) / "snapshots"


def dataset_folder(dataset_pk: int) -> Path:
    """The folder of all of a dataset's snapshots."""
    return root() / f"dataset-{int(dataset_pk)}"


def folder(dataset) -> Path:
    """The folder of the dataset's current revision."""
    stamp = int(dataset.created_at.timestamp() * 1_000_000) if dataset.created_at else 0
    return dataset_folder(dataset.pk) / f"r{dataset.revision}-{stamp}-f{FORMAT}"


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One dataset revision's columns (read-only arrays mapped from disk), rows in id order."""

    ids: np.ndarray
    columns: dict[str, np.ndarray]
    texts: dict[str, list[str]]

    def __len__(self) -> int:
        return len(self.ids)

    def number(self, name: str) -> np.ndarray:
        """A number or date column (float64, NaN when missing; dates as days since 1970)."""
        return self.columns[name]

    def category(self, name: str) -> pd.Categorical:
        """A text column as a categorical (missing when blank)."""
        return pd.Categorical.from_codes(
            self.columns[name], categories=pd.Index(self.texts[name], dtype=object), validate=False
        )

    def positions(self, ids) -> np.ndarray:
        """The rows of these customer ids (-1 for an id that is not in the dataset)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids):
            return np.full(len(ids), -1, dtype=np.int64)
        found = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        return np.where(self.ids[found] == ids, found, -1)


_OPEN: dict[Path, Snapshot] = {}
_LOCK = threading.Lock()


def snapshot_of(dataset) -> Snapshot:
    """The dataset's snapshot, mapped from disk (written first when it is missing)."""
    path = folder(dataset)
    with _LOCK:
        found = _OPEN.get(path)
    if found is not None:
        return found
    if not (path / "texts.json").exists():
        write(dataset)
    opened = _open(path)
    with _LOCK:
        # One snapshot per dataset stays open; an older revision's is let go.
        for other in [p for p in _OPEN if p.parent == path.parent]:
            del _OPEN[other]
        _OPEN[path] = opened
    return opened


def forget() -> None:
    """Let go of every mapped snapshot (tests; a cold start in the benchmarks)."""
    with _LOCK:
        _OPEN.clear()


def _open(path: Path) -> Snapshot:
    texts = json.loads((path / "texts.json").read_text())
    columns = {
        name: np.load(path / f"{name}.npy", mmap_mode="r")
        for name in (*NUMBERS, *COMPUTED, *DATES, *TEXTS)
    }
    return Snapshot(np.load(path / "id.npy", mmap_mode="r"), columns, texts)


def write(dataset) -> Path:
    """Write the dataset's snapshot of its current revision (and drop older revisions)."""
    path = folder(dataset)
    texts = _distinct_texts(dataset.pk)
    ids, columns = _read_columns(dataset.pk, texts)
    order = np.argsort(ids, kind="stable")
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.parent / f".writing-{uuid.uuid4().hex}"
    scratch.mkdir()
    try:
        np.save(scratch / "id.npy", ids[order])
        for name, values in columns.items():
            np.save(scratch / f"{name}.npy", values[order])
        # Written last: a folder with texts.json is complete.
        (scratch / "texts.json").write_text(json.dumps(texts))
        try:
            os.rename(scratch, path)
        except OSError:  # another process was quicker: its folder holds the same
            shutil.rmtree(scratch, ignore_errors=True)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    for other in path.parent.iterdir():
        if other != path and not other.name.startswith(".writing-"):
            shutil.rmtree(other, ignore_errors=True)
    return path


def write_on_commit(dataset) -> None:
    """Write the dataset's snapshot once the transaction that stored its customers commits."""
    transaction.on_commit(lambda: write(dataset))


def remove(dataset_pk: int) -> None:
    """Delete every snapshot of a dataset."""
    shutil.rmtree(dataset_folder(dataset_pk), ignore_errors=True)
    with _LOCK:
        for other in [p for p in _OPEN if p.parent == dataset_folder(dataset_pk)]:
            del _OPEN[other]


def _distinct_texts(dataset_pk: int) -> dict[str, list[str]]:
    aggregates = ", ".join(
        f"COALESCE(array_agg(DISTINCT {name}) FILTER (WHERE {name} <> ''), '{{}}')"
        for name in TEXTS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {aggregates} FROM portfolio_customer WHERE dataset_id = %s", [dataset_pk]
        )
        row = cursor.fetchone()
    return {name: list(values) for name, values in zip(TEXTS, row, strict=True)}


# COPY's binary format: a header, then per row a field count and each field as length + bytes.
_HEADER = 19
_NAN = "'NaN'::float8"


def _read_columns(dataset_pk: int, texts: dict[str, list[str]]):
    selects = ["id"]
    selects += [f"COALESCE({name}::float8, {_NAN})" for name in NUMBERS]
    selects += [f"COALESCE(({sql})::float8, {_NAN})" for sql in COMPUTED.values()]
    selects += [f"COALESCE(({name} - DATE '1970-01-01')::float8, {_NAN})" for name in DATES]
    selects += [
        f"COALESCE(array_position(%s::text[], NULLIF({name}, '')) - 1, -1)::int4" for name in TEXTS
    ]
    params = [texts[name] for name in TEXTS] + [dataset_pk]
    sql = (
        f"COPY (SELECT {', '.join(selects)} FROM portfolio_customer WHERE dataset_id = %s) "
        "TO STDOUT (FORMAT binary)"
    )
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        for chunk in copy:
            buffer += chunk
    floats = (*NUMBERS, *COMPUTED, *DATES)
    fields = [("count", ">i2"), ("id_len", ">i4"), ("id", ">i8")]
    for name in floats:
        fields += [(f"{name}_len", ">i4"), (name, ">f8")]
    for name in TEXTS:
        fields += [(f"{name}_len", ">i4"), (name, ">i4")]
    dtype = np.dtype(fields)
    body = memoryview(buffer)[_HEADER : len(buffer) - 2]  # the trailer is a count of -1
    rows = np.frombuffer(body, dtype=dtype) if len(body) else np.zeros(0, dtype=dtype)
    columns = {name: rows[name].astype(np.float64) for name in floats}
    columns |= {name: rows[name].astype(np.int32) for name in TEXTS}
    return rows["id"].astype(np.int64), columns
