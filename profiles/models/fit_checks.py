"""A fit check a rep kept, with the version that judged it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet
from profiles.models.versions import ProfileVersion


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
