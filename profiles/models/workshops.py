"""The workshop: a team walks the six steps of the method on one dataset; the company and
buyer rows of steps 4-5 and who is present."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet


class Workshop(models.Model):
    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    dataset = models.ForeignKey(
        "portfolio.Dataset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("customer list"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="workshops",
        verbose_name=_("participants"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped on every change to the workshop or one of its steps: a cheap ETag for polling.
    revision = models.BigIntegerField(_("revision"), default=0)
    # A review starts a new workshop pre-filled from the last one.
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("based on"),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organization", "-date"], name="workshop_org_date")]

    def __str__(self):
        return self.title

    @property
    def currency(self) -> str:
        """The currency of its customer list's money, else the organisation's."""
        return getattr(self.dataset, "currency", "") or self.organization.currency


class WorkshopStep(models.Model):
    """The saved inputs of one step; `version` guards against overwriting a teammate's edit.

    Steps 1-3 and 6 are edited field by field: `field_versions` counts the saves of each field
    (an input key of steps 1-3, a trait's value or a segment's note in step 6), so two people
    editing different fields both save and the second of two edits of one field is asked.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    done = models.BooleanField(_("done"), default=False)
    needs_review = models.BooleanField(_("needs review"), default=False)
    version = models.PositiveIntegerField(_("version"), default=0)
    field_versions = models.JSONField(_("field versions"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("workshop step")
        verbose_name_plural = _("workshop steps")
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="one_row_per_step"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=6), name="step_number_1_to_6"
            ),
        ]

    def __str__(self):
        return f"{self.workshop} · {self.number}"

    def field_version(self, field: str) -> int:
        """The version of one field (0 when nobody has saved it)."""
        return int(self.field_versions.get(field, 0))


class ProfileTable(models.TextChoices):
    COMPANY = "company", _("Company")
    BUYER = "buyer", _("Buyer")


class ProfileRow(models.Model):
    """One best customer's row in the company (step 4) or buyer (step 5) table; the buyer
    table may have more rows for one customer (`buyer` 1, 2 …: the one who decided and the
    one who signed can differ).

    Each cell has its own version in `cell_versions`: two people editing different cells of a
    row both save; the second of two edits of the same cell is refused (see services).
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="rows")
    table = models.CharField(_("table"), max_length=10, choices=ProfileTable.choices)
    customer = models.ForeignKey(
        "portfolio.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    # The name as it was when the row was made: the row outlives a deleted customer list.
    customer_name = models.CharField(_("customer"), max_length=300)
    # 0: the customer's row; 1, 2 …: further buyers of the customer (step 5).
    buyer = models.PositiveSmallIntegerField(_("buyer"), default=0)
    position = models.PositiveIntegerField(_("position"), default=0)
    values = models.JSONField(_("values"), default=dict, blank=True)
    cell_versions = models.JSONField(_("cell versions"), default=dict, blank=True)
    # The workshop's revision when a cell of the row last changed: a poll sends only the rows
    # changed since the revision the participant holds.
    changed_revision = models.BigIntegerField(_("changed at revision"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile row")
        verbose_name_plural = _("profile rows")
        ordering = ["workshop", "table", "position", "buyer", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "table", "customer", "buyer"],
                name="one_row_per_customer_buyer_and_table",
            ),
            models.CheckConstraint(
                condition=models.Q(buyer=0) | models.Q(table="buyer"),
                name="more_rows_per_customer_only_for_buyers",
            ),
        ]

    def __str__(self):
        return f"{self.workshop} · {self.table} · {self.customer_name}"

    def cell_version(self, column: str) -> int:
        """The version of one cell (0 when nobody has saved it)."""
        return int(self.cell_versions.get(column, 0))


class WorkshopPresence(models.Model):
    """When a member last polled a workshop page: "who else is here now"."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presence")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="one_presence_per_member")
        ]

    def __str__(self):
        return f"{self.user} @ {self.workshop}"
