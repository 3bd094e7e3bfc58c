"""Type and check an uploaded table against a column mapping, all rows at once.

Every input row ends up either valid or with at least one `RowError`; nothing is dropped.
Row numbers are the ones the user sees in the spreadsheet (the header is row 1).  Money
columns are read with their units (`money_units`) and kept exactly; repeated customers are
checked by the rule of `repeats`.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from portfolio.imports.mapping import FIELDS, FIELDS_BY_NAME, Field
from portfolio.imports.money_units import ColumnUnits, MoneyUnits, decide_units
from portfolio.imports.reading import RawTable
from portfolio.imports.repeats import Repeats, check_repeats, customer_keys
from portfolio.parsing.dates import parse_dates
from portfolio.parsing.money import parse_money
from portfolio.parsing.numbers import (
    POINT,
    NumberFormat,
    detect_number_format,
    parse_integers,
    parse_numbers,
    parse_percent,
)
from portfolio.parsing.periods import parse_periods
from portfolio.parsing.values import Factorized, clean_text, factorize

MAX_ERRORS = 1000
NUMERIC_KINDS = {"money": parse_numbers, "integer": parse_integers, "percent": parse_percent}
KIND_REASON = {"money": "not_a_number", "percent": "not_a_number", "integer": "not_an_integer"}

# Plain English; the view layer marks them for translation.
REASONS = {
    "missing_name": "the customer name is missing",
    "duplicate_id": "the ID “{value}” was already used in row {other_row}",
    "not_a_number": "“{value}” is not a number",
    "not_an_integer": "“{value}” is not a whole number",
    "unknown_date": "“{value}” is not a date we recognise",
    "negative": "“{value}” must not be negative",
    "end_before_start": "the end date “{value}” is before the start date",
    "unknown_period": "“{value}” is not a year, quarter, month or date we recognise",
    "other_currency": "“{value}” is in another currency than the list ({currency})",
    "extra_values": "the row has more values than the header has columns (“{value}”)",
}


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or, for a missing name, one row)."""

    row: int
    column: str  # the header as uploaded ("" when the column is not in the file)
    value: str
    reason_code: str
    field: str = ""
    other_row: int | None = None  # for duplicates: the row the value first appeared in
    currency: str = ""  # for other_currency: the list's currency

    def message(self) -> str:
        """A sentence for the user, e.g. 'Row 5, column “Umsatz”: “abc” is not a number.'."""
        reason = REASONS[self.reason_code].format(
            value=self.value, other_row=self.other_row, currency=self.currency
        )
        where = f"Row {self.row}, column “{self.column}”" if self.column else f"Row {self.row}"
        return f"{where}: {reason}."


@dataclass(frozen=True)
class ValidationReport:
    """Typed customers plus everything that was wrong with them."""

    customers: pd.DataFrame  # one column per mapped field; index = file row number ("row")
    extra_frame: pd.DataFrame  # unmapped columns as uploaded, same index
    row_numbers: np.ndarray  # file row number of each row of `customers`
    valid_mask: pd.Series  # bool, same index
    errors: tuple[RowError, ...]  # the first MAX_ERRORS errors, by row then field
    error_count: int  # all errors, including those not stored
    error_counts: dict[str, int] = field(default_factory=dict)  # per reason code
    missing_revenue: int = 0  # rows without a revenue value (allowed, but worth saying)
    number_formats: dict[str, NumberFormat] = field(default_factory=dict)
    exact: dict[str, pd.Series] = field(default_factory=dict)  # money: exact decimal text
    units: MoneyUnits | None = None  # money: scale and currency per column, the list's currency
    keys: pd.Series | None = None  # what makes two rows the same customer (repeats)
    key_codes: np.ndarray | None = None  # per row its key's number; None when keys are unique
    periods: pd.Series | None = None  # the period column's sortable keys (Int64)
    period_labels: pd.Series | None = None  # the period column's text
    left_out: np.ndarray | None = None  # rows of other periods than the one chosen
    set_aside: dict[str, str] = field(default_factory=dict)  # order-only field -> header kept

    @property
    def row_count(self) -> int:
        """Number of data rows read."""
        return len(self.customers)

    @property
    def valid_count(self) -> int:
        """Number of rows without any error."""
        return int(self.valid_mask.sum())

    @cached_property
    def extra(self) -> pd.Series:
        """Per row, a dict of the unmapped columns' non-empty values (built on first use)."""
        columns = list(self.extra_frame.columns)
        arrays = [self.extra_frame[column].to_numpy(dtype=object) for column in columns]
        records = [
            {column: value for column, value in zip(columns, values, strict=True) if _filled(value)}
            for values in zip(*arrays, strict=True)
        ] or [{} for _ in range(len(self.extra_frame))]
        return pd.Series(records, index=self.extra_frame.index, dtype=object)


def validate(
    raw: RawTable,
    mapping: dict[str, str | None],
    *,
    number_hint: NumberFormat | None = None,
    dayfirst: bool | None = None,
    order_level: bool = False,
    max_errors: int = MAX_ERRORS,
    scales: dict[str, int | None] | None = None,
    currencies: dict[str, str | None] | None = None,
    home_currency: str = "",
    repeats: Repeats | None = None,
) -> ValidationReport:
    """Parse every mapped column of `raw` and collect row errors (see module docstring).

    `number_hint` settles columns whose number format the values leave open (1.234); by
    default workbook cells use a decimal point and CSV columns follow the file's other
    number columns.  With `order_level` repeated ids are expected and not errors.  `scales`
    and `currencies` are the user's choices per money column (None: as detected);
    `home_currency` is the organisation's, for lists that name none.  Raises
    `money_units.MixedCurrencies` when money columns are in different currencies.
    """
    used = _check_mapping(raw, mapping, order_level)
    # In a customer file the order-only fields mean nothing: their columns stay extra columns.
    set_aside = {}
    if order_level:  # orders have their own periods (order dates): a period column is extra
        used = {name: header for name, header in used.items() if name != "period"}
    else:
        set_aside = {n: h for n, h in used.items() if FIELDS_BY_NAME[n].order_level}
        used = {n: h for n, h in used.items() if n not in set_aside}
    repeats = repeats or Repeats()
    frame = raw.frame
    index = frame.index
    # Number columns are factorised once, for detecting their format and for parsing them.
    factorized = {
        name: factorize(frame[header])
        for name, header in used.items()
        if FIELDS_BY_NAME[name].kind in NUMERIC_KINDS
    }
    formats = _number_formats(raw, used, number_hint, factorized)
    columns: dict[str, pd.Series] = {}
    exact: dict[str, pd.Series] = {}
    checks: list[tuple[Field, pd.Series, str, np.ndarray | None]] = []
    money: dict[str, ColumnUnits] = {}
    cell_currencies: dict[str, pd.Series] = {}
    periods = labels = None

    for spec in FIELDS:
        header = used.get(spec.name)
        if header is None:
            continue
        cells = frame[header]
        if spec.kind == "text":
            columns[spec.name] = clean_text(cells)
            continue
        if spec.kind == "period":
            labels, periods, bad = parse_periods(cells, dayfirst=dayfirst)
            checks.append((spec, bad, "unknown_period", None))
            continue
        if spec.kind == "date":
            values, bad = parse_dates(cells, dayfirst=dayfirst)
            reason = "unknown_date"
        elif spec.kind == "money":
            detected = ColumnUnits.of_header(header)
            chosen = (scales or {}).get(spec.name)
            parsed = parse_money(
                cells,
                formats[spec.name],
                scale=detected.scale if chosen is None else chosen,
                factorized=factorized.pop(spec.name),
            )
            values, bad, reason = parsed.values, parsed.bad, "not_a_number"
            exact[spec.name] = parsed.exact
            money[spec.name] = detected.with_cells(parsed, chosen_scale=chosen)
            if parsed.currency is not None:
                cell_currencies[spec.name] = parsed.currency
        else:
            parse = NUMERIC_KINDS[spec.kind]
            values, bad = parse(cells, formats[spec.name], factorized=factorized.pop(spec.name))
            reason = KIND_REASON[spec.kind]
        columns[spec.name] = values
        checks.append((spec, bad, reason, None))
        if not spec.allow_negative:
            checks.append((spec, (values < 0).fillna(False), "negative", None))

    units = decide_units(money, currencies or {}, home_currency)
    for name, written in cell_currencies.items():
        other = units.other_currency(written)
        checks.append((FIELDS_BY_NAME[name], other, "other_currency", None))
        exact[name] = exact[name].where(~other, None)

    key = columns.get("name")
    if key is None:  # order files may name the customer by id only
        key = columns["external_id"]
    missing = key.isna()
    if order_level and "name" in columns and "external_id" in columns:
        missing &= columns["external_id"].isna()
    checks.insert(0, (FIELDS_BY_NAME["name"], missing, "missing_name", None))
    keyed = None if order_level else customer_keys(columns, repeats)
    left_out = key_codes = None
    if keyed is not None:
        found = check_repeats(keyed[0], periods, labels, repeats)
        checks.append((FIELDS_BY_NAME[keyed[1]], found.repeated, "duplicate_id", found.first))
        left_out = found.left_out if found.left_out.any() else None
        key_codes = None if found.unique else found.codes
    if "customer_since" in columns and "customer_until" in columns:
        backwards = columns["customer_until"] < columns["customer_since"]
        checks.append((FIELDS_BY_NAME["customer_until"], backwards, "end_before_start", None))

    customers = pd.DataFrame(columns, index=index)
    invalid, counts, errors = _collect(
        checks, frame, used, index.to_numpy(), max_errors, units.currency
    )
    if raw.overflow is not None:
        invalid, errors = _overflow_errors(raw, invalid, counts, errors, max_errors)

    mapped_headers = {header for name, header in used.items() if name != "period"}
    missing_revenue = len(index)
    if "revenue" in columns:
        unreadable = np.zeros(len(index), dtype=bool)
        for spec, bad, reason, _ in checks:
            if spec.name == "revenue" and reason != "negative":
                unreadable |= np.asarray(bad, dtype=bool)
        missing_revenue = int((columns["revenue"].isna().to_numpy() & ~unreadable).sum())
    return ValidationReport(
        customers=customers,
        extra_frame=frame[[column for column in raw.columns if column not in mapped_headers]],
        row_numbers=index.to_numpy(),
        valid_mask=pd.Series(~invalid, index=index, name="valid"),
        errors=tuple(errors[:max_errors]),
        error_count=sum(counts.values()),
        error_counts=dict(counts),
        missing_revenue=missing_revenue,
        number_formats=formats,
        exact=exact,
        units=units,
        keys=None if keyed is None else keyed[0],
        key_codes=key_codes,
        periods=periods,
        period_labels=labels,
        left_out=left_out,
        set_aside=set_aside,
    )


def _collect(checks, frame, used, rows, max_errors, currency):
    """Run the checks: rows with a problem, counts per reason, the first errors in row order."""
    invalid = np.zeros(len(rows), dtype=bool)
    counts: Counter[str] = Counter()
    found: list[tuple[int, int, RowError]] = []
    order = {spec.name: i for i, spec in enumerate(FIELDS)}
    for spec, bad, reason, other in checks:
        mask = np.asarray(bad, dtype=bool)
        count = int(mask.sum())
        if not count:
            continue
        invalid |= mask
        counts[reason] += count
        header = used.get(spec.name) or ""
        cells = frame[header] if header else None
        # Only the first `max_errors` of each check can make it into the stored list.
        for position in np.flatnonzero(mask)[:max_errors]:
            value = "" if cells is None else cells.iloc[position]
            error = RowError(
                row=int(rows[position]),
                column=header,
                value=value if isinstance(value, str) else "",
                reason_code=reason,
                field=spec.name,
                other_row=None if other is None else int(rows[other[position]]),
                currency=currency if reason == "other_currency" else "",
            )
            found.append((position, order[spec.name], error))
    found.sort(key=lambda item: item[:2])
    return invalid, counts, [error for *_, error in found]


def _overflow_errors(raw, invalid, counts, errors, max_errors):
    """Rows with more values than the header has columns: a problem each, in row order."""
    overflow = raw.overflow
    mask = raw.frame.index.isin(overflow.index)
    counts["extra_values"] += int(mask.sum())
    extra = [
        RowError(row=int(row), column="", value=str(text), reason_code="extra_values")
        for row, text in overflow.iloc[:max_errors].items()
    ]
    merged = sorted([*errors, *extra], key=lambda error: error.row)
    return invalid | mask, merged


def _check_mapping(
    raw: RawTable, mapping: dict[str, str | None], order_level: bool
) -> dict[str, str]:
    """Keep the mapped fields; refuse unknown fields/columns and a mapping without a name."""
    unknown = set(mapping) - set(FIELDS_BY_NAME)
    if unknown:
        raise ValueError(f"unknown fields in mapping: {sorted(unknown)}")
    used = {name: header for name, header in mapping.items() if header}
    missing = {header for header in used.values() if header not in raw.frame.columns}
    if missing:
        raise ValueError(f"mapped columns not in the file: {sorted(missing)}")
    if "name" not in used and not (order_level and "external_id" in used):
        raise ValueError("the name field must be mapped")
    return used


def _number_formats(
    raw: RawTable,
    used: dict[str, str],
    hint: NumberFormat | None,
    factorized: dict[str, Factorized],
) -> dict[str, NumberFormat]:
    """Detect each number column's format; undecided columns follow the decided ones."""
    if hint is None and raw.is_workbook:
        hint = POINT  # workbook numbers arrive as 1234.5 whatever the user's locale
    formats = {
        name: detect_number_format(raw.frame[used[name]], hint, factorized=column)
        for name, column in factorized.items()
    }
    decided = Counter(fmt.decimal for fmt in formats.values() if fmt.certain)
    if hint is None and decided:
        decimal = decided.most_common(1)[0][0]
        consensus = POINT if decimal == "." else NumberFormat(",", ".")
        for name, fmt in formats.items():
            if not fmt.certain and fmt.decimal != consensus.decimal:
                formats[name] = NumberFormat(consensus.decimal, consensus.thousands, False)
    return formats


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
