"""Uploaded files on their way to a dataset: state, phase, mapping options and the report."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet
from portfolio.models.datasets import Dataset


# Referenced by migration 0002, from when uploads were files on disk; uploads now live in the
# database (ImportUpload.content), which the web app and every worker share.
def upload_storage():
    """The storage of the former ImportUpload.file (kept for migration 0002)."""
    return FileSystemStorage(location=settings.DATA_DIR / "uploads")


def upload_path(upload, filename):
    """Where the former ImportUpload.file went (kept for migration 0002)."""
    return f"{upload.organization_id}/{filename}"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    INVALID = "invalid", _("Problems found")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportPhase(models.TextChoices):
    WAITING = "waiting", _("Waiting for a worker")
    READING = "reading", _("Reading the file")
    CHECKING = "checking", _("Checking every row")
    STORING = "storing", _("Storing the customers")
    FINISHED = "finished", _("Finished")


class ImportUploadQuerySet(OrganizationQuerySet):
    def without_content(self):
        """Leave the uploaded bytes in the database (they can be 50 MB)."""
        return self.defer("content")


class ImportUpload(models.Model):
    """An uploaded file on its way to becoming a Dataset: mapping, problems, progress."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The uploaded bytes, until the import succeeds (then emptied). Kept in PostgreSQL so
    # that whichever worker runs the import can read it; pages load it only when needed.
    content = models.BinaryField(_("content"), default=b"", editable=False)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    # The user's choices: mapping, sheet, order_level, period, number format, date order.
    options = models.JSONField(_("options"), default=dict, blank=True)
    phase = models.CharField(
        _("phase"), max_length=10, choices=ImportPhase.choices, default=ImportPhase.WAITING
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows total"), default=0)
    # After a check: row_count, valid_count, error_count, error_counts, errors (capped).
    report = models.JSONField(_("problems"), default=dict, blank=True)
    # Workbooks too big to read in a request: the worker reads them once and keeps the sheet
    # names, the header and the first rows here for the mapping page.
    sample = models.JSONField(_("sample"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def is_busy(self) -> bool:
        """Whether a worker is (or will be) working on it: the page keeps polling."""
        return self.state in (ImportState.QUEUED, ImportState.RUNNING)

    @property
    def percent(self) -> int:
        """Progress of the current phase in percent."""
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
