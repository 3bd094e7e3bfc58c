"""Review dates as pure functions: proposals from the cadence, reminder times, due/overdue.

Nothing here touches the database or the clock: callers pass `today` or `now`, so tests
freeze time by passing a value.
"""

from __future__ import annotations

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _

CADENCES = (6, 12, 18, 24)
DEFAULT_CADENCE = {"young": 6, "mature": 12}
DEFAULT_OFFSETS = (14, 1)
MAX_OFFSET_DAYS = 365
# A review is planned after today and at most this many years ahead.
MAX_REVIEW_YEARS = 5
# Reminders go out in the morning of their day, in the organisation's time zone.
REMINDER_TIME = datetime.time(8, 0)
# A reminder sent more than this after its time says that it is late.
LATE_AFTER = datetime.timedelta(minutes=30)
# A reminder whose e-mail fails is tried again after these delays, then given up (and logged).
RETRY_DELAYS = tuple(datetime.timedelta(minutes=minutes) for minutes in (1, 5, 30, 120, 360))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months`, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def default_cadence(maturity: str) -> int:
    """The method's cadence: every 6 months for a young company, 12 for a mature one."""
    return DEFAULT_CADENCE.get(maturity, DEFAULT_CADENCE["mature"])


def cadence_after_maturity_change(*, old_maturity: str, new_maturity: str, cadence: int) -> int:
    """Follow the new maturity's default when the cadence was the old one's default."""
    if old_maturity != new_maturity and cadence == default_cadence(old_maturity):
        return default_cadence(new_maturity)
    return cadence


def proposed_review_date(published_on: datetime.date, *, cadence_months: int) -> datetime.date:
    """The next review after a profile published on `published_on`."""
    return add_months(published_on, cadence_months)


def review_date_problem(day: datetime.date, *, today: datetime.date) -> str | None:
    """Why `day` cannot be a review's (or the next review's) date, or None: it must be after
    today and at most MAX_REVIEW_YEARS ahead."""
    if day <= today:
        return _("Choose a date after today.")
    if day > add_months(today, 12 * MAX_REVIEW_YEARS):
        return _("Choose a date within %(years)s years.") % {"years": MAX_REVIEW_YEARS}
    return None


def normalize_offsets(offsets) -> tuple[int, ...]:
    """Distinct day offsets, largest first, always ending with 0 (the day itself)."""
    days = {int(day) for day in offsets}
    if any(day < 0 or day > MAX_OFFSET_DAYS for day in days):
        raise ValueError(f"Reminder offsets must be between 0 and {MAX_OFFSET_DAYS} days.")
    return tuple(sorted(days | {0}, reverse=True))


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def reminder_time(review_date: datetime.date, offset_days: int) -> datetime.datetime:
    """When the reminder `offset_days` before a review on `review_date` goes out (aware)."""
    day = review_date - datetime.timedelta(days=offset_days)
    return datetime.datetime.combine(day, REMINDER_TIME, tzinfo=local_zone())


def reminder_times(
    review_date: datetime.date, offsets, *, now: datetime.datetime
) -> dict[int, datetime.datetime]:
    """The reminders still to send for a review scheduled `now`: offset → time.

    Reminders whose time has already passed when the review is scheduled (or moved) are not
    sent at all: a reminder "14 days before" makes no sense for a review in five days.
    """
    times = {offset: reminder_time(review_date, offset) for offset in normalize_offsets(offsets)}
    return {offset: at for offset, at in times.items() if at > now}


def is_late(send_at: datetime.datetime, now: datetime.datetime) -> bool:
    """True when a reminder goes out so long after its time that it should say so."""
    return now - send_at > LATE_AFTER


def retry_delay(attempts: int) -> datetime.timedelta | None:
    """How long to wait after the `attempts`-th failed try, or None to give up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1]


class ReviewState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"


def review_state(review_date: datetime.date, offsets, *, today: datetime.date) -> ReviewState:
    """Upcoming; due from its first reminder day to the day itself; overdue after it."""
    if today > review_date:
        return ReviewState.OVERDUE
    first = max(normalize_offsets(offsets))
    if today >= review_date - datetime.timedelta(days=first):
        return ReviewState.DUE
    return ReviewState.UPCOMING


@dataclass(frozen=True)
class Proposal:
    date: datetime.date
    published_on: datetime.date
    cadence_months: int


def propose(published_on: datetime.date | None, *, cadence_months: int) -> Proposal | None:
    """The proposal for the next review, or None without a published profile."""
    if published_on is None:
        return None
    return Proposal(
        date=proposed_review_date(published_on, cadence_months=cadence_months),
        published_on=published_on,
        cadence_months=cadence_months,
    )
