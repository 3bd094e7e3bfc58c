"""Steps 4 and 5: the company and buyer tables, edited cell by cell by the whole team (the
page in tables.page, its live poll in tables.live): a cell, a block pasted from a
spreadsheet, the team's own columns, done or skipped."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, leader_required
from profiles.models import ProfileRow, Workshop
from profiles.versions import traits
from profiles.workshop.pages import workshop_of
from profiles.workshop.tables import buyers
from profiles.workshop.tables import services as table_services
from profiles.workshop.tables.page import (
    TEMPLATE,
    Cell,
    current_summaries,
    page_context,
    step_of_table,
    table_of,
)


def table_page(request: MemberRequest, workshop: Workshop, table: str, *, status=200):
    """The page of step 4 or 5 (called by views.workshop_step)."""
    editing = {request.GET["edit"]} if request.membership.can_edit and "edit" in request.GET else ()
    context = page_context(request, workshop, table, editing=editing)
    return render(request, TEMPLATE, context, status=status)


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
    table = table_of(table)
    row = _row(workshop, table, row)
    inputs = step_of_table(workshop, table).inputs
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
        context = page_context(request, workshop, table, special={cell.key: cell})
        return render(request, TEMPLATE, context, status=status)
    context = {"cell": cell, "workshop": workshop, "can_edit": True}
    response = render(request, f"{TEMPLATE}#cell", context)
    if summaries:
        more = {"summaries": current_summaries(workshop, table), "summaries_oob": True}
        summaries = render(request, f"{TEMPLATE}#summaries", more).content
        response.content += b"<template>" + summaries + b"</template>"
    # htmx swaps 2xx answers only: a refused save is shown as a conflict with 200 and a header.
    if status == 409:
        response["HX-Trigger"] = "cell-conflict"
    elif status == 400:
        response["HX-Trigger"] = "cell-invalid"
    return response


MAX_PASTED_CELLS = 5_000


@require_POST
@leader_required
def profile_table_paste(request: MemberRequest, pk: int, table: str):
    """A block pasted from a spreadsheet (static/js/grid.js sends one entry per cell): saved
    as one change; cells a teammate changed meanwhile and values that do not fit are shown
    in their cells for the person to decide."""
    workshop = workshop_of(request, pk)
    table = table_of(table)
    inputs = step_of_table(workshop, table).inputs
    posted = [request.POST.getlist(name) for name in ("row", "column", "text", "version")]
    if len({len(values) for values in posted}) != 1 or len(posted[0]) > MAX_PASTED_CELLS:
        return HttpResponseBadRequest(_("The pasted block could not be read."))
    try:
        cells = [
            table_services.PastedCell(int(row), column, text[:1000], int(version))
            for row, column, text, version in zip(*posted, strict=True)
        ]
    except ValueError:
        return HttpResponseBadRequest(_("The pasted block could not be read."))
    result = table_services.profile_cells_paste(
        workshop=workshop, table=table, cells=cells, user=request.user, inputs=inputs
    )
    shown = [Cell(workshop, row, traits.column(table, key, inputs)) for row, key in result.saved]
    for row, key, text in result.conflicts:
        col = traits.column(table, key, inputs)
        mine = traits.clean_value(col, traits.pasted_value(col, text))
        shown.append(Cell(workshop, row, col, editing=True, conflict=True, mine=mine))
    for row, key, text, message in result.errors:
        col = traits.column(table, key, inputs)
        shown.append(Cell(workshop, row, col, editing=True, error=message, mine=text))
    context = {
        "workshop": workshop,
        "can_edit": True,
        "cells": shown,
        "saved": len(result.saved),
        "conflicts": len(result.conflicts),
        "errors": len(result.errors),
        "summaries": current_summaries(workshop, table),
    }
    return render(request, f"{TEMPLATE}#pasted", context)


# --------------------------------------------------------------------------- columns and done


@require_POST
@leader_required
def profile_table_column_add(request: MemberRequest, pk: int, table: str):
    workshop = workshop_of(request, pk)
    table = table_of(table)
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
    table = table_of(table)
    table_services.profile_table_column_remove(
        workshop=workshop, table=table, key=column, user=request.user
    )
    messages.success(request, _("The column was removed; its cells are kept."))
    return redirect("workshop_step", pk=workshop.pk, number=traits.STEP_OF_TABLE[table])


@require_POST
@leader_required
def workshop_table_done(request: MemberRequest, pk: int, table: str):
    workshop = workshop_of(request, pk)
    table = table_of(table)
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


# --------------------------------------------------------------------------- more buyers


@require_POST
@leader_required
def profile_buyer_add(request: MemberRequest, pk: int):
    """Another buyer of a best customer (step 5): who decided and who signed can differ."""
    workshop = workshop_of(request, pk)
    try:
        customer = int(request.POST.get("customer", ""))
        buyers.profile_buyer_add(workshop=workshop, customer_id=customer, user=request.user)
    except ValueError:
        messages.error(request, _("Choose a best customer."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A row for another buyer was added: say their part."))
    return redirect("workshop_step", pk=workshop.pk, number=5)


@require_POST
@leader_required
def profile_buyer_remove(request: MemberRequest, pk: int, row: int):
    workshop = workshop_of(request, pk)
    found = _row(workshop, "buyer", row)
    try:
        buyers.profile_buyer_remove(row=found, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The further buyer was removed."))
    return redirect("workshop_step", pk=workshop.pk, number=5)
