"""Datasets (one import each) of customers, and the order rows of order-level imports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet


class DatasetKind(models.TextChoices):
    CUSTOMERS = "customers", _("One row per customer")
    ORDERS = "orders", _("One row per order")


class DatasetStatus(models.TextChoices):
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Dataset(models.Model):
    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="datasets"
    )
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=10, choices=DatasetKind.choices, default=DatasetKind.CUSTOMERS
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DatasetStatus.choices, default=DatasetStatus.READY
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    extra_columns = models.JSONField(_("other columns"), default=list, blank=True)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    # Order files only: the period the customers' revenue was aggregated over ("all",
    # "last-12-months" or a year such as "2024"); see portfolio.imports.pipeline.PERIOD_RX.
    period = models.CharField(_("revenue period"), max_length=20, blank=True)
    # The currency of every money column (ISO code): detected in the file or chosen on the
    # mapping page; a dataset never mixes currencies.
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # What the import did, for its result on the dataset page: every source column and where
    # it went, the money units, repeated rows, totals (see portfolio.imports.summary).
    summary = models.JSONField(_("import summary"), default=dict, blank=True)
    # The distinct industries, countries and owners (for the list's filters), set on import.
    facets = models.JSONField(_("filter values"), default=dict, blank=True)
    # Goes up whenever the customers' figures change after the import (re-aggregating an
    # order list), so caches of a dataset's frames can key on (pk, revision).
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name


class CustomerQuerySet(OrganizationQuerySet):
    def in_dataset(self, dataset):
        """Customers of one dataset."""
        return self.filter(dataset=dataset)

    def active_on(self, on):
        """Customers on that date: the SQL form of ``portfolio.analysis.common.is_active``
        (``customer_until`` empty, or on or after the date)."""
        return self.filter(models.Q(customer_until__isnull=True) | models.Q(customer_until__gte=on))


# Customers arrive by the million through COPY. Their foreign keys are checked by the database
# like any other; they have no index of their own (Meta.indexes names the one on the dataset,
# which serves both the list and the foreign key).
BULK_FOREIGN_KEY = {"db_index": False}

# Optional text columns are '' when empty; the database default lets COPY leave out the ones
# a file does not have.
BULK_TEXT = {"default": "", "db_default": ""}


class Customer(models.Model):
    """One customer as imported; the canonical columns are typed, the rest kept in `extra`."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+", **BULK_FOREIGN_KEY
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="customers", **BULK_FOREIGN_KEY
    )
    row_number = models.PositiveIntegerField(_("row in file"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    external_id = models.CharField(_("customer id"), max_length=120, blank=True, **BULK_TEXT)
    revenue = models.DecimalField(
        _("revenue with us"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    seats = models.IntegerField(_("seats"), null=True, blank=True)
    margin = models.DecimalField(
        _("margin %"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    sales_cycle_days = models.IntegerField(_("sales cycle (days)"), null=True, blank=True)
    customer_since = models.DateField(_("customer since"), null=True, blank=True)
    customer_until = models.DateField(_("customer until"), null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=200, blank=True, **BULK_TEXT)
    customer_type = models.CharField(_("customer type"), max_length=20, blank=True, **BULK_TEXT)
    employees = models.IntegerField(_("employees"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, **BULK_TEXT)
    company_revenue = models.DecimalField(
        _("company revenue"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    market_position = models.CharField(
        _("market position"), max_length=200, blank=True, **BULK_TEXT
    )
    growth = models.CharField(_("growth"), max_length=200, blank=True, **BULK_TEXT)
    owner = models.CharField(_("owner"), max_length=200, blank=True, **BULK_TEXT)
    contract_type = models.CharField(_("contract type"), max_length=100, blank=True, **BULK_TEXT)
    extra = models.JSONField(_("other columns"), default=dict, blank=True)
    # Order files only: aggregated from the customer's OrderRows.
    order_count = models.IntegerField(_("orders"), null=True, blank=True)
    first_order = models.DateField(_("first order"), null=True, blank=True)
    last_order = models.DateField(_("last order"), null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        indexes = [
            # Only the dataset: every query reads one dataset's rows, and sorting, searching
            # or filtering 100,000 of them stays under 300 ms (bench/customers.py). An index
            # on (dataset, name) for the default order cost 1.4 s per million imported rows,
            # this one on integers about 0.4 s.
            models.Index(fields=["dataset"], name="customer_dataset"),
        ]
        constraints = [
            # The import refuses repeated IDs (validation's duplicate_id) and merges repeated
            # rows per customer; the database guarantees it as well.
            models.UniqueConstraint(
                fields=["dataset", "external_id"],
                condition=~models.Q(external_id=""),
                name="customer_unique_external_id",
            ),
        ]

    def __str__(self):
        return self.name


class OrderRow(models.Model):
    """One order, invoice or deal of an order-level file; customers are aggregated from these."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="order_rows")
    # DO_NOTHING: the rows go with their dataset, and it lets Django delete a dataset's
    # customers in one statement instead of collecting them one by one.
    customer = models.ForeignKey(Customer, on_delete=models.DO_NOTHING, related_name="order_rows")
    row_number = models.PositiveIntegerField(_("row in file"), null=True, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    # Order lines keep their exact values (prices with fractions of a cent included); a
    # customer's revenue is their exact sum, rounded to cents once (imports.orders).
    amount = models.DecimalField(
        _("amount"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    profit = models.DecimalField(
        _("profit"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    extra = models.JSONField(_("other columns"), default=dict, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("order row")
        verbose_name_plural = _("order rows")
        indexes = [
            models.Index(fields=["dataset", "customer"], name="orderrow_dataset_customer"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.order_date}"
