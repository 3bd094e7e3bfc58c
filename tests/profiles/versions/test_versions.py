"""Profile versions: immutable, numbered per organisation, published, restored, compared."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from icp_site.models import Maturity
from profiles.models import ImmutableVersion, ProfileVersion, Publication, organization_deletion
from profiles.reviews import cadence
from profiles.versions import services as version_services
from profiles.versions import signals
from tests.factories import (
    DatasetFactory,
    OrganizationFactory,
    ProfileVersionFactory,
    UserFactory,
    WorkshopFactory,
    profile_content,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(team):
    return ProfileVersionFactory(
        workshop=WorkshopFactory(organization=team.organization), author=team.leader.user
    )


# --------------------------------------------------------------------------- immutability


def test_saving_a_saved_version_again_is_refused(version):
    version.note = "rewritten"
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        version.save(update_fields=["note"])


def test_deleting_a_version_is_refused(version):
    with pytest.raises(ImmutableVersion):
        version.delete()
    assert ProfileVersion.objects.filter(pk=version.pk).exists()


def test_queryset_update_and_delete_are_refused(version):
    with pytest.raises(ImmutableVersion):
        ProfileVersion.objects.filter(pk=version.pk).update(note="rewritten")
    with pytest.raises(ImmutableVersion):
        ProfileVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ImmutableVersion):
        ProfileVersion.objects.all().delete()
    with pytest.raises(ImmutableVersion):
        ProfileVersion.objects.update(note="rewritten")
    with pytest.raises(ImmutableVersion):
        ProfileVersion.objects.for_organization(version.organization).update(note="rewritten")
    with pytest.raises(ImmutableVersion):
        ProfileVersion.objects.filter(pk=version.pk).update_or_create(
            pk=version.pk, defaults={"note": "rewritten"}
        )


def test_bulk_update_is_refused(version):
    version.note = "rewritten"
    with pytest.raises(ImmutableVersion):
        ProfileVersion.objects.bulk_update([version], ["note"])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE profiles_profileversion SET note = 'rewritten' WHERE id = %s",
        "UPDATE profiles_profileversion SET content = '{}'::jsonb WHERE id = %s",
        "UPDATE profiles_profileversion SET number = number + 10 WHERE id = %s",
        "UPDATE profiles_profileversion SET dataset_id = NULL WHERE id = %s",
        "DELETE FROM profiles_profileversion WHERE id = %s",
    ],
)
def test_raw_sql_that_changes_a_version_hits_the_trigger(version, statement):
    with (
        pytest.raises(IntegrityError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [version.pk])
    stored = ProfileVersion.objects.get(pk=version.pk)
    assert (stored.note, stored.number, stored.content) == (
        version.note,
        version.number,
        version.content,
    )


def test_deleting_the_workshop_or_author_only_clears_the_reference(version):
    version.workshop.delete()
    version.author.delete()
    stored = ProfileVersion.objects.get(pk=version.pk)
    assert (stored.workshop, stored.author, stored.content) == (None, None, version.content)


def test_a_dataset_a_version_refers_to_cannot_be_deleted(version):
    with pytest.raises(IntegrityError), transaction.atomic():
        version.dataset.delete()


def test_an_organisation_with_versions_is_deleted_only_through_organization_deletion(team):
    org = OrganizationFactory()
    version = ProfileVersionFactory(workshop=WorkshopFactory(organization=org))
    version_services.profile_version_publish(version=version, user=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        org.delete()
    with organization_deletion():
        org.delete()
    assert not ProfileVersion.objects.filter(pk=version.pk).exists()
    # The permission ended with the block.
    other = ProfileVersionFactory(workshop=WorkshopFactory(organization=team.organization))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM profiles_profileversion WHERE id = %s", [other.pk])


# --------------------------------------------------------------------------- saving


def test_versions_are_numbered_per_organisation(team):
    ours = WorkshopFactory(organization=team.organization)
    theirs = WorkshopFactory(organization=team.outsider.organization)
    numbers = [
        ProfileVersionFactory(workshop=ours).number,
        ProfileVersionFactory(workshop=ours).number,
        ProfileVersionFactory(workshop=theirs).number,
        ProfileVersionFactory(workshop=ours).number,
    ]
    assert numbers == [1, 2, 1, 3]


def test_saving_takes_the_step6_inputs_with_author_note_dataset_and_workshop(team):
    workshop = WorkshopFactory(organization=team.organization)
    workshop.steps.filter(number=6).update(inputs=profile_content())
    version = version_services.profile_version_save(
        workshop=workshop, user=team.leader.user, note="  First draft  "
    )
    assert version.content == profile_content()
    assert (version.author, version.note, version.workshop, version.dataset) == (
        team.leader.user,
        "First draft",
        workshop,
        workshop.dataset,
    )


def test_content_outside_the_schema_is_refused(team):
    workshop = WorkshopFactory(organization=team.organization)
    bad = profile_content(
        criteria=[{"segment": "maybe", "attribute": "x", "operator": "eq", "value": 1}]
    )
    with pytest.raises(ValidationError):
        version_services.profile_version_save(workshop=workshop, user=None, note="", content=bad)
    assert not ProfileVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_get_distinct_numbers():
    org = OrganizationFactory()
    workshop = WorkshopFactory(organization=org)
    barrier = threading.Barrier(6)
    numbers, errors = [], []

    def save():
        try:
            barrier.wait(timeout=10)
            numbers.append(
                version_services.profile_version_save(
                    workshop=workshop, user=None, note="", content=profile_content()
                ).number
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    with organization_deletion():
        org.delete()


# --------------------------------------------------------------------------- publishing


def test_the_current_profile_is_the_newest_publication(team, version):
    org = team.organization
    assert ProfileVersion.objects.current(org) is None
    version_services.profile_version_publish(version=version, user=team.leader.user)
    second = ProfileVersionFactory(workshop=version.workshop)
    assert ProfileVersion.objects.current(org) == version  # saved, not published
    version_services.profile_version_publish(version=second, user=team.leader.user)
    assert ProfileVersion.objects.current(org) == second
    version_services.profile_version_publish(version=version, user=team.leader.user)
    assert ProfileVersion.objects.current(org) == version
    assert ProfileVersion.objects.current(team.outsider.organization) is None


def test_publishing_the_current_version_again_is_refused(team, version):
    version_services.profile_version_publish(version=version, user=None)
    with pytest.raises(ValidationError):
        version_services.profile_version_publish(version=version, user=None)
    assert Publication.objects.count() == 1


def test_publishing_sends_profile_published_on_commit(
    team, version, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.profile_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publication = version_services.profile_version_publish(
                version=version, user=team.leader.user
            )
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.profile_published.disconnect(receiver)
    assert received == [
        {
            "signal": signals.profile_published,
            "version": version,
            "publication": publication,
            "base_url": "",
        }
    ]
    assert publication.published_by == team.leader.user


def test_a_review_date_in_the_past_is_refused(version):
    with pytest.raises(ValidationError):
        version_services.profile_version_publish(
            version=version, user=None, next_review_date=datetime.date(2000, 1, 1)
        )


@pytest.mark.parametrize(
    ("maturity", "cadence", "published", "proposed"),
    [
        (Maturity.YOUNG, 0, datetime.date(2026, 1, 15), datetime.date(2026, 7, 15)),
        (Maturity.MATURE, 0, datetime.date(2026, 1, 15), datetime.date(2027, 1, 15)),
        (Maturity.YOUNG, 0, datetime.date(2026, 8, 31), datetime.date(2027, 2, 28)),
        (Maturity.YOUNG, 0, datetime.date(2027, 8, 31), datetime.date(2028, 2, 29)),
        (Maturity.MATURE, 24, datetime.date(2026, 12, 31), datetime.date(2028, 12, 31)),
        (Maturity.MATURE, 18, datetime.date(2026, 8, 31), datetime.date(2028, 2, 29)),
        (Maturity.YOUNG, 6, datetime.date(2026, 10, 31), datetime.date(2027, 4, 30)),
    ],
)
def test_next_review_proposal(maturity, cadence, published, proposed):
    org = OrganizationFactory.build(maturity=maturity, review_cadence_months=cadence)
    assert version_services.next_review_proposal(org, published) == proposed


def test_publishing_proposes_the_next_review_date(team, version):
    team.organization.maturity = Maturity.YOUNG
    team.organization.review_cadence_months = 6
    team.organization.save()
    publication = version_services.profile_version_publish(version=version, user=None)
    expected = cadence.add_months(publication.published_at.date(), 6)
    assert abs((publication.next_review_date - expected).days) <= 1


# --------------------------------------------------------------------------- restoring


def test_restoring_creates_a_new_version_with_the_old_content(team, version):
    changed = profile_content(notes={"do-or-die": "Changed", "neutral": "", "do-not": ""})
    second = version_services.profile_version_save(
        workshop=version.workshop, user=None, note="", content=changed
    )
    restored = version_services.profile_version_restore(
        version=version, user=team.admin.user, note="Back to v1"
    )
    assert (restored.number, restored.content, restored.restored_from) == (
        3,
        version.content,
        version,
    )
    assert ProfileVersion.objects.get(pk=second.pk).content == changed
    assert restored.dataset == version.dataset


def test_a_new_version_can_use_a_dataset_of_its_own(team):
    workshop = WorkshopFactory(
        organization=team.organization, dataset=DatasetFactory(organization=team.organization)
    )
    version = ProfileVersionFactory(workshop=workshop, author=UserFactory())
    assert version.dataset == workshop.dataset
