"""Money and percentages in the member's language.

{% load l10n_money %}
{% money row.revenue %}              €1,234,567.89 / 1.234.567,89 € (the page's currency)
{% money row.revenue 0 %}            whole amounts
{% money total 0 as amount %}        for {% blocktranslate %}
{{ row.revenue_share|percent }}      60.0% / 60,0 %
{{ share|percent:0 }}
{{ decision.at|moment }}             a stored moment (a date-time or its ISO text) in the
                                     organisation's time zone and the language's format
"""

from django import template

from icp_site import l10n

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context, value, digits=2, currency=None):
    """`value` in the page's currency (or `currency`), formatted for the language and rounded
    half to even to `digits`."""
    return l10n.format_money(value, currency or page_currency(context), digits=int(digits))


def page_currency(context) -> str:
    """The currency of the customer list a page shows, else the organisation's.

    Pages name their list as `dataset`, or through the `workshop` or profile `version` built
    on it; a page may also set `currency` itself.  A list's money is in its own currency.
    """
    if isinstance(context.get("currency"), str) and context.get("currency"):
        return context["currency"]
    for owner in ("dataset", "workshop", "version"):
        item = context.get(owner)
        dataset = item if owner == "dataset" else getattr(item, "dataset", None)
        code = getattr(dataset, "currency", None)
        if isinstance(code, str) and code:
            return code
    organization = context.get("organization")
    return getattr(organization, "currency", None) or "EUR"


@register.filter
def percent(value, digits=1):
    """Percent points (60 is 60 %) formatted for the language."""
    return l10n.format_percent(value, digits=int(digits))


@register.filter
def input_number(value):
    """A number for an input field, in the language's format: 12,5 in German."""
    return l10n.input_number(value)


@register.filter
def moment(value):
    """A date-time (or its ISO text) in the active time zone and the language's format."""
    return l10n.format_datetime(value)
