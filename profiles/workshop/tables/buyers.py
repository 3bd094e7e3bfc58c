"""More than one buyer per customer in step 5: the person who decided and the one who signed can
differ, so a best customer may have further rows in the buyer table. The buyer profile counts
each customer once, from those who decided (traits.deciders); these services add and remove
the further rows, each a change Undo can take back.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from profiles.models import ProfileRow, Workshop
from profiles.workshop import history
from profiles.workshop.tables.services import _stamp, _touch, _worked_on, selection

MAX_BUYERS = 5  # rows per customer: a buying centre, not an org chart


def row_key(row: ProfileRow) -> dict:
    """Which buyer row a change added (what Undo checks is still there)."""
    return {"customer": row.customer_id, "buyer": row.buyer}


def row_state(row: ProfileRow) -> dict:
    """What Undo needs to put a buyer row back exactly as it was."""
    return {
        "customer": row.customer_id,
        "name": row.customer_name,
        "buyer": row.buyer,
        "values": row.values,
        "cell_versions": row.cell_versions,
    }


def profile_buyer_add(*, workshop: Workshop, customer_id: int, user) -> ProfileRow:
    """Another buyer row for a best customer (the part in the purchase left to fill in)."""
    if customer_id not in selection(workshop):
        raise ValidationError(_("Only a best customer of step 3 can have buyers."))
    with transaction.atomic():
        first = (
            ProfileRow.objects.select_for_update()
            .filter(workshop=workshop, table="buyer", customer_id=customer_id, buyer=0)
            .first()
        )
        if first is None:
            raise ValidationError(_("Open the buyer table first: the customer has no row yet."))
        rows = ProfileRow.objects.filter(workshop=workshop, table="buyer", customer_id=customer_id)
        if rows.count() >= MAX_BUYERS:
            raise ValidationError(
                _("A customer has at most %(max)s buyers here.") % {"max": MAX_BUYERS}
            )
        number = (rows.aggregate(last=Max("buyer"))["last"] or 0) + 1
        row = ProfileRow.objects.create(
            workshop=workshop,
            table="buyer",
            customer_id=customer_id,
            customer_name=first.customer_name,
            buyer=number,
            position=first.position,
            updated_by=user,
        )
        _worked_on(row)
        history.change_record(
            workshop_id=workshop.pk,
            step=5,
            user=user,
            fields=[{"field": f"buyer:{row.pk}", "before": None, "after": row_key(row)}],
            context={"table": "buyer", "action": "buyer_added", "customer": row.customer_name},
        )
        _stamp([row], _touch(workshop.pk))
    return row


def profile_buyer_remove(*, row: ProfileRow, user, record: bool = True) -> None:
    """Remove a further buyer of a customer (its first row stays: it is the customer's)."""
    if row.table != "buyer" or row.buyer == 0:
        raise ValidationError(_("Only a further buyer can be removed."))
    with transaction.atomic():
        current = ProfileRow.objects.select_for_update().filter(pk=row.pk).first()
        if current is None:
            return
        state = row_state(current)
        current.delete()
        if record:
            history.change_record(
                workshop_id=row.workshop_id,
                step=5,
                user=user,
                fields=[{"field": f"buyer:{row.pk}", "before": state, "after": None}],
                context={"table": "buyer", "action": "buyer_removed", "customer": state["name"]},
            )
        _touch(row.workshop_id)


def profile_buyer_restore(*, workshop: Workshop, pk: int, state: dict, user) -> ProfileRow:
    """Put a removed buyer row back as it was (Undo); not itself a change to undo."""
    with transaction.atomic():
        row = ProfileRow.objects.create(
            pk=pk,
            workshop=workshop,
            table="buyer",
            customer_id=state["customer"],
            customer_name=state["name"],
            buyer=state["buyer"],
            values=state["values"],
            cell_versions=state["cell_versions"],
            updated_by=user,
        )
        _stamp([row], _touch(workshop.pk))
    return row
