"""Limits: texts longer and numbers larger than their database columns hold, and what reading
one workbook may cost (from the IMPORT_* settings)."""

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings

from portfolio.imports.reading import RawTable
from portfolio.imports.sheets import WorkbookLimits
from portfolio.imports.validation import RowError
from portfolio.models import Customer, OrderRow

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


def workbook_limits() -> WorkbookLimits:
    """The limits of reading one workbook, as the settings say."""
    return WorkbookLimits(
        max_rows=settings.IMPORT_MAX_ROWS,
        max_cells=settings.IMPORT_WORKBOOK_MAX_CELLS,
        max_sheets=settings.IMPORT_WORKBOOK_MAX_SHEETS,
        max_unpacked_bytes=settings.IMPORT_WORKBOOK_MAX_UNPACKED_BYTES,
        max_seconds=settings.IMPORT_WORKBOOK_MAX_SECONDS,
        max_memory_bytes=settings.IMPORT_WORKBOOK_MAX_MEMORY_BYTES,
    )


def limit_errors(
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
