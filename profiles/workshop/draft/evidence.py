"""What steps 4-5 tell step 6: the summaries of the tables as evidence, and the draft applied
to the customer list (the best customers' rows add what the team knows about them)."""

from __future__ import annotations

import pandas as pd
from django.utils import timezone

from portfolio.frames import steps as data
from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.versions import traits
from profiles.workshop.draft import build as draft
from profiles.workshop.tables import services as table_services
from profiles.workshop.tables import summaries
from profiles.workshop.tables.page import column_summaries


class Evidence:
    """The summaries of steps 4-5 for one workshop, and the evidence of a trait's value."""

    def __init__(self, workshop: Workshop):
        self.workshop = workshop
        self.by_table: dict[str, list[summaries.Summary]] = {}
        self.rows: dict[str, list[ProfileRow]] = {}
        for table in traits.TABLES:
            step = WorkshopStep.objects.get(workshop=workshop, number=traits.STEP_OF_TABLE[table])
            if table == "company" and step.inputs.get("skipped"):
                self.rows[table] = []
                self.by_table[table] = []
                continue
            cols = traits.columns(table, step.inputs)
            rows = table_services.profile_rows_sync(workshop=workshop, table=table)
            self.rows[table] = rows
            # The same summaries the tables show, computed once per content of the table.
            self.by_table[table] = column_summaries(workshop, table, rows, cols)
        self.by_key = {s.column.key: s for items in self.by_table.values() for s in items}

    def __call__(self, key: str, value) -> dict | None:
        return draft.evidence_for(self.by_key.get(key), value)

    def column(self, key: str) -> traits.Column | None:
        summary = self.by_key.get(key)
        return summary.column if summary else None

    def table_of(self, key: str) -> str | None:
        """The table (company or buyer) a trait comes from, or None."""
        for table, items in self.by_table.items():
            if any(summary.column.key == key for summary in items):
                return table
        return None


def application(workshop: Workshop, content: dict, evidence: Evidence) -> draft.Application | None:
    """The draft applied to every customer of the workshop's list (None without criteria)."""
    frame = data.customers_frame(workshop.dataset)
    if frame.empty:
        return None
    # The best customers' rows carry what the team knows (buyer, own columns): use it.
    position = {pk: i for i, pk in enumerate(frame["id"].tolist())}
    for rows in evidence.rows.values():
        for row in rows:
            index = position.get(row.customer_id)
            if index is None:
                continue
            for key, value in row.values.items():
                if key not in evidence.by_key:
                    continue  # a removed column's cell: out of view, out of the profile
                if key not in frame.columns:
                    frame[key] = None
                    frame[key] = frame[key].astype(object)
                numeric_column = frame[key].dtype.kind == "f"
                if isinstance(frame[key].dtype, pd.CategoricalDtype) or (
                    numeric_column and not isinstance(value, int | float)
                ):
                    frame[key] = frame[key].astype(object)
                frame.iat[index, frame.columns.get_loc(key)] = value
    best = table_services.selection(workshop)
    return draft.apply(content, frame, best_ids=best, today=timezone.localdate())
