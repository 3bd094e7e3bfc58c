"""What the participants changed in a workshop, kept so the last changes can be undone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkshopChange(models.Model):
    """One action of a participant: the fields it changed, each with its value before and after.

    `fields` is a list of {"field": id, "before": value, "after": value}; a field id names
    what changed ("step:1:thresholds", "cell:<row>:<column>", "draft:trait:<key>:value", ...,
    see profiles.workshop.history). `context` keeps what a description needs when the thing
    is gone (a customer's name). A change is undone at most once, newest first.
    """

    workshop = models.ForeignKey(
        "profiles.Workshop", on_delete=models.CASCADE, related_name="changes"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    fields = models.JSONField(_("fields"), default=list)
    context = models.JSONField(_("context"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("workshop change")
        verbose_name_plural = _("workshop changes")
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["workshop", "-id"],
                name="change_to_undo",
                condition=models.Q(undone_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.workshop_id} · step {self.step} · {self.at:%Y-%m-%d %H:%M}"
