"""Writes of the company and buyer tables: rows for the best customers, cells, own columns.

Concurrency is per cell: a save sends the version of the cell the editor started from; when a
teammate saved that cell meanwhile, the save is refused with StaleCell (the page shows both
values and the person decides). Saves of different cells of one row both go through: the row
is locked while one cell is written.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.models import Customer
from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.versions import traits


class StaleCell(Exception):
    """A teammate saved the cell since the editor loaded it; `row` is the current state."""

    def __init__(self, row: ProfileRow, column: str):
        super().__init__(f"Cell {column} of row {row.pk} is at version {row.cell_version(column)}.")
        self.row = row
        self.column = column


def _touch(workshop_id: int) -> None:
    """A change everybody polling the workshop should see: a new revision (the ETag)."""
    Workshop.objects.filter(pk=workshop_id).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )


def selection(workshop: Workshop) -> list[int]:
    """The best customers chosen in step 3, in their order."""
    inputs = (
        WorkshopStep.objects.filter(workshop=workshop, number=3)
        .values_list("inputs", flat=True)
        .first()
    )
    return list((inputs or {}).get("selection", []))


def profile_rows_sync(*, workshop: Workshop, table: str) -> list[ProfileRow]:
    """Make sure every best customer has its row, prefilled from the customer list; return the
    rows of the current selection in its order (rows of customers no longer selected are kept,
    not shown, so going back to an earlier selection loses nothing)."""
    if table not in traits.TABLES:
        raise ValueError(f"Unknown table {table!r}")
    chosen = selection(workshop)
    existing = {
        row.customer_id: row for row in ProfileRow.objects.filter(workshop=workshop, table=table)
    }
    missing = [pk for pk in chosen if pk not in existing]
    if missing and workshop.dataset_id:
        customers = Customer.objects.in_dataset(workshop.dataset).filter(pk__in=missing)
        position = {pk: index for index, pk in enumerate(chosen)}
        new = [
            ProfileRow(
                workshop=workshop,
                table=table,
                customer=customer,
                customer_name=customer.name[:300],
                position=position[customer.pk],
                values=_prefill(table, customer),
            )
            for customer in customers
        ]
        if new:
            with transaction.atomic():
                # Two participants opening the page at once: the constraint keeps one row each.
                ProfileRow.objects.bulk_create(new, ignore_conflicts=True)
                _touch(workshop.pk)
            existing = {
                row.customer_id: row
                for row in ProfileRow.objects.filter(workshop=workshop, table=table)
            }
    rows = [existing[pk] for pk in chosen if pk in existing]
    for index, row in enumerate(rows):
        row.position = index
    return rows


def _prefill(table: str, customer: Customer) -> dict:
    values = {}
    for col in traits.BUILT_IN[table]:
        raw = getattr(customer, col.customer_field) if col.customer_field else None
        if raw in (None, ""):
            raw = (customer.extra or {}).get(col.key)
        value = traits.prefill_value(col, raw)
        if value is not None:
            values[col.key] = value
    return values


def profile_cell_save(
    *, row: ProfileRow, column: str, value, version: int, user, inputs: dict | None = None
) -> ProfileRow:
    """Save one cell; refuse a stale `version` (StaleCell) unless the value is the same anyway."""
    col = traits.column(row.table, column, inputs)
    if col is None:
        raise ValidationError(_("This column does not exist (any more)."))
    cleaned = traits.clean_value(col, value)
    with transaction.atomic():
        current = ProfileRow.objects.select_for_update().get(pk=row.pk)
        if current.values.get(column) == cleaned:
            return current  # a double submit, or two people typing the same: nothing to decide
        if current.cell_version(column) != version:
            raise StaleCell(current, column)
        if cleaned is None:
            current.values.pop(column, None)
        else:
            current.values[column] = cleaned
        current.cell_versions[column] = current.cell_version(column) + 1
        current.updated_by = user
        current.save(update_fields=["values", "cell_versions", "updated_by", "updated_at"])
        # The step has been worked on: a later change of the best customers asks for a review.
        WorkshopStep.objects.filter(
            workshop_id=current.workshop_id, number=traits.STEP_OF_TABLE[current.table], version=0
        ).update(version=1, updated_at=timezone.now())
        _touch(current.workshop_id)
    return current


def _table_step(workshop: Workshop, table: str) -> WorkshopStep:
    return WorkshopStep.objects.select_for_update().get(
        workshop=workshop, number=traits.STEP_OF_TABLE[table]
    )


def profile_table_column_add(*, workshop: Workshop, table: str, label: str, kind: str, user):
    """Add a column of the team's own to the company or buyer table."""
    with transaction.atomic():
        step = _table_step(workshop, table)
        existing = list(step.inputs.get("columns", []))
        # Keys are never reused: a removed column's cells stay in the rows, unseen, and must not
        # come back under a new column.
        in_rows = ProfileRow.objects.filter(workshop=workshop, table=table).values_list(
            "values", flat=True
        )
        used = max(
            [step.inputs.get("last_column", 0)]
            + [traits.custom_number(key) for values in in_rows for key in values],
        )
        existing.append(traits.custom_column(label, kind, existing, used=used))
        step.inputs = {
            **step.inputs,
            "columns": existing,
            "last_column": traits.custom_number(existing[-1]["key"]),
        }
        step.version += 1
        step.updated_by = user
        step.save()
        _touch(workshop.pk)
    return existing[-1]


def profile_table_column_remove(*, workshop: Workshop, table: str, key: str, user) -> None:
    """Remove a column of the team's own (its cells stay in the rows, unseen)."""
    with transaction.atomic():
        step = _table_step(workshop, table)
        kept = [item for item in step.inputs.get("columns", []) if item["key"] != key]
        step.inputs = {**step.inputs, "columns": kept}
        step.version += 1
        step.updated_by = user
        step.save()
        _touch(workshop.pk)


def workshop_table_done(*, workshop: Workshop, table: str, user, skipped: bool, reason: str = ""):
    """Mark step 4 or 5 done; step 4 may be skipped (B2C, sole traders) with its reason kept."""
    reason = " ".join(str(reason or "").split())[:500]
    if skipped and table != "company":
        raise ValidationError(_("Only the company profile can be skipped."))
    if skipped and not reason:
        raise ValidationError(
            {"reason": _("Write down why, for example “we sell to consumers (B2C)”.")}
        )
    with transaction.atomic():
        step = _table_step(workshop, table)
        step.inputs = {**step.inputs, "skipped": skipped, "skip_reason": reason if skipped else ""}
        step.done = True
        step.needs_review = False
        step.version += 1
        step.updated_by = user
        step.save()
        _touch(workshop.pk)
    return step


def workshop_table_reopen(*, workshop: Workshop, table: str, user) -> WorkshopStep:
    """Take back "done" or "skipped" for step 4 or 5."""
    with transaction.atomic():
        step = _table_step(workshop, table)
        step.inputs = {**step.inputs, "skipped": False, "skip_reason": ""}
        step.done = False
        step.version += 1
        step.updated_by = user
        step.save()
        _touch(workshop.pk)
    return step
