"""Writing a SegmentSet's rows: every customer's segment, reason and known criteria in one
statement pair (binary COPY of fixed-width rows into a scratch table, then one INSERT that
adds, for a version's list, the name, customer id, owner and revenue the reps' filters, sort
and exports read), plus the counts per segment and per owner.

The old rows are deleted in the same transaction: readers see the old segments until the new
ones commit, never a half-written set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from profiles.models import SegmentSet
from profiles.versions.criteria import FIT_SEGMENTS
from profiles.versions.evaluation import REASONS

REASON_CODES = tuple(REASONS)
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_ROW = np.dtype(
    [
        ("count", ">i2"),
        ("id_len", ">i4"),
        ("id", ">i8"),
        ("segment_len", ">i4"),
        ("segment", ">i2"),
        ("reason_len", ">i4"),
        ("reason", ">i2"),
        ("known_len", ">i4"),
        ("known", ">i2"),
    ]
)


def codes(segments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The segment and reason of every row as small integers (their stored form)."""
    segment = pd.Categorical(segments["segment"], categories=FIT_SEGMENTS).codes
    reason = pd.Categorical(segments["reason"], categories=REASON_CODES).codes
    return segment.astype(np.int16), reason.astype(np.int16)


def _binary_rows(segments: pd.DataFrame) -> bytes:
    segment, reason = codes(segments)
    rows = np.zeros(len(segments), dtype=_ROW)
    rows["count"] = 4
    rows["id_len"], rows["segment_len"], rows["reason_len"], rows["known_len"] = 8, 2, 2, 2
    rows["id"] = segments["id"].to_numpy(dtype=np.int64)
    rows["segment"], rows["reason"] = segment, reason
    rows["known"] = segments["known"].to_numpy(dtype=np.int16)
    return _COPY_HEADER + rows.tobytes() + b"\xff\xff"


LISTED_COLUMNS = (
    "c.name, c.external_id, btrim(c.owner), lower(btrim(c.owner)), c.revenue, true "
    "FROM segment_rows t JOIN portfolio_customer c ON c.id = t.customer_id"
)
DRAFT_COLUMNS = "'', '', '', '', NULL, false FROM segment_rows t"


def store(
    segment_set: SegmentSet,
    segments: pd.DataFrame,
    *,
    fingerprint: str,
    criteria_total: int,
    preview: dict | None = None,
    former: int = 0,
) -> SegmentSet:
    """Replace the set's rows with `segments` (id, segment, reason, known) and its figures."""
    listed = segment_set.version_id is not None
    segment, _reason = codes(segments)
    counts = np.bincount(segment.astype(np.int64), minlength=len(FIT_SEGMENTS))
    with transaction.atomic(), connection.cursor() as cursor:
        # The set's row lock: two computations of one set take turns.
        SegmentSet.objects.select_for_update().filter(pk=segment_set.pk).first()
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS segment_rows (customer_id bigint, segment smallint, "
            "reason smallint, known smallint) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE segment_rows")  # an enclosing transaction may have used it
        with cursor.cursor.copy(
            "COPY segment_rows (customer_id, segment, reason, known) FROM STDIN (FORMAT binary)"
        ) as copy:
            copy.write(_binary_rows(segments))
        cursor.execute(
            "DELETE FROM profiles_customersegment WHERE segment_set_id = %s", [segment_set.pk]
        )
        cursor.execute(
            "INSERT INTO profiles_customersegment (segment_set_id, customer_id, segment, reason, "
            "known, name, external_id, owner, owner_key, revenue, listed) "
            "SELECT %s, t.customer_id, t.segment, t.reason, t.known, "
            + (LISTED_COLUMNS if listed else DRAFT_COLUMNS),
            [segment_set.pk],
        )
        if listed:
            # A version's list changed by up to a million rows: fresh statistics keep the
            # planner on the list's indexes (a stale count of 0 makes it sort the whole set).
            cursor.execute("ANALYZE profiles_customersegment")
        owners = _owners(cursor, segment_set.pk) if listed else []
        segment_set.stored = fingerprint
        segment_set.criteria_total = criteria_total
        segment_set.customers = len(segments)
        segment_set.former = former
        segment_set.counts = {s: int(n) for s, n in zip(FIT_SEGMENTS, counts, strict=True)}
        segment_set.owners = owners
        segment_set.preview = preview or {}
        segment_set.computed_at = timezone.now()
        segment_set.failed = ""
        segment_set.save(
            update_fields=[
                "stored",
                "criteria_total",
                "customers",
                "former",
                "counts",
                "owners",
                "preview",
                "computed_at",
                "failed",
            ]
        )
    return segment_set


def _owners(cursor, set_pk: int) -> list[dict]:
    """[{"owner", "counts": {segment: customers}}]: the owners (the first spelling of each,
    compared case-insensitively) in alphabetical order, without the customers who have none."""
    cursor.execute(
        "SELECT owner_key, min(owner), segment, count(*) FROM profiles_customersegment "
        "WHERE segment_set_id = %s AND listed AND owner_key <> '' "
        "GROUP BY owner_key, segment",
        [set_pk],
    )
    found: dict[str, dict] = {}
    for key, owner, segment, count in cursor.fetchall():
        entry = found.setdefault(key, {"owner": owner, "counts": dict.fromkeys(FIT_SEGMENTS, 0)})
        entry["owner"] = min(entry["owner"], owner)
        entry["counts"][FIT_SEGMENTS[segment]] = count
    return sorted(found.values(), key=lambda entry: (entry["owner"].casefold(), entry["owner"]))
