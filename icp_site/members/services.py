"""Writes on tenancy: members and their roles (joining is by invitation: `invitations`).

Admin actions on members of one organisation run one at a time: each locks the organisation's
row first, so a role change and a removal of the same member (or two admins demoting each
other) wait for each other instead of deadlocking, and the second one finds the state the
first one left, with a clear message when there is nothing left to do.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from icp_site.models import Membership, Organization, Role


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; the organisation always keeps at least one admin."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    locked = _locked(membership)
    if locked.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_another_admin(locked)
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a person from the organisation (their account and other memberships stay)."""
    locked = _locked(membership)
    if locked.role == Role.ADMIN:
        _ensure_another_admin(locked)
    locked.delete()


def _locked(membership: Membership) -> Membership:
    # The organisation first, always: one admin action on its members at a time.
    Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise ValidationError(
            _("%(name)s is no longer a member: another admin removed them a moment ago.")
            % {"name": membership.user}
        )
    return locked


def _ensure_another_admin(membership: Membership) -> None:
    # Lock every admin row so two admins cannot demote each other at the same moment.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not admins:
        raise ValidationError(_("An organisation needs at least one admin."))
