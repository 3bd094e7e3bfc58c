"""Uploads nobody imports do not keep their files forever: age rule, command, discard."""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portfolio.models import ImportState, ImportUpload, ImportUploadPart
from portfolio.uploads.services import import_uploads_clean
from tests.factories import DatasetFactory, ImportUploadFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _upload(team, *, age: dt.timedelta, state=ImportState.UPLOADED, now=NOW) -> ImportUpload:
    upload = ImportUploadFactory(organization=team.organization, state=state)
    # created_at is auto_now_add: set the age afterwards.
    ImportUpload.objects.filter(pk=upload.pk).update(created_at=now - age)
    return upload


def _left() -> set[int]:
    return set(ImportUpload.objects.values_list("pk", flat=True))


def test_uploads_older_than_the_max_age_are_deleted_and_the_boundary_is_kept(team, settings):
    settings.IMPORT_UPLOAD_MAX_AGE_DAYS = 7
    week = dt.timedelta(days=7)
    just_over = _upload(team, age=week + dt.timedelta(seconds=1))
    long_ago = _upload(team, age=dt.timedelta(days=90))
    exactly = _upload(team, age=week)
    young = _upload(team, age=dt.timedelta(days=6, hours=23))
    assert import_uploads_clean(now=NOW) == 2
    assert _left() == {exactly.pk, young.pk}
    assert just_over.pk not in _left() and long_ago.pk not in _left()


def test_the_max_age_is_a_setting(team, settings):
    settings.IMPORT_UPLOAD_MAX_AGE_DAYS = 2
    three_days = _upload(team, age=dt.timedelta(days=3))
    one_day = _upload(team, age=dt.timedelta(days=1))
    assert import_uploads_clean(now=NOW) == 1
    assert _left() == {one_day.pk}
    assert three_days.pk not in _left()


def test_uploads_imported_or_being_imported_are_kept_whatever_their_age(team):
    old = dt.timedelta(days=30)
    done = _upload(team, age=old, state=ImportState.DONE)
    running = _upload(team, age=old, state=ImportState.RUNNING)
    ImportUpload.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now())
    abandoned = (
        ImportState.UPLOADED,
        ImportState.READING,
        ImportState.QUEUED,  # never claimed by a worker in a month
        ImportState.INVALID,
        ImportState.FAILED,
    )
    for state in abandoned:
        _upload(team, age=old, state=state)
    assert import_uploads_clean(now=NOW) == 5
    assert _left() == {done.pk, running.pk}


def test_the_clean_up_takes_the_same_few_queries_however_many_uploads_it_deletes(
    team, django_assert_num_queries
):
    for _ in range(3):
        _upload(team, age=dt.timedelta(days=30))
    with django_assert_num_queries(5):  # the sweep's two updates, select, parts, uploads
        assert import_uploads_clean(now=NOW) == 3
    for _ in range(6):
        _upload(team, age=dt.timedelta(days=30))
    with django_assert_num_queries(5):
        assert import_uploads_clean(now=NOW) == 6
    assert not ImportUploadPart.objects.exists()  # the files went with them


def test_a_new_upload_clears_out_the_forgotten_ones_of_every_organisation(team):
    forgotten = _upload(team, age=dt.timedelta(days=30), now=timezone.now())
    other = ImportUploadFactory(organization=team.outsider.organization)
    ImportUpload.objects.filter(pk=other.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    waiting = _upload(team, age=dt.timedelta(days=1), now=timezone.now())
    file = SimpleUploadedFile("new.csv", b"Name,Revenue\nAlpha,100\n")
    response = team.client("leader").post(reverse("import_upload"), {"file": file})
    assert response.status_code == 302
    new = ImportUpload.objects.get(file_name="new.csv")
    assert _left() == {waiting.pk, new.pk}
    assert forgotten.pk not in _left() and other.pk not in _left()


def test_the_clean_uploads_command_prints_how_many_it_deleted(team, settings):
    settings.IMPORT_UPLOAD_MAX_AGE_DAYS = 7
    for _ in range(2):
        _upload(team, age=dt.timedelta(days=8), now=timezone.now())
    young = _upload(team, age=dt.timedelta(days=1), now=timezone.now())
    out = StringIO()
    call_command("clean_uploads", stdout=out)
    assert out.getvalue().splitlines() == [
        "0 stopped import(s) marked as failed.",
        "2 upload(s) older than 7 days deleted.",
    ]
    assert _left() == {young.pk}
    out = StringIO()
    call_command("clean_uploads", stdout=out)
    assert out.getvalue().splitlines()[1].startswith("0 upload(s)")


# --- discard -------------------------------------------------------------------------------


def test_a_leader_discards_a_pending_upload_and_is_told_nothing_was_imported(team):
    upload = ImportUploadFactory(organization=team.organization, file_name="crm.csv")
    client = team.client("leader")
    response = client.post(reverse("import_discard", args=[upload.pk]), follow=True)
    assert response.redirect_chain == [(reverse("customers"), 302)]
    assert "The file “crm.csv” was discarded; nothing was imported." in response.text
    assert not ImportUpload.objects.filter(pk=upload.pk).exists()


@pytest.mark.parametrize(
    "state",
    [
        ImportState.UPLOADED,
        ImportState.READING,
        ImportState.QUEUED,
        ImportState.INVALID,
        ImportState.FAILED,
    ],
)
def test_every_upload_nobody_imports_can_be_discarded(team, state):
    upload = ImportUploadFactory(organization=team.organization, state=state)
    response = team.client("admin").post(reverse("import_discard", args=[upload.pk]))
    assert response.status_code == 302
    assert not ImportUpload.objects.filter(pk=upload.pk).exists()


@pytest.mark.parametrize("state", [ImportState.RUNNING, ImportState.DONE])
def test_an_upload_being_or_already_imported_is_not_discarded(team, state):
    upload = ImportUploadFactory(organization=team.organization, state=state)
    if state == ImportState.DONE:
        dataset = DatasetFactory(organization=team.organization)
        ImportUpload.objects.filter(pk=upload.pk).update(dataset=dataset)
    response = team.client("leader").post(reverse("import_discard", args=[upload.pk]))
    assert response.status_code == 409
    assert ImportUpload.objects.filter(pk=upload.pk).exists()


def test_another_organisation_cannot_discard_an_upload(team):
    upload = ImportUploadFactory(organization=team.organization)
    response = team.client("outsider").post(reverse("import_discard", args=[upload.pk]))
    assert response.status_code == 404
    assert ImportUpload.objects.filter(pk=upload.pk).exists()


def test_reps_cannot_discard_an_upload(team):
    upload = ImportUploadFactory(organization=team.organization)
    response = team.client("rep").post(reverse("import_discard", args=[upload.pk]))
    assert response.status_code == 403
    assert ImportUpload.objects.filter(pk=upload.pk).exists()


def test_discard_needs_a_post_with_the_csrf_token(team):
    upload = ImportUploadFactory(organization=team.organization)
    client = team.client("leader", enforce_csrf_checks=True)
    assert client.get(reverse("import_discard", args=[upload.pk])).status_code == 405
    assert client.post(reverse("import_discard", args=[upload.pk])).status_code == 403
    assert ImportUpload.objects.filter(pk=upload.pk).exists()


def test_the_customers_page_offers_discard_for_uploads_nobody_is_importing(team):
    waiting = ImportUploadFactory(organization=team.organization, state=ImportState.UPLOADED)
    running = ImportUploadFactory(organization=team.organization, state=ImportState.RUNNING)
    page = team.client("leader").get(reverse("customers"))
    assert reverse("import_discard", args=[waiting.pk]) in page.text
    assert reverse("import_discard", args=[running.pk]) not in page.text
    assert "Nothing from it has been imported" in page.text  # the confirmation question
    rep_page = team.client("rep").get(reverse("customers"))
    assert reverse("import_discard", args=[waiting.pk]) not in rep_page.text


def test_the_problems_page_offers_discard(team):
    upload = ImportUploadFactory(organization=team.organization, state=ImportState.INVALID)
    page = team.client("leader").get(reverse("import_detail", args=[upload.pk]))
    assert reverse("import_discard", args=[upload.pk]) in page.text
