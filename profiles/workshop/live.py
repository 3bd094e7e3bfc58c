"""Live refresh of the shared workshop pages: a cheap version check and who is here now.

Every open step page polls every POLL_SECONDS. One SQL statement records the member as present
(at most every TOUCH_SECONDS, so thirty laptops do not write thirty rows at every poll) and
reads the workshop's revision and the members seen in the last PRESENT_SECONDS. Those make the
ETag: when nothing changed the answer is 304 Not Modified without rendering anything.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string
from django.utils.translation import get_language

from portfolio.frames.cache import Memo
from profiles.models import WorkshopPresence

POLL_SECONDS = 1.5
PRESENT_SECONDS = 10
TOUCH_SECONDS = 3

_STATE_SQL = f"""
WITH touch AS (
    INSERT INTO {WorkshopPresence._meta.db_table} (workshop_id, user_id, last_seen)
    SELECT %(workshop)s, %(user)s, now()
    WHERE EXISTS (
        SELECT 1 FROM profiles_workshop WHERE id = %(workshop)s AND organization_id = %(org)s
    )
    ON CONFLICT (workshop_id, user_id) DO UPDATE SET last_seen = EXCLUDED.last_seen
    WHERE {WorkshopPresence._meta.db_table}.last_seen
        < EXCLUDED.last_seen - interval '{TOUCH_SECONDS} seconds'
)
SELECT w.revision, ARRAY(
    SELECT p.user_id FROM {WorkshopPresence._meta.db_table} p
    WHERE p.workshop_id = w.id AND p.user_id <> %(user)s
        AND p.last_seen > now() - interval '{PRESENT_SECONDS} seconds'
    ORDER BY p.user_id
)
FROM profiles_workshop w
WHERE w.id = %(workshop)s AND w.organization_id = %(org)s
"""


@dataclass(frozen=True)
class LiveState:
    """What the polling page compares: the workshop's revision and who else is here."""

    revision: int
    others: tuple[int, ...]  # user ids seen in the last PRESENT_SECONDS, without the asker

    def etag(self, page: str) -> str:
        """A weak ETag for one page of the workshop (a step number or a table)."""
        people = hashlib.blake2b(repr(self.others).encode(), digest_size=6).hexdigest()
        return f'W/"{page}-{self.revision}-{people}"'


def live_state(*, workshop_id: int, organization_id: int, user_id: int) -> LiveState | None:
    """Record the member as present and read the revision and the others present; None when
    the workshop is not the organisation's (the caller answers 404)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _STATE_SQL, {"workshop": workshop_id, "org": organization_id, "user": user_id}
        )
        found = cursor.fetchone()
    if found is None:
        return None
    revision, others = found
    return LiveState(revision=revision, others=tuple(others))


def names(user_ids) -> list[str]:
    """The names of the members present, for the "also here" list."""
    users = get_user_model().objects.filter(pk__in=list(user_ids)).order_by("name", "email")
    return [str(user) for user in users]


def presence_html(user_ids) -> bytes:
    """The "also here" line of a poll's answer (swapped in out of band).

    Thirty laptops ask for it after every change with the same few people present: it is
    rendered once per set of people and language for NAMES_SECONDS (a renamed member shows
    under the new name after that)."""
    ids = tuple(user_ids)
    key = (ids, get_language(), int(time.monotonic() // NAMES_SECONDS))
    context = {"oob": True}
    return _PRESENCE.get_or_set(
        key,
        lambda: render_to_string(
            "profiles/_presence.html", {**context, "present": names(ids)}
        ).encode(),
    )


NAMES_SECONDS = 60
_PRESENCE = Memo(256)


def revision_seen(if_none_match: str, page: str) -> int | None:
    """The revision a participant holds of a page, from the ETag their poll sends (None: a
    first poll, or a tag of another page)."""
    for tag in if_none_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        name, _sep, rest = tag.partition("-")
        revision = rest.partition("-")[0]
        if name == page and revision.isdigit():
            return int(revision)
    return None


def matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") in (wanted, "*") for tag in if_none_match.split(","))
