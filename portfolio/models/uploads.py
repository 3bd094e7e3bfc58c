"""Uploaded files on their way to a dataset: state, phase, mapping options and the report."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet
from portfolio.models.datasets import Dataset


# Referenced by migration 0002, from when uploads were files on disk; uploads now live in the
# database (ImportUploadPart), which the web app and every worker share.
def upload_storage():
    """The storage of the former ImportUpload.file (kept for migration 0002)."""
    return FileSystemStorage(location=settings.DATA_DIR / "uploads")


def upload_path(upload, filename):
    """Where the former ImportUpload.file went (kept for migration 0002)."""
    return f"{upload.organization_id}/{filename}"


class ImportState(models.TextChoices):
    READING = "reading", _("Reading the file")
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
    def without_sample(self):
        """Leave a workbook's kept first rows in the database (only the mapping page reads them)."""
        return self.defer("sample")


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
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    # "text" for CSV and other delimited text, else the workbook format (xlsx, xls, ods).
    file_kind = models.CharField(_("file kind"), max_length=10, default="text")
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    # The user's choices: mapping, sheet, order_level, period, number format, date order,
    # money units, repeated rows.
    options = models.JSONField(_("options"), default=dict, blank=True)
    phase = models.CharField(
        _("phase"), max_length=10, choices=ImportPhase.choices, default=ImportPhase.WAITING
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows total"), default=0)
    # Set while a process reads or imports the file, every few seconds; an import without a
    # heartbeat for IMPORT_STALE_SECONDS has lost its process (see uploads.services' sweep).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # After a check: row_count, valid_count, error_count, error_counts, errors (capped).
    report = models.JSONField(_("problems"), default=dict, blank=True)
    # The header and the first rows, kept once when the file arrives (text) or when the worker
    # has read it (workbooks): the mapping page works on these, never on the file.
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
    def is_workbook(self) -> bool:
        """Whether the file is a workbook (read by the worker, never by a web request)."""
        return self.file_kind != "text"

    @property
    def is_busy(self) -> bool:
        """Whether a worker is (or will be) working on it: the page keeps polling."""
        return self.state in (ImportState.READING, ImportState.QUEUED, ImportState.RUNNING)

    @property
    def percent(self) -> int:
        """Progress of the current phase in percent."""
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class PartKind(models.TextChoices):
    FILE = "file"  # the uploaded file
    TABLE = "table"  # the sheet the worker read from a workbook, as UTF-8 CSV


class ImportUploadPart(models.Model):
    """A piece of an uploaded file (or of the sheet read from it), a few megabytes each.

    Files are kept in PostgreSQL, which the web app and every worker share, in pieces, so that
    neither side ever holds a whole upload (up to IMPORT_MAX_BYTES) in memory.
    """

    upload = models.ForeignKey(ImportUpload, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(max_length=5, choices=PartKind.choices, default=PartKind.FILE)
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "kind", "number"], name="importuploadpart_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.upload_id} {self.kind} {self.number}"
