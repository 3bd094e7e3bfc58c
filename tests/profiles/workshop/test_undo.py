"""Undo: the newest change of a workshop (any step, any participant) is taken back, one at a
time, and the decision log says so."""

import pytest
from django.urls import reverse

from profiles.models import ProfileRow, WorkshopChange, WorkshopStep
from profiles.workshop import history, services, undo
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.tables import services as table_services
from tests.profiles.helpers import workshop_with_customers
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(team):
    return workshop_with_best_customers(team.organization)


def step(workshop, number):
    return WorkshopStep.objects.get(workshop=workshop, number=number)


def first_row(workshop):
    return table_services.profile_rows_sync(workshop=workshop, table="company")[0]


def undo_last(workshop, user):
    change = history.last_change(workshop.pk)
    return undo.workshop_change_undo(workshop=workshop, change_id=change.pk, user=user)


def undone_entries(workshop):
    return [d for d in step(workshop, 6).inputs.get("decisions", []) if d["action"] == "undone"]


def test_undo_puts_a_cell_back_and_the_decision_log_says_who_undid_what(team, workshop):
    row = first_row(workshop)
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=team.admin.user
    )
    change = undo_last(workshop, team.leader.user)
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "IT"
    assert change.undone_by == team.leader.user and change.undone_at is not None
    [entry] = undone_entries(workshop)
    assert entry["by"] == "Leo Leader" and entry["subject"] == "undo"
    assert history.describe(entry["change"]) == ("Step 4 · Industry of Alpha AB: “IT” → “Software”")


def test_changes_are_undone_one_at_a_time_newest_first(team, workshop):
    row = first_row(workshop)
    save = table_services.profile_cell_save
    save(row=row, column="industry", value="Software", version=0, user=team.admin.user)
    save(row=row, column="country", value="DK", version=0, user=team.leader.user)
    undo_last(workshop, team.leader.user)
    values = ProfileRow.objects.get(pk=row.pk).values
    assert values["country"] == "SE" and values["industry"] == "Software"
    undo_last(workshop, team.leader.user)
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "IT"
    assert history.last_change(workshop.pk) is None or "cell" not in str(
        history.last_change(workshop.pk).fields
    )


def test_a_newer_change_than_the_one_seen_is_not_undone_blindly(team, workshop):
    row = first_row(workshop)
    save = table_services.profile_cell_save
    save(row=row, column="industry", value="Software", version=0, user=team.admin.user)
    seen = history.last_change(workshop.pk)
    save(row=row, column="country", value="DK", version=0, user=team.admin.user)
    with pytest.raises(undo.NewerChange) as refused:
        undo.workshop_change_undo(workshop=workshop, change_id=seen.pk, user=team.leader.user)
    assert "DK" in history.describe(refused.value.change)
    assert ProfileRow.objects.get(pk=row.pk).values["country"] == "DK"


def test_a_field_changed_outside_the_record_is_not_overwritten(team, workshop):
    row = first_row(workshop)
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=team.admin.user
    )
    ProfileRow.objects.filter(pk=row.pk).update(values={**row.values, "industry": "Media"})
    with pytest.raises(undo.ChangedSince):
        undo_last(workshop, team.leader.user)
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "Media"


def test_a_pasted_block_is_undone_at_once(team, workshop):
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    cells = [
        table_services.PastedCell(rows[0].pk, "industry", "Media", 0),
        table_services.PastedCell(rows[1].pk, "industry", "Media", 0),
    ]
    table_services.profile_cells_paste(
        workshop=workshop, table="company", cells=cells, user=team.leader.user
    )
    assert "2 cells pasted" in history.describe(history.last_change(workshop.pk))
    undo_last(workshop, team.leader.user)
    industries = [ProfileRow.objects.get(pk=r.pk).values["industry"] for r in rows[:2]]
    assert industries == ["IT", "IT"]


def test_undoing_a_limit_of_step_one_restores_it_and_asks_later_steps_to_review(team):
    workshop = workshop_with_customers(team.organization)
    leader = team.leader.user
    for number in (1, 2, 3):
        services.workshop_step_fields_save(
            step=step(workshop, number), user=leader, changes={}, confirm=True
        )
    services.workshop_step_fields_save(
        step=step(workshop, 1), user=leader, changes={"thresholds": [5, 40]}, versions={}
    )
    assert step(workshop, 1).inputs["preset"] == "custom"
    WorkshopStep.objects.filter(workshop=workshop, number__in=(2, 3)).update(needs_review=False)
    undo_last(workshop, leader)
    inputs = step(workshop, 1).inputs
    assert inputs["thresholds"] == [5, 20] and inputs["preset"] == "method"
    assert step(workshop, 2).needs_review and step(workshop, 3).needs_review


def test_undoing_step_six_brings_back_a_value_and_a_removed_criterion_in_its_place(team, workshop):
    six = step(workshop, 6)
    evidence = Evidence(workshop)
    draft_services.workshop_draft_rebuild(
        step=six, user=team.leader.user, evidence=evidence, version=six.version
    )
    six.refresh_from_db()
    criteria = list(six.inputs["criteria"])
    removed = f"crit:{criteria[0]['segment']}:{criteria[0]['attribute']}:{criteria[0]['operator']}"
    draft_services.workshop_draft_fields_save(
        step=six,
        user=team.admin.user,
        edits=[draft_services.FieldEdit(removed, None, None, "not needed")],
        evidence=evidence,
    )
    assert len(step(workshop, 6).inputs["criteria"]) == len(criteria) - 1
    undo_last(workshop, team.leader.user)
    assert step(workshop, 6).inputs["criteria"] == criteria
    # And the rebuild itself, one further back.
    undo_last(workshop, team.leader.user)
    assert step(workshop, 6).inputs["traits"] == []
    actions = [d["action"] for d in step(workshop, 6).inputs["decisions"]]
    assert actions.count("undone") == 2 and "removed" in actions


def test_the_undo_button_on_the_page_and_its_answer(team, workshop):
    row = first_row(workshop)
    table_services.profile_cell_save(
        row=row, column="industry", value="Software", version=0, user=team.admin.user
    )
    change = history.last_change(workshop.pk)
    client = team.client("leader")
    page = client.get(reverse("workshop_step", args=[workshop.pk, 4])).text
    assert "Last change by Ada Admin: Step 4 · Industry of Alpha AB: “IT” → “Software”" in page
    assert f'name="change" value="{change.pk}"' in page
    url = reverse("workshop_undo", args=[workshop.pk])
    answer = client.post(url, {"change": change.pk, "step": 4}, HTTP_HX_REQUEST="true")
    assert answer["HX-Trigger"] == "live-refresh"
    assert "Undone: Step 4 · Industry of Alpha AB" in answer.text
    assert ProfileRow.objects.get(pk=row.pk).values["industry"] == "IT"
    again = client.post(url, {"change": change.pk, "step": 4})
    assert again["Location"] == reverse("workshop_step", args=[workshop.pk, 4])
    followed = client.get(again["Location"]).text
    assert "nothing left to undo" in followed or "A newer change" in followed
    assert WorkshopChange.objects.filter(undone_at__isnull=False).count() == 1
