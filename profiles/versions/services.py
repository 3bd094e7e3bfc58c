"""Writes of profile versions: save the draft as the next version, restore, publish."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from icp_site.models import Organization
from profiles.models import ProfileVersion, Publication, Workshop, WorkshopStep
from profiles.reviews import cadence
from profiles.versions import signals
from profiles.versions.diff import ContentError, empty_content, validate_content


def next_review_proposal(organization, published_on: datetime.date) -> datetime.date:
    """When the profile published on `published_on` should be reviewed.

    The organisation's review cadence when set, else by maturity: 6 months for a young
    company, 12 for a mature one.
    """
    months = organization.review_cadence_months or cadence.default_cadence(organization.maturity)
    return cadence.proposed_review_date(published_on, cadence_months=months)


def _content(inputs: dict) -> dict:
    content = {**empty_content(), **{key: inputs[key] for key in empty_content() if key in inputs}}
    try:
        validate_content(content)
    except ContentError as error:
        raise ValidationError(str(error)) from error
    return content


def _next_number(organization) -> int:
    # The organisation's row lock makes two saves at the same moment take turns.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    last = ProfileVersion.objects.for_organization(organization).aggregate(last=Max("number"))
    return (last["last"] or 0) + 1


def profile_version_save(*, workshop: Workshop, user, note: str, content: dict | None = None):
    """Save the workshop's step-6 profile as the organisation's next version (v1, v2, ...)."""
    if content is None:
        step = WorkshopStep.objects.filter(workshop=workshop, number=6).first()
        content = step.inputs if step else {}
    content = _content(content)
    with transaction.atomic():
        WorkshopStep.objects.filter(workshop=workshop, number=6).update(
            done=True, updated_at=timezone.now()
        )
        return ProfileVersion.objects.create(
            organization=workshop.organization,
            number=_next_number(workshop.organization),
            workshop=workshop,
            dataset=workshop.dataset,
            author=user,
            note=note.strip(),
            content=content,
        )


def profile_version_restore(*, version: ProfileVersion, user, note: str) -> ProfileVersion:
    """Save an old version's content again as the newest version (the old one stays)."""
    with transaction.atomic():
        return ProfileVersion.objects.create(
            organization=version.organization,
            number=_next_number(version.organization),
            workshop=version.workshop,
            dataset=version.dataset,
            author=user,
            note=note.strip(),
            content=version.content,
            restored_from=version,
        )


def profile_version_publish(
    *,
    version: ProfileVersion,
    user,
    next_review_date: datetime.date | None = None,
    base_url: str = "",
) -> Publication:
    """Make `version` the organisation's current profile; send `profile_published` on commit
    (`base_url`: the app's address as the publisher saw it, for links in e-mails)."""
    organization = version.organization
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if ProfileVersion.objects.current(organization) == version:
            raise ValidationError(
                _("Version %(number)s is already the current profile.") % {"number": version.number}
            )
        today = timezone.localdate()
        if next_review_date is None:
            next_review_date = next_review_proposal(organization, today)
        elif next_review_date <= today:
            raise ValidationError({"next_review_date": _("The next review must be after today.")})
        elif problem := cadence.review_date_problem(next_review_date, today=today):
            raise ValidationError({"next_review_date": problem})
        publication = Publication.objects.create(
            organization=organization,
            version=version,
            published_by=user,
            next_review_date=next_review_date,
        )
        transaction.on_commit(
            lambda: signals.profile_published.send(
                sender=ProfileVersion, version=version, publication=publication, base_url=base_url
            )
        )
    return publication
