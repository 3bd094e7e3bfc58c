"""The organisation's analysis settings: its ABC limits and its chosen scoring model.

Every page that classes customers A/B/C reads `abc_limits` (the ABC page's defaults, the
reps' portfolios, the rep's own page), and step 3's value-score goal and the scored prospect
lists read `chosen_scoring_model`, so the whole organisation works with one setting. Writes
are leaders' (`abc_limits_save`, `scoring_model_choose`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portfolio.models import AnalysisSettings, ScoringModel

METHOD_ABC_LIMITS = (80.0, 90.0)  # A: the first 80 % of revenue; C: the last 10 %


def analysis_settings(organization) -> AnalysisSettings:
    """The organisation's settings (the method's defaults when nobody saved any)."""
    found = (
        AnalysisSettings.objects.filter(organization=organization)
        .select_related("scoring_model")
        .first()
    )
    if found is None:
        a, b = METHOD_ABC_LIMITS
        found = AnalysisSettings(organization=organization, abc_a_limit=a, abc_b_limit=b)
    return found


def abc_limits(organization) -> tuple[float, float]:
    """The organisation's ABC limits in cumulative percent of revenue: (A up to, B up to)."""
    found = analysis_settings(organization)
    return float(found.abc_a_limit), float(found.abc_b_limit)


def chosen_scoring_model(organization) -> ScoringModel | None:
    """The scoring model the organisation chose for step 3 and prospect lists, or None."""
    return analysis_settings(organization).scoring_model


def _locked(organization) -> AnalysisSettings:
    a, b = METHOD_ABC_LIMITS
    found, _created = AnalysisSettings.objects.select_for_update().get_or_create(
        organization=organization, defaults={"abc_a_limit": a, "abc_b_limit": b}
    )
    return found


def abc_limits_save(*, organization, user, a_limit: float, b_limit: float) -> AnalysisSettings:
    """Keep the ABC limits every page of the organisation uses."""
    a, b = Decimal(str(round(a_limit, 2))), Decimal(str(round(b_limit, 2)))
    if not (0 < a < b <= 100):
        raise ValidationError(
            _("The limits must increase and stay within 100 %: A above 0, B above A.")
        )
    with transaction.atomic():
        found = _locked(organization)
        found.abc_a_limit, found.abc_b_limit, found.updated_by = a, b, user
        found.save()
    return found


def scoring_model_choose(
    *, organization, user, scoring_model: ScoringModel | None
) -> AnalysisSettings:
    """Make a saved scoring model the organisation's (None: back to the default parameters)."""
    if scoring_model is not None and scoring_model.organization_id != organization.pk:
        raise ValidationError(_("Choose one of your organisation's scoring models."))
    with transaction.atomic():
        found = _locked(organization)
        found.scoring_model, found.updated_by = scoring_model, user
        found.save()
    return found
