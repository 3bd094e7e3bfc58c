"""Live refresh: polls answer 304 while nothing changed, the changed cells otherwise, never
the cell the participant is editing; and the page shows who else is here."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import WorkshopPresence, WorkshopStep
from profiles.workshop import live, services
from profiles.workshop.draft import fields
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.tables import services as table_services
from tests.profiles.helpers import workshop_with_customers
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(team):
    return workshop_with_best_customers(team.organization)


def poll(client, workshop, number=4, etag="", **params):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    url = reverse("workshop_live", args=[workshop.pk, number])
    return client.get(url, params, HTTP_HX_REQUEST="true", **headers)


def test_a_poll_without_changes_answers_304_with_the_same_etag(team, workshop):
    client = team.client("leader")
    first = poll(client, workshop)
    assert first.status_code == 200
    etag = first["ETag"]
    again = poll(client, workshop, etag=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "no-store"


def test_an_edit_changes_the_etag_and_the_poll_brings_the_cell(team, workshop):
    client = team.client("rep")  # reps watch the table too
    etag = poll(client, workshop)["ETag"]
    row = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=team.leader.user
    )
    changed = poll(client, workshop, etag=etag, structure=_structure(client, workshop))
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    body = changed.content.decode()
    assert f'id="c-{row.pk}-industry"' in body and "Software" in body
    assert 'hx-swap-oob="true"' in body


def test_the_cell_being_edited_is_left_alone(team, workshop):
    client = team.client("leader")
    row = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    table_services.profile_cell_save(
        row=row, column="country", value="DK", version=0, user=team.admin.user
    )
    body = poll(
        client, workshop, structure=_structure(client, workshop), editing=f"{row.pk}:industry"
    ).content.decode()
    assert f'id="c-{row.pk}-country"' in body
    assert f'id="c-{row.pk}-industry"' not in body


def test_a_changed_structure_rebuilds_the_table(team, workshop):
    client = team.client("leader")
    body = poll(client, workshop, structure="old").content.decode()
    assert 'id="table-wrap" class="table-wrap profile-table-wrap" hx-swap-oob="true"' in body
    editing = poll(client, workshop, structure="old", editing="1:industry").content.decode()
    assert 'id="table-wrap"' not in editing and "reload the page" in editing


def _structure(client, workshop):
    page = client.get(reverse("workshop_step", args=[workshop.pk, 4])).content.decode()
    marker = 'id="structure" name="structure" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_presence_lists_the_others_seen_in_the_last_seconds(team, workshop):
    leader, admin = team.client("leader"), team.client("admin")
    poll(leader, workshop)
    body = poll(admin, workshop).content.decode()
    assert "Also here now: Leo Leader" in body
    # Somebody arriving changes the ETag of those already there.
    etag = poll(leader, workshop)["ETag"]
    assert poll(team.client("rep"), workshop).status_code == 200
    assert poll(leader, workshop, etag=etag).status_code == 200
    # Gone for longer than PRESENT_SECONDS: no longer listed.
    WorkshopPresence.objects.update(
        last_seen=timezone.now() - datetime.timedelta(seconds=live.PRESENT_SECONDS + 5)
    )
    assert "Nobody else is here right now." in poll(admin, workshop).content.decode()


def test_presence_is_written_at_most_every_few_seconds(team, workshop):
    client = team.client("leader")
    poll(client, workshop)
    seen = WorkshopPresence.objects.get(user=team.leader.user).last_seen
    poll(client, workshop)
    assert WorkshopPresence.objects.get(user=team.leader.user).last_seen == seen


def test_a_step_one_poll_brings_a_teammates_limits_and_the_new_results(team):
    workshop = workshop_with_customers(team.organization)
    client = team.client("rep")
    etag = poll(client, workshop, number=1)["ETag"]
    step = WorkshopStep.objects.get(workshop=workshop, number=1)
    services.workshop_step_fields_save(
        step=step, user=team.leader.user, changes={"thresholds": [5, 40]}, versions={}
    )
    changed = poll(client, workshop, number=1, etag=etag)
    body = changed.content.decode()
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert '<div id="results" class="results" hx-swap-oob="true">' in body
    assert 'id="field-thresholds" data-field="thresholds" hx-swap-oob="true"' in body
    assert 'value="40"' in body
    assert 'data-share="large">79.5%' not in body  # Large One moved to medium
    # A field the person is editing stays as they typed it; the others come.
    editing = poll(client, workshop, number=1, editing="thresholds").content.decode()
    assert 'id="field-thresholds"' not in editing and 'id="field-preset"' in editing


def test_the_step6_poll_brings_a_teammates_field_but_not_the_one_being_edited(team, workshop):
    client = team.client("leader")
    step = WorkshopStep.objects.get(workshop=workshop, number=6)
    evidence = Evidence(workshop)
    draft_services.workshop_draft_rebuild(
        step=step, user=team.admin.user, evidence=evidence, version=step.version
    )
    structure = _draft_structure(client, workshop)
    etag = poll(client, workshop, number=6, structure=structure)["ETag"]
    step.refresh_from_db()
    version = step.field_version("trait:industry:value")
    edit = draft_services.FieldEdit("trait:industry:value", ["IT", "Telco"], version)
    draft_services.workshop_draft_fields_save(
        step=step, user=team.admin.user, edits=[edit], evidence=evidence
    )
    slug = fields.slug("trait:industry:value")
    body = poll(client, workshop, number=6, etag=etag, structure=structure).content.decode()
    assert f'id="{slug}" data-field="trait:industry:value" hx-swap-oob="true"' in body
    assert 'value="IT, Telco"' in body
    assert 'id="application"' in body and 'id="decision-log"' in body
    editing = poll(
        client, workshop, number=6, structure=structure, editing="trait:industry:value"
    ).content.decode()
    assert f'id="{slug}"' not in editing
    # Traits or criteria added or removed: the sections come again (or a notice while editing).
    assert 'id="sections"' in poll(client, workshop, number=6, structure="old").text
    notice = poll(client, workshop, number=6, structure="old", editing="notes:neutral").text
    assert 'id="sections"' not in notice and "reload the page" in notice


def _draft_structure(client, workshop):
    page = client.get(reverse("workshop_step", args=[workshop.pk, 6])).content.decode()
    marker = 'id="draft-structure" name="structure" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_polling_another_organisations_workshop_is_404(team, workshop):
    assert poll(team.client("outsider"), workshop).status_code == 404
    assert not WorkshopPresence.objects.exists()


def test_etags_are_compared_weakly():
    assert live.matches('W/"company-3-ab"', 'W/"company-3-ab"')
    assert live.matches('"company-3-ab"', 'W/"company-3-ab"')
    assert live.matches('W/"x", W/"company-3-ab"', 'W/"company-3-ab"')
    assert not live.matches("", 'W/"company-3-ab"')
    assert not live.matches('W/"company-4-ab"', 'W/"company-3-ab"')


@pytest.mark.parametrize("number", [1, 4, 6])
def test_a_poll_shared_by_everybody_carries_nobodys_csrf_token(team, workshop, number):
    # What a poll answers is rendered once for all participants: a token in it would be one
    # person's, and a form posting it would be refused for everybody else.
    row = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=team.admin.user
    )
    body = poll(team.client("leader"), workshop, number=number, structure="x").content.decode()
    assert "Last change by Ada Admin" in body
    assert "csrfmiddlewaretoken" not in body
