"""How profile values read on a page: `{{ value|profile_value }}` ("IT, Telco", "20–50")."""

from django import template

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
