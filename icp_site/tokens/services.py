"""Personal API tokens: create, revoke, authenticate, and the per-client rate limit.

A token is ``icp_`` plus 43 random URL-safe characters. Only its SHA-256 is stored (a fast hash
is enough for 256 random bits; it is not a password), with the first characters for display.
The secret is shown once, when it is created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from icp_site.models import ApiRequestCount, ApiToken, Membership

TOKEN_PREFIX = "icp_"
DISPLAY_CHARS = 8  # of the secret after "icp_", shown in lists
LAST_USED_PRECISION = dt.timedelta(minutes=1)  # last_used_at is written at most once a minute
RATE_LIMIT = 60  # requests per client and minute
RATE_WINDOW = dt.timedelta(minutes=1)


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


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def rate_limit_hit(client: str, *, limit: int | None = None) -> RateDecision:
    """Count one request of `client` in the current minute (in PostgreSQL, so every worker
    shares the count) and say whether it is within `limit`."""
    limit = RATE_LIMIT if limit is None else limit
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    table = ApiRequestCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (client, "window", count) VALUES (%s, %s, 1)
            ON CONFLICT (client, "window") DO UPDATE SET count = {table}.count + 1
            RETURNING count
            """,
            [client, window],
        )
        (count,) = cursor.fetchone()
    if count == 1:
        # The client's first request this minute: forget its old minutes.
        ApiRequestCount.objects.filter(client=client, window__lt=window).delete()
    retry_after = max(1, int((window + RATE_WINDOW - now).total_seconds() + 0.999))
    return RateDecision(count <= limit, count, limit, retry_after)
