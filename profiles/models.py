"""The workshop: a team walks the six steps of the method on one dataset."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, models, transaction
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


class WorkshopStep(models.Model):
    """The saved inputs of one step; `version` guards against overwriting a teammate's edit."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    done = models.BooleanField(_("done"), default=False)
    needs_review = models.BooleanField(_("needs review"), default=False)
    version = models.PositiveIntegerField(_("version"), default=0)
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


# --------------------------------------------------------------------------- company and buyer rows


class ProfileTable(models.TextChoices):
    COMPANY = "company", _("Company")
    BUYER = "buyer", _("Buyer")


class ProfileRow(models.Model):
    """One best customer's row in the company (step 4) or buyer (step 5) table.

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
    position = models.PositiveIntegerField(_("position"), default=0)
    values = models.JSONField(_("values"), default=dict, blank=True)
    cell_versions = models.JSONField(_("cell versions"), default=dict, blank=True)
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
        ordering = ["workshop", "table", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "table", "customer"], name="one_row_per_customer_and_table"
            )
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


# --------------------------------------------------------------------------- profile versions


class ImmutableVersion(Exception):
    """A saved profile version cannot be changed or deleted."""


class ProfileVersionQuerySet(OrganizationQuerySet):
    def current(self, organization):
        """The organisation's current profile: the version of its newest publication, or None."""
        publication = (
            Publication.objects.filter(organization=organization)
            .select_related("version")
            .order_by("-published_at", "-pk")
            .first()
        )
        return publication.version if publication else None

    def update(self, **kwargs):
        raise ImmutableVersion("Profile versions cannot be changed.")

    def delete(self):
        raise ImmutableVersion("Profile versions cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class ProfileVersion(models.Model):
    """An immutable snapshot of a profile (content schema: profiles.versions.diff), numbered per org.

    Immutable three times over: `save()` refuses an existing row, `delete()` and the queryset's
    `update()`/`delete()` refuse, and a PostgreSQL trigger (migration 0002) refuses UPDATE and
    DELETE from any code path, raw SQL included. The only exception is deleting the whole
    organisation: `organization_delete_versions` sets a transaction-local flag the trigger honours.
    """

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="profile_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profile_versions",
        verbose_name=_("workshop"),
    )
    # RESTRICT, not PROTECT: a dataset a version refers to cannot be deleted on its own, but
    # deleting the whole organisation (which takes its versions with it) still works.
    dataset = models.ForeignKey(
        "portfolio.Dataset",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="profile_versions",
        verbose_name=_("customer list"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    content = models.JSONField(_("content"))
    restored_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restored from"),
    )

    objects = ProfileVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile version")
        verbose_name_plural = _("profile versions")
        ordering = ["organization", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="one_number_per_profile_version"
            )
        ]

    def __str__(self):
        return f"v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise ImmutableVersion("Profile versions cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersion("Profile versions cannot be deleted.")


class Publication(models.Model):
    """Publishing a version makes it the current profile: the newest publication wins."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="publications"
    )
    version = models.ForeignKey(
        ProfileVersion,
        on_delete=models.RESTRICT,
        related_name="publications",
        verbose_name=_("version"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["organization", "-published_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-published_at"], name="publication_org_date")
        ]

    def __str__(self):
        return f"{self.version} @ {self.published_at:%Y-%m-%d}"


@contextmanager
def organization_deletion():
    """Let the database delete profile versions in this transaction (deleting an organisation).

    Usage: ``with organization_deletion(): organization.delete()``. Outside it, the trigger of
    migration 0002 refuses every DELETE of a profile version.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL icp.allow_version_delete = 'on'")
        yield
        # On an error the savepoint's rollback undoes the SET LOCAL as well.
        cursor.execute("SET LOCAL icp.allow_version_delete = 'off'")


# --------------------------------------------------------------------------- reviews


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_REVIEW_STATUSES = (ReviewStatus.SCHEDULED, ReviewStatus.STARTED)


def default_reminder_offsets():
    return [14, 1]


class ReviewQuerySet(OrganizationQuerySet):
    def open(self):
        """Reviews still to hold: scheduled or started."""
        return self.filter(status__in=OPEN_REVIEW_STATUSES)

    def closed(self):
        """Done or cancelled reviews."""
        return self.exclude(status__in=OPEN_REVIEW_STATUSES)


class Review(models.Model):
    """A review of the profile on a date: the team redoes the workshop from the last one."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="reviews"
    )
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED
    )
    # True while the date is the one the app proposed from the cadence and no admin chose it.
    proposed = models.BooleanField(_("proposed"), default=False)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="review_invitations",
        verbose_name=_("attendees"),
    )
    # Days before the review on which reminders go out; one on the day itself is always sent.
    reminder_offsets = models.JSONField(
        _("reminders (days before)"), default=default_reminder_offsets
    )
    # The calendar event's SEQUENCE: raised when the review moves or is cancelled.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profile_reviews",
        verbose_name=_("workshop"),
    )
    proposed_from = models.ForeignKey(
        Publication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed from"),
    )
    completed_by = models.ForeignKey(
        Publication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    # The app's address when the review was scheduled, for the links in e-mails sent later.
    base_url = models.URLField(_("app address"), blank=True)
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
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["organization", "status", "date"], name="review_org_open")]

    def __str__(self):
        return f"{self.organization} · {self.date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVIEW_STATUSES


class ReviewReminder(models.Model):
    """One reminder of a review: sent once, by whichever worker claims it first.

    A row per (review, review date, offset); moving or cancelling the review marks its
    pending rows cancelled, so a task that wakes up for one of them finds nothing to do.
    """

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders")
    review_date = models.DateField(_("review date"))
    offset_days = models.PositiveSmallIntegerField(_("days before"))
    send_at = models.DateTimeField(_("send at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    late = models.BooleanField(_("sent late"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # After a failed try: not before this time (the retry's backoff).
    next_try_at = models.DateTimeField(_("next try at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        ordering = ["send_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "review_date", "offset_days"],
                condition=models.Q(cancelled_at__isnull=True),
                name="one_reminder_per_review_date_offset",
            )
        ]
        indexes = [
            models.Index(
                fields=["send_at"],
                condition=models.Q(
                    sent_at__isnull=True, cancelled_at__isnull=True, failed_at__isnull=True
                ),
                name="review_reminder_pending",
            )
        ]

    def __str__(self):
        return f"{self.review} −{self.offset_days}d"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.cancelled_at is None and self.failed_at is None


# --------------------------------------------------------------------------- saved fit checks


class SavedFitCheck(models.Model):
    """A fit check a rep chose to keep: what they entered and the answer the version gave."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="saved_fit_checks"
    )
    version = models.ForeignKey(
        ProfileVersion,
        on_delete=models.CASCADE,
        related_name="saved_fit_checks",
        verbose_name=_("profile version"),
    )
    prospect = models.CharField(_("prospect"), max_length=200)
    attributes = models.JSONField(_("attributes"), default=dict)
    segment = models.CharField(_("segment"), max_length=12)
    known = models.PositiveSmallIntegerField(_("criteria known"))
    total = models.PositiveSmallIntegerField(_("criteria"))
    result = models.JSONField(_("result"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved fit check")
        verbose_name_plural = _("saved fit checks")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="saved_fit_check_org_date")
        ]

    def __str__(self):
        return f"{self.prospect}: {self.segment}"
