"""A saved customer-value scoring model: parameters, weights, directions and bands."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet


class ScoringModel(models.Model):
    """A named customer-value score: parameters with weight and direction, and band limits."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    # [{"column": "revenue", "weight": 2.0, "higher_is_better": true}, ...]
    parameters = models.JSONField(_("parameters"), default=list)
    # {"intensify": 75.0, "maintain": 50.0, "minimal_care": 25.0}: lower limits of the bands
    bands = models.JSONField(_("band limits"), default=dict)
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

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="scoring_model_name_unique_in_organization"
            )
        ]

    def __str__(self):
        return self.name


class AnalysisSettings(models.Model):
    """An organisation's choices that every analysis page uses alike (the rep's too): the ABC
    limits and the scoring model of step 3's value-score goal and of scored prospect lists."""

    organization = models.OneToOneField(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="+"
    )
    # The method's limits: A = the customers making the first 80 % of revenue, C = the last 10 %.
    abc_a_limit = models.DecimalField(
        _("A up to (cumulative %)"), max_digits=5, decimal_places=2, default=80
    )
    abc_b_limit = models.DecimalField(
        _("B up to (cumulative %)"), max_digits=5, decimal_places=2, default=90
    )
    scoring_model = models.ForeignKey(
        ScoringModel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the organisation's scoring model"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("analysis settings")
        verbose_name_plural = _("analysis settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(abc_a_limit__gt=0)
                & models.Q(abc_a_limit__lt=models.F("abc_b_limit"))
                & models.Q(abc_b_limit__lte=100),
                name="abc_limits_increase_within_100",
            )
        ]

    def __str__(self):
        return f"{self.organization_id}: A {self.abc_a_limit} / B {self.abc_b_limit}"
