"""What a draft means for the customer list (step 6): customers, revenue and best customers
per segment, the names with the most revenue, and how the customers won in the last twelve
months fall. Computed once per change from the stored computation's frame and segments and
kept as JSON with the draft's segments (profiles.segments.services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from profiles.versions.criteria import FIT_SEGMENTS

LIST_LIMIT = 50


@dataclass(frozen=True)
class SegmentFigures:
    segment: str
    customers: int
    customer_share: float
    revenue_share: float
    best: int
    best_share: float
    names: list[str]


@dataclass(frozen=True)
class Application:
    """What the draft means for the customer list, segment by segment."""

    segments: list[SegmentFigures]
    total: int
    recent_total: int | None  # customers won in the last 12 months; None without the column
    recent_do_or_die: int | None
    former: int = 0  # customers who had left: no segment, not counted

    @property
    def recent_share(self) -> float | None:
        if not self.recent_total:
            return None
        return self.recent_do_or_die / self.recent_total * 100

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Application:
        segments = [SegmentFigures(**item) for item in data["segments"]]
        return cls(
            segments,
            data["total"],
            data["recent_total"],
            data["recent_do_or_die"],
            data.get("former", 0),
        )


def figures(
    frame: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    best_ids: Iterable[int],
    today: dt.date,
    names_of: Callable[[np.ndarray], pd.Series],
    former: int = 0,
) -> Application:
    """Count per segment (one pass with bincount); `names_of(ids)` gives names by id."""
    codes = pd.Categorical(segments["segment"], categories=FIT_SEGMENTS).codes.astype(np.int64)
    revenue = pd.to_numeric(frame["revenue"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    ids = frame["id"].to_numpy()
    best = np.isin(ids, np.fromiter(best_ids, dtype=np.int64))
    size = len(FIT_SEGMENTS)
    counts = np.bincount(codes, minlength=size)
    sums = np.bincount(codes, weights=revenue, minlength=size)
    best_counts = np.bincount(codes[best], minlength=size)
    total, total_revenue, best_total = len(frame), revenue.sum(), int(best.sum())
    top = {}
    for code in range(size):
        rows = np.flatnonzero(codes == code)
        order = np.argsort(-revenue[rows], kind="stable")[:LIST_LIMIT]
        top[code] = ids[rows[order]]
    names = names_of(np.concatenate(list(top.values()))) if total else pd.Series(dtype=object)
    result = []
    for code, segment in enumerate(FIT_SEGMENTS):
        result.append(
            SegmentFigures(
                segment=segment,
                customers=int(counts[code]),
                customer_share=float(counts[code] / total * 100) if total else 0.0,
                revenue_share=float(sums[code] / total_revenue * 100) if total_revenue else 0.0,
                best=int(best_counts[code]),
                best_share=float(best_counts[code] / best_total * 100) if best_total else 0.0,
                names=[str(names.get(int(i), "")) for i in top[code]],
            )
        )
    recent_total = recent_do_or_die = None
    since = frame.get("customer_since")
    if since is not None and since.notna().any():
        dates = pd.to_datetime(since, errors="coerce")
        recent = (dates >= pd.Timestamp(today - dt.timedelta(days=365))).to_numpy()
        recent_total = int(recent.sum())
        recent_do_or_die = int((recent & (codes == FIT_SEGMENTS.index("do-or-die"))).sum())
    return Application(result, total, recent_total, recent_do_or_die, former)
