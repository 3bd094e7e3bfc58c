"""Money and percentages in the member's language.

{% load l10n_money %}
{% money row.revenue %}              €1,234,567.89 / 1.234.567,89 € (organisation currency)
{% money row.revenue 0 %}            whole amounts
{% money total 0 as amount %}        for {% blocktranslate %}
{{ row.revenue_share|percent }}      60.0% / 60,0 %
{{ share|percent:0 }}
"""

from django import template

from icp_site import l10n

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context, value, digits=2, currency=None):
    """`value` in the organisation's currency (or `currency`), formatted for the language."""
    if currency is None:
        organization = context.get("organization")
        currency = getattr(organization, "currency", None) or "EUR"
    return l10n.format_money(value, currency, digits=int(digits))


@register.filter
def percent(value, digits=1):
    """Percent points (60 is 60 %) formatted for the language."""
    return l10n.format_percent(value, digits=int(digits))


@register.filter
def input_number(value):
    """A number for an input field, in the language's format: 12,5 in German."""
    return l10n.input_number(value)
