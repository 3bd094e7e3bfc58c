"""Steps 4 and 5: the company and buyer tables, edited cell by cell by the whole team.

The page polls `workshop_live` every two seconds with the ETag it last saw; an unchanged
workshop answers 304. A changed one answers with out-of-band swaps of every cell except the
ones this participant is editing (the poll includes their `editing` inputs), the summaries
and the list of who else is here, so a teammate's edit shows without clobbering one's own.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site import l10n
from icp_site.access import MemberRequest, leader_required
from portfolio.frames import cache as frame_cache
from profiles.models import ProfileRow, Workshop, WorkshopStep
from profiles.versions import traits
from profiles.workshop import live, steps
from profiles.workshop.pages import progress, workshop_of
from profiles.workshop.tables import memo
from profiles.workshop.tables import services as table_services

TEMPLATE = "profiles/table_step.html"


def _table(table: str) -> str:
    if table not in traits.TABLES:
        raise Http404
    return table


def _step(workshop: Workshop, table: str) -> WorkshopStep:
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
            self.conflict_by = str(row.updated_by) if row.updated_by_id else ""
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


def _structure(rows, cols) -> str:
    """A fingerprint of the rows and columns: a poll rebuilds the table when it changes."""
    text = repr(([row.pk for row in rows], [c.key for c in cols]))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def _summaries(workshop, table, rows, cols):
    return memo.table_summaries(workshop, rows, cols)


_FRAGMENTS = frame_cache.Memo(64)


def _context(request, workshop, table, *, editing=(), special=None) -> dict:
    """Everything the table page and its partials show."""

    step = _step(workshop, table)
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
        "summaries": _summaries(workshop, table, rows, cols),
        "structure": _structure(rows, cols),
        "can_edit": request.membership.can_edit,
        "progress": progress(workshop, current=number),
        "previous_number": number - 1,
        "next_number": number + 1,
        "present": live.names(state.others),
        "etag": state.etag(table),
        "revision": state.revision,
        "live_url": reverse("workshop_live", args=[workshop.pk, number]),
        "poll_seconds": live.POLL_SECONDS,
        "custom_kinds": [("text", _("text")), ("number", _("number"))],
    }


def table_page(request: MemberRequest, workshop: Workshop, table: str, *, status=200):
    """The page of step 4 or 5 (called by views.workshop_step)."""
    editing = {request.GET["edit"]} if request.membership.can_edit and "edit" in request.GET else ()
    context = _context(request, workshop, table, editing=editing)
    return render(request, TEMPLATE, context, status=status)


# --------------------------------------------------------------------------- polling


def live_table(request, pk, table, state):
    """The changed table for one participant: the cells and summaries are the same for everybody
    who edits nothing at this revision, so they are rendered once; presence is per person."""
    editing = tuple(sorted(set(request.GET.getlist("editing"))))
    structure = request.GET.get("structure", "")
    can_edit = request.membership.can_edit
    key = (pk, table, state.revision, editing, structure, can_edit, get_language())

    def render_fragment():
        workshop = workshop_of(request, pk)
        context = _context(request, workshop, table, editing=set(editing))
        context.update(
            oob=True,
            rebuild=structure != context["structure"],
            editing=editing,
        )
        return context["revision"], render(request, f"{TEMPLATE}#live", context).content

    # The fragment may be newer than `state` (the first visitor created the rows): its ETag
    # names the revision read before its rows, so what a participant holds is never older.
    revision, fragment = _FRAGMENTS.get_or_set(key, render_fragment)
    presence = render(
        request, "profiles/_presence.html", {"present": live.names(state.others), "oob": True}
    ).content
    response = HttpResponse(presence + fragment)
    response["ETag"] = live.LiveState(revision, state.others).etag(table)
    return response


# --------------------------------------------------------------------------- cells


def _row(workshop, table, row_pk) -> ProfileRow:
    return get_object_or_404(ProfileRow, workshop=workshop, table=table, pk=row_pk)


def _posted_value(request, col):
    if col.kind == "multi":
        return request.POST.getlist("value")
    return request.POST.get("value", "")


@require_http_methods(["GET", "POST"])
@leader_required
@vary_on_headers("HX-Request")
def profile_cell(request: MemberRequest, pk: int, table: str, row: int, column: str):
    workshop = workshop_of(request, pk)
    table = _table(table)
    row = _row(workshop, table, row)
    inputs = _step(workshop, table).inputs
    col = traits.column(table, column, inputs)
    if col is None:
        raise Http404
    step_url = reverse("workshop_step", args=[workshop.pk, traits.STEP_OF_TABLE[table]])
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{step_url}?edit={row.pk}:{col.key}#c-{row.pk}-{col.key}")
        cell = Cell(workshop, row, col, editing="display" not in request.GET)
        return _cell_response(request, workshop, table, cell)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    posted = _posted_value(request, col)
    try:
        saved = table_services.profile_cell_save(
            row=row, column=col.key, value=posted, version=version, user=request.user, inputs=inputs
        )
    except table_services.StaleCell as stale:
        cell = Cell(
            workshop,
            stale.row,
            col,
            editing=True,
            conflict=True,
            mine=traits.clean_value(col, posted),
        )
        return _cell_response(request, workshop, table, cell, status=409)
    except ValidationError as error:
        cell = Cell(workshop, row, col, editing=True, error=" ".join(error.messages), mine=posted)
        return _cell_response(request, workshop, table, cell, status=400)
    if not request.htmx:
        return redirect(f"{step_url}#c-{saved.pk}-{col.key}")
    return _cell_response(request, workshop, table, Cell(workshop, saved, col), summaries=True)


def _cell_response(request, workshop, table, cell, *, status=200, summaries=False):
    if not request.htmx:
        # Without JavaScript: the whole page with this cell in its state (conflict, error).
        context = _context(request, workshop, table, special={cell.key: cell})
        return render(request, TEMPLATE, context, status=status)
    context = {"cell": cell, "workshop": workshop, "can_edit": True}
    response = render(request, f"{TEMPLATE}#cell", context)
    if summaries:
        step = _step(workshop, table)
        cols = traits.columns(table, step.inputs)
        rows = list(ProfileRow.objects.filter(workshop=workshop, table=table))
        chosen = set(table_services.selection(workshop))
        rows = [row for row in rows if row.customer_id in chosen]
        more = {"summaries": _summaries(workshop, table, rows, cols), "summaries_oob": True}
        summaries = render(request, f"{TEMPLATE}#summaries", more).content
        response.content += b"<template>" + summaries + b"</template>"
    # htmx swaps 2xx answers only: a refused save is shown as a conflict with 200 and a header.
    if status == 409:
        response["HX-Trigger"] = "cell-conflict"
    return response


# --------------------------------------------------------------------------- columns and done


@require_POST
@leader_required
def profile_table_column_add(request: MemberRequest, pk: int, table: str):
    workshop = workshop_of(request, pk)
    table = _table(table)
    try:
        table_services.profile_table_column_add(
            workshop=workshop,
            table=table,
            label=request.POST.get("label", ""),
            kind=request.POST.get("kind", "text"),
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The column was added."))
    return redirect("workshop_step", pk=workshop.pk, number=traits.STEP_OF_TABLE[table])


@require_POST
@leader_required
def profile_table_column_remove(request: MemberRequest, pk: int, table: str, column: str):
    workshop = workshop_of(request, pk)
    table = _table(table)
    table_services.profile_table_column_remove(
        workshop=workshop, table=table, key=column, user=request.user
    )
    messages.success(request, _("The column was removed; its cells are kept."))
    return redirect("workshop_step", pk=workshop.pk, number=traits.STEP_OF_TABLE[table])


@require_POST
@leader_required
def workshop_table_done(request: MemberRequest, pk: int, table: str):
    workshop = workshop_of(request, pk)
    table = _table(table)
    number = traits.STEP_OF_TABLE[table]
    action = request.POST.get("action", "done")
    try:
        if action == "reopen":
            table_services.workshop_table_reopen(workshop=workshop, table=table, user=request.user)
        else:
            table_services.workshop_table_done(
                workshop=workshop,
                table=table,
                user=request.user,
                skipped=action == "skip",
                reason=request.POST.get("reason", ""),
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workshop_step", pk=workshop.pk, number=number)
    if action == "reopen":
        return redirect("workshop_step", pk=workshop.pk, number=number)
    return redirect("workshop_step", pk=workshop.pk, number=number + 1)
