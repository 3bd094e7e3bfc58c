"""Writes on tenancy: members and their roles."""

from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from icp_site.models import Membership, Organization, Role, User


@transaction.atomic
def membership_add(
    *, organization: Organization, email: str, name: str, role: str, request=None
) -> Membership:
    """Add a person to the organisation; a new person gets an e-mail to set a password."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    is_new = user is None
    if is_new:
        user = User.objects.create_user(email=email, name=name.strip())
    elif Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    membership = Membership.objects.create(organization=organization, user=user, role=role)
    if is_new and request is not None:
        transaction.on_commit(lambda: _send_invitation(request, email, organization))
    return membership


class _InvitationForm(PasswordResetForm):
    """The password-reset mail, also for people who have no password yet."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)


def _send_invitation(request, email: str, organization: Organization) -> None:
    # The new person has no language yet: the organisation's default, not the admin's.
    form = _InvitationForm({"email": email})
    if form.is_valid():
        with translation.override(organization.default_language):
            form.save(
                request=request,
                subject_template_name="registration/invitation_subject.txt",
                email_template_name="registration/invitation_email.txt",
                extra_email_context={"organization": organization},
            )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; the organisation always keeps at least one admin."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_another_admin(locked)
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a person from the organisation (their account and other memberships stay)."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.ADMIN:
        _ensure_another_admin(locked)
    locked.delete()


def _ensure_another_admin(membership: Membership) -> None:
    # Lock every admin row so two admins cannot demote each other at the same moment.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not admins:
        raise ValidationError(_("An organisation needs at least one admin."))
