"""Review dates: proposals from the cadence (month ends included), reminder times, states."""

import datetime
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profiles.reviews import cadence

D = datetime.date
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("maturity", "months", "published", "expected"),
    [
        # young companies default to 6 months, but may choose any cadence
        ("young", 6, D(2026, 3, 15), D(2026, 9, 15)),
        ("young", 6, D(2026, 8, 31), D(2027, 2, 28)),
        ("young", 6, D(2027, 8, 31), D(2028, 2, 29)),  # 2028 is a leap year
        ("young", 6, D(2026, 12, 31), D(2027, 6, 30)),
        ("young", 12, D(2026, 3, 31), D(2027, 3, 31)),
        # mature companies default to 12 months; 18 and 24 are the method's upper range
        ("mature", 12, D(2026, 5, 10), D(2027, 5, 10)),
        ("mature", 12, D(2028, 2, 29), D(2029, 2, 28)),
        ("mature", 18, D(2026, 8, 31), D(2028, 2, 29)),
        ("mature", 18, D(2026, 11, 30), D(2028, 5, 30)),
        ("mature", 24, D(2026, 1, 31), D(2028, 1, 31)),
        ("mature", 24, D(2026, 2, 28), D(2028, 2, 28)),
        ("mature", 6, D(2026, 10, 31), D(2027, 4, 30)),
    ],
)
def test_the_next_review_is_proposed_from_the_publication_date_and_the_cadence(
    maturity, months, published, expected
):
    assert months in cadence.CADENCES
    proposal = cadence.propose(published, cadence_months=months)
    assert proposal.date == expected
    assert proposal.published_on == published


def test_there_is_no_proposal_without_a_published_profile():
    assert cadence.propose(None, cadence_months=6) is None


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), st.sampled_from((6, 12, 18, 24))
)
def test_a_proposal_is_always_in_the_right_month_and_never_after_the_same_day(day, months):
    proposed = cadence.add_months(day, months)
    assert (proposed.year * 12 + proposed.month) - (day.year * 12 + day.month) == months
    assert proposed.day <= day.day
    assert (
        proposed.day == day.day or proposed.month != (proposed + datetime.timedelta(days=1)).month
    )


def test_the_default_cadence_follows_the_maturity():
    assert cadence.default_cadence("young") == 6
    assert cadence.default_cadence("mature") == 12


@pytest.mark.parametrize(
    ("old", "new", "months", "expected"),
    [
        ("young", "mature", 6, 12),  # was the default: follows the new default
        ("mature", "young", 12, 6),
        ("young", "mature", 18, 18),  # chosen on purpose: kept
        ("mature", "young", 24, 24),
        ("mature", "mature", 12, 12),
    ],
)
def test_changing_maturity_moves_a_default_cadence_only(old, new, months, expected):
    result = cadence.cadence_after_maturity_change(
        old_maturity=old, new_maturity=new, cadence=months
    )
    assert result == expected


def test_offsets_are_distinct_largest_first_and_include_the_day_itself():
    assert cadence.normalize_offsets([1, 14, 14]) == (14, 1, 0)
    assert cadence.normalize_offsets([]) == (0,)
    with pytest.raises(ValueError):
        cadence.normalize_offsets([-1])


def test_reminders_go_out_at_eight_in_the_morning_local_time(settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    at = cadence.reminder_time(D(2027, 3, 29), 14)
    assert at == datetime.datetime(2027, 3, 15, 8, 0, tzinfo=STOCKHOLM)
    # across the switch to summer time the local hour stays 8 o'clock
    on_the_day = cadence.reminder_time(D(2027, 3, 29), 0)
    assert on_the_day.utcoffset() == datetime.timedelta(hours=2)
    assert at.utcoffset() == datetime.timedelta(hours=1)


def test_reminders_already_past_when_the_review_is_scheduled_are_skipped(settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    now = datetime.datetime(2027, 3, 20, 12, 0, tzinfo=STOCKHOLM)
    times = cadence.reminder_times(D(2027, 3, 29), [14, 1], now=now)
    assert sorted(times) == [0, 1]
    assert times[1] == datetime.datetime(2027, 3, 28, 8, 0, tzinfo=STOCKHOLM)


def test_a_reminder_is_late_after_half_an_hour():
    at = datetime.datetime(2027, 3, 15, 8, 0, tzinfo=STOCKHOLM)
    assert not cadence.is_late(at, at + datetime.timedelta(minutes=29))
    assert cadence.is_late(at, at + datetime.timedelta(hours=5))


def test_failed_mails_are_retried_with_growing_delays_then_given_up():
    delays = [cadence.retry_delay(n) for n in range(1, 6)]
    assert delays == sorted(delays)
    assert delays[0] == datetime.timedelta(minutes=1)
    assert cadence.retry_delay(6) is None


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2027, 3, 14), cadence.ReviewState.UPCOMING),
        (D(2027, 3, 15), cadence.ReviewState.DUE),  # the first reminder's day
        (D(2027, 3, 29), cadence.ReviewState.DUE),
        (D(2027, 3, 30), cadence.ReviewState.OVERDUE),
    ],
)
def test_a_review_is_due_from_its_first_reminder_and_overdue_after_its_day(today, state):
    assert cadence.review_state(D(2027, 3, 29), [14, 1], today=today) == state
