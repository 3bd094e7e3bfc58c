"""Step 6: the draft from steps 4-5, criteria, what the draft means for the customer list, the
decision log, and the versions' pages (save, publish, history, diff, restore, current)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from icp_site.models import Maturity
from profiles.models import ProfileVersion, Publication, WorkshopStep
from profiles.reviews import cadence
from profiles.versions import services as version_services
from profiles.workshop.tables import services as table_services
from tests.factories import profile_content
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(team):
    workshop = workshop_with_best_customers(team.organization, with_since=True)
    buyer = table_services.profile_rows_sync(workshop=workshop, table="buyer")
    for row, disc in zip(buyer, ["D", "D", "I", "D"], strict=True):
        table_services.profile_cell_save(row=row, column="disc", value=disc, version=0, user=None)
    return workshop


def step6(workshop):
    return WorkshopStep.objects.get(workshop=workshop, number=6)


def rebuild(client, workshop):
    url = reverse("workshop_draft_rebuild", args=[workshop.pk])
    return client.post(url, {"version": step6(workshop).version})


def test_the_draft_is_filled_in_from_the_tables_with_evidence(team, workshop):
    rebuild(team.client("leader"), workshop)
    content = step6(workshop).inputs
    traits = {t["key"]: t for t in content["traits"]}
    assert traits["industry"]["value"] == "IT" and traits["industry"]["source"] == "company"
    assert traits["disc"]["value"] == "D" and traits["disc"]["source"] == "buyer"
    assert traits["employees"]["value"] == [25, 50]  # the middle half of 25, 30, 45, 60
    criteria = {(c["segment"], c["attribute"], c["operator"]): c for c in content["criteria"]}
    assert criteria["do-or-die", "industry", "in"]["value"] == ["IT"]
    proposed = [d for d in content["decisions"] if d["key"] == "industry"]
    assert proposed[0]["by"] == "Leo Leader"
    assert proposed[0]["evidence"]["share"] == 75.0 and proposed[0]["evidence"]["lift"] == 1.5


def _form(workshop, **changes):
    """The step-6 form as the page posts it, from the saved draft."""
    content = step6(workshop).inputs
    post = {"version": step6(workshop).version, "trait": [], "crit": []}
    for trait in content["traits"]:
        post["trait"].append(trait["key"])
        value = trait["value"]
        if isinstance(value, list):
            value = "-".join(str(v) for v in value) if len(value) == 2 else ", ".join(value)
        post[f"trait-{trait['key']}-value"] = str(value)
        if trait["relevant"]:
            post[f"trait-{trait['key']}-relevant"] = "on"
    for index, item in enumerate(content["criteria"]):
        post["crit"].append(str(index))
        for name in ("segment", "attribute", "operator", "note"):
            post[f"crit-{index}-{name}"] = item[name]
        value = item["value"]
        post[f"crit-{index}-value"] = (
            ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        )
    post.update(changes)
    return post


def test_saving_the_draft_records_who_changed_what_and_why(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    post = _form(
        workshop,
        **{
            "trait-country-value": "SE, NO",
            "trait-country-reason": "Nordics only",
            "new-do-not-attribute": "industry",
            "new-do-not-operator": "in",
            "new-do-not-value": "Retail",
            "new-do-not-reason": "Retail never buys",
            "notes-neutral": "Telco when they call us",
        },
    )
    post.pop("trait-disc-relevant")
    response = client.post(reverse("workshop_draft_save", args=[workshop.pk]), post)
    assert response.status_code == 302
    content = step6(workshop).inputs
    traits = {t["key"]: t for t in content["traits"]}
    assert traits["country"]["value"] == ["SE", "NO"] and not traits["disc"]["relevant"]
    assert {
        "segment": "do-not",
        "attribute": "industry",
        "operator": "in",
        "value": ["Retail"],
        "note": "",
    } in content["criteria"]
    assert content["notes"]["neutral"] == "Telco when they call us"
    latest = {(d["key"], d["action"]): d for d in content["decisions"]}
    assert latest["country", "changed"]["reason"] == "Nordics only"
    assert latest["do-not:industry:in", "proposed"]["reason"] == "Retail never buys"
    assert latest["disc", "changed"]["by"] == "Leo Leader"


def test_an_invalid_criterion_is_refused_with_its_message(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    before = step6(workshop).inputs
    post = _form(
        workshop,
        **{
            "new-neutral-attribute": "employees",
            "new-neutral-operator": "between",
            "new-neutral-value": "50-20",
        },
    )
    response = client.post(reverse("workshop_draft_save", args=[workshop.pk]), post)
    assert response.status_code == 400
    assert "“between” needs two numbers" in response.content.decode()
    assert step6(workshop).inputs == before


def test_a_stale_draft_save_is_refused(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    post = _form(workshop)
    post["version"] = 0
    response = client.post(reverse("workshop_draft_save", args=[workshop.pk]), post)
    assert response.status_code == 409
    assert "A teammate saved the draft" in response.content.decode()


def test_the_page_applies_the_draft_to_the_customer_list(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    # Only one criterion, so the counts are checked by hand: industry in IT (4 of 8 customers,
    # revenue 5000+4000+2000+400 of 15000, 3 of the 4 best customers).
    criteria = [
        {
            "segment": "do-or-die",
            "attribute": "industry",
            "operator": "in",
            "value": ["IT"],
            "note": "",
        }
    ]
    WorkshopStep.objects.filter(workshop=workshop, number=6).update(
        inputs=profile_content(criteria=criteria)
    )
    page = client.get(reverse("workshop_step", args=[workshop.pk, 6])).content.decode()
    do_or_die = (
        '<td class="num">4</td><td class="num">50.0%</td>'
        '<td class="num">76.0%</td><td class="num">3 (75%)</td>'
    )
    assert do_or_die in page
    # Won in the last 12 months: customers 1, 3, 5, 7 (Alpha, Gamma, Epsilon, Eta); IT: Alpha.
    assert (
        "Of the 4 customers won in the last 12 months, 1 (25 %) would have been do-or-die." in page
    )


def test_saving_a_version_and_publishing_it_from_the_pages(team, workshop):
    team.organization.maturity = Maturity.YOUNG
    team.organization.review_cadence_months = 6
    team.organization.save()
    client = team.client("leader")
    rebuild(client, workshop)
    response = client.post(reverse("profile_version_create", args=[workshop.pk]), {"note": "First"})
    version = ProfileVersion.objects.get(organization=team.organization)
    assert response["Location"] == reverse("profile_version", args=[version.number])
    assert (version.number, version.note, version.content["traits"]) == (
        1,
        "First",
        step6(workshop).inputs["traits"],
    )
    assert step6(workshop).done
    page = client.get(reverse("profile_version", args=[1])).content.decode()
    proposal = cadence.add_months(timezone.localdate(), 6)
    assert f'value="{proposal.isoformat()}"' in page
    chosen = timezone.localdate() + datetime.timedelta(days=100)
    client.post(
        reverse("profile_version_publish", args=[1]), {"next_review_date": chosen.isoformat()}
    )
    assert ProfileVersion.objects.current(team.organization) == version
    assert Publication.objects.get().next_review_date == chosen
    page = team.client("rep").get(reverse("profile_version", args=[1])).content.decode()
    assert "Published" in page and "<strong>Industry</strong> in IT" in page
    assert "Publish</button>" not in page  # reps read only


def test_the_history_diff_and_restore_pages(team, workshop):
    first = version_services.profile_version_save(
        workshop=workshop, user=team.leader.user, note="v1", content=profile_content()
    )
    changed = profile_content(
        criteria=[
            {
                "segment": "do-or-die",
                "attribute": "industry",
                "operator": "in",
                "value": ["IT", "Telco"],
                "note": "",
            }
        ],
        traits=[],
    )
    version_services.profile_version_save(
        workshop=workshop, user=team.leader.user, note="v2", content=changed
    )
    rep = team.client("rep")
    history = rep.get(reverse("profile_versions")).content.decode()
    assert "v1" in history and "v2" in history
    diff = rep.get(reverse("profile_version_diff"), {"a": 1, "b": 2}).content.decode()
    assert "− Industry: IT" in diff
    assert "industry in: IT → IT, Telco" in diff
    assert rep.get(reverse("profile_version_diff"), {"a": 1, "b": 99}).status_code == 404
    assert rep.post(reverse("profile_version_restore", args=[1])).status_code == 403
    team.client("leader").post(reverse("profile_version_restore", args=[1]), {"note": ""})
    restored = ProfileVersion.objects.get(organization=team.organization, number=3)
    assert restored.content == first.content and restored.restored_from == first
    assert restored.note == "Restored from version 1"


def test_another_organisations_versions_are_404(team, workshop):
    version_services.profile_version_save(
        workshop=workshop, user=None, note="", content=profile_content()
    )
    outsider = team.client("outsider")
    assert outsider.get(reverse("profile_version", args=[1])).status_code == 404
    assert outsider.get(reverse("profile_version_diff"), {"a": 1, "b": 1}).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["workshop_draft_save", "workshop_draft_rebuild", "profile_version_create"],
)
def test_reps_cannot_change_the_draft_or_save_versions(team, workshop, name):
    response = team.client("rep").post(reverse(name, args=[workshop.pk]), {"note": "x"})
    assert response.status_code == 403
    assert not ProfileVersion.objects.exists()


def test_a_rep_reads_step6_without_inputs_to_change(team, workshop):
    rebuild(team.client("leader"), workshop)
    page = team.client("rep").get(reverse("workshop_step", args=[workshop.pk, 6])).content.decode()
    assert "Save the draft" not in page and "disabled" in page


def test_the_demo_has_a_completed_workshop_and_a_published_profile(settings):
    from django.core.management import call_command

    from icp_site.models import Organization

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    org = Organization.objects.get(slug="demo")
    workshop = org.workshops.get()
    assert all(step.done for step in workshop.steps.all())
    rows = workshop.rows.filter(table="buyer")
    assert rows.count() == 20 and all(row.values.get("disc") for row in rows)
    current = ProfileVersion.objects.current(org)
    assert current.number == 1 and ProfileVersion.objects.filter(organization=org).count() == 1
    assert {c["segment"] for c in current.content["criteria"]} == {"do-or-die", "neutral", "do-not"}
    assert any(d["reason"] for d in current.content["decisions"])
