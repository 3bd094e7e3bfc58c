"""Personal API tokens: create, revoke, authenticate, and the per-client rate limit.

A token is ``icp_`` plus 43 random URL-safe characters. Only its SHA-256 is stored (a fast hash
is enough for 256 random bits; it is not a password), with the first characters for display.
The secret is shown once, when it is created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from icp_site.accounts import throttle
from icp_site.models import ApiToken, Membership

TOKEN_PREFIX = "icp_"
DISPLAY_CHARS = 8  # of the secret after "icp_", shown in lists
LAST_USED_PRECISION = dt.timedelta(minutes=1)  # last_used_at is written at most once a minute
RATE_PERIOD = dt.timedelta(minutes=1)  # API_RATE_LIMIT requests per client in any such period


def token_hash(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Create a token for `membership`; returns it and its secret (shown once, never stored)."""
    name = " ".join(str(name or "").split())[:100]
    if not name:
        raise ValidationError({"name": _("Name the token, for example after the tool using it.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=membership.organization,
        membership=membership,
        name=name,
        token_hash=token_hash(secret),
        prefix=secret[: len(TOKEN_PREFIX) + DISPLAY_CHARS],
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Membership) -> ApiToken:
    """Revoke a token: its owner may, and an admin of its organisation; revoking twice is fine."""
    if token.organization_id != by.organization_id or not (
        token.membership_id == by.pk or by.is_admin
    ):
        raise ValidationError(_("You may revoke only your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, its membership and organisation loaded; else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("membership__user", "membership__organization")
        .filter(token_hash=token_hash(secret), membership__user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        # One cheap UPDATE a minute per token at most, not one per request.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_limit_hit(client: str, *, limit: int | None = None) -> throttle.Decision:
    """Count one request of an API client (``token:<id>`` or ``user:<id>``): at most
    API_RATE_LIMIT a minute, a sliding limit shared by every worker (accounts.throttle)."""
    limit = settings.API_RATE_LIMIT if limit is None else limit
    return throttle.hit(client, limit=limit, period=RATE_PERIOD)
