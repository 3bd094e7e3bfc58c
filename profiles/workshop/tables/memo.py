"""The summaries under a table, computed once per content in this process: every participant's
page, the live polls and step 6's evidence ask for the same ones after every edit."""

from __future__ import annotations

import json

from portfolio.frames import cache as frame_cache
from portfolio.frames import steps as data
from profiles.workshop.tables import summaries

_SUMMARIES = frame_cache.Memo(32)


def table_summaries(workshop, rows, cols) -> list[summaries.Summary]:
    """summaries.summarise of the rows and columns, with the whole portfolio for the lift."""
    # The revision: re-aggregating an order list changes the customers' figures.
    key = (
        workshop.dataset_id,
        workshop.dataset.revision if workshop.dataset else None,
        tuple((row.pk, json.dumps(row.values, sort_keys=True)) for row in rows),
        tuple((c.key, c.kind) for c in cols),
    )
    return _SUMMARIES.get_or_set(key, lambda: _summarise(workshop, rows, cols))


def _summarise(workshop, rows, cols):
    population = data.population_frame(
        workshop.dataset, {c.key: c.customer_field for c in cols if c.customer_field}
    )
    return summaries.summarise(rows, cols, population)
