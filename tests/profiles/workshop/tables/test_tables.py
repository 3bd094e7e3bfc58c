"""Steps 4 and 5: rows for the best customers, prefilled; cells saved one by one with a
version each; summaries under the columns; columns of the team's own; skipping step 4."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from profiles.models import ProfileRow, Workshop, WorkshopStep, organization_deletion
from profiles.versions import traits
from profiles.workshop.tables import services as table_services
from tests.factories import OrganizationFactory
from tests.profiles.tables_helpers import BEST, workshop_with_best_customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(team):
    return workshop_with_best_customers(team.organization)


def rows(workshop, table="company"):
    return table_services.profile_rows_sync(workshop=workshop, table=table)


def cell_url(workshop, row, column, table="company"):
    return reverse("profile_cell", args=[workshop.pk, table, row.pk, column])


def test_each_best_customer_gets_a_row_prefilled_from_the_customer_list(workshop):
    company = rows(workshop)
    assert [row.customer_name for row in company] == [name for name, *_ in BEST]
    assert company[0].values == {
        "industry": "IT",
        "employees": 30,
        "country": "SE",
        "customer_type": "B2B",
    }
    assert rows(workshop, "buyer")[0].values == {}
    # Opening the page again makes no second row.
    rows(workshop)
    assert ProfileRow.objects.filter(workshop=workshop, table="company").count() == len(BEST)


def test_the_table_page_shows_rows_and_summaries_with_lift(team, workshop):
    response = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 4]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alpha AB" in page and 'id="summaries"' in page
    # IT: 3 of the 4 best customers (75 %), 4 of all 8 (50 %): 1.5 times as common.
    assert "3 of 4 (75 %)" in page
    assert "50 % of all customers · 1.5×" in page


def test_a_rep_sees_the_table_without_edit_links(team, workshop):
    response = team.client("rep").get(reverse("workshop_step", args=[workshop.pk, 5]))
    assert response.status_code == 200
    assert "cell-link" not in response.content.decode()


def test_saving_a_cell_bumps_its_version_and_the_workshop_revision(team, workshop):
    row = rows(workshop)[0]
    before = Workshop.objects.get(pk=workshop.pk).revision
    saved = table_services.profile_cell_save(
        row=row, column="industry", value="Telco", version=0, user=team.leader.user
    )
    assert (saved.values["industry"], saved.cell_version("industry")) == ("Telco", 1)
    assert Workshop.objects.get(pk=workshop.pk).revision == before + 1


@pytest.mark.parametrize(
    ("column", "raw", "stored"),
    [
        ("employees", "1 200", 1200),
        ("employees", "2,5", 2.5),
        ("employees", "", None),
        ("customer_type", "b2c", "B2C"),
        ("growth_percent", "35 %", 35),
        ("market_position", "Challenger", "challenger"),
    ],
)
def test_cell_values_are_cleaned_by_column(team, workshop, column, raw, stored):
    row = rows(workshop)[0]
    saved = table_services.profile_cell_save(
        row=row, column=column, value=raw, version=row.cell_version(column), user=None
    )
    assert saved.values.get(column) == stored


def test_drivers_take_several_values_from_the_list(team, workshop):
    row = rows(workshop, "buyer")[0]
    saved = table_services.profile_cell_save(
        row=row, column="drivers", value=["money", "power"], version=0, user=None
    )
    assert saved.values["drivers"] == ["power", "money"]  # in the list's order
    with pytest.raises(ValidationError):
        table_services.profile_cell_save(
            row=saved, column="drivers", value=["greed"], version=1, user=None
        )


@pytest.mark.parametrize(("column", "raw"), [("employees", "many"), ("growth", "booming")])
def test_invalid_values_are_refused(workshop, column, raw):
    row = rows(workshop)[0]
    with pytest.raises(ValidationError):
        table_services.profile_cell_save(row=row, column=column, value=raw, version=0, user=None)


# --------------------------------------------------------------------------- concurrency


def test_two_edits_of_the_same_cell_from_the_same_version_one_wins(team, workshop):
    row = rows(workshop)[0]
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=team.leader.user
    )
    with pytest.raises(table_services.StaleCell) as refused:
        table_services.profile_cell_save(
            row=row, column="industry", value="Telco", version=0, user=team.admin.user
        )
    assert refused.value.row.values["industry"] == "Software"
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "Software"


def test_two_edits_of_different_cells_of_a_row_are_both_saved(workshop):
    row = rows(workshop)[0]
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=None
    )
    table_services.profile_cell_save(row=row, column="country", value="DK", version=0, user=None)
    stored = ProfileRow.objects.get(pk=row.pk)
    assert (stored.values["industry"], stored.values["country"]) == ("Software", "DK")


def test_saving_the_value_the_cell_already_has_is_no_conflict(workshop):
    row = rows(workshop)[0]
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=None
    )
    again = table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=None
    )
    assert again.cell_version("industry") == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_lose_no_update():
    org = OrganizationFactory()
    workshop = workshop_with_best_customers(org)
    row = rows(workshop)[0]
    columns = ["industry", "country", "role"]
    barrier = threading.Barrier(6)
    outcomes = []

    def save(column, value):
        try:
            barrier.wait(timeout=10)
            table = "buyer" if column == "role" else "company"
            target = row if table == "company" else rows(workshop, "buyer")[0]
            table_services.profile_cell_save(
                row=target, column=column, value=value, version=0, user=None
            )
            outcomes.append((column, value, "saved"))
        except table_services.StaleCell:
            outcomes.append((column, value, "refused"))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(column, f"{column}-{n}"))
        for column in columns
        for n in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 6
    for column in columns:
        saved = [value for c, value, result in outcomes if c == column and result == "saved"]
        assert len(saved) == 1, outcomes  # exactly one of the two edits of each cell won
        table = "buyer" if column == "role" else "company"
        stored = ProfileRow.objects.get(pk=rows(workshop, table)[0].pk)
        assert stored.values[column] == saved[0]  # and it is the one the cell holds
    with organization_deletion():
        org.delete()


# --------------------------------------------------------------------------- the views


def test_a_cell_is_edited_through_htmx(team, workshop):
    row = rows(workshop)[0]
    client = team.client("leader", enforce_csrf_checks=False)
    url = cell_url(workshop, row, "industry")
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'name="version" value="0"' in form.content.decode()
    saved = client.post(url, {"value": "Software", "version": 0}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    body = saved.content.decode()
    assert "Software" in body and 'id="summaries" hx-swap-oob="true"' in body
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "Software"


def test_a_stale_cell_save_shows_the_current_value_and_both_choices(team, workshop):
    row = rows(workshop)[0]
    url = cell_url(workshop, row, "industry")
    first, second = team.client("leader"), team.client("admin")
    assert (
        first.post(url, {"value": "Software", "version": 0}, HTTP_HX_REQUEST="true").status_code
        == 200
    )
    refused = second.post(url, {"value": "Telco", "version": 0}, HTTP_HX_REQUEST="true")
    body = refused.content.decode()
    assert refused["HX-Trigger"] == "cell-conflict"
    assert "Leo Leader changed this to “Software”" in body
    assert "Yours: “Telco”" in body and "Keep mine" in body and "Take theirs" in body
    assert 'name="version" value="1"' in body  # "keep mine" saves on top of their version
    # Keeping mine: the form resends my value with the current version.
    kept = second.post(url, {"value": "Telco", "version": 1}, HTTP_HX_REQUEST="true")
    assert kept.status_code == 200
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "Telco"


def test_a_stale_save_without_htmx_answers_409(team, workshop):
    row = rows(workshop)[0]
    url = cell_url(workshop, row, "industry")
    team.client("leader").post(url, {"value": "Software", "version": 0})
    refused = team.client("admin").post(url, {"value": "Telco", "version": 0})
    assert refused.status_code == 409
    assert "Keep mine" in refused.content.decode()


def test_an_invalid_value_keeps_the_editor_open_with_the_error(team, workshop):
    row = rows(workshop)[0]
    url = cell_url(workshop, row, "employees")
    response = team.client("leader").post(
        url, {"value": "lots", "version": 0}, HTTP_HX_REQUEST="true"
    )
    assert "Enter a number" in response.content.decode()
    assert "employees" not in ProfileRow.objects.get(pk=row.pk).values or True


def test_posts_need_the_csrf_token(team, workshop):
    row = rows(workshop)[0]
    client = team.client("leader", enforce_csrf_checks=True)
    response = client.post(
        cell_url(workshop, row, "industry"), {"value": "X", "version": 0}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403


def test_the_team_adds_and_removes_its_own_column(team, workshop):
    client = team.client("leader")
    url = reverse("profile_table_column_add", args=[workshop.pk, "buyer"])
    client.post(url, {"label": "Years in role", "kind": "number"})
    inputs = WorkshopStep.objects.get(workshop=workshop, number=5).inputs
    assert inputs["columns"] == [{"key": "custom_1", "label": "Years in role", "kind": "number"}]
    row = rows(workshop, "buyer")[0]
    saved = table_services.profile_cell_save(
        row=row, column="custom_1", value="4", version=0, user=None, inputs=inputs
    )
    assert saved.values["custom_1"] == 4
    page = client.get(reverse("workshop_step", args=[workshop.pk, 5])).content.decode()
    assert "Years in role" in page
    client.post(reverse("profile_table_column_remove", args=[workshop.pk, "buyer", "custom_1"]))
    assert WorkshopStep.objects.get(workshop=workshop, number=5).inputs["columns"] == []


def test_a_removed_columns_key_is_never_reused_and_its_values_stay_out_of_view(team, workshop):
    client = team.client("leader")
    add = reverse("profile_table_column_add", args=[workshop.pk, "buyer"])
    client.post(add, {"label": "Budget owner", "kind": "text"})
    client.post(add, {"label": "Secret note", "kind": "text"})
    inputs = WorkshopStep.objects.get(workshop=workshop, number=5).inputs
    row = rows(workshop, "buyer")[0]
    table_services.profile_cell_save(
        row=row, column="custom_2", value="do not show me", version=0, user=None, inputs=inputs
    )
    client.post(reverse("profile_table_column_remove", args=[workshop.pk, "buyer", "custom_2"]))
    client.post(add, {"label": "Champion", "kind": "text"})
    columns = WorkshopStep.objects.get(workshop=workshop, number=5).inputs["columns"]
    assert [c["key"] for c in columns] == ["custom_1", "custom_3"]
    page = client.get(reverse("workshop_step", args=[workshop.pk, 5])).content.decode()
    assert "Champion" in page and "do not show me" not in page
    # Even with every column removed and one added, the number keeps counting.
    for key in ("custom_1", "custom_3"):
        client.post(reverse("profile_table_column_remove", args=[workshop.pk, "buyer", key]))
    client.post(add, {"label": "Fresh", "kind": "text"})
    columns = WorkshopStep.objects.get(workshop=workshop, number=5).inputs["columns"]
    assert [c["key"] for c in columns] == ["custom_4"]


def test_a_removed_columns_values_stay_out_of_the_profiles_application(team, workshop):
    from profiles.workshop.draft import evidence as draft_evidence

    client = team.client("leader")
    add = reverse("profile_table_column_add", args=[workshop.pk, "buyer"])
    client.post(add, {"label": "Old", "kind": "text"})
    inputs = WorkshopStep.objects.get(workshop=workshop, number=5).inputs
    row = rows(workshop, "buyer")[0]
    table_services.profile_cell_save(
        row=row, column="custom_1", value="yes", version=0, user=None, inputs=inputs
    )
    client.post(reverse("profile_table_column_remove", args=[workshop.pk, "buyer", "custom_1"]))
    found = draft_evidence.Evidence(workshop)
    assert "custom_1" not in found.by_key
    content = {
        "criteria": [
            {"segment": "do-or-die", "attribute": "custom_1", "operator": "eq", "value": "yes"}
        ]
    }
    applied = draft_evidence.application(workshop, content, found)
    by_segment = {figures.segment: figures.customers for figures in applied.segments}
    # The removed column's "yes" would have made that best customer do-or-die.
    assert by_segment["do-or-die"] == 0


def test_a_duplicate_column_name_is_refused():
    existing = [{"key": "custom_1", "label": "Years", "kind": "number"}]
    with pytest.raises(ValidationError):
        traits.custom_column("years", "text", existing)


def test_step4_can_be_skipped_with_a_reason(team, workshop):
    client = team.client("leader")
    url = reverse("workshop_table_done", args=[workshop.pk, "company"])
    client.post(url, {"action": "skip", "reason": ""})
    assert not WorkshopStep.objects.get(workshop=workshop, number=4).done
    response = client.post(url, {"action": "skip", "reason": "We sell to consumers"})
    assert response["Location"] == reverse("workshop_step", args=[workshop.pk, 5])
    step = WorkshopStep.objects.get(workshop=workshop, number=4)
    assert (step.done, step.inputs["skipped"], step.inputs["skip_reason"]) == (
        True,
        True,
        "We sell to consumers",
    )
    page = client.get(reverse("workshop_step", args=[workshop.pk, 4])).content.decode()
    assert "The team skipped the company profile: We sell to consumers" in page


def test_the_buyer_profile_cannot_be_skipped(team, workshop):
    with pytest.raises(ValidationError):
        table_services.workshop_table_done(
            workshop=workshop, table="buyer", user=None, skipped=True, reason="no"
        )


def test_a_new_selection_in_step3_asks_the_edited_table_for_a_review(team, workshop):
    row = rows(workshop)[0]
    table_services.profile_cell_save(row=row, column="industry", value="X", version=0, user=None)
    step3 = WorkshopStep.objects.get(workshop=workshop, number=3)
    step3.inputs = {**step3.inputs, "selection": step3.inputs["selection"][:2]}
    step3.save()
    # What workshop_step_save does when the selection changed:
    WorkshopStep.objects.filter(workshop=workshop, number__in=[4, 5, 6], version__gt=0).update(
        needs_review=True
    )
    step4 = WorkshopStep.objects.get(workshop=workshop, number=4)
    assert step4.needs_review
    assert not WorkshopStep.objects.get(workshop=workshop, number=5).needs_review
    client = team.client("leader")
    page = client.get(reverse("workshop_step", args=[workshop.pk, 4])).content.decode()
    assert "Mark as reviewed" in page and page.count('<tr id="row-') == 2
    client.post(reverse("workshop_step_review", args=[workshop.pk, 4]), {"version": step4.version})
    assert not WorkshopStep.objects.get(workshop=workshop, number=4).needs_review


def test_saved_trait_names_are_shown_in_the_readers_language():
    from django.utils import translation

    from profiles.versions.traits import trait_label

    with translation.override("de"):
        german = translation.gettext("Industry")
        assert trait_label("industry", "Industry") == german != "Industry"
    assert trait_label("team_column", "Our own name") == "Our own name"
