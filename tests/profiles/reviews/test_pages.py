"""The Reviews pages: admins schedule, everybody else reads; the .ics; the banner."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from icp_site.models import Maturity
from portfolio.models import DatasetStatus
from profiles.models import Review, ReviewStatus
from profiles.reviews import services as reviews
from tests.factories import DatasetFactory, WorkshopFactory


def _review(team, days_ahead=60, **kwargs):
    return reviews.review_create(
        organization=team.organization,
        user=team.admin.user,
        date=timezone.localdate() + datetime.timedelta(days=days_ahead),
        base_url="https://icp.example.com/",
        **kwargs,
    )


@pytest.mark.parametrize("who", ["leader", "rep"])
def test_leaders_and_reps_read_the_schedule_without_changing_it(team, who):
    review = _review(team)
    client = team.client(who)
    page = client.get(reverse("reviews"))
    assert page.status_code == 200
    assert review.date.strftime("%Y") in page.text
    assert reverse("review_settings") not in page.text
    assert reverse("review_new") not in page.text
    detail = client.get(reverse("review_detail", args=[review.pk]))
    assert detail.status_code == 200
    assert reverse("review_cancel", args=[review.pk]) not in detail.text
    for name, args in [
        ("review_settings", []),
        ("review_new", []),
        ("review_edit", [review.pk]),
        ("review_cancel", [review.pk]),
        ("review_start", [review.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"date": "2030-01-01"}).status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.SCHEDULED


def test_the_admin_sets_maturity_and_the_cadence_follows(team):
    org = team.organization
    org.maturity, org.review_cadence_months = Maturity.MATURE, 12
    org.save()
    response = team.client("admin").post(
        reverse("review_settings"), {"maturity": "young", "review_cadence_months": "12"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.maturity, org.review_cadence_months) == ("young", 6)


def test_the_settings_form_swaps_the_schedule_with_htmx_and_a_csrf_token(team):
    client = team.client("admin", enforce_csrf_checks=True)
    page = client.get(reverse("reviews"))
    assert 'hx-post="{}"'.format(reverse("review_settings")) in page.text
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("review_settings"),
        {"maturity": "mature", "review_cadence_months": "18"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="review-schedule">')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]
    team.organization.refresh_from_db()
    assert team.organization.review_cadence_months == 18


def test_the_schedule_page_answers_htmx_with_its_partial(team):
    client = team.client("rep")
    full = client.get(reverse("reviews"))
    partial = client.get(reverse("reviews"), HTTP_HX_REQUEST="true")
    assert "<html" in full.text and "<html" not in partial.text
    assert "HX-Request" in partial["Vary"]


def test_the_admin_schedules_a_review_with_attendees_and_reminders(team):
    response = team.client("admin").post(
        reverse("review_new"),
        {
            "date": "2030-06-14",
            "attendees": [team.admin.user.pk, team.rep.user.pk],
            "reminder_offsets": "7, 2",
        },
    )
    review = Review.objects.for_organization(team.organization).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("review_detail", args=[review.pk])
    assert review.date == datetime.date(2030, 6, 14)
    assert set(review.attendees.all()) == {team.admin.user, team.rep.user}
    assert review.reminder_offsets == [7, 2]
    assert review.base_url == "http://testserver/"
    assert sorted(review.reminders.values_list("offset_days", flat=True)) == [0, 2, 7]


def test_the_new_review_form_proposes_the_default_attendees_and_reminders(team):
    page = team.client("admin").get(reverse("review_new"))
    assert page.status_code == 200
    assert 'value="14, 1"' in page.text
    assert page.context["form"].initial["attendees"].count() == 2


def test_bad_reminder_days_are_refused_on_the_form(team):
    response = team.client("admin").post(
        reverse("review_new"), {"date": "2030-06-14", "reminder_offsets": "two weeks"}
    )
    assert response.status_code == 400
    assert not Review.objects.for_organization(team.organization).exists()


def test_the_admin_moves_a_review(team):
    review = _review(team)
    new_date = review.date + datetime.timedelta(days=10)
    response = team.client("admin").post(
        reverse("review_edit", args=[review.pk]),
        {"date": new_date.isoformat(), "attendees": [team.admin.user.pk], "reminder_offsets": "14"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.date == new_date
    assert review.reminders.filter(cancelled_at__isnull=False).count() == 3


def test_the_admin_cancels_a_review(team):
    review = _review(team)
    response = team.client("admin").post(reverse("review_cancel", args=[review.pk]))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.CANCELLED


def test_the_admin_starts_a_review_on_the_newest_list(team):
    WorkshopFactory(organization=team.organization)
    newest = DatasetFactory(organization=team.organization, status=DatasetStatus.READY)
    review = _review(team)
    client = team.client("admin")
    page = client.get(reverse("review_start", args=[review.pk]))
    assert page.context["form"].fields["dataset"].initial == newest.pk
    response = client.post(reverse("review_start", args=[review.pk]), {"dataset": newest.pk})
    review.refresh_from_db()
    assert review.workshop is not None and review.workshop.dataset == newest
    assert response["Location"] == reverse("workshop_step", args=[review.workshop.pk, 1])


def test_every_member_downloads_the_review_as_a_calendar_event(team):
    review = _review(team)
    response = team.client("rep").get(reverse("review_ics", args=[review.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == review.date
    attendees = {str(a) for a in event["attendee"]}
    assert attendees == {f"mailto:{team.admin.user.email}", f"mailto:{team.leader.user.email}"}
    assert f"http://testserver/reviews/{review.pk}/" == str(event["url"])


def test_members_see_a_banner_while_a_review_is_due(team):
    _review(team, days_ahead=30)
    client = team.client("rep")
    assert "review-banner" not in client.get(reverse("workshops")).text
    _review(team, days_ahead=3)
    page = client.get(reverse("workshops"))
    assert "review-banner" in page.text
    assert "coming up" in page.text


def test_an_overdue_review_is_highlighted_in_the_banner_and_the_schedule(team):
    review = _review(team, days_ahead=5)
    Review.objects.filter(pk=review.pk).update(
        date=timezone.localdate() - datetime.timedelta(days=2)
    )
    client = team.client("rep")
    assert "was due on" in client.get(reverse("workshops")).text
    assert "badge-error" in client.get(reverse("reviews")).text


def test_the_reviews_link_is_in_the_navigation(team):
    page = team.client("rep").get(reverse("workshops"))
    assert f'href="{reverse("reviews")}"' in page.text
