"""The access rules every view goes through.

Deny by default: LoginRequiredMiddleware requires a signed-in user, and every
view in our URL configuration declares who may call it with one of these
decorators (a test walks the URLs and fails for a view that does not).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect

from icp_site.models import Membership, Organization, Role


class MemberRequest(HttpRequest):
    """A request whose user is a member of the current organisation."""

    membership: Membership
    organization: Organization


def role_required(role: str):
    """Let members with `role` or a higher role call the view; others get 403."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None:
                return redirect("no_organization")
            if not membership.has_role(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access_role = role
        return wrapper

    return decorator


member_required = role_required(Role.REP)
leader_required = role_required(Role.LEADER)
admin_required = role_required(Role.ADMIN)


def user_required(view):
    """A signed-in user who need not be a member of any organisation (account pages)."""
    view.access_role = "user"
    return view
