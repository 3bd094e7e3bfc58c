"""Undo: take back the newest change of a workshop (any step, any participant), one at a time.

An undo puts every field of the change back to its value before, through the same services
the pages save with (so versions move, later steps are asked for a review and everybody sees
it live), marks the change undone and records it in the step-6 decision log. It is refused
when a newer change came in meanwhile (the person sees that one first) or when a field no
longer holds what the change left there.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from profiles.models import ProfileRow, Workshop, WorkshopChange, WorkshopStep
from profiles.versions import traits
from profiles.versions.diff import empty_content
from profiles.workshop import history, results, services, steps
from profiles.workshop.draft import build as draft
from profiles.workshop.draft import fields
from profiles.workshop.draft import services as draft_services
from profiles.workshop.tables import buyers
from profiles.workshop.tables import services as table_services


class NothingToUndo(Exception):
    """No change of the workshop is left to undo."""


class NewerChange(Exception):
    """Another change came in after the one the person wanted to undo."""

    def __init__(self, change: WorkshopChange):
        super().__init__(f"Change {change.pk} is newer.")
        self.change = change


class ChangedSince(Exception):
    """A field of the change was changed afterwards in a way not on record."""


def workshop_change_undo(*, workshop: Workshop, change_id: int, user) -> WorkshopChange:
    """Undo change `change_id`, which must be the newest change not undone yet."""
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()  # one at a time
        change = history.last_change(workshop.pk)
        if change is None:
            raise NothingToUndo
        if change.pk != change_id:
            raise NewerChange(change)
        for item in change.fields:
            if _current(workshop, item["field"]) != item["after"]:
                raise ChangedSince(item["field"])
        _put_back(workshop, change, user)
        change.undone_at = timezone.now()
        change.undone_by = user
        change.save(update_fields=["undone_at", "undone_by"])
        _log(workshop, change, user)
    return change


# --------------------------------------------------------------------------- fields


def _step(workshop, number: int) -> WorkshopStep:
    return WorkshopStep.objects.get(workshop=workshop, number=number)


def _current(workshop, field_id: str):
    kind, _sep, rest = field_id.partition(":")
    if kind == "step":
        number, _sep, key = rest.partition(":")
        step = _step(workshop, int(number))
        return {**steps.default_inputs(step.number), **step.inputs}.get(key)
    if kind == "cell":
        row_id, _sep, column = rest.partition(":")
        row = ProfileRow.objects.filter(workshop=workshop, pk=int(row_id)).first()
        if row is None:
            raise ChangedSince(field_id)
        return row.values.get(column)
    if kind == "buyer":
        row = ProfileRow.objects.filter(workshop=workshop, pk=int(rest)).first()
        return None if row is None else buyers.row_key(row)
    content = {**empty_content(), **_step(workshop, 6).inputs}
    if rest == draft_services.CONTENT:
        return draft_services.draft_body(_step(workshop, 6))
    try:
        return fields.value(content, rest)
    except fields.FieldGone as gone:
        raise ChangedSince(field_id) from gone


def _put_back(workshop, change: WorkshopChange, user) -> None:
    by_step: dict[int, dict] = {}
    draft_edits = []
    for item in change.fields:
        kind, _sep, rest = item["field"].partition(":")
        if kind == "step":
            number, _sep, key = rest.partition(":")
            by_step.setdefault(int(number), {})[key] = item["before"]
        elif kind == "cell":
            row_id, _sep, column = rest.partition(":")
            row = ProfileRow.objects.get(workshop=workshop, pk=int(row_id))
            inputs = _step(workshop, traits.STEP_OF_TABLE[row.table]).inputs
            table_services.profile_cell_save(
                row=row,
                column=column,
                value=item["before"],
                version=row.cell_version(column),
                user=user,
                inputs=inputs,
                record=False,
            )
        elif kind == "buyer":
            row = ProfileRow.objects.filter(workshop=workshop, pk=int(rest)).first()
            if item["before"] is None and row is not None:
                buyers.profile_buyer_remove(row=row, user=user, record=False)
            elif item["before"] is not None and row is None:
                buyers.profile_buyer_restore(
                    workshop=workshop, pk=int(rest), state=item["before"], user=user
                )
        elif rest == draft_services.CONTENT:
            draft_services.workshop_draft_content_set(
                step=_step(workshop, 6), user=user, body=item["before"]
            )
        else:
            draft_edits.append(
                draft_services.FieldEdit(rest, item["before"], None, index=item.get("index"))
            )
    for number, values in by_step.items():
        step = _step(workshop, number)
        if set(values) == {"columns"}:
            table_services.profile_table_columns_set(
                step=step, columns=values["columns"], user=user
            )
            continue
        services.workshop_step_fields_save(
            step=step,
            user=user,
            changes=values,
            workshop_data=results.WorkshopData(workshop),
            record=False,
        )
    if draft_edits:
        # Newest field first, so a criterion removed and its note changed come back in order.
        draft_services.workshop_draft_fields_save(
            step=_step(workshop, 6),
            user=user,
            edits=list(reversed(draft_edits)),
            evidence=lambda key, value: None,
            record=False,
        )


def _log(workshop, change: WorkshopChange, user) -> None:
    """The undo in the decision log of step 6 (shown there and kept in saved versions)."""
    step = WorkshopStep.objects.select_for_update().get(workshop=workshop, number=6)
    content = {**empty_content(), **step.inputs}
    entry = draft.decision(
        "undo",
        f"change:{change.pk}",
        "undone",
        by=str(user) if user is not None else "",
        at=timezone.now().isoformat(timespec="seconds"),
        reason="",
        evidence=None,
    )
    entry["change"] = {"step": change.step, "fields": change.fields, "context": change.context}
    step.inputs = {**content, "decisions": [*content["decisions"], entry]}
    step.save(update_fields=["inputs", "updated_at"])
