"""Numbers typed by a member in their language (12,5 or 1.234,5 in German), and form fields
that read them."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
from django import forms
from django.utils import formats

from icp_site.l10n import active_language
from portfolio.parsing.numbers import COMMA, POINT, parse_numbers


def parse_local_number(text, language: str | None = None) -> float | int:
    """A number typed in the member's language (12,5 or 1.234,5 in German); ValueError if none.

    A value that can only be read one way (12,5 / 1.5) is read that way in every language;
    the language settles the ambiguous ones (1.234 is 1234 in German, 1.234 in English).
    """
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        value = float(text)
    else:
        language = language or active_language()
        hint = COMMA if formats.get_format("DECIMAL_SEPARATOR", language) == "," else POINT
        values, bad = parse_numbers(pd.Series([str(text).strip()], dtype=object), hint=hint)
        value = values.iloc[0]
        if bool(bad.iloc[0]) or pd.isna(value):
            raise ValueError(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


class LocalFloatField(forms.FloatField):
    """A FloatField that reads numbers in the member's language (12,5 and 1.234,5 in German)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return float(parse_local_number(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class LocalIntegerField(forms.IntegerField):
    """An IntegerField that reads 1.200 (German) and 1 200 (Swedish) as twelve hundred."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_local_number(value)
        except ValueError:
            number = None
        if not isinstance(number, int):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number
