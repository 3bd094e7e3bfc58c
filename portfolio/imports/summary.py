"""What an import did, in a form the dataset page, the command line and the tests read: every
source column and where it went, the money units, repeated rows, counts and totals.

Nothing in a file is dropped without a line here: a column is a customer field, the period
that chose rows (its values kept as an extra column too), an extra column, or an order-only
field kept as an extra column because the file is a customer list.
"""

from decimal import ROUND_HALF_EVEN, Decimal

# Where a column went.
FIELD = "field"
PERIOD = "period"
EXTRA = "extra"
SET_ASIDE = "set_aside"  # an order-only field in a customer list: kept as an extra column


def column_destinations(
    columns: tuple[str, ...],
    used: dict[str, str],
    set_aside: dict[str, str],
) -> list[dict]:
    """Per source column, in the file's order: {"header", "field", "to"} (see the constants)."""
    fields = {header: name for name, header in used.items()}
    aside = {header: name for name, header in set_aside.items()}
    destinations = []
    for header in columns:
        name = fields.get(header) or aside.get(header) or ""
        if header in aside:
            to = SET_ASIDE
        elif name == "period":
            to = PERIOD
        elif name:
            to = FIELD
        else:
            to = EXTRA
        destinations.append({"header": header, "field": name, "to": to})
    return destinations


def cents(value: Decimal) -> Decimal:
    """An exact amount rounded once, half to even, to cents."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def summary_json(
    *,
    destinations: list[dict],
    units: dict,
    rows: dict[str, int],
    repeated: dict,
    totals: dict[str, Decimal | int],
) -> dict:
    """The summary kept on the dataset (Dataset.summary)."""
    return {
        "columns": destinations,
        "units": units,
        "rows": rows,
        "repeated": repeated,
        "totals": {name: str(value) for name, value in totals.items()},
    }
