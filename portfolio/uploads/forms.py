"""Forms of the customer import and the customer list."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portfolio.imports.mapping import FIELDS
from portfolio.imports.orders import period_choices
from portfolio.imports.reading import TEXT_EXTENSIONS, WORKBOOK_EXTENSIONS

FIELD_LABELS = {
    "name": _("Name"),
    "external_id": _("Customer ID"),
    "revenue": _("Revenue with us (per year)"),
    "seats": _("Seats / licences"),
    "margin": _("Margin %"),
    "sales_cycle_days": _("Sales cycle (days)"),
    "customer_since": _("Customer since"),
    "customer_until": _("Customer until"),
    "industry": _("Industry"),
    "customer_type": _("Customer type (B2B/B2C)"),
    "employees": _("Employees"),
    "country": _("Country"),
    "company_revenue": _("Customer's own annual revenue"),
    "market_position": _("Market position"),
    "growth": _("Growth"),
    "owner": _("Owner (sales rep)"),
    "contract_type": _("Contract type"),
    "order_date": _("Order date"),
    "amount": _("Order amount"),
    "profit": _("Order profit"),
}
NUMBER_FORMAT_CHOICES = [
    ("", _("Detect from the values")),
    ("point", "1,234.56"),
    ("comma", "1.234,56"),
    ("space", "1 234,56"),
]
DATE_ORDER_CHOICES = [
    ("", _("Detect from the values")),
    ("day", _("Day first (31/12/2025)")),
    ("month", _("Month first (12/31/2025)")),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Customer list"),
        help_text=_("A CSV, Excel (.xlsx) or OpenDocument (.ods) file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; files up to %(limit)s can be imported. The server's "
                    "administrator can raise the limit with the IMPORT_MAX_BYTES setting."
                ),
                params={
                    "size": filesizeformat(file.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                },
                code="too_large",
            )
        if PurePath(file.name).suffix.casefold() not in TEXT_EXTENSIONS | WORKBOOK_EXTENSIONS:
            raise forms.ValidationError(
                _("Please upload a CSV, Excel (.xlsx) or OpenDocument (.ods) file."),
                code="unsupported_type",
            )
        return file


class MappingForm(forms.Form):
    """One select per canonical field, plus the reading options."""

    order_level = forms.BooleanField(
        label=_("One row per order, invoice or deal: add them up per customer"), required=False
    )
    period = forms.ChoiceField(label=_("Revenue over"), choices=period_choices, initial="all")
    number_format = forms.ChoiceField(
        label=_("Number format"), choices=NUMBER_FORMAT_CHOICES, required=False
    )
    date_order = forms.ChoiceField(
        label=_("Date order"), choices=DATE_ORDER_CHOICES, required=False
    )

    def __init__(self, *args, columns: tuple[str, ...], sheets: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("— not in the file —")), *[(column, column) for column in columns]]
        for spec in FIELDS:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=FIELD_LABELS[spec.name], choices=choices, required=False
            )
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"), choices=[(sheet, sheet) for sheet in sheets]
            )

    @property
    def field_rows_customer(self):
        """The selects of the customer fields."""
        return [self[f"map_{spec.name}"] for spec in FIELDS if not spec.order_level]

    @property
    def field_rows_orders(self):
        """The selects of the fields only order files have."""
        return [self[f"map_{spec.name}"] for spec in FIELDS if spec.order_level]

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"map_{spec.name}") for spec in FIELDS]
        chosen = [column for column in chosen if column]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(
                _("Each column of the file can be used for one field only."), code="twice"
            )
        order_level = data.get("order_level")
        if not data.get("map_name") and not (order_level and data.get("map_external_id")):
            self.add_error("map_name", _("Choose the column that holds the customer name."))
        if order_level and not (data.get("map_amount") or data.get("map_revenue")):
            self.add_error("map_amount", _("Choose the column that holds the order amount."))
        return data

    def options(self) -> dict:
        """The choices as saved on the upload and passed to the import service."""
        data = self.cleaned_data
        order = {"day": True, "month": False}
        return {
            "mapping": {spec.name: data.get(f"map_{spec.name}") or None for spec in FIELDS},
            "order_level": bool(data.get("order_level")),
            "period": data.get("period") or "all",
            "number_format": data.get("number_format") or "",
            "dayfirst": order.get(data.get("date_order") or ""),
            "sheet": data.get("sheet") or "",
        }


def initial_from_options(options: dict) -> dict:
    """Form initial values from saved options (the reverse of MappingForm.options)."""
    initial = {f"map_{name}": column or "" for name, column in options["mapping"].items()}
    dayfirst = options.get("dayfirst")
    initial.update(
        order_level=options.get("order_level", False),
        period=options.get("period") or "all",
        number_format=options.get("number_format") or "",
        date_order="" if dayfirst is None else ("day" if dayfirst else "month"),
        sheet=options.get("sheet") or "",
    )
    return initial
