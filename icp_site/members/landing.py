"""Which organisation a member of several works in: the one used last, else the one with the
most recent activity; and the switch itself (the session and "used last").

The shell knows nothing of the apps, so the apps tell it what counts as activity: each
registers a function (organisation ids -> latest activity) in its AppConfig.ready.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.utils import timezone

from icp_site.models import Membership

SESSION_KEY = "organization_id"

ActivitySource = Callable[[list[int]], dict[int, dt.datetime]]
ACTIVITY_SOURCES: list[ActivitySource] = []


def register_activity(source: ActivitySource) -> ActivitySource:
    """Count what `source` reports (organisation id -> latest time) as activity."""
    if source not in ACTIVITY_SOURCES:
        ACTIVITY_SOURCES.append(source)
    return source


def latest_activity(organization_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """The most recent activity per organisation, over every registered source."""
    ids = list(organization_ids)
    latest: dict[int, dt.datetime] = {}
    for source in ACTIVITY_SOURCES:
        for org_id, when in source(ids).items():
            if when is not None and (org_id not in latest or when > latest[org_id]):
                latest[org_id] = when
    return latest


def landing_membership(user) -> Membership | None:
    """Where `user` lands: the organisation used last; the first time, the one with the most
    recent activity (ties and no activity at all: the one joined first)."""
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("created_at", "pk")
    )
    if len(memberships) <= 1:
        return memberships[0] if memberships else None
    used = [m for m in memberships if m.last_used_at is not None]
    if used:
        return max(used, key=lambda m: m.last_used_at)
    activity = latest_activity(m.organization_id for m in memberships)
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    best = max(activity.get(m.organization_id, oldest) for m in memberships)
    return next(m for m in memberships if activity.get(m.organization_id, oldest) == best)


def organization_use(*, request, membership: Membership) -> None:
    """Work in `membership`'s organisation from now on (this session, and the next sign-in)."""
    request.session[SESSION_KEY] = membership.organization_id
    membership.last_used_at = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(last_used_at=membership.last_used_at)
    request.membership = membership
    request.organization = membership.organization
