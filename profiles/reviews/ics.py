"""A review as a calendar event (.ics) built with the `icalendar` package."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from profiles.models import ReviewStatus

PRODID = "-//ICP Workshop//Reviews//EN"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable: the same review always has the same UID, so calendars update it
    title: str
    date: datetime.date  # an all-day event
    url: str
    description: str
    attendees: tuple[Attendee, ...] = ()
    sequence: int = 0  # bumped when the review moves, so calendars take the new date
    cancelled: bool = False
    organizer: Attendee | None = None  # RFC 5546: a CANCEL must name its ORGANIZER


def review_calendar(event: CalendarEvent, *, stamp: datetime.datetime) -> bytes:
    """One VCALENDAR with one all-day VEVENT; `stamp` (aware) becomes DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if event.cancelled else "PUBLISH")

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp.astimezone(datetime.UTC))
    vevent.add("dtstart", event.date)
    if event.date < datetime.date.max:
        vevent.add("dtend", event.date + datetime.timedelta(days=1))
    vevent.add("summary", event.title)
    vevent.add("description", event.description)
    vevent.add("url", event.url)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT")
    if event.organizer is not None:
        organizer = vCalAddress(f"mailto:{event.organizer.email}")
        if event.organizer.name:
            organizer.params["cn"] = vText(event.organizer.name)
        vevent.add("organizer", organizer, encode=0)
    for attendee in event.attendees:
        address = vCalAddress(f"mailto:{attendee.email}")
        if attendee.name:
            address.params["cn"] = vText(attendee.name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        vevent.add("attendee", address, encode=0)
    calendar.add_component(vevent)
    return calendar.to_ical()


def review_event(review, *, url: str, language: str | None = None) -> CalendarEvent:
    """The calendar event of a review (`url`: the review's page, absolute), in `language`
    (default: the active one, the member's own when downloaded)."""
    with translation.override(language or translation.get_language()):
        title = _("Profile review · %(organization)s") % {"organization": review.organization}
        description = _(
            "Review of the target customer profile: is it still where the wins come from? "
            "Open the review: %(url)s"
        ) % {"url": url}
    attendees = tuple(
        Attendee(email=person.email, name=person.name) for person in review.attendees.all()
    )
    return CalendarEvent(
        uid=f"review-{review.organization_id}-{review.pk}@icp-workshop",
        title=title,
        date=review.date,
        url=url,
        description=description,
        attendees=attendees,
        sequence=review.sequence,
        cancelled=review.status == ReviewStatus.CANCELLED,
        organizer=organizer(review),
    )


def organizer(review) -> Attendee:
    """Who sends the review's invitations and reminders: the app's sender address, named
    after the organisation."""
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Attendee(email=email or "icp@localhost", name=str(review.organization) or name)
