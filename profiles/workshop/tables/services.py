"""Writes of the company and buyer tables: rows for the best customers, cells, own columns.

Concurrency is per cell: a save sends the version of the cell the editor started from; when a
teammate saved that cell meanwhile, the save is refused with StaleCell (the page shows both
values and the person decides). Saves of different cells of one row both go through: the row
is locked while one cell is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.frames.value_columns import normalise
from portfolio.models import Customer
from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.versions import list_words, traits
from profiles.workshop import history


class StaleCell(Exception):
    """A teammate saved the cell since the editor loaded it; `row` is the current state."""

    def __init__(self, row: ProfileRow, column: str):
        super().__init__(f"Cell {column} of row {row.pk} is at version {row.cell_version(column)}.")
        self.row = row
        self.column = column


def _touch(workshop_id: int) -> int:
    """A change everybody polling the workshop should see: a new revision (the ETag); returns
    it, so the rows written in the same transaction can be stamped with it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Workshop._meta.db_table} SET revision = revision + 1, updated_at = %s "
            "WHERE id = %s RETURNING revision",
            [timezone.now(), workshop_id],
        )
        return cursor.fetchone()[0]


def _stamp(rows, revision: int) -> None:
    """The revision that changed these rows: a poll sends a participant only the rows changed
    since the revision they hold."""
    ProfileRow.objects.filter(pk__in=[row.pk for row in rows]).update(changed_revision=revision)


def selection(workshop: Workshop) -> list[int]:
    """The best customers chosen in step 3, in their order."""
    inputs = (
        WorkshopStep.objects.filter(workshop=workshop, number=3)
        .values_list("inputs", flat=True)
        .first()
    )
    return list((inputs or {}).get("selection", []))


def _in_selection_order(rows, chosen: list[int]) -> list[ProfileRow]:
    """The rows of the chosen customers in the selection's order, a customer's buyers after
    its first row; each row's position is its place on the page."""
    by_customer: dict[int, list[ProfileRow]] = {}
    for row in rows:
        by_customer.setdefault(row.customer_id, []).append(row)
    ordered = [
        row
        for pk in chosen
        for row in sorted(by_customer.get(pk, ()), key=lambda row: (row.buyer, row.pk))
    ]
    for index, row in enumerate(ordered):
        row.position = index
    return ordered


def selected_rows(*, workshop: Workshop, table: str, chosen=None) -> list[ProfileRow]:
    """The rows of the current best customers in their order, as they are (nothing made)."""
    chosen = selection(workshop) if chosen is None else chosen
    rows = ProfileRow.objects.filter(workshop=workshop, table=table, customer__in=chosen)
    return _in_selection_order(rows, chosen)


def profile_rows_sync(*, workshop: Workshop, table: str) -> list[ProfileRow]:
    """Make sure every best customer has its row, prefilled from the customer list; return the
    rows of the current selection in its order (rows of customers no longer selected are kept,
    not shown, so going back to an earlier selection loses nothing)."""
    if table not in traits.TABLES:
        raise ValueError(f"Unknown table {table!r}")
    chosen = selection(workshop)
    existing = set(
        ProfileRow.objects.filter(workshop=workshop, table=table, buyer=0).values_list(
            "customer_id", flat=True
        )
    )
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
    rows = ProfileRow.objects.filter(workshop=workshop, table=table, customer__in=chosen)
    return _in_selection_order(rows, chosen)


def _prefill(table: str, customer: Customer) -> dict:
    """A best customer's row as the customer list knows it: the customer fields, and the
    list's own columns where one carries a trait under its header (growth % a year, a market
    position in words of any of our languages)."""
    values = {}
    own = {normalise(header): value for header, value in (customer.extra or {}).items()}
    for col in traits.BUILT_IN[table]:
        raw = getattr(customer, col.customer_field) if col.customer_field else None
        if raw in (None, ""):
            raw = (customer.extra or {}).get(col.key)
        for header in list_words.PREFILL_HEADERS.get(col.key, ()):
            if raw not in (None, ""):
                break
            raw = own.get(header)
        value = traits.prefill_value(col, raw)
        if value is not None:
            values[col.key] = value
    return values


def profile_cell_save(
    *,
    row: ProfileRow,
    column: str,
    value,
    version: int,
    user,
    inputs: dict | None = None,
    record: bool = True,
) -> ProfileRow:
    """Save one cell; refuse a stale `version` (StaleCell) unless the value is the same anyway."""
    col = traits.column(row.table, column, inputs)
    if col is None:
        raise ValidationError(_("This column does not exist (any more)."))
    cleaned = traits.clean_value(col, value)
    with transaction.atomic():
        current = ProfileRow.objects.select_for_update().get(pk=row.pk)
        before = current.values.get(column)
        if not _cell_write(current, col, cleaned, version, user):
            return current
        _worked_on(current)
        if record:
            history.change_record(
                workshop_id=current.workshop_id,
                step=traits.STEP_OF_TABLE[current.table],
                user=user,
                fields=[{"field": f"cell:{current.pk}:{column}", "before": before,
                         "after": cleaned}],
                context=_cell_context(current, col, inputs),
            )  # fmt: skip
        _stamp([current], _touch(current.workshop_id))
    return current


def _cell_write(current: ProfileRow, col, cleaned, version: int, user) -> bool:
    """Write one cell of the locked row; False when it holds that value already."""
    if current.values.get(col.key) == cleaned:
        return False  # a double submit, or two people typing the same: nothing to decide
    if current.cell_version(col.key) != version:
        raise StaleCell(current, col.key)
    if cleaned is None:
        current.values.pop(col.key, None)
    else:
        current.values[col.key] = cleaned
    current.cell_versions[col.key] = current.cell_version(col.key) + 1
    current.updated_by = user
    current.save(update_fields=["values", "cell_versions", "updated_by", "updated_at"])
    return True


def _worked_on(row: ProfileRow) -> None:
    # The step has been worked on: a later change of the best customers asks for a review.
    WorkshopStep.objects.filter(
        workshop_id=row.workshop_id, number=traits.STEP_OF_TABLE[row.table], version=0
    ).update(version=1, updated_at=timezone.now())


def _cell_context(row: ProfileRow, col, inputs) -> dict:
    context = {"table": row.table, "customer": row.customer_name}
    if col.custom:
        context.update(column=str(col.label), columns=list((inputs or {}).get("columns", [])))
    return context


@dataclass(frozen=True)
class PastedCell:
    """One cell of a block pasted from a spreadsheet: where, the text, the version seen."""

    row: int
    column: str
    text: str
    version: int


@dataclass
class PasteResult:
    saved: list[tuple[ProfileRow, str]] = field(default_factory=list)  # (row, column)
    conflicts: list[tuple[ProfileRow, str, str]] = field(default_factory=list)  # + pasted text
    errors: list[tuple[ProfileRow, str, str, str]] = field(default_factory=list)  # + message


def profile_cells_paste(
    *, workshop: Workshop, table: str, cells: list[PastedCell], user, inputs: dict | None = None
) -> PasteResult:
    """Save a block of cells pasted from a spreadsheet as one change (one Undo takes it back).

    Each cell is read like a typed one; a choice or several are matched by key or label. A
    cell a teammate changed since the page showed it is not overwritten: it comes back as a
    conflict, and a value that does not fit its column as an error; the rest is saved.
    """
    result = PasteResult()
    recorded, context = [], {"table": table, "action": "paste"}
    written_rows: dict[int, ProfileRow] = {}
    with transaction.atomic():
        rows = {
            row.pk: row
            for row in ProfileRow.objects.select_for_update()
            .filter(workshop=workshop, table=table, pk__in={cell.row for cell in cells})
            .order_by("pk")
        }
        for cell in cells:
            row = rows.get(cell.row)
            col = traits.column(table, cell.column, inputs)
            if row is None or col is None:
                continue
            try:
                cleaned = traits.clean_value(col, traits.pasted_value(col, cell.text))
            except ValidationError as error:
                result.errors.append((row, col.key, cell.text, " ".join(error.messages)))
                continue
            before = row.values.get(col.key)
            try:
                written = _cell_write(row, col, cleaned, cell.version, user)
            except StaleCell:
                result.conflicts.append((row, col.key, cell.text))
                continue
            result.saved.append((row, col.key))
            if written:
                recorded.append(
                    {"field": f"cell:{row.pk}:{col.key}", "before": before, "after": cleaned}
                )
                written_rows[row.pk] = row
        if recorded:
            _worked_on(next(iter(rows.values())))
            history.change_record(
                workshop_id=workshop.pk,
                step=traits.STEP_OF_TABLE[table],
                user=user,
                fields=recorded,
                context=context,
            )
            _stamp(written_rows.values(), _touch(workshop.pk))
    return result


def _table_step(workshop: Workshop, table: str) -> WorkshopStep:
    return WorkshopStep.objects.select_for_update().get(
        workshop=workshop, number=traits.STEP_OF_TABLE[table]
    )


def profile_table_column_add(*, workshop: Workshop, table: str, label: str, kind: str, user):
    """Add a column of the team's own to the company or buyer table."""
    with transaction.atomic():
        step = _table_step(workshop, table)
        before = list(step.inputs.get("columns", []))
        # Keys are never reused: a removed column's cells stay in the rows, unseen, and must not
        # come back under a new column.
        in_rows = ProfileRow.objects.filter(workshop=workshop, table=table).values_list(
            "values", flat=True
        )
        used = max(
            [step.inputs.get("last_column", 0)]
            + [traits.custom_number(key) for values in in_rows for key in values],
        )
        existing = [*before, traits.custom_column(label, kind, before, used=used)]
        step.inputs = {**step.inputs, "last_column": traits.custom_number(existing[-1]["key"])}
        _columns_write(step, before, existing, user)
    return existing[-1]


def profile_table_column_remove(*, workshop: Workshop, table: str, key: str, user) -> None:
    """Remove a column of the team's own (its cells stay in the rows, unseen)."""
    with transaction.atomic():
        step = _table_step(workshop, table)
        before = list(step.inputs.get("columns", []))
        _columns_write(step, before, [item for item in before if item["key"] != key], user)


def profile_table_columns_set(*, step: WorkshopStep, columns: list[dict], user) -> None:
    """Put back the team's own columns as they were (Undo); not itself a change to undo."""
    with transaction.atomic():
        step = WorkshopStep.objects.select_for_update().get(pk=step.pk)
        before = list(step.inputs.get("columns", []))
        _columns_write(step, before, columns, user, record=False)


def _columns_write(step: WorkshopStep, before: list, after: list, user, *, record=True) -> None:
    step.inputs = {**step.inputs, "columns": after}
    step.version += 1
    step.field_versions = {**step.field_versions, "columns": step.field_version("columns") + 1}
    step.updated_by = user
    step.save()
    if record:
        history.change_record(
            workshop_id=step.workshop_id,
            step=step.number,
            user=user,
            fields=[{"field": f"step:{step.number}:columns", "before": before, "after": after}],
        )
    _touch(step.workshop_id)


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
