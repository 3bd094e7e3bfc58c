"""An import's result as the dataset page shows it: rows, totals, money units, and every
source column with where it went (from Dataset.summary, written by the import)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from portfolio.imports.summary import EXTRA, FIELD, PERIOD, SET_ASIDE
from portfolio.models import Dataset
from portfolio.uploads.forms import FIELD_LABELS, SCALE_CHOICES

DESTINATIONS = {
    FIELD: _("customer field"),
    PERIOD: _("chose each customer's row; also kept as an extra attribute"),
    EXTRA: _("extra attribute"),
    SET_ASIDE: _("extra attribute (an order field, in a list of customers)"),
}
POLICIES = {
    "latest": _("the row of the latest period"),
    "sum": _("money added up over all periods"),
    "last": _("the last row in the file"),
}


def import_result(dataset: Dataset) -> dict | None:
    """What the page shows of the dataset's import (None for datasets imported before it)."""
    summary = dataset.summary or {}
    if not summary:
        return None
    scales = dict(SCALE_CHOICES)
    columns = [
        {
            "header": column["header"],
            "field": FIELD_LABELS.get(column["field"], ""),
            "to": DESTINATIONS.get(column["to"], column["to"]),
        }
        for column in summary.get("columns", [])
    ]
    units = [
        {
            "label": FIELD_LABELS.get(name, name),
            "header": unit["header"],
            "scale": scales.get(str(unit["scale"]), unit["scale"]),
            "currency": unit["currency"],
        }
        for name, unit in summary.get("units", {}).get("columns", {}).items()
    ]
    repeated = summary.get("repeated", {})
    policy = repeated.get("policy") or "latest"
    return {
        "rows": summary.get("rows", {}),
        "revenue": _decimal(summary.get("totals", {}).get("revenue")),
        "seats": int(summary.get("totals", {}).get("seats") or 0),
        "columns": columns,
        "units": units,
        "repeated_key": repeated.get("key"),
        "policy": POLICIES.get(policy) or policy,
        "one_period": policy not in POLICIES,
    }


def mapping_rows(dataset: Dataset) -> list[tuple[str, str]]:
    """The mapping used, as (field label, column) pairs: never a field's code name."""
    return [(str(FIELD_LABELS.get(name, name)), column) for name, column in dataset.mapping.items()]


def _decimal(text) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, TypeError, ValueError):
        return None
