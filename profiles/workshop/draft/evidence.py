"""What steps 4-5 tell step 6: the summaries of the tables as evidence, and the draft applied
to the customer list (profiles.segments: the one frame, with the tables' corrections)."""

from __future__ import annotations

from dataclasses import dataclass

from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.segments import services as segment_services
from profiles.segments.preview import Application
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


@dataclass(frozen=True)
class DraftPreview:
    """What step 6 shows of the draft applied to the customer list."""

    application: Application | None  # the stored figures (perhaps of the previous draft)
    updating: bool  # a recomputation is under way (a large list, in the worker)
    failed: str = ""  # the draft's criteria cannot be read
    stamp: str = ""  # which stored result this is: the same stamp, the same figures


def application(workshop: Workshop) -> DraftPreview:
    """The draft's stored segments: recomputed only when the criteria, the tables'
    corrections, the best customers or the list changed (profiles.segments.services)."""
    segment_set = segment_services.draft_segments(workshop)
    if segment_set is None:
        return DraftPreview(None, False)
    figures = Application.from_json(segment_set.preview) if segment_set.preview else None
    if figures is not None and not figures.total:
        figures = None
    stamp = f"{segment_set.pk}:{segment_set.computed_at}:{segment_set.current}"
    return DraftPreview(figures, not segment_set.current, segment_set.failed, stamp)
