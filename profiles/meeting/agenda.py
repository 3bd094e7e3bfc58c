"""The agenda of the meeting: minutes per step (a default that fits two hours) and the
facilitator's notes from the method: what the step decides, the one question to ask the room,
the traps teams fall into. Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Two hours: the data steps are quick, the profile itself takes longest.
DEFAULT_MINUTES = {1: 15, 2: 10, 3: 20, 4: 25, 5: 20, 6: 30}
MAX_MINUTES = 240


@dataclass(frozen=True)
class Notes:
    """What the facilitator needs at hand for a step."""

    decide: Promise
    question: Promise
    traps: tuple[Promise, ...]


NOTES = {
    1: Notes(
        _("One measure of size and the two limits between small, medium and large."),
        _("Which one number tells a big customer from a small one for us?"),
        (
            _("Arguing about exact limits for long: take the proposal, adjust later."),
            _("A measure the customer list barely fills in."),
        ),
    ),
    2: Notes(
        _("The main revenue stream: the group the profile is built on."),
        _("Which group brings us the biggest share of revenue?"),
        (
            _("Assuming the biggest customers are the biggest stream."),
            _("Two equal slices and no decision: choose by where the company wants to go."),
        ),
    ),
    3: Notes(
        _("What makes a customer “best” now, and which customers those are."),
        _("What does the company need most now, and who shows it best?"),
        (
            _("Picking favourites instead of following the data."),
            _("Too many customers blur the picture; too few show no pattern."),
        ),
    ),
    4: Notes(
        _("The company traits most best customers share."),
        _("What do our best customers have in common as companies?"),
        (
            _("Filling cells from memory instead of from the data."),
            _("One unusual customer steering the whole profile."),
        ),
    ),
    5: Notes(
        _("The traits of the person who decided to buy."),
        _("Who decided to buy, and what drove them?"),
        (
            _("Describing the person who signed instead of the one who decided."),
            _("Guessing personalities nobody in the room has met."),
        ),
    ),
    6: Notes(
        _("The three segments: do-or-die, neutral and do-not."),
        _("Whom do we chase with all our energy, and whom do we not chase at all?"),
        (
            _("A vague do-not segment: define it as concretely as the do-or-die one."),
            _("Deciding without every part of the company at the table."),
        ),
    ),
}


def minutes(durations: dict) -> dict[int, int]:
    """Minutes per step (1-6): the saved ones, the default for the others."""
    saved = {int(k): int(v) for k, v in (durations or {}).items() if str(k).isdigit()}
    return {number: saved.get(number, default) for number, default in DEFAULT_MINUTES.items()}


def clean_minutes(posted: dict[int, object]) -> dict[str, int]:
    """Minutes per step as typed (whole minutes, 1 to MAX_MINUTES), or ValidationError naming
    the steps that do not read."""
    cleaned, errors = {}, {}
    for number in DEFAULT_MINUTES:
        raw = str(posted.get(number, "") or "").strip()
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= MAX_MINUTES:
            errors[f"minutes_{number}"] = _("Enter whole minutes from 1 to %(max)s.") % {
                "max": MAX_MINUTES
            }
        else:
            cleaned[str(number)] = value
    if errors:
        raise ValidationError(errors)
    return cleaned
