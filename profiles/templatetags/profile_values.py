"""How profile values read on a page: `{{ value|profile_value }}` ("IT, Telco", "20–50")."""

from django import template

from profiles.versions.criteria import value_text

register = template.Library()


@register.filter
def profile_value(value) -> str:
    """A trait or criterion value as people read it."""
    return value_text(value)
