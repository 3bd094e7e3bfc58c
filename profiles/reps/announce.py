"""Reps hear of a new profile: publishing a version e-mails every rep of the organisation, in
their own language, what changed since the profile they knew (the diff in words) and the link
to the one-pager.

The mail goes out in a background task after the publication committed (`profile_published`);
each rep gets their own message, and one refused address holds back nobody else.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.dispatch import receiver
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from icp_site.models import Membership, Role
from profiles.models import Publication
from profiles.reps import fitcheck
from profiles.versions import traits
from profiles.versions.criteria import value_text
from profiles.versions.diff import diff
from profiles.versions.signals import profile_published

logger = logging.getLogger(__name__)

_COLUMNS = {column.key: column for column in (*traits.COMPANY_COLUMNS, *traits.BUYER_COLUMNS)}


def _value(trait: Mapping[str, Any]) -> str:
    column = _COLUMNS.get(trait.get("key", ""))
    value = trait.get("value")
    if column is not None and column.kind in ("choice", "multi") and value not in (None, ""):
        return traits.display(column, value)
    return value_text(value) or "—"


def _trait_name(trait: Mapping[str, Any]) -> str:
    return traits.trait_label(trait.get("key", ""), trait.get("label", ""))


def changes_in_words(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """What changed from `before` to `after`, one sentence a line, in the active language; the
    first profile says so."""
    if before is None:
        return [_("This is the organisation's first published profile.")]
    found = diff(before, after)
    if not found:
        return [_("The profile says the same as before; only its version changed.")]
    labels = fitcheck.labels_for(after) | fitcheck.labels_for(before)
    lines = []
    for trait in found.traits.added:
        lines.append(
            _("New trait: %(trait)s: %(value)s")
            % {"trait": _trait_name(trait), "value": _value(trait)}
        )
    for trait in found.traits.removed:
        lines.append(_("Trait removed: %(trait)s") % {"trait": _trait_name(trait)})
    for change in found.traits.changed:
        lines.append(
            _("%(trait)s: %(before)s → %(after)s")
            % {
                "trait": _trait_name(change.after),
                "before": _value(change.before),
                "after": _value(change.after),
            }
        )
    for items, text in (
        (found.criteria.added, _("%(segment)s, new criterion: %(criterion)s")),
        (found.criteria.removed, _("%(segment)s, criterion removed: %(criterion)s")),
    ):
        for item in items:
            segment = str(fitcheck.SEGMENT_LABELS.get(item.get("segment"), item.get("segment")))
            criterion = fitcheck.criterion_text(item, labels)
            lines.append(text % {"segment": segment, "criterion": criterion})
    for change in found.criteria.changed:
        segment = change.after.get("segment")
        lines.append(
            _("%(segment)s: %(before)s → %(after)s")
            % {
                "segment": fitcheck.SEGMENT_LABELS.get(segment, segment),
                "before": fitcheck.criterion_text(change.before, labels),
                "after": fitcheck.criterion_text(change.after, labels),
            }
        )
    for note in found.notes:
        lines.append(
            _("%(segment)s, the note now reads: “%(note)s”")
            % {
                "segment": fitcheck.SEGMENT_LABELS.get(note.segment, note.segment),
                "note": note.after.strip() or "—",
            }
        )
    return lines


def _base_url(base_url: str) -> str:
    if base_url:
        return base_url
    hosts = [host for host in settings.ALLOWED_HOSTS if host and host[0] not in ".*"]
    scheme = "https" if getattr(settings, "HTTPS", False) else "http"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}/"


def previous_publication(publication: Publication) -> Publication | None:
    """The publication the reps knew before this one."""
    return (
        Publication.objects.filter(
            organization_id=publication.organization_id, pk__lt=publication.pk
        )
        .select_related("version")
        .order_by("-pk")
        .first()
    )


def reps_of(organization) -> list[tuple[str, str]]:
    """(e-mail, language) of the organisation's reps: their own language, else the
    organisation's default."""
    members = Membership.objects.filter(organization=organization, role=Role.REP).select_related(
        "user"
    )
    return [
        (m.user.email, m.user.language or organization.default_language)
        for m in members.order_by("user__email")
        if m.user.email and m.user.is_active
    ]


def publication_message(
    publication: Publication, *, email: str, language: str, base_url: str = ""
) -> EmailMessage:
    """The e-mail to one rep, in their language."""
    previous = previous_publication(publication)
    version = publication.version
    with translation.override(language):
        context = {
            "organization": publication.organization,
            "version": version,
            "previous": previous.version if previous else None,
            "changes": changes_in_words(
                previous.version.content if previous else None, version.content
            ),
            "url": urljoin(_base_url(base_url), reverse("current_profile")),
        }
        subject = render_to_string("profiles/email/profile_published_subject.txt", context)
        body = render_to_string("profiles/email/profile_published.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[email])


@task
def announce_publication(publication_id: int, base_url: str = "") -> int:
    """E-mail the reps of a new publication; how many messages went out."""
    publication = (
        Publication.objects.select_related("organization", "version")
        .filter(pk=publication_id)
        .first()
    )
    if publication is None:
        return 0
    sent = 0
    for email, language in reps_of(publication.organization):
        try:
            publication_message(
                publication, email=email, language=language, base_url=base_url
            ).send()
        except Exception:
            logger.exception("Could not tell %s of publication %s", email, publication_id)
        else:
            sent += 1
    return sent


@receiver(profile_published, dispatch_uid="reps_told_of_a_new_profile")
def tell_the_reps(sender, *, version, publication, base_url: str = "", **kwargs):
    # Sent after the publication committed: a failure here must not turn the publish into an
    # error page.
    try:
        announce_publication.enqueue(publication.pk, base_url)
    except Exception:
        logger.exception("Could not queue the e-mail to the reps of %s", version)
