"""Writes of the reps' pages: keeping a fit check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from profiles.models import ProfileVersion, SavedFitCheck
from profiles.reps import fitcheck


def saved_fit_check_create(
    *, version: ProfileVersion, user, prospect: str, attributes: dict
) -> SavedFitCheck:
    """Keep a fit check: the attributes as entered and the answer `version` gives them."""
    prospect = " ".join(str(prospect or "").split())[:200]
    if not prospect:
        raise ValidationError({"prospect": _("Name the prospect to save the check.")})
    result = fitcheck.check(version.content, attributes)
    with transaction.atomic():
        return SavedFitCheck.objects.create(
            organization=version.organization,
            version=version,
            prospect=prospect,
            attributes=attributes,
            segment=result.segment,
            known=result.known,
            total=result.total,
            result={"version": version.number, **result.to_dict()},
            created_by=user,
        )
