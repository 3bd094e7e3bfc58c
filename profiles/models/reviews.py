"""Reviews of the profile and the reminders planned for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet
from profiles.models.versions import Publication
from profiles.models.workshops import Workshop


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


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    UNCERTAIN = "uncertain", _("May not have been sent")


class ReminderDelivery(models.Model):
    """One recipient of one reminder: sent, retried and given up on its own, so one refused
    address neither repeats nor holds back the others' reminders.

    The attempt is recorded (SENDING, with who claimed it and when) and committed before the
    e-mail goes out, and SENT after the mail server took it. A SENDING row whose sender died
    (its lease ran out) may or may not have reached the person: it becomes UNCERTAIN, shown to
    the admin as "may not have been sent", and is not sent again unless an admin says so.
    """

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    reminder = models.ForeignKey(
        ReviewReminder, on_delete=models.CASCADE, related_name="deliveries"
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    late = models.BooleanField(_("sent late"), default=False)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["reminder", "email"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "email"], name="one_delivery_per_recipient")
        ]
        indexes = [
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="reminder_delivery_open",
            )
        ]

    def __str__(self):
        return f"{self.reminder} → {self.email}: {self.status}"
