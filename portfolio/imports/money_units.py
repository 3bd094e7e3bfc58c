"""The units of a customer list's money columns: scale and currency per column, detected from
the header and the cells, changed by the user, and the one currency of the whole list.

A list holds one currency.  Columns in different currencies are refused (`MixedCurrencies`);
a cell written in another currency than its list is a problem of its row.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

import pandas as pd

from portfolio.parsing.money import KRONA, MoneyColumn, header_unit

NORDIC_KRONOR = ("SEK", "NOK", "DKK")


def krona(home_currency: str) -> str:
    """What "kr" means to an organisation: its own krona, else the Swedish one."""
    return home_currency if home_currency in NORDIC_KRONOR else "SEK"


@dataclass(frozen=True)
class ColumnUnits:
    """What one money column says about its units, and the scale applied to it."""

    header: str
    header_scale: int = 0  # power of ten the header declares ("Mrd." is 9), 0 when none
    header_currency: str = ""  # ISO code the header declares ("" when none)
    cell_currencies: tuple[tuple[str, int], ...] = ()  # codes written in cells, most used first
    cell_scales: tuple[tuple[int, int], ...] = ()  # scales written in cells, most used first
    scale: int = 0  # the scale applied to cells without their own

    @classmethod
    def of_header(cls, header: str) -> "ColumnUnits":
        """The units the header declares."""
        unit = header_unit(header)
        return cls(header, unit.scale, unit.currency, scale=unit.scale)

    def with_cells(self, parsed: MoneyColumn, *, chosen_scale: int | None) -> "ColumnUnits":
        """Add what the cells wrote, and the scale the user chose (None: the header's)."""
        currencies = ()
        if parsed.currency is not None:
            written = Counter(parsed.currency[parsed.currency != ""].tolist())
            currencies = tuple(written.most_common())
        scales = tuple(sorted(parsed.cell_scales.items(), key=lambda item: -item[1]))
        scale = self.header_scale if chosen_scale is None else chosen_scale
        return replace(self, cell_currencies=currencies, cell_scales=scales, scale=scale)

    @property
    def detected_scale(self) -> int:
        """The header's scale, else the one most cells wrote."""
        if self.header_scale or not self.cell_scales:
            return self.header_scale
        return self.cell_scales[0][0]

    @property
    def detected_currency(self) -> str:
        """The header's currency, else the one most cells wrote ("" when none)."""
        if self.header_currency:
            return self.header_currency
        return self.cell_currencies[0][0] if self.cell_currencies else ""


class MixedCurrencies(ValueError):
    """Money columns in different currencies: a customer list holds one."""

    def __init__(self, by_header: dict[str, str]) -> None:
        self.by_header = by_header
        super().__init__(self.message())

    def message(self) -> str:
        """One sentence in English (the pages translate their own)."""
        listed = ", ".join(f"“{header}” {code}" for header, code in self.by_header.items())
        return (
            f"The money columns are in different currencies ({listed}); a customer list holds "
            "one currency: choose the same for every column or convert the amounts in the file."
        )


@dataclass(frozen=True)
class MoneyUnits:
    """Every money column's units and the list's one currency."""

    columns: dict[str, ColumnUnits] = field(default_factory=dict)
    currency: str = ""
    home_currency: str = ""
    chosen: dict[str, str] = field(default_factory=dict)  # field -> currency applied

    def other_currency(self, written: pd.Series) -> pd.Series:
        """Cells that name a currency other than the list's."""
        codes = written.replace(KRONA, krona(self.home_currency))
        return (codes != "") & (codes != self.currency)

    def as_json(self) -> dict:
        """The units as stored on the dataset's summary and shown on its page."""
        return {
            "currency": self.currency,
            "columns": {
                name: {
                    "header": column.header,
                    "scale": column.scale,
                    "detected_scale": column.detected_scale,
                    "currency": self.chosen.get(name, ""),
                    "detected_currency": self._resolved(column.detected_currency),
                    "cell_currencies": [
                        [self._resolved(code), count] for code, count in column.cell_currencies
                    ],
                }
                for name, column in self.columns.items()
            },
        }

    def _resolved(self, code: str) -> str:
        return krona(self.home_currency) if code == KRONA else code


def decide_units(
    columns: dict[str, ColumnUnits], choices: dict[str, str | None], home_currency: str
) -> MoneyUnits:
    """The list's currency: the one every money column is in (chosen or detected).

    A list naming no currency is in the organisation's.  Raises MixedCurrencies.
    """
    chosen: dict[str, str] = {}
    for name, column in columns.items():
        code = choices.get(name) or column.detected_currency
        chosen[name] = krona(home_currency) if code == KRONA else code
    named = {code for code in chosen.values() if code}
    if len(named) > 1:
        raise MixedCurrencies({columns[name].header: code for name, code in chosen.items() if code})
    currency = named.pop() if named else (home_currency or "EUR")
    chosen = {name: code or currency for name, code in chosen.items()}
    return MoneyUnits(columns, currency, home_currency, chosen)
