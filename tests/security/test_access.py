"""One walk over the URL configuration proves login, organisation scoping and roles.

A new view cannot forget them: it fails here until it declares who may call it,
and an object-bearing URL fails until it says below how to make its object.
"""

import datetime as dt
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from icp_site.models import Invitation, Role
from portfolio.models import ScoringModel
from profiles.models import (
    MeetingPack,
    ReminderDelivery,
    ReviewReminder,
    SegmentExport,
    SegmentSet,
)
from profiles.workshop.tables import buyers
from profiles.workshop.tables import services as table_services
from tests.factories import (
    ApiTokenFactory,
    DatasetFactory,
    ImportUploadFactory,
    ProfileVersionFactory,
    WorkshopFactory,
)
from tests.profiles.review_factories import ReviewFactory

# Views anyone may call, signed in or not.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    # The invitation's page: its link is the key (an account is created there).
    "invitation",
    "invitation_account",
}
# Views that need a signed-in user but no organisation: Django's own, and the invited
# person's answer (any signed-in person; only the invited address may accept).
ACCOUNT = {"password_change", "password_change_done", "invitation_accept", "invitation_decline"}


# For every URL with arguments: the arguments that point at an object of team.organization.
def _version_number(team):
    workshop = WorkshopFactory(organization=team.organization)
    return {"number": ProfileVersionFactory(workshop=workshop).number}


def _invitation(team):
    return Invitation.objects.create(
        organization=team.organization,
        email=f"invited-{uuid.uuid4().hex[:8]}@example.com",
        token_hash=uuid.uuid4().hex,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


def _delivery(team):
    review = ReviewFactory(organization=team.organization)
    reminder = ReviewReminder.objects.create(
        organization=team.organization,
        review=review,
        review_date=review.date,
        offset_days=3,
        send_at=timezone.now(),
    )
    delivery = ReminderDelivery.objects.create(
        organization=team.organization,
        reminder=reminder,
        email="someone@example.com",
        language="en",
        status="uncertain",
    )
    return {"pk": review.pk, "delivery": delivery.pk}


OBJECT_KWARGS = {
    "api_profile_version": _version_number,
    "api_token_revoke": lambda team: {"pk": ApiTokenFactory(membership=team.rep).pk},
    "scoring_model_delete": lambda team: {
        "pk": ScoringModel.objects.create(organization=team.organization, name="Score").pk
    },
    "dataset_detail": lambda team: {"pk": DatasetFactory(organization=team.organization).pk},
    "dataset_delete": lambda team: {"pk": DatasetFactory(organization=team.organization).pk},
    "dataset_aggregate": lambda team: {
        "pk": DatasetFactory(organization=team.organization, kind="orders").pk
    },
    "import_detail": lambda team: {"pk": ImportUploadFactory(organization=team.organization).pk},
    "import_mapping": lambda team: {"pk": ImportUploadFactory(organization=team.organization).pk},
    "import_confirm": lambda team: {"pk": ImportUploadFactory(organization=team.organization).pk},
    "import_discard": lambda team: {"pk": ImportUploadFactory(organization=team.organization).pk},
    "import_retry": lambda team: {"pk": ImportUploadFactory(organization=team.organization).pk},
    "member_role": lambda team: {"pk": team.rep.pk},
    "member_unlock": lambda team: {"pk": team.rep.pk},
    "invitation_resend": lambda team: {"pk": _invitation(team).pk},
    "invitation_revoke": lambda team: {"pk": _invitation(team).pk},
    "review_delivery_retry": lambda team: _delivery(team),
    "member_remove": lambda team: {"pk": team.rep.pk},
    "review_detail": lambda team: {"pk": ReviewFactory(organization=team.organization).pk},
    "review_edit": lambda team: {"pk": ReviewFactory(organization=team.organization).pk},
    "review_cancel": lambda team: {"pk": ReviewFactory(organization=team.organization).pk},
    "review_start": lambda team: {"pk": ReviewFactory(organization=team.organization).pk},
    "review_ics": lambda team: {"pk": ReviewFactory(organization=team.organization).pk},
    "workshop_detail": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "workshop_step": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "number": 1,
    },
    "workshop_step_save": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "number": 1,
    },
    "workshop_step_review": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "number": 1,
    },
    "workshop_live": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "number": 4,
    },
    "workshop_undo": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "profile_cell": lambda team: _cell(team),
    "profile_buyer_add": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "profile_buyer_remove": lambda team: _further_buyer(team),
    "profile_table_paste": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "table": "company",
    },
    "profile_table_column_add": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "table": "company",
    },
    "profile_table_column_remove": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "table": "company",
        "column": "custom_1",
    },
    "workshop_table_done": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "table": "company",
    },
    "workshop_draft_save": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "workshop_draft_rebuild": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk
    },
    "profile_version_create": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk
    },
    "workshop_suggestions": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "workshop_suggestion_adopt": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk
    },
    "workshop_selfcheck": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "profile_version_selfcheck": lambda team: {"number": _version(team).number},
    "workshop_draft_preview": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk
    },
    "segment_export_status": lambda team: {"pk": _export(team).pk},
    "segment_export_download": lambda team: {"pk": _export(team).pk},
    "profile_version": lambda team: {"number": _version(team).number},
    "profile_version_publish": lambda team: {"number": _version(team).number},
    "profile_version_restore": lambda team: {"number": _version(team).number},
    "meeting_agenda": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "meeting_room": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "meeting_present": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "number": 1,
    },
    "meeting_present_live": lambda team: {
        "pk": WorkshopFactory(organization=team.organization).pk,
        "number": 1,
    },
    "meeting_pack_create": lambda team: {"pk": WorkshopFactory(organization=team.organization).pk},
    "meeting_pack_progress": lambda team: _pack(team),
    "meeting_pack_download": lambda team: {**_pack(team), "kind": "pdf"},
}


def _pack(team):
    workshop = WorkshopFactory(organization=team.organization)
    pack = MeetingPack.objects.create(
        organization=team.organization,
        workshop=workshop,
        requested_by=team.leader.user,
        state="ready",
        total=9,
    )
    return {"pk": workshop.pk, "pack": pack.pk}


def _cell(team):
    from tests.profiles.tables_helpers import workshop_with_best_customers

    workshop = workshop_with_best_customers(team.organization)
    row = table_services.profile_rows_sync(workshop=workshop, table="company")[0]
    return {"pk": workshop.pk, "table": "company", "row": row.pk, "column": "industry"}


def _further_buyer(team):
    from tests.profiles.tables_helpers import workshop_with_best_customers

    workshop = workshop_with_best_customers(team.organization)
    first = table_services.profile_rows_sync(workshop=workshop, table="buyer")[0]
    row = buyers.profile_buyer_add(
        workshop=workshop, customer_id=first.customer_id, user=team.leader.user
    )
    return {"pk": workshop.pk, "row": row.pk}


def _export(team):
    version = _version(team)
    segment_set = SegmentSet.objects.get(version=version)
    return SegmentExport.objects.create(
        organization=team.organization,
        requested_by=team.rep.user,
        segment_set=segment_set,
        file_name="segments.xlsx",
        state="ready",
    )


def _version(team):
    return ProfileVersionFactory(workshop=WorkshopFactory(organization=team.organization))


def _patterns(resolver=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def _our_patterns():
    return [p for p in _patterns() if p.name not in PUBLIC | ACCOUNT]


def _url(pattern, team):
    if not pattern.pattern.converters:
        return reverse(pattern.name)
    assert pattern.name in OBJECT_KWARGS, f"{pattern.name}: add it to OBJECT_KWARGS"
    return reverse(pattern.name, kwargs=OBJECT_KWARGS[pattern.name](team))


def _ids(patterns):
    return [p.name for p in patterns]


OUR = _our_patterns()


def test_every_view_declares_who_may_call_it():
    undeclared = [p.name for p in OUR if not hasattr(p.callback, "access_role")]
    assert undeclared == []


def _is_api(pattern) -> bool:
    return getattr(pattern.callback, "api", False)


PAGES = [p for p in OUR if not _is_api(p)]
API = [p for p in OUR if _is_api(p)]


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", PAGES, ids=_ids(PAGES))
def test_anonymous_visitors_are_sent_to_sign_in(client, team, pattern):
    url = _url(pattern, team)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", API, ids=_ids(API))
def test_anonymous_api_callers_get_401_json(client, team, pattern):
    url = _url(pattern, team)
    assert url.startswith("/api/")
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 401, (method, url)
        assert response["Content-Type"] == "application/json"
        assert "error" in response.json()


@pytest.mark.django_db
def test_the_api_views_are_exactly_the_urls_under_api(team):
    assert API, "no view is marked as an API view"
    for pattern in OUR:
        assert _url(pattern, team).startswith("/api/") == _is_api(pattern), pattern.name


OBJECT_PATTERNS = [p for p in OUR if p.pattern.converters]


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", OBJECT_PATTERNS, ids=_ids(OBJECT_PATTERNS))
def test_members_of_another_organisation_get_404(team, pattern):
    url = _url(pattern, team)
    client = team.client("outsider")
    statuses = {client.get(url).status_code, client.post(url).status_code}
    # 405 comes from the method check before any lookup, so it reveals nothing; every object
    # URL must answer at least one method with 404.
    assert statuses <= {404, 405}
    assert 404 in statuses


EDITING = [p for p in OUR if p.callback.access_role in (Role.LEADER, Role.ADMIN)]
ADMIN_ONLY = [p for p in OUR if p.callback.access_role == Role.ADMIN]


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", EDITING, ids=_ids(EDITING))
def test_reps_get_403_on_every_editing_view(team, pattern):
    url = _url(pattern, team)
    client = team.client("rep")
    assert client.get(url).status_code in (403, 405)
    assert client.post(url).status_code == 403
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", ADMIN_ONLY, ids=_ids(ADMIN_ONLY))
def test_leaders_get_403_on_admin_views(team, pattern):
    url = _url(pattern, team)
    assert team.client("leader").post(url).status_code == 403


@pytest.mark.django_db
def test_the_sign_in_page_is_public(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200


@pytest.mark.django_db
def test_static_files_need_no_sign_in(client):
    assert client.get("/static/css/app.css").status_code == 200
