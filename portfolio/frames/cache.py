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

`Memo` is the mechanism underneath, also used for other per-process memos (the table
summaries of steps 4-5). Callers of the frame cache get a shallow copy: pandas'
copy-on-write copies whatever they change (a column set, added or dropped, a cell written),
so the cached frame stays as loaded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import pandas as pd
from django.conf import settings

MAX_ENTRIES = 12


class Memo:
    """Values by key in this process, the least recently used dropped first.

    At most `size` entries; with `weigh` and `budget` (a function, read when a value is kept)
    also at most that many bytes, and a value heavier than the whole budget is not kept.
    Values are shared between callers: they must not change them.
    """

    def __init__(
        self,
        size: int,
        *,
        weigh: Callable[[object], int] | None = None,
        budget: Callable[[], int] | None = None,
    ):
        self.size = size
        self._weigh = weigh
        self._budget = budget
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_set(self, key: Hashable, make: Callable[[], object]):
        """The kept value of `key`, or `make()`'s (kept if it fits)."""
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
                return entry[0]
        value = make()  # outside the lock: another key's work need not wait for it
        weight = self._weigh(value) if self._weigh else 0
        budget = self._budget() if self._budget else None
        if budget is not None and weight > budget:
            return value
        with self._lock:
            self._items[key] = (value, weight)
            self._items.move_to_end(key)
            while len(self._items) > self.size or (budget is not None and self.nbytes > budget):
                self._items.popitem(last=False)
        return value

    @property
    def nbytes(self) -> int:
        """The weight of the kept values (as weighed when each was kept)."""
        return sum(weight for _, weight in self._items.values())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def frame_bytes(frame: pd.DataFrame) -> int:
    """Memory a frame takes, strings included (pandas' deep estimate)."""
    return int(frame.memory_usage(index=True, deep=True).sum())


class FrameCache(Memo):
    """Frames by (dataset pk, dataset revision, what) within FRAME_CACHE_MB; callers get copies."""

    def __init__(self, size: int, budget: int | None = None):
        def bytes_allowed() -> int:  # None: the setting, read when a frame is kept
            return budget if budget is not None else settings.FRAME_CACHE_MB * 2**20

        super().__init__(size, weigh=frame_bytes, budget=bytes_allowed)

    def get(self, dataset, what: Hashable, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The frame `load()` gives for the dataset, loaded once per revision (a shallow copy)."""
        frame = self.get_or_set((dataset.pk, dataset.revision, what), load)
        return frame.copy(deep=False)


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
