"""The live poll of steps 4 and 5: what changed in the table since a participant last looked.

The page polls `workshop_live` every POLL_SECONDS with the ETag it last saw; an unchanged
workshop answers 304. A changed one answers with out-of-band swaps of every cell except the
ones this participant is editing (the poll includes their `editing` inputs), the summaries,
the progress, the newest change and who else is here, so a teammate's edit shows without
clobbering one's own. What everybody sees at a revision is rendered once per process, each
cell once per value: thirty laptops asking after every edit cost a few joins of kept bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from portfolio.frames import cache as frame_cache
from profiles.workshop import live
from profiles.workshop.pages import workshop_of
from profiles.workshop.tables.page import (
    TEMPLATE,
    Cell,
    cell_html,
    live_parts_context,
    page_context,
)


def live_table(request, pk, table, state):
    """What changed in the table for one participant: the rows changed since the revision
    they hold (all of them on a first poll), without the cells they are editing; the summaries,
    the progress and the newest change; who else is here."""
    editing = set(request.GET.getlist("editing"))
    structure = request.GET.get("structure", "")
    can_edit = request.membership.can_edit
    key = (pk, table, state.revision, structure, can_edit, get_language())
    parts = _FRAGMENTS.get_or_set(
        key, lambda: _live_parts(request, pk, table, structure, state.revision)
    )
    seen = live.revision_seen(request.headers.get("If-None-Match", ""), table)
    body = [live.presence_html(state.others), parts.head]
    if parts.rows is None:
        body.append(parts.notice if editing else parts.table)
    else:
        # Table cells parse only inside a table or a template: one template per row.
        for changed, cells in parts.rows:
            if seen is not None and changed <= seen:
                continue
            body.append(b"<template>")
            body += [html for cell_key, html in cells if cell_key not in editing]
            body.append(b"</template>")
        body.append(b"<template>" + parts.summaries + b"</template>")
    response = HttpResponse(b"".join(body))
    # The parts may be newer than `state`: the ETag names the revision read before their
    # rows, so what a participant holds is never older than it says.
    response["ETag"] = live.LiveState(parts.revision, state.others).etag(table)
    return response


@dataclass(frozen=True)
class LiveParts:
    revision: int
    head: bytes  # progress and the newest change
    rows: list | None  # per row: (changed at revision, [(cell key, HTML)]); None: new shape
    summaries: bytes = b""
    table: bytes = b""  # the whole table, when its rows or columns changed
    notice: bytes = b""  # ... for whoever edits a cell meanwhile


def _live_parts(request, pk, table, structure, revision) -> LiveParts:
    workshop = workshop_of(request, pk)
    context = live_parts_context(request, workshop, table, revision)
    if structure != context["structure"]:
        # Rows or columns came or went (or rows are still to be made): the whole table.
        context = page_context(request, workshop, table)
        context["oob"] = True
        return LiveParts(
            context["revision"],
            render(request, f"{TEMPLATE}#live_head", context).content,
            None,
            table=render(request, f"{TEMPLATE}#table", context).content,
            notice=render(request, f"{TEMPLATE}#rebuilt", context).content,
        )
    can_edit = context["can_edit"]
    shape = context["structure"]
    rows = [(row.changed_revision, _row_cells(row, can_edit, shape)) for row in context["rows"]]
    summaries = render_to_string(
        f"{TEMPLATE}#summaries", {**context, "summaries_oob": True}, request=request
    ).encode()
    head = render_to_string(f"{TEMPLATE}#live_head", context, request=request).encode()
    return LiveParts(context["revision"], head, rows, summaries=summaries)


def _row_cells(row, can_edit: bool, shape: str) -> list[tuple[str, bytes]]:
    """A row's cells as everybody sees them, kept until the row or the table's shape changes."""
    key = (row.pk, row.changed_revision, row.updated_at, shape, can_edit, get_language())
    return _ROWS.get_or_set(
        key, lambda: [(cell.key, _cell_html(cell, can_edit)) for cell in row.make_cells()]
    )


def _cell_html(cell: Cell, can_edit: bool) -> bytes:
    """A cell as everybody sees it, written once per value and language."""
    key = (
        cell.id,
        json.dumps(cell.value, sort_keys=True),
        cell.version,
        str(cell.col.label),
        can_edit,
        get_language(),
    )
    return _CELLS.get_or_set(key, lambda: cell_html(cell, can_edit=can_edit, oob=True).encode())


_CELLS = frame_cache.Memo(20_000)
_ROWS = frame_cache.Memo(2_000)
_FRAGMENTS = frame_cache.Memo(64)
