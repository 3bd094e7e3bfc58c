"""A small in-process cache of a dataset's frames, keyed on (dataset, revision, what was asked).

Loading a million customers' numbers takes about half a second, and a workshop asks for the
same ones on every page and htmx update while only its thresholds change. A dataset's
customers do not change after the import except when an order list is re-aggregated over
another period, and that raises `Dataset.revision`: the new revision is a new key, and the
frames of the old one are no longer asked for and age out.

Each process has its own cache (every gunicorn worker, the task worker, a test run): a
worker's first request for a frame loads it, later ones reuse it. It holds at most
MAX_ENTRIES frames and at most settings.FRAME_CACHE_MB of them, and drops the least recently
used first; for a million customers a frame takes 16 MB (two numbers) to about 170 MB (every
field, names too). A frame bigger than the whole budget is returned but not kept.

Callers get a shallow copy: pandas' copy-on-write copies whatever they change (a column set,
added or dropped, a cell written), so the cached frame stays as loaded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import pandas as pd
from django.conf import settings

MAX_ENTRIES = 12


class FrameCache:
    """Frames by (dataset pk, dataset revision, what), least recently used dropped first."""

    def __init__(self, size: int, budget: int | None = None):
        self.size = size
        self.budget = budget  # bytes; None: settings.FRAME_CACHE_MB, read when a frame is kept
        self._frames: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, dataset, what: Hashable, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The frame `load()` gives for the dataset, loaded once per revision (a shallow copy)."""
        key = (dataset.pk, dataset.revision, what)
        with self._lock:
            entry = self._frames.get(key)
            if entry is not None:
                self._frames.move_to_end(key)
        if entry is None:
            frame = load()  # outside the lock: another dataset's load need not wait for it
            self._keep(key, frame)
        else:
            frame = entry[0]
        return frame.copy(deep=False)

    def _keep(self, key: tuple, frame: pd.DataFrame) -> None:
        budget = self.budget if self.budget is not None else settings.FRAME_CACHE_MB * 2**20
        size = int(frame.memory_usage(index=True, deep=True).sum())
        if size > budget:
            return
        with self._lock:
            self._frames[key] = (frame, size)
            self._frames.move_to_end(key)
            while len(self._frames) > self.size or self.nbytes > budget:
                self._frames.popitem(last=False)

    @property
    def nbytes(self) -> int:
        """The memory the kept frames take (pandas' deep estimate, taken when each was kept)."""
        return sum(size for _, size in self._frames.values())

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()

    def __len__(self) -> int:
        return len(self._frames)


_CACHE = FrameCache(MAX_ENTRIES)


def get(dataset, what: Hashable, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The frame `load()` gives for the dataset, from this process's cache (a shallow copy).

    `what` names the frame within the dataset, e.g. ("size", "seats"): everything `load`
    depends on besides the dataset's customers must be in it.
    """
    return _CACHE.get(dataset, what, load)


def clear() -> None:
    """Forget every frame (tests; a first visit in the benchmark)."""
    _CACHE.clear()
