"""Rate limits shared by every worker: a GCRA bucket per client in PostgreSQL.

GCRA (the generic cell rate algorithm) is a token bucket kept as one timestamp, the
"theoretical arrival time" (TAT) of the client's next request. With `limit` requests per
`period` every request moves the TAT on by `period / limit`; a request is let through while the
TAT is at most `period - period / limit` ahead of now. So a client may send `limit` requests at
once and then one every `period / limit`: 60 a minute means 60 at most in any 60 seconds plus
one a second after, never 120 across a minute boundary as a fixed window allows.

One upsert per request, atomic per client (the row is locked by the upsert), in the database
every gunicorn worker shares.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from icp_site.models import RateBucket


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int  # requests the client may still send right now
    retry_after: int  # seconds until the next request would be let through (0 when allowed)


def _intervals(limit: int, period: dt.timedelta) -> tuple[float, float]:
    if limit < 1:
        raise ValueError("A rate limit lets at least one request through.")
    emission = period.total_seconds() / limit
    return emission, period.total_seconds() - emission


def _decision(allowed: bool, tat: dt.datetime, now: dt.datetime, limit: int, period) -> Decision:
    emission, tolerance = _intervals(limit, period)
    ahead = (tat - now).total_seconds()
    if allowed:
        remaining = max(0, min(limit, int((tolerance + emission - ahead) // emission)))
        return Decision(True, limit, remaining, 0)
    return Decision(False, limit, 0, max(1, math.ceil(ahead - tolerance)))


def hit(client: str, *, limit: int, period: dt.timedelta, now: dt.datetime | None = None):
    """Count one request of `client` and say whether it is within `limit` per `period`."""
    now = now or timezone.now()
    emission, tolerance = _intervals(limit, period)
    step = dt.timedelta(seconds=emission)
    table = RateBucket._meta.db_table
    # In ON CONFLICT ... SET every expression reads the old row, so `allowed` and `tat` are
    # decided on the same state.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} AS b (client, tat, allowed) VALUES (%(client)s, %(first)s, true)
            ON CONFLICT (client) DO UPDATE SET
                allowed = GREATEST(b.tat, %(now)s) - %(now)s <= %(tolerance)s,
                tat = CASE WHEN GREATEST(b.tat, %(now)s) - %(now)s <= %(tolerance)s
                           THEN GREATEST(b.tat, %(now)s) + %(step)s ELSE b.tat END
            RETURNING allowed, tat
            """,
            {
                "client": client[:200],
                "first": now + step,
                "now": now,
                "tolerance": dt.timedelta(seconds=tolerance),
                "step": step,
            },
        )
        allowed, tat = cursor.fetchone()
    return _decision(allowed, tat, now, limit, period)


def peek(client: str, *, limit: int, period: dt.timedelta, now: dt.datetime | None = None):
    """Whether `client` would be let through now, without counting a request."""
    now = now or timezone.now()
    tat = RateBucket.objects.filter(client=client[:200]).values_list("tat", flat=True).first()
    _emission, tolerance = _intervals(limit, period)
    if tat is None or (tat - now).total_seconds() <= tolerance:
        return _decision(True, max(tat or now, now), now, limit, period)
    return _decision(False, tat, now, limit, period)


def reset(client: str) -> None:
    """Forget a client's requests (an admin's unlock)."""
    RateBucket.objects.filter(client=client[:200]).delete()


def buckets_clean(*, now: dt.datetime | None = None) -> int:
    """Delete the buckets of clients that have caught up (their TAT is in the past)."""
    deleted, _ = RateBucket.objects.filter(tat__lt=now or timezone.now()).delete()
    return deleted


def client_ip(request) -> str | None:
    """The caller's address: behind our proxy (BEHIND_PROXY) the last one it appended to
    X-Forwarded-For (earlier entries are the client's to invent), else the socket's; None when
    there is none (a test, a command)."""
    candidate = None
    if request is not None and settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        candidate = hops[-1] if hops else None
    if candidate is None and request is not None:
        candidate = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(str(candidate or "").strip()))
    except ValueError:
        return None
