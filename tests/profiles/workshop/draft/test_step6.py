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
from profiles.workshop.draft import fields
from profiles.workshop.tables import services as table_services
from tests.factories import profile_content
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


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


def _form(workshop, *, texts=None, reasons=None, **extra):
    """The step-6 form as the page posts it (every field with the text, base and version the
    page showed), with `texts` typed into some fields and `reasons` into their "why"."""
    step = step6(workshop)
    content = step.inputs
    post = {"field": [], "criterion": [], **extra}
    ids = fields.all_fields(content)
    for field_id in ids:
        if field_id.count(":") == 3 and field_id.startswith("crit:"):
            post["criterion"].append(field_id)
            continue
        slug = fields.slug(field_id)
        text = fields.text(content, field_id)
        post["field"].append(field_id)
        post[f"{slug}-base"] = text
        post[f"{slug}-version"] = step.field_version(field_id)
        typed = (texts or {}).get(field_id, text)
        if not (field_id.endswith(":relevant") and typed != "on"):
            post[f"{slug}-value"] = typed
    for field_id, reason in (reasons or {}).items():
        post["why-" + fields.slug(field_id)] = reason
    return post


def save_url(workshop):
    return reverse("workshop_draft_save", args=[workshop.pk])


def test_saving_the_whole_form_records_who_changed_what_and_why(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    post = _form(
        workshop,
        texts={
            "trait:country:value": "SE, NO",
            "trait:disc:relevant": "",
            "notes:neutral": "Telco when they call us",
        },
        reasons={"trait:country:value": "Nordics only"},
        **{
            "new-do-not-attribute": "industry",
            "new-do-not-operator": "in",
            "new-do-not-value": "Retail",
            "new-do-not-reason": "Retail never buys",
        },
    )
    response = client.post(save_url(workshop), post)
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


def test_a_save_writes_only_what_the_person_changed(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    step = step6(workshop)
    # A one-value trait of a multi-valued column is kept as the tables gave it, and criteria
    # in the order they were made.
    content = step.inputs
    drivers = {"key": "drivers", "label": "Drivers", "value": "recognition", "relevant": True}
    content["traits"].append({**drivers, "source": "buyer"})
    WorkshopStep.objects.filter(pk=step.pk).update(inputs=content)
    before = step6(workshop).inputs
    response = client.post(save_url(workshop), _form(workshop, texts={"notes:do-not": "Never"}))
    assert response.status_code == 302
    after = step6(workshop).inputs
    assert after["traits"] == before["traits"]
    assert after["criteria"] == before["criteria"]
    drivers = next(t for t in after["traits"] if t["key"] == "drivers")
    assert drivers["value"] == "recognition"
    assert after["decisions"] == before["decisions"]  # notes are not decisions; nothing else


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
    response = client.post(save_url(workshop), post)
    assert response.status_code == 400
    assert "“between” needs two numbers" in response.content.decode()
    assert step6(workshop).inputs == before
    added = client.post(save_url(workshop), {**post, "add": "neutral"}, **HTMX)
    assert "“between” needs two numbers" in added.content.decode()
    assert 'value="50-20"' in added.content.decode()  # what was typed stays


def test_two_people_editing_different_fields_both_keep_their_edit(team, workshop):
    rebuild(team.client("leader"), workshop)
    leo_page, ada_page = _form(workshop), _form(workshop)
    leo, ada = team.client("leader"), team.client("admin")
    industry, notes = fields.slug("trait:industry:value"), fields.slug("notes:do-not")
    leo_page[f"{industry}-value"] = "IT, Telco"
    leo.post(save_url(workshop), leo_page, HTTP_HX_TRIGGER_NAME=f"{industry}-value", **HTMX)
    ada_page[f"{notes}-value"] = "Consumers"
    answer = ada.post(save_url(workshop), ada_page, HTTP_HX_TRIGGER_NAME=f"{notes}-value", **HTMX)
    assert "field-conflict" not in answer.get("HX-Trigger", "")
    content = step6(workshop).inputs
    traits = {t["key"]: t for t in content["traits"]}
    assert traits["industry"]["value"] == ["IT", "Telco"]
    assert content["notes"]["do-not"] == "Consumers"


def test_the_same_field_by_two_people_offers_the_choice_and_loses_nothing(team, workshop):
    rebuild(team.client("leader"), workshop)
    leo_page, ada_page = _form(workshop), _form(workshop)
    leo, ada = team.client("leader"), team.client("admin")
    industry = fields.slug("trait:industry:value")
    trigger = {"HTTP_HX_TRIGGER_NAME": f"{industry}-value", **HTMX}
    leo_page[f"{industry}-value"] = "IT, Telco"
    leo.post(save_url(workshop), leo_page, **trigger)
    ada_page[f"{industry}-value"] = "Software"
    refused = ada.post(save_url(workshop), ada_page, **trigger)
    body = refused.content.decode()
    assert refused["HX-Trigger"] == "field-conflict"
    assert "Leo Leader changed this to “IT, Telco” while you were editing." in body
    assert 'value="Software"' in body and "Keep mine" in body and "Take theirs" in body
    traits = {t["key"]: t for t in step6(workshop).inputs["traits"]}
    assert traits["industry"]["value"] == ["IT", "Telco"]
    kept = ada.post(save_url(workshop), {**ada_page, "keep": "trait:industry:value"}, **HTMX)
    assert "field-conflict" not in kept.get("HX-Trigger", "")
    traits = {t["key"]: t for t in step6(workshop).inputs["traits"]}
    assert traits["industry"]["value"] == "Software"
    # Without JavaScript the page comes back with both values: 409.
    plain = leo.post(save_url(workshop), {**leo_page, f"{industry}-value": "Media"})
    assert plain.status_code == 409 and 'value="Media"' in plain.content.decode()


def test_save_as_version_saves_the_pending_edits_first(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    post = _form(workshop, texts={"notes:do-not": "Consumers"}, note="With notes")
    post["checklist_ack"] = "1"  # no participant has a function: the team saves anyway
    response = client.post(reverse("profile_version_create", args=[workshop.pk]), post)
    version = ProfileVersion.objects.get(organization=team.organization)
    assert response["Location"] == reverse("profile_version", args=[version.number])
    assert version.content["notes"]["do-not"] == "Consumers"


def test_save_as_version_refuses_naming_an_edit_a_teammate_changed_meanwhile(team, workshop):
    rebuild(team.client("leader"), workshop)
    stale = _form(workshop, texts={"trait:industry:value": "Software"}, note="Mine")
    admin_page = _form(workshop, texts={"trait:industry:value": "IT, Telco"})
    team.client("admin").post(save_url(workshop), admin_page)
    response = team.client("leader").post(
        reverse("profile_version_create", args=[workshop.pk]), stale
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not saved, decide on these first: Industry." in body
    assert 'value="Software"' in body and 'value="Mine"' in body
    assert not ProfileVersion.objects.exists()


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
    response = client.post(
        reverse("profile_version_create", args=[workshop.pk]),
        {"note": "First", "checklist_ack": "1"},
    )
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
    assert "Industry is one of: IT → IT, Telco" in diff
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
    assert "Save the draft" not in page and "disabled" in page and "data-autosave" not in page


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


def test_several_criteria_are_changed_in_one_save(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    content = step6(workshop).inputs
    content["criteria"] = [
        {"segment": "do-or-die", "attribute": "industry", "operator": "in", "value": ["IT"]},
        {"segment": "do-not", "attribute": "employees", "operator": "lt", "value": 10},
    ]
    WorkshopStep.objects.filter(workshop=workshop, number=6).update(inputs=content)
    industry = fields.criterion_field(content["criteria"][0], "value")
    employees = fields.criterion_field(content["criteria"][1], "value")
    post = _form(workshop, texts={industry: "IT, Telco", employees: "5"})
    assert client.post(save_url(workshop), post).status_code == 302
    saved = {c["attribute"]: c["value"] for c in step6(workshop).inputs["criteria"]}
    assert saved == {"industry": ["IT", "Telco"], "employees": 5}


def test_a_number_that_cannot_be_negative_is_refused(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    content = step6(workshop).inputs
    if not any(t["key"] == "employees" for t in content["traits"]):
        content["traits"].append(
            {"key": "employees", "label": "Employees", "value": 50, "relevant": True}
            | {"source": "company"}
        )
        WorkshopStep.objects.filter(workshop=workshop, number=6).update(inputs=content)
    field = fields.trait_field("employees", "value")
    response = client.post(save_url(workshop), _form(workshop, texts={field: "-5"}))
    assert response.status_code == 400  # the form again, with the message
    assert "Enter 0 or more." in response.text
    employees = next(t for t in step6(workshop).inputs["traits"] if t["key"] == "employees")
    assert employees["value"] != -5


def test_the_decision_log_shows_times_in_the_organisations_time_zone(team, workshop):
    team.organization.time_zone = "America/New_York"
    team.organization.save()
    client = team.client("leader")
    rebuild(client, workshop)
    content = step6(workshop).inputs
    content["decisions"] = [
        {
            "key": "industry",
            "action": "changed",
            "at": "2026-01-15T15:00:00+00:00",
            "by": "Leo Leader",
            "reason": "Nordics",
        }
    ]
    WorkshopStep.objects.filter(workshop=workshop, number=6).update(inputs=content)
    page = client.get(reverse("workshop_step", args=[workshop.pk, 6])).text
    assert "15 Jan 2026, 10:00" in page and "15:00" not in page


def test_save_as_version_asks_for_the_check_list_first(team, workshop):
    client = team.client("leader")
    rebuild(client, workshop)
    url = reverse("profile_version_create", args=[workshop.pk])
    response = client.post(url, {"note": "First"})
    assert response.status_code == 400
    assert "the check-list is not complete (Every function is represented;" in response.text
    assert not ProfileVersion.objects.exists()
    assert client.post(url, {"note": "First", "checklist_ack": "1"}).status_code == 302
    assert ProfileVersion.objects.filter(organization=team.organization).count() == 1
