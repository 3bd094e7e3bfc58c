"""The import, read top to bottom: an uploaded table becomes a Dataset of customers.

The stages, each in its own module of this package:
1. upload: the file is kept and sampled (portfolio.uploads, the pages around this pipeline);
2. read (`reading`): CSV, Excel or OpenDocument into a table of strings (`sheets` turns a
   workbook into CSV in a child process with limits; `text_files` reads delimited text);
3. map (`mapping`, `synonyms`): which column holds which customer field;
4. validate (`validation`): every mapped cell typed and every row checked, money exactly and
   with its units (`money_units`), repeated customers by their rule (`repeats`), then the
   database's limits (`limits`); `import_check` below joins both into one CheckedImport;
5. aggregate: the rows of one customer become one (`repeats.collapse`), order lines add up per
   customer over the chosen period (`orders`);
6. write (`writing`, `copying`): the rows stored with PostgreSQL COPY, in one transaction,
   with the summary of what went where (`summary`).
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Sum

from portfolio.imports.copying import Progress
from portfolio.imports.limits import limit_errors
from portfolio.imports.mapping import FIELDS_BY_NAME
from portfolio.imports.money_units import MoneyUnits
from portfolio.imports.orders import PERIOD_RX, order_revenue
from portfolio.imports.reading import RawTable
from portfolio.imports.repeats import Collapsed, Repeats, collapse
from portfolio.imports.summary import cents, column_destinations, summary_json
from portfolio.imports.validation import MAX_ERRORS, RowError, ValidationReport, validate
from portfolio.imports.writing import facets_of, store_customers, store_orders
from portfolio.models import Customer, Dataset, DatasetKind, ImportPhase
from portfolio.parsing.money import exact_sum, round_exact
from portfolio.parsing.numbers import COMMA, POINT, NumberFormat
from portfolio.parsing.values import clean_text

log = logging.getLogger(__name__)

NUMBER_FORMATS = {"point": POINT, "comma": COMMA, "space": NumberFormat(",", " ")}

# Growth is a word in the method (recession, stagnation, moderate, hyper-growth) as often as
# a percentage, so it is kept as text rather than parsed as a number.
TEXT_FIELDS = {"growth"}


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
    repeats: Repeats = field(default_factory=Repeats)
    kept: Collapsed | None = None  # the rows to store, one per customer (customer lists)
    columns: tuple[str, ...] = ()  # the file's columns

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

    @property
    def left_out_count(self) -> int:
        """Valid rows of other periods than the one chosen."""
        left_out = self.report.left_out
        return 0 if left_out is None else int((left_out & self.valid).sum())

    @property
    def units(self) -> MoneyUnits:
        """Scale and currency per money column, and the list's currency."""
        return self.report.units

    @property
    def customer_count(self) -> int | None:
        """Customers a customer list will hold (None for order lists: known once stored)."""
        return None if self.kept is None else len(self.kept.positions)

    def rows(self) -> dict[str, int]:
        """How many rows were read, stored, skipped, left out and merged."""
        return {
            "read": self.row_count,
            "imported": self.valid_count - self.left_out_count,
            "skipped": self.invalid_count,
            "left_out": self.left_out_count,
            "merged": 0 if self.kept is None else self.kept.merged,
            **({} if self.kept is None else {"customers": len(self.kept.positions)}),
        }

    def destinations(self) -> list[dict]:
        """Every source column and where it goes (see `summary`)."""
        return column_destinations(self.columns, self.mapping, self.report.set_aside)

    def as_json(self) -> dict:
        """The summary and the capped list of problems, as stored on an ImportUpload."""
        return {
            "row_count": self.row_count,
            "valid_count": self.valid_count,
            "invalid_count": self.invalid_count,
            "error_count": self.error_count,
            "error_counts": self.error_counts,
            "errors": [error_json(error) for error in self.errors],
            "rows": self.rows(),
            "currency": self.units.currency,
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
        "currency": error.currency or None,
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
    scales: dict[str, int | None] | None = None,
    currencies: dict[str, str | None] | None = None,
    home_currency: str = "",
    repeats: Repeats | None = None,
) -> CheckedImport:
    """Validate `raw` against `mapping` and add the database's limits (lengths, magnitudes).

    Raises ValueError for a mapping that does not fit the file, and its subclass
    `money_units.MixedCurrencies` for money columns in different currencies.
    """
    used = {name: header for name, header in mapping.items() if header}
    for name in used:
        if name not in FIELDS_BY_NAME:
            raise ValueError(f"unknown fields in mapping: {name}")
    parsed = {name: header for name, header in used.items() if name not in TEXT_FIELDS}
    if order_level and "amount" not in used and "revenue" not in used:
        raise ValueError("order files need an amount (or revenue) column")
    repeats = repeats or Repeats()
    report = validate(
        raw,
        parsed,
        number_hint=NUMBER_FORMATS.get(number_format or ""),
        dayfirst=dayfirst,
        order_level=order_level,
        max_errors=max_errors,
        scales=scales,
        currencies=currencies,
        home_currency=home_currency,
        repeats=repeats,
    )
    customers = report.customers
    for name in TEXT_FIELDS & set(used):
        customers[name] = clean_text(raw.frame[used[name]])
    # validate() leaves the extra frame without the text fields we parse ourselves.
    stored = {
        name: header
        for name, header in used.items()
        if name not in report.set_aside and not (order_level and name == "period")
    }
    too_big, limit_mask, limit_counts = limit_errors(raw, customers, stored, max_errors)
    valid = report.valid_mask.to_numpy() & ~limit_mask
    errors = sorted(
        (*report.errors, *too_big), key=lambda error: (error.row, error.field, error.column)
    )[:max_errors]
    counts = Counter(report.error_counts)
    counts.update(limit_counts)
    kept = None
    if not order_level:
        rows = valid if report.left_out is None else valid & ~report.left_out
        money = {name: (customers[name], report.exact[name]) for name in report.exact}
        kept = collapse(report.key_codes, report.periods, np.flatnonzero(rows), repeats, money)
    return CheckedImport(
        report=report,
        customers=customers,
        valid=valid,
        errors=tuple(errors),
        error_count=sum(counts.values()),
        error_counts=dict(counts),
        mapping=stored,
        order_level=order_level,
        repeats=repeats,
        kept=kept,
        columns=raw.columns,
    )


@dataclass(frozen=True)
class ImportResult:
    dataset: Dataset
    checked: CheckedImport
    imported: int
    skipped: int
    totals: dict = field(default_factory=dict)  # revenue (Decimal), seats (int)


def dataset_import(
    *,
    organization,
    user,
    raw: RawTable,
    file_name: str,
    mapping: dict[str, str | None],
    skip_invalid: bool = False,
    order_level: bool = False,
    period: str = "all",
    number_format: str | None = None,
    dayfirst: bool | None = None,
    scales: dict[str, int | None] | None = None,
    currencies: dict[str, str | None] | None = None,
    repeats: Repeats | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check and store an uploaded table as a new Dataset: all chosen rows, or nothing.

    Raises ImportRejected (nothing stored) when rows have problems and `skip_invalid` is
    false, or when no row is valid at all; ValueError (MixedCurrencies) as import_check.
    """
    progress = progress or (lambda phase, done, total: None)
    if not PERIOD_RX.match(period):
        raise ValueError(f"unknown period {period!r}")
    total = len(raw.frame)
    progress(ImportPhase.CHECKING, 0, total)
    checked = import_check(
        raw=raw,
        mapping=mapping,
        order_level=order_level,
        number_format=number_format,
        dayfirst=dayfirst,
        scales=scales,
        currencies=currencies,
        home_currency=organization.currency,
        repeats=repeats,
    )
    progress(ImportPhase.CHECKING, total, total)
    rows = checked.rows()
    if (checked.error_count and not skip_invalid) or not rows["imported"]:
        raise ImportRejected(checked)
    extra_columns = [str(column) for column in checked.report.extra_frame.columns]
    with transaction.atomic():
        dataset = Dataset.objects.create(
            organization=organization,
            name=file_name[:255],
            kind=DatasetKind.ORDERS if order_level else DatasetKind.CUSTOMERS,
            uploaded_by=user,
            mapping=checked.mapping,
            extra_columns=extra_columns,
            rows_imported=rows["imported"],
            rows_skipped=rows["skipped"],
            period=period if order_level else "",
            currency=checked.units.currency,
        )
        customers, exact, extra = _rows_to_store(checked)
        if order_level:
            stored = store_orders(dataset, customers, extra, exact, progress)
        else:
            stored = store_customers(dataset, customers, extra, exact, progress)
        summed = bool(checked.kept and checked.kept.sums)
        totals = _totals(dataset, stored, exact, order_level, summed=summed)
        dataset.facets = facets_of(stored)
        dataset.summary = summary_json(
            destinations=checked.destinations(),
            units=checked.units.as_json(),
            rows={**rows, "customers": totals.pop("customers")},
            repeated=_repeated_json(checked),
            totals=totals,
        )
        dataset.save(update_fields=["facets", "summary"])
    return ImportResult(
        dataset=dataset,
        checked=checked,
        imported=rows["imported"],
        skipped=rows["skipped"],
        totals=totals,
    )


def _rows_to_store(checked: CheckedImport):
    """The typed rows to store, their exact money, and their extra columns."""
    report = checked.report
    extra_frame = report.extra_frame
    # Order lists keep every valid row; customer lists one row per customer.
    kept = checked.kept
    positions = np.flatnonzero(checked.valid) if kept is None else kept.positions
    exact = {name: texts.to_numpy(dtype=object) for name, texts in report.exact.items()}
    if len(positions) == checked.row_count:  # every row, in order: nothing to copy
        return checked.customers, exact, extra_frame
    customers = checked.customers.iloc[positions].copy()
    exact = {name: texts[positions] for name, texts in exact.items()}
    if kept is not None:
        for name, (floats, texts) in kept.sums.items():
            customers[name] = floats
            exact[name] = texts
    return customers, exact, extra_frame.iloc[positions]


def _totals(
    dataset: Dataset, stored: pd.DataFrame, exact: dict, order_level: bool, *, summed: bool
) -> dict:
    """Revenue (the exact sum, rounded once), seats and customers of the stored dataset.

    `summed`: the rows' money was added up per customer (its floats are sums, not cells).
    """
    if order_level:
        sums = Customer.objects.in_dataset(dataset).aggregate(seats=Sum("seats"), count=Count("pk"))
        revenue, seats, customers = order_revenue(dataset), sums["seats"], sums["count"]
    else:
        customers = len(stored)
        seats = int(stored["seats"].sum()) if "seats" in stored else 0
        revenue = 0
        if "revenue" in exact:
            texts = exact["revenue"]
            revenue = exact_sum(texts) if summed else _exact_total(stored["revenue"], texts)
    return {"revenue": cents(Decimal(revenue)), "seats": seats or 0, "customers": customers}


def _exact_total(values: pd.Series, texts: np.ndarray) -> Decimal:
    """The exact sum of a money column's texts, as integer cents when they are all cents."""
    numbers = values.to_numpy(dtype="float64", na_value=0.0)
    # Below 2**53 cents a float times 100, rounded, is the exact cent count of a value that
    # has at most two decimals.
    if round_exact(texts, 2) is texts and np.abs(numbers).max(initial=0) < 9e13:
        return Decimal(int(np.rint(numbers * 100).astype(np.int64).sum())).scaleb(-2)
    return exact_sum(texts)


def _repeated_json(checked: CheckedImport) -> dict:
    report = checked.report
    key = None
    if report.keys is not None:
        key = "external_id" if "external_id" in checked.mapping else "name"
    return {
        "policy": checked.repeats.policy,
        "merge_names": checked.repeats.merge_names,
        "key": key,
        "period": checked.mapping.get("period"),
    }
