"""The review's calendar event parses with icalendar and says the right things."""

import datetime

from icalendar import Calendar

from profiles.reviews.ics import Attendee, CalendarEvent, review_calendar

STAMP = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=datetime.UTC)


def _event(**changes):
    values = {
        "uid": "review-7@acme.icp-workshop",
        "title": "Profile review, Acme AB",
        "date": datetime.date(2027, 2, 28),
        "url": "https://icp.example.com/reviews/7/",
        "description": "Review the profile; open https://icp.example.com/reviews/7/",
        "attendees": (Attendee("ada@example.com", "Ada, Admin"), Attendee("leo@example.com")),
    }
    return CalendarEvent(**{**values, **changes})


def _vevent(data: bytes):
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_the_event_has_the_date_title_link_and_attendees():
    event = _vevent(review_calendar(_event(), stamp=STAMP))
    assert event.decoded("dtstart") == datetime.date(2027, 2, 28)
    assert event.decoded("dtend") == datetime.date(2027, 3, 1)
    assert str(event["summary"]) == "Profile review, Acme AB"
    assert str(event["url"]) == "https://icp.example.com/reviews/7/"
    assert "https://icp.example.com/reviews/7/" in str(event["description"])
    assert [str(a) for a in event["attendee"]] == [
        "mailto:ada@example.com",
        "mailto:leo@example.com",
    ]
    assert event["attendee"][0].params["CN"] == "Ada, Admin"
    assert event.decoded("dtstamp") == STAMP


def test_the_uid_is_stable_and_a_move_raises_the_sequence():
    first = _vevent(review_calendar(_event(), stamp=STAMP))
    moved = _vevent(
        review_calendar(_event(date=datetime.date(2027, 3, 5), sequence=1), stamp=STAMP)
    )
    assert str(first["uid"]) == str(moved["uid"]) == "review-7@acme.icp-workshop"
    assert int(moved["sequence"]) == 1


def test_one_attendee_is_still_a_list_after_parsing():
    event = _vevent(review_calendar(_event(attendees=(Attendee("ada@example.com"),)), stamp=STAMP))
    attendees = event["attendee"]
    assert (
        str(attendees if isinstance(attendees, str) else attendees[0]) == "mailto:ada@example.com"
    )


def test_a_cancelled_review_is_a_cancelled_event():
    data = review_calendar(_event(cancelled=True), stamp=STAMP)
    assert str(Calendar.from_ical(data)["method"]) == "CANCEL"
    assert str(_vevent(data)["status"]) == "CANCELLED"
