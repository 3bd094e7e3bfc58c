"""The facilitator's check-list before step 6 is saved as a version: every function of the
company at the table, the best customers confirmed, the do-not segment filled in."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from profiles.models import Function, ParticipantFunction, Workshop, WorkshopStep


@dataclass(frozen=True)
class Item:
    key: str  # "functions" | "best_customers" | "do_not"
    label: str
    done: bool
    detail: str  # what is missing, in words ("" when done)


def missing_functions(workshop: Workshop) -> list[str]:
    """The functions no participant speaks for, as people name them."""
    present = set(
        ParticipantFunction.objects.filter(
            workshop=workshop, user__in=workshop.participants.all()
        ).values_list("function", flat=True)
    )
    return [str(label) for key, label in Function.choices if key not in present]


def checklist(workshop: Workshop) -> list[Item]:
    """The three items, each done or with what is missing."""
    steps = {s.number: s for s in WorkshopStep.objects.filter(workshop=workshop, number__in=(3, 6))}
    missing = missing_functions(workshop)
    functions = Item(
        "functions",
        _("Every function is represented"),
        not missing,
        _("Missing: %(functions)s.") % {"functions": ", ".join(missing)} if missing else "",
    )
    step3 = steps.get(3)
    confirmed = bool(
        step3 and step3.done and not step3.needs_review and step3.inputs.get("selection")
    )
    if confirmed:
        detail = ""
    elif step3 is not None and step3.needs_review:
        detail = _("Step 3 needs a review: an earlier step changed.")
    else:
        detail = _("Step 3 has no confirmed pick of best customers yet.")
    best = Item("best_customers", _("The best customers are confirmed"), confirmed, detail)
    content = steps[6].inputs if 6 in steps else {}
    do_not = any(c.get("segment") == "do-not" for c in content.get("criteria", []))
    filled = Item(
        "do_not",
        _("The do-not segment is filled in"),
        do_not,
        "" if do_not else _("The do-not segment has no criterion yet."),
    )
    return [functions, best, filled]


def unmet(workshop: Workshop) -> list[Item]:
    """The items not done."""
    return [item for item in checklist(workshop) if not item.done]
