"""The access rules every view goes through.

Deny by default: LoginRequiredMiddleware requires a signed-in user, and every
view in our URL configuration declares who may call it with one of these
decorators (a test walks the URLs and fails for a view that does not).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
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


class OtherOrganization(Http404):
    """The object asked for belongs to another organisation the member belongs to.

    It is a 404 wherever nothing handles it; the tenancy middleware switches organisation
    for a page opened in the browser (GET) and shows it.
    """

    def __init__(self, organization_id: int):
        super().__init__("This object belongs to another organisation of the member.")
        self.organization_id = organization_id


def get_for_member(request: MemberRequest, queryset: QuerySet, **lookup) -> Model:
    """The object of the member's organisation matching `lookup`; OtherOrganization when it
    is in another organisation the user is a member of; otherwise 404 (also for non-members)."""
    found = queryset.filter(organization=request.organization, **lookup).first()
    if found is not None:
        return found
    other = (
        queryset.filter(organization__memberships__user=request.user, **lookup)
        .values_list("organization_id", flat=True)
        .first()
    )
    if other is not None:
        raise OtherOrganization(other)
    raise Http404
