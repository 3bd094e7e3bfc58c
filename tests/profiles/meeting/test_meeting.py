"""The meeting: the agenda (minutes per step, the participants' functions, the pack's
language), the facilitator's actions (take over, move the room, the timer), the check-list
before step 6 is saved, and who may do what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from icp_site.models import Role
from profiles.meeting import agenda, checklist, room
from profiles.models import Meeting, ParticipantFunction, WorkshopStep
from tests.factories import MembershipFactory
from tests.profiles.helpers import workshop_with_customers

pytestmark = pytest.mark.django_db
FUNCTIONS = ["sales", "marketing", "finance", "product", "service", "management"]


@pytest.fixture
def workshop(team):
    workshop = workshop_with_customers(team.organization)
    workshop.participants.add(team.leader.user, team.admin.user)
    return workshop


def agenda_url(workshop):
    return reverse("meeting_agenda", args=[workshop.pk])


def act(client, workshop, action, step, **headers):
    url = reverse("meeting_room", args=[workshop.pk])
    return client.post(url, {"action": action, "step": step}, **headers)


def _agenda_post(workshop, team, **changes):
    post = {f"minutes_{n}": m for n, m in agenda.DEFAULT_MINUTES.items()}
    post |= {f"function_{team.leader.user.pk}": "sales", f"function_{team.admin.user.pk}": ""}
    return post | changes


def test_the_default_agenda_fits_two_hours_and_every_step_has_notes():
    assert sum(agenda.DEFAULT_MINUTES.values()) == 120
    for number in range(1, 7):
        notes = agenda.NOTES[number]
        assert notes.decide and notes.question and notes.traps


def test_a_leader_saves_minutes_functions_and_the_packs_language(team, workshop):
    leader = team.client("leader")
    post = _agenda_post(workshop, team, minutes_3="25", language="sv")
    assert leader.post(agenda_url(workshop), post).status_code == 302
    meeting = Meeting.objects.get(workshop=workshop)
    assert agenda.minutes(meeting.durations)[3] == 25 and meeting.language == "sv"
    functions = dict(ParticipantFunction.objects.values_list("user_id", "function"))
    assert functions == {team.leader.user.pk: "sales"}
    page = leader.get(agenda_url(workshop)).text
    assert "Not represented yet: Marketing, Finance, Product, Service, Management." in page


@pytest.mark.parametrize("minutes", ["0", "x", "241", "2.5"])
def test_minutes_outside_one_to_240_are_refused_and_nothing_is_saved(team, workshop, minutes):
    response = team.client("leader").post(
        agenda_url(workshop), _agenda_post(workshop, team, minutes_2=minutes)
    )
    assert response.status_code == 400
    assert "Enter whole minutes from 1 to 240." in response.text
    assert not ParticipantFunction.objects.exists()


def test_a_function_not_on_the_list_is_refused(team, workshop):
    post = _agenda_post(workshop, team, **{f"function_{team.leader.user.pk}": "ceo"})
    response = team.client("leader").post(agenda_url(workshop), post)
    assert response.status_code == 400 and "Choose a function from the list." in response.text


def test_reps_read_the_agenda_but_change_nothing_and_other_organisations_see_nothing(
    team, workshop
):
    rep = team.client("rep")
    assert rep.get(agenda_url(workshop)).status_code == 200
    assert rep.post(agenda_url(workshop), _agenda_post(workshop, team)).status_code == 403
    assert act(rep, workshop, "take", 1).status_code == 403
    assert team.client("outsider").get(agenda_url(workshop)).status_code == 404
    assert act(team.client("outsider"), workshop, "take", 1).status_code == 404
    assert not Meeting.objects.filter(facilitator__isnull=False).exists()


def test_the_facilitator_moves_the_room_and_keeps_its_time(team, workshop):
    leader, admin = team.client("leader"), team.client("admin")
    response = act(leader, workshop, "take", 2)
    assert response["Location"] == reverse("workshop_step", args=[workshop.pk, 2])
    meeting = Meeting.objects.get(workshop=workshop)
    assert meeting.facilitator == team.leader.user and meeting.room_step == 2
    # Only the facilitator moves the room; a teammate takes over first.
    assert act(admin, workshop, "next", 2, HTTP_HX_REQUEST="true").status_code == 409
    act(leader, workshop, "start", 2)
    meeting.refresh_from_db()
    assert meeting.timer_running
    ninety_seconds_ago = timezone.now() - datetime.timedelta(seconds=90)
    Meeting.objects.filter(pk=meeting.pk).update(timer_started_at=ninety_seconds_ago)
    moves = meeting.room_moves
    response = act(leader, workshop, "next", 2)
    assert response["Location"] == reverse("workshop_step", args=[workshop.pk, 3])
    meeting.refresh_from_db()
    assert meeting.room_step == 3 and meeting.room_moves == moves + 1
    assert 89 <= meeting.spent["2"] <= 95  # the time of step 2 is kept
    assert room.room_of(workshop).elapsed < 5  # step 3 counts from zero
    act(leader, workshop, "extend", 3)
    assert room.room_of(workshop).planned == agenda.DEFAULT_MINUTES[3] + 5
    act(leader, workshop, "pause", 3)
    assert not Meeting.objects.get(pk=meeting.pk).timer_running
    act(admin, workshop, "take", 3)
    assert Meeting.objects.get(pk=meeting.pk).facilitator == team.admin.user
    assert act(leader, workshop, "dance", 3).status_code == 400


def test_the_check_list_names_what_is_missing_before_step_six_is_saved(team, workshop):
    items = {item.key: item for item in checklist.checklist(workshop)}
    assert not any(item.done for item in items.values())
    assert items["functions"].detail == (
        "Missing: Sales, Marketing, Finance, Product, Service, Management."
    )
    people = [team.leader.user, team.admin.user]
    people += [
        MembershipFactory(organization=team.organization, role=Role.LEADER).user for _ in range(4)
    ]
    workshop.participants.add(*people)
    for person, function in zip(people, FUNCTIONS, strict=True):
        ParticipantFunction.objects.create(workshop=workshop, user=person, function=function)
    WorkshopStep.objects.update_or_create(
        workshop=workshop, number=3, defaults={"inputs": {"selection": [1]}, "done": True}
    )
    WorkshopStep.objects.update_or_create(
        workshop=workshop,
        number=6,
        defaults={"inputs": {"criteria": [{"segment": "do-not", "attribute": "seats"}]}},
    )
    assert checklist.unmet(workshop) == []
    # A participant who left the workshop no longer speaks for their function.
    workshop.participants.remove(people[-1])
    assert [item.key for item in checklist.unmet(workshop)] == ["functions"]
