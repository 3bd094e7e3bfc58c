"""The workshop: a team walks the six steps of the method on one dataset."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkshopQuerySet(models.QuerySet):
    def for_organization(self, organization):
        """Only the organisation's workshops."""
        return self.filter(organization=organization)


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

    objects = WorkshopQuerySet.as_manager()

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
