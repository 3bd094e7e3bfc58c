"""How profile values read on a page: `{{ value|profile_value }}` ("IT, Telco", "20–50")."""

from django import template

from profiles.versions import wording
from profiles.versions.criteria import value_text
from profiles.workshop import history

register = template.Library()


@register.filter
def profile_value(value) -> str:
    """A trait or criterion value as people read it."""
    return value_text(value)


@register.filter
def change_text(change) -> str:
    """What a workshop change did, in the reader's language (the Undo button, the log)."""
    return history.describe(change)


@register.filter
def decision_what(decision, labels=None) -> str:
    """The trait or criterion a decision-log entry is about, as people name it."""
    return history.decision_subject(decision, labels or {})


@register.filter
def trait_name(trait) -> str:
    """A stored trait's name in the reader's language (the team's own columns as named)."""
    return wording.trait_name(trait.get("key", ""), {trait.get("key", ""): trait.get("label", "")})


@register.filter
def trait_value(trait) -> str:
    """A stored trait's value for reading, choices by their labels."""
    return wording.value_words(trait.get("key", ""), trait.get("value"), between=True)


@register.filter
def criterion_words(criterion, names=None) -> str:
    """A stored criterion in words: "Employees is between 20–50"."""
    return wording.criterion_words(criterion, names or {})


@register.filter
def criterion_name(criterion, names=None) -> str:
    """A stored criterion without its value: "Employees is between"."""
    return wording.criterion_name(criterion, names or {})


@register.filter
def criterion_value(criterion) -> str:
    """A stored criterion's value for reading."""
    between = criterion.get("operator") == "between"
    return wording.value_words(
        criterion.get("attribute", ""), criterion.get("value"), between=between
    )
