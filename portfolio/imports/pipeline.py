"""The import, read top to bottom: an uploaded table becomes a Dataset of customers.

The stages, each in its own module of this package:
1. upload: the file is kept and sampled (portfolio.uploads, the pages around this pipeline);
2. read (`reading`): CSV, Excel or OpenDocument into a table of strings;
3. map (`mapping`): which column holds which customer field;
4. validate (`validation`): every mapped cell typed and every row checked, then the database's
   limits (`limits`); `import_check` below joins both into one CheckedImport;
5. aggregate (`orders`): order lines add up per customer over the chosen period;
6. write (`writing`, `copying`): the valid rows stored with PostgreSQL COPY, in one transaction.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Sum

from portfolio.frames import snapshot
from portfolio.imports.copying import Progress
from portfolio.imports.limits import limit_errors
from portfolio.imports.mapping import FIELDS_BY_NAME
from portfolio.imports.orders import PERIOD_RX
from portfolio.imports.reading import RawTable
from portfolio.imports.validation import MAX_ERRORS, RowError, ValidationReport, validate
from portfolio.imports.writing import facets_of, store_customers, store_orders
from portfolio.models import Customer, Dataset, DatasetKind, ImportPhase
from portfolio.parsing.numbers import (
    COMMA,
    POINT,
    NumberFormat,
)
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
    too_big, limit_mask, limit_counts = limit_errors(raw, customers, used, max_errors)
    valid = report.valid_mask.to_numpy() & ~limit_mask
    errors = sorted(
        (*report.errors, *too_big), key=lambda error: (error.row, error.field, error.column)
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
    progress: Progress | None = None,
) -> ImportResult:
    """Check and store an uploaded table as a new Dataset: all chosen rows, or nothing.

    Raises ImportRejected (nothing stored) when rows have problems and `skip_invalid` is
    false, or when no row is valid at all.
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
    )
    progress(ImportPhase.CHECKING, total, total)
    if (checked.error_count and not skip_invalid) or not checked.valid_count:
        raise ImportRejected(checked)
    extra_columns = [str(column) for column in checked.report.extra_frame.columns]
    extra_columns = [c for c in extra_columns if c not in checked.mapping.values()]
    with transaction.atomic():
        dataset = Dataset.objects.create(
            organization=organization,
            name=file_name[:255],
            kind=DatasetKind.ORDERS if order_level else DatasetKind.CUSTOMERS,
            uploaded_by=user,
            mapping=checked.mapping,
            extra_columns=extra_columns,
            rows_imported=checked.valid_count,
            rows_skipped=checked.invalid_count,
            period=period if order_level else "",
        )
        store = store_orders if order_level else store_customers
        valid = checked.valid
        extra = checked.report.extra_frame[extra_columns][valid]
        stored = store(dataset, checked.customers[valid], extra, progress)
        dataset.facets = facets_of(stored)
        dataset.save(update_fields=["facets"])
        totals = Customer.objects.in_dataset(dataset).aggregate(
            revenue=Sum("revenue"), seats=Sum("seats")
        )
        snapshot.write_on_commit(dataset)  # the columns every process maps (portfolio.frames)
    return ImportResult(
        dataset=dataset,
        checked=checked,
        imported=checked.valid_count,
        skipped=checked.invalid_count,
        totals={"revenue": totals["revenue"] or Decimal("0"), "seats": totals["seats"] or 0},
    )
