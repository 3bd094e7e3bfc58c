"""What the import pages show before anything is stored, and the words for what went wrong.

The mapping page works on the upload's sample (`samples`), kept once when the file arrived
or when the worker read the workbook: a change of a select answers at once and never opens
the file.
"""

import re

from django.utils.translation import gettext as _

from portfolio.imports.mapping import FIELDS, looks_order_level, suggest_mapping
from portfolio.imports.money_units import MixedCurrencies
from portfolio.imports.pipeline import import_check
from portfolio.imports.reading import ImportFileError, RawTable
from portfolio.imports.repeats import Repeats
from portfolio.imports.summary import SET_ASIDE
from portfolio.models import ImportState, ImportUpload
from portfolio.parsing.numbers import NumberFormat
from portfolio.parsing.periods import parse_periods
from portfolio.uploads.forms import (
    FIELD_LABELS,
    SCALE_CHOICES,
    MappingForm,
    currency_options,
    initial_from_options,
)
from portfolio.uploads.samples import Sample, sample_from_json
from portfolio.uploads.services import sample_text_upload
from portfolio.uploads.texts import (  # noqa: F401 (the pages' words, read through previews)
    FILE_ERRORS,
    failure_text,
    file_error_text,
    reason_label,
    reason_text,
)

PREVIEW_ROWS = 10
_AMBIGUOUS_DATE = re.compile(r"^\s*\d{1,2}[/-]\d{1,2}[/-]\d{2,4}")


class SampleUnreadable(Exception):
    """The upload cannot be read; `code` is a key of FILE_ERRORS."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def load_sample(upload: ImportUpload) -> Sample | None:
    """The upload's sample; None while the worker reads it (SampleUnreadable if it failed)."""
    if upload.state == ImportState.READING:
        return None
    if upload.state == ImportState.FAILED and upload.message in FILE_ERRORS:
        raise SampleUnreadable(upload.message)
    if not upload.sample and not upload.is_workbook:
        # A text file uploaded before samples were kept: sample its first megabyte now.
        try:
            upload.sample = sample_text_upload(upload)
        except ImportFileError as error:
            raise SampleUnreadable(error.code) from None
    if not upload.sample:
        raise SampleUnreadable("read_failed")
    return sample_from_json(upload.sample)


def initial_options(upload: ImportUpload, sample: Sample) -> dict:
    """The mapping form's starting values: saved choices, or the suggestion for the file."""
    if upload.options.get("mapping"):
        mapping = upload.options["mapping"]
        if all(column in sample.raw.columns for column in mapping.values() if column):
            return initial_from_options(upload.options)
    mapping = suggest_mapping(list(sample.raw.columns))
    # Ticked for the user only when the file has what orders have (a date or an amount);
    # otherwise repeated customers are offered the other ways (merge, periods) as well.
    orders = bool(mapping.get("order_date") or mapping.get("amount"))
    options = {
        "mapping": mapping,
        "order_level": orders and looks_order_level(sample.raw.frame, mapping),
        "period": "all",
        "sheet": sample.raw.sheet or "",
    }
    return initial_from_options(options)


def options_from_initial(initial) -> dict:
    """The service options that form values (initial or submitted, unchecked) stand for."""
    return MappingForm.options_of(initial)


def period_labels(sample: Sample, mapping: dict) -> tuple[str, ...]:
    """The periods of the sample's period column, latest first (for "keep one period")."""
    column = mapping.get("period")
    if not column or column not in sample.raw.columns:
        return ()
    labels, keys, _bad = parse_periods(sample.raw.frame[column])
    found = {label: key for label, key in zip(labels, keys, strict=True) if isinstance(label, str)}
    return tuple(sorted(found, key=lambda label: found[label] if found[label] is not None else 0))[
        ::-1
    ]


def preview(sample: Sample, options: dict, *, home_currency: str) -> dict:
    """The first rows as they will be stored, units and formats detected, the sample's problems."""
    raw = sample.raw
    mapping = {
        name: column
        for name, column in options["mapping"].items()
        if column and column in raw.columns
    }
    order_level = options.get("order_level", False)
    result = {
        "complete": sample.complete,
        "file_rows": sample.file_rows,
        "order_suggested": "period" not in mapping and looks_order_level(raw.frame, mapping),
        "date_ambiguous": _dates_ambiguous(raw, mapping),
    }
    repeats = Repeats(options.get("repeated") or "latest", bool(options.get("merge_names")))
    try:
        checked = import_check(
            raw=raw,
            mapping=mapping,
            order_level=order_level,
            number_format=options.get("number_format") or None,
            dayfirst=options.get("dayfirst"),
            scales=options.get("scales") or {},
            currencies=options.get("currencies") or {},
            home_currency=home_currency,
            repeats=repeats,
        )
    except MixedCurrencies as mixed:
        listed = ", ".join(f"“{header}”: {code}" for header, code in mixed.by_header.items())
        message = _(
            "The money columns are in different currencies (%(listed)s). A customer list holds "
            "one currency: choose the same for every column, or convert the amounts in the file."
        ) % {"listed": listed}
        return {**result, "error": message}
    except ValueError:
        return {**result, "error": _("Choose the column that holds the customer name.")}
    destinations = checked.destinations()
    return {
        **result,
        **_rows(checked),
        "row_count": checked.row_count,
        "invalid_count": checked.invalid_count,
        "customer_count": checked.customer_count,
        "merged": checked.rows()["merged"],
        "left_out": checked.left_out_count,
        "number_formats": [
            {
                "label": FIELD_LABELS[name],
                "example": _number_example(fmt),
                "certain": fmt.certain,
            }
            for name, fmt in checked.report.number_formats.items()
        ],
        "money": _money(checked),
        "currency": checked.units.currency,
        "scale_choices": SCALE_CHOICES,
        "currency_choices": currency_options(
            tuple(unit["currency"] for unit in checked.units.as_json()["columns"].values())
        ),
        "unmapped": [item["header"] for item in destinations if item["to"] != "field"],
        "set_aside": [
            {"header": item["header"], "label": FIELD_LABELS[item["field"]]}
            for item in destinations
            if item["to"] == SET_ASIDE
        ],
        "repeats": None if order_level else _repeats(checked, raw, mapping),
    }


def _rows(checked) -> dict:
    """The first rows as they will be stored (money scaled, in the list's currency)."""
    shown = [spec for spec in FIELDS if spec.name in checked.customers.columns]
    head = checked.customers.head(PREVIEW_ROWS)
    bad = {(error.row, error.field) for error in checked.errors}
    rows = []
    for row_number, values in head.iterrows():
        cells = []
        for spec in shown:
            value = values[spec.name]
            kind = "text" if spec.name == "growth" else spec.kind
            cells.append(
                {
                    "value": None if _empty(value) else value,
                    "kind": kind,
                    "bad": (row_number, spec.name) in bad,
                }
            )
        rows.append({"number": row_number, "cells": cells})
    columns = [
        {"label": FIELD_LABELS[spec.name], "header": checked.mapping[spec.name]} for spec in shown
    ]
    return {"columns": columns, "rows": rows}


def _money(checked) -> list[dict]:
    """Per money column: the header, the scale and currency detected and applied."""
    units = checked.units.as_json()["columns"]
    return [
        {
            "field": name,
            "label": FIELD_LABELS[name],
            **unit,
            "scale": str(unit["scale"]),
            "detected_scale": str(unit["detected_scale"]),
        }
        for name, unit in units.items()
    ]


def _repeats(checked, raw: RawTable, mapping: dict) -> dict | None:
    """What the page says and offers about customers that appear in several rows."""
    report = checked.report
    period = mapping.get("period")
    repeated_ids = names_repeat = 0
    if "external_id" in mapping:
        ids = raw.frame[mapping["external_id"]].dropna().str.strip()
        repeated_ids = int(ids.duplicated().sum())
    elif "name" in mapping:
        names = raw.frame[mapping["name"]].dropna().str.strip().str.casefold()
        names_repeat = int(names.duplicated().sum())
    if not (
        period or repeated_ids or names_repeat or report.keys is not None and checked.kept.merged
    ):
        return None
    return {
        "period": period,
        "repeated_ids": repeated_ids,
        "names_repeat": names_repeat,
        "key": None if report.keys is None else ("id" if "external_id" in mapping else "name"),
    }


def _empty(value) -> bool:
    try:
        return value is None or value != value or str(value) in ("NaT", "<NA>")
    except TypeError:
        return str(value) == "<NA>"


def _number_example(fmt: NumberFormat) -> str:
    thousands = fmt.thousands if fmt.thousands not in (None, "\u00a0", "\u202f") else " "
    return f"1{thousands}234{fmt.decimal}56"


def _dates_ambiguous(raw: RawTable, mapping: dict) -> bool:
    """Whether a mapped date column writes dates like 01/03/2025 (day or month first)."""
    for spec in FIELDS:
        column = mapping.get(spec.name)
        if spec.kind == "date" and column:
            values = raw.frame[column].dropna().head(2000)
            if values.str.contains(_AMBIGUOUS_DATE).any():
                return True
    return False
