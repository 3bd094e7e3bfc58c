"""Steps 4 and 5 as the page shows them: the cells, the summaries under the columns, the
fingerprint of the table's shape, and everything the page and its parts need."""

from __future__ import annotations

import hashlib
import json

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from icp_site import l10n
from portfolio.frames import cache as frame_cache
from portfolio.frames import steps as data
from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.versions import traits
from profiles.workshop import history, live, steps
from profiles.workshop.pages import live_context, progress
from profiles.workshop.tables import services as table_services
from profiles.workshop.tables import summaries

TEMPLATE = "profiles/table_step.html"


def table_of(table: str) -> str:
    if table not in traits.TABLES:
        raise Http404
    return table


def step_of_table(workshop: Workshop, table: str) -> WorkshopStep:
    return get_object_or_404(WorkshopStep, workshop=workshop, number=traits.STEP_OF_TABLE[table])


# --------------------------------------------------------------------------- building the table


class Cell:
    """One cell as the template shows it."""

    def __init__(self, workshop, row, col, *, editing=False, conflict=None, error=None, mine=None):
        self.row, self.col = row, col
        self.value = row.values.get(col.key)
        self.text = traits.display(col, self.value)
        self.version = row.cell_version(col.key)
        self.editing = editing
        self.conflict = conflict  # a refused save: the teammate's value and the editor's
        self.error = error
        self.mine = self.value if mine is None else mine  # what the editor's input holds
        if conflict:
            self.conflict_by = history.last_author(workshop.pk, f"cell:{row.pk}:{col.key}")
            self.conflict_text = self.text or _("(empty)")
            self.mine_display = traits.display(col, self.mine) or _("(empty)")
        self.id = f"c-{row.pk}-{col.key}"
        self.key = f"{row.pk}:{col.key}"
        self.url = reverse("profile_cell", args=[workshop.pk, row.table, row.pk, col.key])
        number = traits.STEP_OF_TABLE[row.table]
        self.step_url = reverse("workshop_step", args=[workshop.pk, number]) + f"#{self.id}"

    @property
    def mine_list(self) -> list:
        return self.mine if isinstance(self.mine, list) else []

    @property
    def mine_text(self) -> str:
        if self.mine is None or isinstance(self.mine, list):
            return ""
        if isinstance(self.mine, int | float) and not isinstance(self.mine, bool):
            return l10n.input_number(self.mine)  # 12,5 in German, read back alike
        return str(self.mine)

    @property
    def colour(self) -> str | None:
        return traits.DISC_COLOURS.get(self.value) if self.col.key == "disc" else None


def structure(rows, cols) -> str:
    """A fingerprint of the rows and columns: a poll rebuilds the table when it changes."""
    text = repr(([row.pk for row in rows], [c.key for c in cols]))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def column_summaries(workshop, table, rows, cols) -> list[summaries.Summary]:
    """The summary under each column, computed once per content of that column: thirty
    laptops ask for them after every edit, and an edit changes one column. The whole
    portfolio's side of each column is counted once per customer list. (The dataset's
    revision: re-aggregating an order list changes the customers' figures.)"""
    revision = workshop.dataset.revision if workshop.dataset else None
    if table == "buyer":  # each best customer once, from those who decided
        rows = [Decided(values) for _customer, values in traits.deciders(_pairs(rows))]
    found = []
    for col in cols:
        values = json.dumps([row.values.get(col.key) for row in rows], sort_keys=True)
        label = str(col.label) if col.custom else ""
        key = (workshop.dataset_id, revision, table, col.key, col.kind, label, values)

        def make(col=col):
            tally = None
            if col.customer_field and workshop.dataset is not None:
                tally = _TALLIES.get_or_set(
                    (
                        workshop.dataset_id,
                        revision,
                        data.today(),
                        col.key,
                        col.customer_field,
                        col.kind,
                    ),
                    lambda: _tally(workshop.dataset, col),
                )
            return summaries.summarise_one(rows, col, tally)

        found.append(_SUMMARIES.get_or_set(key, make))
    return found


class Decided:
    """A best customer's buyers who decided, merged into one row (traits.deciders)."""

    def __init__(self, values: dict):
        self.values = values


def _pairs(rows):
    return [(row.customer_id, row.values) for row in rows]


def current_summaries(workshop, table: str) -> list[summaries.Summary]:
    """The summaries under the columns of a table for the current pick of best customers."""
    step = step_of_table(workshop, table)
    cols = traits.columns(table, step.inputs)
    chosen = table_services.selection(workshop)
    rows = list(ProfileRow.objects.filter(workshop=workshop, table=table, customer_id__in=chosen))
    return column_summaries(workshop, table, rows, cols)


def _tally(dataset, col):
    # The lift compares with the customers: the active ones, as every analysis does.
    population = data.population_frame(
        dataset, {col.key: col.customer_field}, active_on=data.today()
    )
    if col.key not in population.columns:
        return None
    return summaries.tally_population(population[col.key], col.summary_kind)


_TALLIES = frame_cache.Memo(64)
_SUMMARIES = frame_cache.Memo(512)


def cell_html(cell: Cell, *, can_edit: bool, oob: bool = False) -> str:
    """A cell as it shows when nobody edits it (the page, a save's answer, every poll):
    written out here rather than by a template, as a poll may need a few hundred."""
    disc = ""
    if cell.colour:
        disc = format_html('<span class="disc disc-{}" aria-hidden="true"></span>', cell.colour)
    if can_edit:
        if cell.text:
            text = escape(cell.text)
        else:  # the value is the name: "empty", read out, and a dot seen
            text = format_html(
                '<span aria-hidden="true">·</span><span class="visually-hidden">{}</span>',
                _("empty"),
            )
        inner = format_html(
            '<a class="cell-link" id="l-{}" href="{}" hx-get="{}" hx-target="closest td" '
            'hx-swap="outerHTML">{}</a>',
            cell.id,
            cell.url,
            cell.url,
            text,
        )
    else:
        inner = format_html('<span class="cell-text">{}</span>', cell.text)
    return format_html(
        '<td id="{}" class="cell{}" role="gridcell" data-key="{}" data-version="{}"{}>{}{}</td>',
        cell.id,
        " num" if cell.col.kind == "number" else "",
        cell.key,
        cell.version,
        mark_safe(' hx-swap-oob="true"') if oob else "",
        disc,
        inner,
    )


def live_parts_context(request, workshop, table, revision: int) -> dict:
    """What a poll of the table needs, read without writing, after the `revision` the poll
    read: the steps (progress, the selection, the table's columns) in one query, the rows of
    the selection (rows still to be made change the table's shape, and then the whole page
    context is built instead), the newest change."""
    number = traits.STEP_OF_TABLE[table]
    found = {step.number: step for step in WorkshopStep.objects.filter(workshop=workshop)}
    step = found[number]
    inputs = {**steps.default_inputs(number), **step.inputs}
    cols = traits.columns(table, inputs)
    chosen = list((found[3].inputs or {}).get("selection", [])) if 3 in found else []
    rows = table_services.selected_rows(workshop=workshop, table=table, chosen=chosen)
    for row in rows:  # made only for rows whose cells are not kept yet (tables.live)
        row.make_cells = lambda row=row: [Cell(workshop, row, c) for c in cols]
    return {
        "workshop": workshop,
        "step": step,
        "table": table,
        "columns": cols,
        "rows": rows,
        "summaries": column_summaries(workshop, table, rows, cols),
        "structure": structure(rows, cols),
        "can_edit": request.membership.can_edit,
        "progress": progress(workshop, current=number, steps_read=found),
        "last_change": history.last_change(workshop.pk),
        "revision": revision,
        "oob": True,
    }


def page_context(request, workshop, table, *, editing=(), special=None) -> dict:
    """Everything the table page and its partials show."""

    step = step_of_table(workshop, table)
    inputs = {**steps.default_inputs(step.number), **step.inputs}
    cols = traits.columns(table, inputs)
    # Rows first (the first visitor creates them, which is a change), then the revision the
    # page's ETag names, then the rows as shown: what is shown is never older than the ETag.
    table_services.profile_rows_sync(workshop=workshop, table=table)
    state = live.live_state(
        workshop_id=workshop.pk, organization_id=workshop.organization_id, user_id=request.user.pk
    )
    rows = table_services.profile_rows_sync(workshop=workshop, table=table)
    special = special or {}
    for row in rows:
        row.cells = [
            special.get(f"{row.pk}:{c.key}")
            or Cell(workshop, row, c, editing=f"{row.pk}:{c.key}" in editing)
            for c in cols
        ]
    number = traits.STEP_OF_TABLE[table]
    return {
        "workshop": workshop,
        "step": step,
        "table": table,
        "definition": steps.get_step(number),
        "inputs": inputs,
        "columns": cols,
        "rows": rows,
        "summaries": column_summaries(workshop, table, rows, cols),
        "structure": structure(rows, cols),
        "can_edit": request.membership.can_edit,
        "progress": progress(workshop, current=number),
        "previous_number": number - 1,
        "next_number": number + 1,
        **live_context(request, workshop, number, state),
        "custom_kinds": [("text", _("text")), ("number", _("number"))],
    }
