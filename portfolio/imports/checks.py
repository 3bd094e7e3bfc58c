"""The import's checks on top of validation: the database's limits, and the report kept.

`import_check` runs portfolio.imports.validation.validate and adds what the database cannot hold
(text too long, numbers too large); every row ends up valid or with its problems listed.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.imports.mapping import FIELDS_BY_NAME
from portfolio.imports.reading import RawTable
from portfolio.imports.validation import MAX_ERRORS, RowError, ValidationReport, validate
from portfolio.models import Customer, OrderRow
from portfolio.parsing.numbers import COMMA, POINT, NumberFormat, clean_text

NUMBER_FORMATS = {"point": POINT, "comma": COMMA, "space": NumberFormat(",", " ")}
# Growth is a word in the method (recession, stagnation, moderate, hyper-growth) as often as
# a percentage, so it is kept as text rather than parsed as a number.
TEXT_FIELDS = {"growth"}
LIMIT_REASONS = {
    "too_long": "“{value}” is longer than {limit} characters",
    "too_large": "“{value}” is too large to store",
}


@dataclass(frozen=True)
class LimitError(RowError):
    """A value the parsers accept but the database cannot hold (too long, too large)."""

    limit: int = 0

    def message(self) -> str:
        """A sentence for the user, like RowError.message."""
        value = self.value if len(self.value) <= 60 else self.value[:57] + "…"
        reason = LIMIT_REASONS[self.reason_code].format(value=value, limit=self.limit)
        return f"Row {self.row}, column “{self.column}”: {reason}."


@dataclass(frozen=True)
class CheckedImport:
    """A validation report plus our own checks: which rows will be stored, and why not."""

    report: ValidationReport
    customers: pd.DataFrame  # typed canonical columns (growth as text), index = file row
    valid: np.ndarray  # bool per row
    errors: tuple[RowError, ...]  # capped at MAX_ERRORS, by row
    error_count: int
    error_counts: dict[str, int]
    mapping: dict[str, str]  # field -> header, only the mapped fields
    order_level: bool

    @property
    def row_count(self) -> int:
        """Data rows read."""
        return len(self.customers)

    @property
    def valid_count(self) -> int:
        """Rows without any problem."""
        return int(self.valid.sum())

    @property
    def invalid_count(self) -> int:
        """Rows with at least one problem."""
        return self.row_count - self.valid_count

    def as_json(self) -> dict:
        """The summary and the capped list of problems, as stored on an ImportUpload."""
        return {
            "row_count": self.row_count,
            "valid_count": self.valid_count,
            "invalid_count": self.invalid_count,
            "error_count": self.error_count,
            "error_counts": self.error_counts,
            "errors": [error_json(error) for error in self.errors],
        }


def error_json(error: RowError) -> dict:
    """One problem as the JSON the command line prints and the problems page reads."""
    return {
        "row": error.row,
        "column": error.column,
        "value": error.value,
        "reason": error.reason_code,
        "message": error.message(),
        "other_row": error.other_row,
        "limit": getattr(error, "limit", None),
    }


class ImportRejected(Exception):
    """Rows have problems and the caller did not ask to skip them; nothing was stored."""

    def __init__(self, checked: CheckedImport) -> None:
        self.checked = checked
        super().__init__(f"{checked.invalid_count} rows have problems; nothing was stored.")


def import_check(
    *,
    raw: RawTable,
    mapping: dict[str, str | None],
    order_level: bool = False,
    number_format: str | None = None,
    dayfirst: bool | None = None,
    max_errors: int = MAX_ERRORS,
) -> CheckedImport:
    """Validate `raw` against `mapping` and add the database's limits (lengths, magnitudes)."""
    used = {name: header for name, header in mapping.items() if header}
    for name in used:
        if name not in FIELDS_BY_NAME:
            raise ValueError(f"unknown fields in mapping: {name}")
    parsed = {name: header for name, header in used.items() if name not in TEXT_FIELDS}
    if order_level and "amount" not in used and "revenue" not in used:
        raise ValueError("order files need an amount (or revenue) column")
    report = validate(
        raw,
        parsed,
        number_hint=NUMBER_FORMATS.get(number_format or ""),
        dayfirst=dayfirst,
        order_level=order_level,
        max_errors=max_errors,
    )
    customers = report.customers
    for name in TEXT_FIELDS & set(used):
        customers[name] = clean_text(raw.frame[used[name]])
    # validate() leaves the extra frame without the text fields we parse ourselves.
    limit_errors, limit_mask, limit_counts = _limit_errors(raw, customers, used, max_errors)
    valid = report.valid_mask.to_numpy() & ~limit_mask
    errors = sorted(
        (*report.errors, *limit_errors), key=lambda error: (error.row, error.field, error.column)
    )[:max_errors]
    counts = Counter(report.error_counts)
    counts.update(limit_counts)
    return CheckedImport(
        report=report,
        customers=customers,
        valid=valid,
        errors=tuple(errors),
        error_count=sum(counts.values()),
        error_counts=dict(counts),
        mapping=used,
        order_level=order_level,
    )


def _limit_errors(
    raw: RawTable, customers: pd.DataFrame, used: dict[str, str], max_errors: int
) -> tuple[list[RowError], np.ndarray, dict[str, int]]:
    """Values too long or too large for their database column."""
    mask = np.zeros(len(customers), dtype=bool)
    errors: list[RowError] = []
    counts: Counter[str] = Counter()
    rows = customers.index.to_numpy()
    for name in customers.columns:
        limit, reason = _column_limit(name)
        if limit is None:
            continue
        values = customers[name]
        if reason == "too_long":
            texts = values.to_numpy(dtype=object, na_value="")
            bad = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) > limit
        else:
            bad = (values.abs() >= limit).fillna(False).to_numpy(dtype=bool)
        if not bad.any():
            continue
        mask |= bad
        counts[reason] += int(bad.sum())
        cells = raw.frame[used[name]]
        for position in np.flatnonzero(bad)[:max_errors]:
            errors.append(
                LimitError(
                    row=int(rows[position]),
                    column=used[name],
                    value=str(cells.iloc[position]),
                    reason_code=reason,
                    field=name,
                    limit=limit if reason == "too_long" else 0,
                )
            )
    return errors, mask, dict(counts)


def _column_limit(name: str) -> tuple[int | None, str]:
    model = OrderRow if name in ("amount", "profit") else Customer
    if name == "order_date" or not any(f.name == name for f in model._meta.fields):
        return None, ""
    column = model._meta.get_field(name)
    if getattr(column, "max_length", None):
        return column.max_length, "too_long"
    if getattr(column, "max_digits", None):
        return 10 ** (column.max_digits - column.decimal_places), "too_large"
    if column.get_internal_type() == "IntegerField":
        return 2**31, "too_large"
    return None, ""
