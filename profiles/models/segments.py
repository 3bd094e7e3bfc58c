"""Every customer's segment, stored: per published profile version and per workshop draft
(profiles.segments computes them), and the segment exports the worker writes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet
from profiles.models.versions import ProfileVersion
from profiles.models.workshops import Workshop


class SegmentSet(models.Model):
    """The segments of one customer list under one profile: a version's or a workshop's draft.

    `wanted` is the fingerprint of what the segments should reflect now (criteria, table
    corrections, the dataset's revision); `stored` that of the rows and figures kept. While
    they differ, a computation is under way and the pages show the stored figures.
    """

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.ForeignKey(
        "portfolio.Dataset", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    version = models.ForeignKey(
        ProfileVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A version's table corrections as they were when it was saved: {customer id: {key: value}}.
    corrections = models.JSONField(_("table corrections"), default=dict, blank=True)
    wanted = models.CharField(max_length=64, blank=True)
    stored = models.CharField(max_length=64, blank=True)
    criteria_total = models.PositiveSmallIntegerField(default=0)
    customers = models.PositiveIntegerField(default=0)
    # Only active customers get a segment; these had left when the set was computed.
    former = models.PositiveIntegerField(_("former customers left out"), default=0)
    # {segment: customers}; owners: [{"owner", "counts": {segment: customers}}, ...] by name.
    counts = models.JSONField(default=dict, blank=True)
    owners = models.JSONField(default=list, blank=True)
    # A draft's figures for step 6 (profiles.segments.preview).
    preview = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    failed = models.TextField(blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(version__isnull=True) ^ Q(workshop__isnull=True),
                name="segment_set_of_version_or_draft",
            ),
            models.UniqueConstraint(
                fields=["version", "dataset"],
                condition=Q(version__isnull=False),
                name="one_segment_set_per_version_list",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                fields=["workshop"],
                condition=Q(workshop__isnull=False),
                name="one_segment_set_per_draft",
            ),
        ]

    def __str__(self):
        owner = f"v{self.version_id}" if self.version_id else f"workshop {self.workshop_id}"
        return f"segments of {owner}"

    @property
    def ready(self) -> bool:
        """Whether rows and figures are stored (perhaps of an earlier state)."""
        return bool(self.stored)

    @property
    def current(self) -> bool:
        """Whether what is stored is what is wanted."""
        return bool(self.stored) and self.stored == self.wanted


class CustomerSegment(models.Model):
    """One customer's segment in a SegmentSet, with the list's columns for a version's rows
    (the reps' filters and sort read them; a draft's rows leave them empty)."""

    pk = models.CompositePrimaryKey("segment_set", "customer")
    # CASCADE deletes the rows in one statement (nothing points at them).
    segment_set = models.ForeignKey(SegmentSet, on_delete=models.CASCADE, related_name="+")
    # No database constraint: customers arrive by COPY and leave with their dataset, and the
    # set goes with the dataset too.
    customer = models.ForeignKey(
        "portfolio.Customer", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    segment = models.PositiveSmallIntegerField()  # index into criteria.FIT_SEGMENTS
    reason = models.PositiveSmallIntegerField()  # index into evaluation.REASONS
    known = models.PositiveSmallIntegerField()
    listed = models.BooleanField(default=False)
    name = models.CharField(max_length=300, blank=True)
    external_id = models.CharField(max_length=120, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    owner_key = models.CharField(max_length=200, blank=True)
    revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [
            # Partial: a draft's rows are never listed, so they cost no index but the key's.
            models.Index(
                fields=["segment_set", "name", "customer"],
                condition=Q(listed=True),
                name="segment_list",
            ),
            models.Index(
                fields=["segment_set", "segment", "name", "customer"],
                condition=Q(listed=True),
                name="segment_list_segment",
            ),
            models.Index(
                fields=["segment_set", "owner_key", "name", "customer"],
                condition=Q(listed=True),
                name="segment_list_owner",
            ),
            models.Index(
                fields=["segment_set", "owner_key", "segment", "name", "customer"],
                condition=Q(listed=True),
                name="segment_list_owner_segment",
            ),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.segment}"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class SegmentExport(models.Model):
    """A large segment export written by the worker, downloaded by the member who asked."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    segment_set = models.ForeignKey(SegmentSet, on_delete=models.CASCADE, related_name="+")
    filters = models.JSONField(default=dict, blank=True)  # segment, owner, q
    file_name = models.CharField(max_length=200)
    language = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=10, choices=ExportState.choices, default="queued")
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def percent(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
