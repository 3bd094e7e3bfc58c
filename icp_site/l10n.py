"""Numbers, money, dates and times in the member's language: display patterns and typed-in
numbers. Each language has one date format and one date-time format (icp_site/formats); times
are shown in the organisation's time zone (activated per request by the middleware)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils import formats, timezone, translation

# The symbol a reader of the language expects; the ISO code where a symbol would mislead
# ("kr" means SEK only to a Swede, "¥" is the yuan only in Chinese).
_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}
_LOCAL_SYMBOLS = {"sv": {"SEK": "kr"}, "zh-hans": {"CNY": "¥"}}
# Where the symbol goes: CLDR's patterns for the four languages, without Babel.
_MONEY_PATTERNS = {"de": "{n}\u00a0{s}", "sv": "{n}\u00a0{s}"}
_PERCENT_PATTERNS = {"de": "{n}\u00a0%", "sv": "{n}\u00a0%"}


def active_language() -> str:
    """The active language in lower case (de, sv, zh-hans, en)."""
    return (translation.get_language() or "en").lower()


def currency_symbol(currency: str, language: str | None = None) -> str:
    """How `currency` (an ISO code) is written in `language` (default: the active one)."""
    language = (language or active_language()).lower()
    return _LOCAL_SYMBOLS.get(language, {}).get(currency) or _SYMBOLS.get(currency, currency)


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def rounded(value: Decimal, digits: int) -> Decimal:
    """`value` rounded half to even to `digits` decimals (Django's number_format truncates)."""
    try:
        return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # more digits than a Decimal context holds: nothing to round
        return value


def format_money(value, currency: str, *, digits: int = 2) -> str:
    """`value` as money in the active language: 1.234,50 € / 1 234,50 kr / €1,234.50.

    Rounded once, half to even, to `digits` decimals: 1,439,999.60 shown whole is 1,440,000.
    """
    amount = _decimal(value)
    if amount is None:
        return "—"
    amount = rounded(amount, digits)
    language = active_language()
    number = formats.number_format(abs(amount), digits, force_grouping=True)
    symbol = currency_symbol(currency, language)
    pattern = _MONEY_PATTERNS.get(language)
    if pattern is None:  # symbol first; a code (CHF, SEK) needs a space, a sign does not
        pattern = "{s}{n}" if len(symbol) == 1 or not symbol.isalpha() else "{s}\u00a0{n}"
    text = pattern.format(n=number, s=symbol)
    return f"-{text}" if amount < 0 else text


def format_percent(value, *, digits: int = 1) -> str:
    """`value` in percent points (60 is 60 %) in the active language: 60,0 % / 60.0%."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    number = formats.number_format(rounded(amount, digits), digits, force_grouping=True)
    return _PERCENT_PATTERNS.get(active_language(), "{n}%").format(n=number)


MONEY_ATTRIBUTES = frozenset({"revenue", "company_revenue", "contribution", "amount", "profit"})


def format_value(value, *, currency: str | None = None, between: bool = False) -> str:
    """A profile value for reading: numbers grouped (as money given `currency`), lists joined.

    `between`: a pair of numbers is a range (20–50) rather than a list (20, 50).
    """
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        joiner = "–" if between and len(value) == 2 else ", "
        return joiner.join(format_value(v, currency=currency) for v in value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if currency:
            return format_money(value, currency, digits=0 if float(value).is_integer() else 2)
        return formats.number_format(value, force_grouping=True)
    return str(value)


def input_number(value) -> str:
    """A number as an input field shows it in the active language, no grouping: 12,5."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value  # what the member typed, shown back as typed
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return formats.number_format(value)


def _moment(value):
    """A date or date-time as given, or read from its ISO text; None for nothing readable."""
    if value is None or value == "":
        return None
    return _parse_moment(value) if isinstance(value, str) else value


def format_date(value) -> str:
    """A date (or the day of a date-time, in the active time zone) in the language's format."""
    value = _moment(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


def format_datetime(value) -> str:
    """A moment in the active time zone, in the language's date-time format; also an ISO text
    as the decision log stores it ("2025-01-31T10:15:00+00:00")."""
    value = _moment(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def _parse_moment(text: str) -> dt.datetime | dt.date | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return moment
