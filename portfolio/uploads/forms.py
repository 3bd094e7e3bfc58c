"""Forms of the customer import and the customer list."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from icp_site.models import Currency
from portfolio.imports.mapping import FIELDS, MONEY_FIELDS
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
    "period": _("Period (year, fiscal year or date)"),
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
# Powers of ten a money column may be written in.
SCALE_CHOICES = [
    ("0", _("as written")),
    ("3", _("thousands (× 1,000)")),
    ("4", _("ten thousands (万, × 10,000)")),
    ("6", _("millions (× 1,000,000)")),
    ("7", _("ten millions (千万, × 10,000,000)")),
    ("8", _("hundred millions (亿, × 100,000,000)")),
    ("9", _("billions (× 1,000,000,000)")),
]
REPEATED_CHOICES = [
    ("latest", _("Keep the row of the latest period")),
    ("sum", _("Add up the money columns over all periods")),
    ("last", _("Keep the last row in the file")),
    ("period", _("Keep only one period:")),
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

    repeated = forms.ChoiceField(
        label=_("Repeated customers"),
        choices=REPEATED_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    merge_names = forms.BooleanField(
        label=_("Rows with the same name are the same customer"), required=False
    )

    def __init__(
        self,
        *args,
        columns: tuple[str, ...],
        sheets: tuple[str, ...] = (),
        periods: tuple[str, ...] = (),
        currencies: tuple[str, ...] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("— not in the file —")), *[(column, column) for column in columns]]
        for spec in FIELDS:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=FIELD_LABELS[spec.name], choices=choices, required=False
            )
        self.fields["repeated_period"] = forms.ChoiceField(
            label=_("Period"), choices=[(label, label) for label in periods], required=False
        )
        currency_choices = currency_options(currencies)
        for name in MONEY_FIELDS:
            self.fields[f"scale_{name}"] = forms.ChoiceField(
                label=_("Written in"), choices=SCALE_CHOICES, required=False
            )
            self.fields[f"currency_{name}"] = forms.ChoiceField(
                label=_("Currency"), choices=currency_choices, required=False
            )
            # The column the two choices above were made for: a new column starts afresh.
            self.fields[f"units_for_{name}"] = forms.CharField(
                required=False, widget=forms.HiddenInput
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
        if data.get("repeated") == "period" and not data.get("repeated_period"):
            self.add_error("repeated_period", _("Choose the period to keep."))
        chosen = {code for code in self.options_of(data)["currencies"].values() if code}
        if len(chosen) > 1:
            raise forms.ValidationError(
                _(
                    "A customer list holds one currency: choose the same currency for every "
                    "money column, or convert the amounts in the file first."
                ),
                code="currencies",
            )
        return data

    def options(self) -> dict:
        """The choices as saved on the upload and passed to the import service."""
        return self.options_of(self.cleaned_data)

    @staticmethod
    def options_of(data) -> dict:
        """The service options that form values (cleaned, or submitted unchecked) stand for."""
        order = {"day": True, "month": False}
        mapping = {spec.name: data.get(f"map_{spec.name}") or None for spec in FIELDS}
        scales, currencies = {}, {}
        for name in MONEY_FIELDS:
            # Units chosen for another column than the one now mapped are detected afresh.
            if not mapping[name] or data.get(f"units_for_{name}") != mapping[name]:
                continue
            scale = data.get(f"scale_{name}") or ""
            scales[name] = int(scale) if scale.isdigit() else None
            currencies[name] = data.get(f"currency_{name}") or None
        repeated = data.get("repeated") or "latest"
        if repeated == "period":
            repeated = data.get("repeated_period") or "latest"
        return {
            "mapping": mapping,
            "order_level": bool(data.get("order_level")),
            "period": data.get("period") or "all",
            "number_format": data.get("number_format") or "",
            "dayfirst": order.get(data.get("date_order") or ""),
            "sheet": data.get("sheet") or "",
            "scales": scales,
            "currencies": currencies,
            "repeated": repeated,
            "merge_names": bool(data.get("merge_names")),
        }


def currency_options(extra: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The currencies a list may be in: the organisation's choices and any a file names."""
    known = dict(Currency.choices)
    return [*known.items(), *[(code, code) for code in extra if code and code not in known]]


def initial_from_options(options: dict) -> dict:
    """Form initial values from saved options (the reverse of MappingForm.options)."""
    mapping = options["mapping"]
    initial = {f"map_{name}": column or "" for name, column in mapping.items()}
    dayfirst = options.get("dayfirst")
    repeated = options.get("repeated") or "latest"
    initial.update(
        order_level=options.get("order_level", False),
        period=options.get("period") or "all",
        number_format=options.get("number_format") or "",
        date_order="" if dayfirst is None else ("day" if dayfirst else "month"),
        sheet=options.get("sheet") or "",
        repeated=repeated if repeated in ("latest", "sum", "last") else "period",
        repeated_period="" if repeated in ("latest", "sum", "last") else repeated,
        merge_names=bool(options.get("merge_names")),
    )
    for name, scale in (options.get("scales") or {}).items():
        initial[f"scale_{name}"] = "" if scale is None else str(scale)
        initial[f"units_for_{name}"] = mapping.get(name) or ""
    for name, code in (options.get("currencies") or {}).items():
        initial[f"currency_{name}"] = code or ""
        initial[f"units_for_{name}"] = mapping.get(name) or ""
    return initial
