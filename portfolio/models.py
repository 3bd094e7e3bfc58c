"""Customer data: each import is a Dataset of Customers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationQuerySet(models.QuerySet):
    def for_organization(self, organization):
        """Only the rows the organisation owns."""
        return self.filter(organization=organization)


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


class Customer(models.Model):
    """One customer as imported; the canonical columns are typed, the rest kept in `extra`."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="customers")
    row_number = models.PositiveIntegerField(_("row in file"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    external_id = models.CharField(_("customer id"), max_length=120, blank=True)
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
    industry = models.CharField(_("industry"), max_length=200, blank=True)
    customer_type = models.CharField(_("customer type"), max_length=20, blank=True)
    employees = models.IntegerField(_("employees"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    company_revenue = models.DecimalField(
        _("company revenue"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    market_position = models.CharField(_("market position"), max_length=200, blank=True)
    growth = models.CharField(_("growth"), max_length=200, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    contract_type = models.CharField(_("contract type"), max_length=100, blank=True)
    extra = models.JSONField(_("other columns"), default=dict, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["dataset", "name"], name="customer_dataset_name"),
            models.Index(fields=["dataset", "revenue"], name="customer_dataset_revenue"),
            models.Index(fields=["dataset", "industry"], name="customer_dataset_industry"),
            models.Index(fields=["dataset", "country"], name="customer_dataset_country"),
            models.Index(fields=["dataset", "owner"], name="customer_dataset_owner"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "external_id"],
                condition=~models.Q(external_id=""),
                name="customer_external_id_unique_in_dataset",
            )
        ]

    def __str__(self):
        return self.name
