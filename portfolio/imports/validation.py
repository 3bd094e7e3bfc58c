"""Type and check an uploaded table against a column mapping, all rows at once.

Every input row ends up either valid or with at least one `RowError`; nothing is dropped.
Row numbers are the ones the user sees in the spreadsheet (the header is row 1).
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from portfolio.imports.mapping import FIELDS, FIELDS_BY_NAME, Field
from portfolio.imports.reading import RawTable
from portfolio.parsing.dates import parse_dates
from portfolio.parsing.numbers import (
    POINT,
    NumberFormat,
    detect_number_format,
    parse_integers,
    parse_numbers,
    parse_percent,
)
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

    def message(self) -> str:
        """A sentence for the user, e.g. 'Row 5, column “Umsatz”: “abc” is not a number.'."""
        reason = REASONS[self.reason_code].format(value=self.value, other_row=self.other_row)
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
) -> ValidationReport:
    """Parse every mapped column of `raw` and collect row errors (see module docstring).

    `number_hint` settles columns whose number format the values leave open (1.234); by
    default workbook cells use a decimal point and CSV columns follow the file's other
    number columns.  With `order_level` repeated ids are expected and not errors.
    """
    used = _check_mapping(raw, mapping, order_level)
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
    checks: list[tuple[Field, pd.Series, str, np.ndarray | None]] = []

    for spec in FIELDS:
        header = used.get(spec.name)
        if header is None:
            continue
        cells = frame[header]
        if spec.kind == "text":
            columns[spec.name] = clean_text(cells)
            continue
        if spec.kind == "date":
            values, bad = parse_dates(cells, dayfirst=dayfirst)
            reason = "unknown_date"
        else:
            parse = NUMERIC_KINDS[spec.kind]
            values, bad = parse(cells, formats[spec.name], factorized=factorized.pop(spec.name))
            reason = KIND_REASON[spec.kind]
        columns[spec.name] = values
        checks.append((spec, bad, reason, None))
        if not spec.allow_negative:
            checks.append((spec, (values < 0).fillna(False), "negative", None))

    key = columns.get("name")
    if key is None:  # order files may name the customer by id only
        key = columns["external_id"]
    missing = key.isna()
    if order_level and "name" in columns and "external_id" in columns:
        missing &= columns["external_id"].isna()
    checks.insert(0, (FIELDS_BY_NAME["name"], missing, "missing_name", None))
    if "external_id" in columns and not order_level:
        checks.append((FIELDS_BY_NAME["external_id"], *_duplicates(columns["external_id"])))
    if "customer_since" in columns and "customer_until" in columns:
        backwards = columns["customer_until"] < columns["customer_since"]
        checks.append((FIELDS_BY_NAME["customer_until"], backwards, "end_before_start", None))

    customers = pd.DataFrame(columns, index=index)
    invalid = np.zeros(len(index), dtype=bool)
    counts: Counter[str] = Counter()
    found: list[tuple[int, int, RowError]] = []
    order = {spec.name: i for i, spec in enumerate(FIELDS)}
    rows = index.to_numpy()
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
            )
            found.append((position, order[spec.name], error))
    found.sort(key=lambda item: item[:2])

    mapped_headers = set(used.values())
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
        row_numbers=rows,
        valid_mask=pd.Series(~invalid, index=index, name="valid"),
        errors=tuple(error for *_, error in found[:max_errors]),
        error_count=sum(counts.values()),
        error_counts=dict(counts),
        missing_revenue=missing_revenue,
        number_formats=formats,
    )


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


def _duplicates(ids: pd.Series) -> tuple[np.ndarray, str, np.ndarray]:
    """Mask of ids seen in an earlier row, and for each row the position of the first one."""
    codes, _ = pd.factorize(ids)
    present = codes >= 0
    # factorize numbers the ids in the order they first appear, so a row holds an id's first
    # occurrence exactly when its code is higher than every code before it.
    earlier = np.maximum.accumulate(np.concatenate([[-1], codes]))[:-1]
    new = codes > earlier
    repeated = present & ~new
    first_at = np.flatnonzero(new)  # position of the first occurrence of code 0, 1, 2, ...
    first = np.where(present, first_at[np.maximum(codes, 0)] if len(first_at) else 0, 0)
    return repeated, "duplicate_id", first


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
