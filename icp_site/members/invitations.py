"""Invitations: an admin invites an e-mail address, the person accepts while signed in.

Until the person accepts, the organisation knows only the address its admin typed: not
whether an account exists, not its name. Accepting needs the link (sent to that address) and
being signed in with that address; a person new to ICP Workshop creates the account on the
invitation's page. Joining never makes the organisation anybody's default: the person switches
to it (icp_site.middleware picks the organisation they joined first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icp_site.models import Invitation, Membership, Organization, Role, User

logger = logging.getLogger(__name__)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(invitation: Invitation, *, now: dt.datetime) -> str:
    secret = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(secret)
    invitation.expires_at = now + dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    return secret


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    delivered: bool
    error: str = ""


def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by, base_url: str
) -> Sent:
    """Invite `email` to the organisation with `role` and send the e-mail (its outcome is
    recorded and returned: a failed e-mail is not reported as sent)."""
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    now = timezone.now()
    try:
        with transaction.atomic():
            if Membership.objects.filter(organization=organization, user__email=email).exists():
                raise ValidationError(
                    {"email": _("%(email)s is already a member.") % {"email": email}}
                )
            earlier = (
                Invitation.objects.for_organization(organization)
                .open()
                .select_for_update()
                .filter(email=email)
                .first()
            )
            if earlier is not None and not earlier.is_expired(now):
                raise ValidationError(
                    {
                        "email": _("%(email)s is already invited; re-send the invitation below.")
                        % {"email": email}
                    }  # fmt: skip
                )
            if earlier is not None:  # an expired one makes way for the new one
                earlier.revoked_at = now
                earlier.save(update_fields=["revoked_at"])
            invitation = Invitation(
                organization=organization, email=email, role=role, invited_by=invited_by
            )
            secret = _new_secret(invitation, now=now)
            invitation.save()
    except IntegrityError:  # the same address invited at the same moment by another admin
        raise ValidationError(
            {
                "email": _("%(email)s is already invited; re-send the invitation below.")
                % {"email": email}
            }  # fmt: skip
        ) from None
    return _send(invitation, secret, base_url=base_url)


def invitation_resend(*, invitation: Invitation, base_url: str) -> Sent:
    """A new link (the old one stops working), a new expiry, the e-mail again."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise ValidationError(_("This invitation was already accepted, declined or revoked."))
        secret = _new_secret(locked, now=timezone.now())
        locked.save(update_fields=["token_hash", "expires_at"])
    return _send(locked, secret, base_url=base_url)


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Take an invitation back; its link stops working. Revoking twice is fine."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ValidationError(_("This invitation was already accepted."))
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def invitation_link(secret: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("invitation", kwargs={"secret": secret})


def _send(invitation: Invitation, secret: str, *, base_url: str) -> Sent:
    """Send the invitation e-mail in the person's language (their own if they have an
    account, else the organisation's default) and record whether it went."""
    organization = invitation.organization
    person = User.objects.filter(email=invitation.email).only("language").first()
    language = (person and person.language) or organization.default_language
    inviter = invitation.invited_by
    context = {
        "organization": organization,
        "inviter": inviter.get_full_name() if inviter else "",
        "inviter_email": inviter.email if inviter else "",
        "role": invitation.get_role_display(),
        "link": invitation_link(secret, base_url),
        "expires_at": invitation.expires_at,
    }
    try:
        with translation.override(language):
            context["role"] = str(invitation.get_role_display())
            subject = render_to_string("registration/invitation_subject.txt", context)
            body = render_to_string("registration/invitation_email.txt", context)
        EmailMessage(" ".join(subject.split()), body, to=[invitation.email]).send()
    except Exception as error:  # any mail failure is recorded and shown, never "sent"
        text = f"{type(error).__name__}: {error}"[:500]
        logger.warning("Invitation %s to %s not sent: %s", invitation.pk, invitation.email, text)
        Invitation.objects.filter(pk=invitation.pk).update(send_error=text)
        invitation.send_error = text
        return Sent(invitation, delivered=False, error=text)
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=now, send_error="")
    invitation.sent_at, invitation.send_error = now, ""
    return Sent(invitation, delivered=True)


def invitation_for_secret(secret: str) -> Invitation | None:
    """The invitation a link names (any state), or None."""
    if not secret or len(secret) > 100:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=_hash(secret))
        .first()
    )


def invitation_problem(invitation: Invitation | None, *, now=None) -> str | None:
    """Why a link cannot be used any more, or None."""
    if invitation is None or invitation.revoked_at is not None:
        return _("This invitation link is not valid (any more). Ask the admin for a new one.")
    if invitation.accepted_at is not None:
        return _("This invitation was already accepted.")
    if invitation.is_expired(now):
        return _("This invitation has expired. Ask the admin to send it again.")
    return None


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The signed-in person joins with the invitation's role (their other organisations and
    their default stay as they are)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if problem := invitation_problem(locked):
            raise ValidationError(problem)
        if user.email.lower() != locked.email:
            raise ValidationError(
                _("This invitation is for %(email)s; sign in with that address to accept it.")
                % {"email": locked.email}
            )
        membership, _created = Membership.objects.get_or_create(
            organization_id=locked.organization_id, user=user, defaults={"role": locked.role}
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_decline(*, invitation: Invitation, user) -> None:
    """The invited person says no: the link stops working and the admin sees "declined"."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation_problem(locked) is None and user.email.lower() == locked.email:
            locked.revoked_at = timezone.now()
            locked.declined = True
            locked.save(update_fields=["revoked_at", "declined"])


def account_create_and_accept(*, invitation: Invitation, name: str, password: str) -> User:
    """A person new to ICP Workshop: the account for the invited address, then accept. Also
    for an account that never got a password (made before invitations existed)."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=invitation.email).first()
        if user is not None and user.has_usable_password():
            raise ValidationError(_("An account with this address exists: sign in to accept."))
        if user is None:
            user = User.objects.create_user(email=invitation.email, name=name.strip()[:150])
        elif name.strip():
            user.name = name.strip()[:150]
        user.set_password(password)
        user.save()
        invitation_accept(invitation=invitation, user=user)
    return user
