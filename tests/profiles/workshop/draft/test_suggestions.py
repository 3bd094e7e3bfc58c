"""Step 6's criteria suggested from the data: on the workshop's frame, with the figures the one
evaluation gives, adopted into the draft with the decision log's reason, and the command."""

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from portfolio.analysis import targets
from portfolio.frames import steps as data
from profiles.models import WorkshopStep
from profiles.versions.criteria import criteria_from_dicts
from profiles.versions.evaluation import evaluate_frame
from profiles.workshop.draft import frame as frames
from profiles.workshop.draft import suggestions
from profiles.workshop.tables import services as table_services
from tests.profiles.workshop.draft.suggest_helpers import TODAY, planted_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    monkeypatch.setattr(data, "today", lambda: TODAY)


@pytest.fixture
def workshop(team):
    return planted_workshop(team.organization)


def step6(workshop):
    return WorkshopStep.objects.get(workshop=workshop, number=6)


def test_the_planted_pattern_is_the_top_suggestion(workshop):
    found = suggestions.for_workshop(workshop)
    top = {c.attribute: c for c in found.do_or_die[0].conditions}
    assert top["industry"].value == ("Manufacturing",)
    assert top["employees"].operator == "gte" and 35 <= top["employees"].value <= 70
    assert found.best_total == len(table_services.selection(workshop))
    retail = [s for s in found.do_not if s.conditions[0].attribute == "industry"]
    assert retail and retail[0].conditions[0].value == ("Retail",)  # the low margins


def test_figures_are_what_the_profile_evaluation_gives(workshop):
    found = suggestions.for_workshop(workshop)
    frame = frames.workshop_frame(workshop)
    best = frame["id"].isin(table_services.selection(workshop)).to_numpy()
    frame, best = (
        frame[targets.active(frame, TODAY) | best],
        best[targets.active(frame, TODAY) | best],
    )
    for subgroup in found.do_or_die:
        criteria = criteria_from_dicts(suggestions.criteria_of(subgroup, "do-or-die"))
        segment = evaluate_frame(criteria, frame)["segment"].astype(str).to_numpy()
        chosen = segment == "do-or-die"
        assert (subgroup.size, subgroup.caught) == (chosen.sum(), (chosen & best).sum())


def test_the_table_corrections_of_step_4_reach_the_frame(workshop):
    first = table_services.selection(workshop)[0]
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    row = next(r for r in rows if r.customer_id == first)
    table_services.profile_cell_save(
        row=row, column="industry", value="Shipbuilding", version=0, user=None
    )
    frame = frames.workshop_frame(workshop)
    assert frame.loc[frame["id"] == first, "industry"].item() == "Shipbuilding"
    assert isinstance(
        frame["industry"].dtype, type(data.customers_frame(workshop.dataset)["industry"].dtype)
    )


def test_imported_columns_are_searched_too(team):
    workshop = planted_workshop(team.organization, extra=True, seed=4)
    found = suggestions.for_workshop(workshop)
    used = {c.attribute for s in found.do_or_die for c in s.conditions}
    assert "Region" in used


def test_nothing_is_suggested_when_the_best_customers_are_chosen_at_random(team):
    workshop = planted_workshop(team.organization, seed=9)
    ids = list(workshop.dataset.customers.order_by("pk").values_list("pk", flat=True))
    chosen = list(np.random.default_rng(9).choice(ids, size=40, replace=False))
    WorkshopStep.objects.filter(workshop=workshop, number=3).update(
        inputs={"goal": "revenue", "selection": [int(i) for i in chosen]}
    )
    assert suggestions.for_workshop(workshop).do_or_die == ()


def test_adopting_a_suggestion_replaces_the_do_or_die_criteria_and_logs_why(team, workshop):
    client = team.client("leader")
    step = step6(workshop)
    old = {"segment": "do-or-die", "attribute": "country", "operator": "in", "value": ["SE"]}
    keep = {"segment": "do-not", "attribute": "customer_type", "operator": "eq", "value": "B2C"}
    step.inputs = {**step.inputs, "criteria": [{**old, "note": ""}, {**keep, "note": ""}]}
    step.save()
    top = suggestions.for_workshop(workshop).do_or_die[0]
    response = client.post(
        reverse("workshop_suggestion_adopt", args=[workshop.pk]),
        {"segment": "do-or-die", "suggestion": suggestions.signature(top), "version": step.version},
    )
    assert response.status_code == 302 and response["Location"].endswith("#selfcheck")
    content = step6(workshop).inputs
    dod = [c for c in content["criteria"] if c["segment"] == "do-or-die"]
    assert dod == suggestions.criteria_of(top, "do-or-die")
    assert {**keep, "note": ""} in content["criteria"]
    log = {(d["key"], d["action"]): d for d in content["decisions"]}
    assert log["do-or-die:country:in", "removed"]["reason"] == "Suggested from data"
    added = log["do-or-die:industry:in", "proposed"]
    assert added["reason"] == "Suggested from data" and added["by"] == "Leo Leader"
    assert added["evidence"]["best_caught"] == top.caught
    assert added["evidence"]["lift"] == round(top.lift, 2)


def test_adopting_a_do_not_suggestion_adds_it(team, workshop):
    dn = suggestions.for_workshop(workshop).do_not[0]
    response = team.client("leader").post(
        reverse("workshop_suggestion_adopt", args=[workshop.pk]),
        {
            "segment": "do-not",
            "suggestion": suggestions.signature(dn),
            "version": step6(workshop).version,
        },
    )
    assert response.status_code == 302
    criteria = step6(workshop).inputs["criteria"]
    assert criteria == suggestions.criteria_of(dn, "do-not")
    decision = step6(workshop).inputs["decisions"][-1]
    assert decision["evidence"]["good_excluded"] == dn.others


def test_a_suggestion_no_longer_made_or_a_stale_draft_is_refused(team, workshop):
    client = team.client("leader")
    url = reverse("workshop_suggestion_adopt", args=[workshop.pk])
    version = step6(workshop).version
    response = client.post(
        url, {"segment": "do-or-die", "suggestion": "[]", "version": version}, follow=True
    )
    assert "no longer made" in response.content.decode()
    top = suggestions.for_workshop(workshop).do_or_die[0]
    key = suggestions.signature(top)
    response = client.post(
        url, {"segment": "do-or-die", "suggestion": key, "version": version + 5}, follow=True
    )
    assert "changed the draft meanwhile" in response.content.decode()
    assert step6(workshop).inputs.get("criteria", []) == []


def test_the_panel_loads_alone_and_shows_the_figures(team, workshop):
    url = reverse("workshop_suggestions", args=[workshop.pk])
    response = team.client("leader").get(url, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "Manufacturing" in page and 'name="suggestion"' in page
    assert "HX-Request" in response["Vary"]
    rep = team.client("rep").get(url).content.decode()
    assert "Manufacturing" in rep and 'name="suggestion"' not in rep  # read-only for reps


def test_step_6_loads_the_panels_after_the_page(team, workshop):
    page = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 6])).content
    page = page.decode()
    assert f'hx-get="{reverse("workshop_suggestions", args=[workshop.pk])}"' in page
    assert f'hx-get="{reverse("workshop_selfcheck", args=[workshop.pk])}"' in page
    assert "Manufacturing" not in page  # the search runs when the panel asks


def test_the_command_prints_the_issue_json(team, workshop):
    out = StringIO()
    call_command(
        "suggest_criteria", "--org", "acme", "--workshop", str(workshop.pk), "--json", stdout=out
    )
    answer = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(answer) == {"do_or_die", "do_not", "seconds"}
    first = answer["do_or_die"][0]
    assert set(first) == {
        "criteria",
        "best_caught",
        "best_total",
        "size",
        "precision",
        "lift",
        "revenue_share",
    }
    assert {"attribute": "industry", "operator": "in", "value": ["Manufacturing"]} in first[
        "criteria"
    ]
    assert set(answer["do_not"][0]) == {
        "criteria",
        "caught",
        "of",
        "size",
        "precision",
        "lift",
        "good_excluded",
    }


def test_the_command_ranks_the_best_by_a_goal_without_a_workshop(team, workshop):
    out = StringIO()
    call_command(
        "suggest_criteria",
        "--org",
        "acme",
        "--dataset",
        str(workshop.dataset.pk),
        "--goal",
        "revenue",
        "--best-share",
        "0.1",
        "--json",
        stdout=out,
    )
    answer = json.loads(out.getvalue().strip().splitlines()[-1])
    frame = frames.dataset_frame(workshop.dataset)
    active = int(targets.active(frame, TODAY).sum())
    assert answer["do_or_die"][0]["best_total"] == -(-active // 10)  # a tenth, rounded up
    with pytest.raises(Exception, match="no workshop"):
        call_command("suggest_criteria", "--org", "acme", "--workshop", "999999", stdout=out)


# --------------------------------------------------------------------------- the self-check


def test_the_draft_check_panel_shows_the_figures_and_what_to_do(team, workshop):
    step = step6(workshop)
    narrow = {"segment": "do-or-die", "attribute": "employees", "operator": "gte", "value": 500}
    step.inputs = {**step.inputs, "criteria": [{**narrow, "note": ""}]}
    step.save()
    url = reverse("workshop_selfcheck", args=[workshop.pk])
    response = team.client("rep").get(url, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'id="check-best-do-or-die"' in page and "Loosen “Employees ≥ 500”" in page
    assert 'data-check="grey_zone"' in page
    full = team.client("leader").get(url).content.decode()
    assert "<html" in full and reverse("workshop_step", args=[workshop.pk, 6]) in full


def test_a_saved_version_is_checked_on_its_workshops_customers(team, workshop):
    from profiles.versions import services as version_services

    step = step6(workshop)
    wide = {"segment": "do-or-die", "attribute": "industry", "operator": "in"}
    step.inputs = {**step.inputs, "criteria": [{**wide, "value": ["Manufacturing"], "note": ""}]}
    step.save()
    version = version_services.profile_version_save(
        workshop=workshop, user=team.leader.user, note=""
    )
    client = team.client("rep")
    page = client.get(reverse("profile_version", args=[version.number])).content.decode()
    url = reverse("profile_version_selfcheck", args=[version.number])
    assert f'hx-get="{url}"' in page
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    best = len(table_services.selection(workshop))
    assert f"of {best}" in panel and 'id="check-grey-zone"' in panel
    workshop.delete()  # the version stays; its list is checked without best customers
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "no best customers to check against" in panel and 'id="check-grey-zone"' in panel


@pytest.mark.parametrize(
    "language, words",
    [
        ("de", ("Aus den Daten vorgeschlagen", "Übernehmen", "Das Profil prüft sich selbst")),
        ("sv", ("Föreslaget utifrån data", "Använd", "Profilen kontrollerar sig själv")),
        ("zh-hans", ("根据数据建议", "采用", "画像自检")),
        ("en", ("Suggested from data", "Adopt", "The profile checks itself")),
    ],
)
def test_the_panels_speak_the_members_language(team, workshop, language, words):
    client = team.client("leader", HTTP_ACCEPT_LANGUAGE=language)
    suggested = client.get(reverse("workshop_suggestions", args=[workshop.pk]))
    checked = client.get(reverse("workshop_selfcheck", args=[workshop.pk]))
    heading, button, check = words
    assert heading in suggested.content.decode() and button in suggested.content.decode()
    assert check in checked.content.decode()
    if language != "en":
        assert "Best customers caught" not in suggested.content.decode()


def test_corrections_keep_categories_and_take_lists_and_new_columns():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "industry": pd.Categorical(["IT", "Retail", "IT"]),
            "employees": [10.0, 20.0, np.nan],
        }
    )
    rows = [
        (2, {"industry": "Shipbuilding", "employees": 25, "drivers": ["money", "fear"]}),
        (3, {"employees": "about 40"}),  # a text where numbers are: kept as typed
        (9, {"industry": "Not in the list"}),
    ]
    out = frames.corrected(frame, rows)
    assert isinstance(out["industry"].dtype, pd.CategoricalDtype)
    assert out["industry"].tolist() == ["IT", "Shipbuilding", "IT"]
    assert out["employees"].tolist() == [10.0, 25, "about 40"]
    assert out["drivers"].tolist()[1] == ["money", "fear"] and out["drivers"].isna().tolist()[0]
    assert frame["industry"].tolist() == ["IT", "Retail", "IT"]  # the cached frame stays
