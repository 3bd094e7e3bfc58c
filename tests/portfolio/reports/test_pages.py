"""The analysis pages: ABC, value score, four types, portfolios per rep, segments, exports."""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portfolio.analysis.scoring import ScoreParameter, value_score
from portfolio.frames import customers as frames
from portfolio.models import ScoringModel
from portfolio.reports import results as analysis_services
from portfolio.reports.exports import LISTS
from portfolio.reports.scoring_models import (
    scoring_model_columns,
    scoring_model_save,
    scoring_model_scores,
)
from portfolio.spreadsheets import xlsx_bytes
from tests.factories import CustomerFactory, DatasetFactory

pytestmark = pytest.mark.django_db

PAGES = ["analysis", "analysis_scores", "analysis_types", "analysis_reps", "analysis_segments"]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(frames, "today", lambda: dt.date(2026, 1, 1))


@pytest.fixture
def dataset(team):
    """Ten customers: revenue 1000..10000, one without revenue, one without margin."""
    dataset = DatasetFactory(organization=team.organization, name="crm.csv")
    owners = ["Sam Seller", "Rita Rep"]
    for i in range(1, 11):
        CustomerFactory(
            dataset=dataset,
            name=f"Customer {i:02d}",
            revenue=Decimal(1000 * i),
            seats=i * 3,
            margin=Decimal(10 + i),
            customer_since=dt.date(2016 + i % 8, 1, 1),
            owner=owners[i % 2],
            industry="IT" if i <= 6 else "Retail",
            contract_type="annual",
        )
    CustomerFactory(
        dataset=dataset,
        name="Without revenue",
        revenue=None,
        margin=Decimal(5),
        customer_since=dt.date(2018, 1, 1),
    )
    CustomerFactory(
        dataset=dataset,
        name='=HYPERLINK("http://evil")',
        revenue=Decimal(500),
        margin=None,
        owner="rita rep ",
        customer_since=dt.date(2020, 1, 1),
    )
    CustomerFactory(
        dataset=dataset,
        name="上海云帆科技有限公司 Ölwerk <b>",
        revenue=Decimal(700),
        margin=Decimal(30),
        customer_since=dt.date(2019, 1, 1),
    )
    return dataset


def rows(html, table_id):
    """The text of each body row of a table, cells joined by |."""
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [
        "|".join(" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells)
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        )
    ]


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("name", PAGES)
def test_every_analysis_page_shows_the_latest_dataset_to_a_rep(team, dataset, name):
    response = team.client("rep").get(reverse(name))
    assert response.status_code == 200
    assert 'id="results"' in response.text
    assert "<html" in response.text
    assert "crm.csv" in response.text


@pytest.mark.parametrize("name", PAGES)
def test_every_analysis_page_answers_htmx_with_its_results_only(team, dataset, name):
    response = team.client("rep").get(
        reverse(name), {"dataset": dataset.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="results"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("name", PAGES)
def test_a_dataset_of_another_organisation_is_not_found(team, dataset, name):
    foreign = DatasetFactory(organization=team.outsider.organization)
    CustomerFactory(dataset=foreign, name="Secret Ltd")
    response = team.client("rep").get(reverse(name), {"dataset": foreign.pk})
    assert response.status_code == 404
    export = team.client("rep").get(
        reverse("analysis_export"), {"dataset": foreign.pk, "list": "abc"}
    )
    assert export.status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_every_analysis_page_says_when_nothing_was_imported(team, name):
    response = team.client("rep").get(reverse(name))
    assert response.status_code == 200
    assert "No customer list has been imported yet." in response.text


# --------------------------------------------------------------------------- ABC


def test_abc_page_classes_customers_by_cumulative_revenue(team, dataset):
    text = team.client("rep").get(reverse("analysis")).text
    # Revenue 56,200 in all: A up to 80 % takes the six biggest (10k..5k = 45k, crossing 80 %).
    assert rows(text, "abc-classes")[0].startswith("A|6|")
    assert "1 customer has no value for Revenue with us and is in no class." in text
    assert rows(text, "abc-customers")[0].startswith("1|Customer 10|€10,000|")


def test_abc_uses_the_methods_limits_and_the_organisations_own(team, dataset):
    from portfolio.reports.org_settings import abc_limits_save

    client = team.client("rep")
    # The method: A the first 80 %, C the last 10 % of revenue (56,200: B up to 50,580).
    classes = [r.split("|")[:2] for r in rows(client.get(reverse("analysis")).text, "abc-classes")]
    assert classes == [["A", "6"], ["B", "2"], ["C", "4"]]
    abc_limits_save(organization=team.organization, user=team.leader.user, a_limit=50, b_limit=95)
    text = client.get(reverse("analysis")).text
    classes = [r.split("|")[:2] for r in rows(text, "abc-classes")]
    assert classes == [["A", "4"], ["B", "5"], ["C", "3"]]
    assert 'name="a_limit" value="50"' in text


@pytest.mark.parametrize("page", ["analysis", "analysis_scores", "analysis_types"])
def test_analyses_count_only_active_customers_and_offer_the_former_ones(team, dataset, page):
    from portfolio.models import Customer

    Customer.objects.filter(name="Customer 10").update(customer_until=dt.date(2025, 6, 30))
    client = team.client("rep")
    text = client.get(reverse(page)).text
    assert 'data-former="1"' in text and "Include the 1 former customer" in text
    assert "Customer 10" not in text
    text = client.get(reverse(page), {"include_former": "1"}).text
    assert "Customer 10" in text


def test_abc_limits_from_the_form_change_the_classes(team, dataset):
    text = (
        team.client("rep")
        .get(reverse("analysis"), {"a_limit": "50", "b_limit": "90"}, HTTP_HX_REQUEST="true")
        .text
    )
    # 10k + 9k + 8k = 27k is 48 %: the fourth customer crosses 50 % and is still A.
    assert rows(text, "abc-classes")[0].startswith("A|4|")


def test_abc_limits_out_of_order_are_refused_with_a_message(team, dataset):
    text = (
        team.client("rep")
        .get(reverse("analysis"), {"a_limit": "90", "b_limit": "80"}, HTTP_HX_REQUEST="true")
        .text
    )
    assert "The B limit must be above the A limit." in text
    assert 'id="abc-classes"' not in text


def test_abc_cross_table_compares_classes_with_the_size_groups(team, dataset):
    text = team.client("rep").get(reverse("analysis")).text
    cross = rows(text, "abc-cross")
    # Seats 3i with limits 5/20: small i=1, medium i=2..6, large i=7..10 (and the two extras
    # have 3 seats: small). The A class is the six biggest: i=5..10.
    assert cross[0].split("|")[:4] == ["A", "0 €0", "2 €11,000", "4 €34,000"]


def test_abc_by_contribution_margin_is_offered_when_the_dataset_has_margins(team, dataset):
    text = team.client("rep").get(reverse("analysis"), {"value": "contribution"}).text
    assert "Contribution margin (revenue × margin %)" in text
    # Customer 10: 10,000 x 20 % = 2,000 is the biggest contribution.
    assert rows(text, "abc-customers")[0].startswith("1|Customer 10|€2,000|")


def test_abc_by_contribution_is_not_offered_without_margins(team):
    dataset = DatasetFactory(organization=team.organization)
    CustomerFactory(dataset=dataset)
    text = team.client("rep").get(reverse("analysis")).text
    assert 'value="contribution"' not in text


def test_customer_names_are_escaped_in_tables_and_charts(team, dataset):
    text = team.client("rep").get(reverse("analysis")).text
    assert "Ölwerk <b>" not in text
    assert "Ölwerk &lt;b&gt;" in text
    chart = json.loads(
        re.search(r'id="chart-abc" type="application/json">(.*?)</script>', text, re.S).group(1)
    )
    names = [c[0] for trace in chart["data"] for c in trace.get("customdata", [])]
    assert "上海云帆科技有限公司 Ölwerk &lt;b&gt;" in names


# --------------------------------------------------------------------------- value score


def test_score_page_ranks_customers_and_lists_those_missing_a_parameter(team, dataset):
    text = team.client("rep").get(reverse("analysis_scores")).text
    # Default parameters: revenue x2, margin, lifetime; two customers lack revenue or margin.
    assert "2 customers lack a parameter and are not scored:" in text
    assert "Revenue with us: 1 customer without a value" in text
    assert "Margin %: 1 customer without a value" in text
    missing = rows(text, "score-missing")
    assert "Without revenue|Revenue with us" in missing
    ranked = rows(text, "score-customers")
    assert len(ranked) == 11
    assert not any("Without revenue" in r for r in ranked)


def test_zero_or_negative_weights_are_refused_with_a_message(team, dataset):
    for weight in ("0", "-1"):
        text = (
            team.client("leader")
            .get(
                reverse("analysis_scores"),
                {"p0_column": "revenue", "p0_weight": weight, "p0_direction": "higher"},
                HTTP_HX_REQUEST="true",
            )
            .text
        )
        assert "The weight of “Revenue with us” must be above zero" in text
        assert 'id="score-customers"' not in text
        assert 'id="save-model"' not in text


def save_data(dataset, **changes):
    return {
        "dataset": dataset.pk,
        "name": "Growth",
        "p0_column": "revenue",
        "p0_weight": "2",
        "p0_direction": "higher",
        "p1_column": "seats",
        "p1_weight": "1",
        "p1_direction": "lower",
        "intensify": "70",
        "maintain": "40",
        "minimal_care": "20",
        **changes,
    }


def test_a_leader_saves_a_scoring_model_and_loads_it_again(team, dataset):
    client = team.client("leader")
    response = client.post(reverse("scoring_model_save"), save_data(dataset))
    model = ScoringModel.objects.get(organization=team.organization, name="Growth")
    assert response.status_code == 302
    assert f"model={model.pk}" in response["Location"]
    assert model.parameters == [
        {"column": "revenue", "weight": 2.0, "higher_is_better": True},
        {"column": "seats", "weight": 1.0, "higher_is_better": False},
    ]
    assert model.bands == {"intensify": 70.0, "maintain": 40.0, "minimal_care": 20.0}
    assert model.created_by == team.leader.user
    text = client.get(response["Location"]).text
    assert "Scoring model “Growth” saved." in text
    assert '<option value="seats" selected>' in text
    assert 'name="intensify" value="70"' in text


def test_saving_under_an_existing_name_replaces_the_model(team, dataset):
    client = team.client("leader")
    client.post(reverse("scoring_model_save"), save_data(dataset))
    client.post(reverse("scoring_model_save"), save_data(dataset, p0_weight="5"))
    model = ScoringModel.objects.get(organization=team.organization)
    assert model.parameters[0]["weight"] == 5.0


@pytest.mark.parametrize("weight", ["0", "-2"])
def test_saving_with_a_zero_or_negative_weight_shows_the_message_and_saves_nothing(
    team, dataset, weight
):
    response = team.client("leader").post(
        reverse("scoring_model_save"), save_data(dataset, p0_weight=weight)
    )
    assert response.status_code == 400
    assert "The weight of “Revenue with us” must be above zero" in response.text
    assert not ScoringModel.objects.exists()


def test_a_rep_sees_saved_models_but_gets_403_on_save_and_delete(team, dataset):
    model = scoring_model_save(
        organization=team.organization,
        user=team.leader.user,
        name="Loyalty",
        parameters=[ScoreParameter("lifetime_days", 1.0)],
        bands=analysis_services.ScoreBands(),
    )
    client = team.client("rep")
    text = client.get(reverse("analysis_scores")).text
    assert "Loyalty" in text
    assert 'id="save-model"' not in text
    assert client.get(reverse("analysis_scores"), {"model": model.pk}).status_code == 200
    assert client.post(reverse("scoring_model_save"), save_data(dataset)).status_code == 403
    delete = reverse("scoring_model_delete", kwargs={"pk": model.pk})
    assert client.post(delete).status_code == 403
    assert ScoringModel.objects.count() == 1


def test_a_leader_deletes_a_scoring_model(team, dataset):
    model = ScoringModel.objects.create(
        organization=team.organization, name="Old", parameters=[], bands={}
    )
    response = team.client("leader").post(
        reverse("scoring_model_delete", kwargs={"pk": model.pk}), {"dataset": dataset.pk}
    )
    assert response.status_code == 302
    assert not ScoringModel.objects.exists()


def test_another_organisations_scoring_model_is_not_found(team, dataset):
    foreign = ScoringModel.objects.create(
        organization=team.outsider.organization, name="Theirs", parameters=[], bands={}
    )
    client = team.client("leader")
    assert client.get(reverse("analysis_scores"), {"model": foreign.pk}).status_code == 404
    delete = reverse("scoring_model_delete", kwargs={"pk": foreign.pk})
    assert client.post(delete).status_code == 404
    assert ScoringModel.objects.filter(pk=foreign.pk).exists()


def test_saving_needs_the_csrf_token(team, dataset):
    client = team.client("leader", enforce_csrf_checks=True)
    assert client.post(reverse("scoring_model_save"), save_data(dataset)).status_code == 403
    page = client.get(reverse("analysis_scores")).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = save_data(dataset, csrfmiddlewaretoken=token)
    assert client.post(reverse("scoring_model_save"), data).status_code == 302


def test_scoring_model_scores_scores_a_frame_with_a_saved_model(team, dataset):
    model = ScoringModel.objects.create(
        organization=team.organization,
        name="Growth",
        parameters=[
            {"column": "revenue", "weight": 2, "higher_is_better": True},
            {"column": "lifetime_days", "weight": 1, "higher_is_better": True},
        ],
        bands={"intensify": 60, "maintain": 30, "minimal_care": 10},
    )
    frame = frames.load_customers(dataset, numbers=scoring_model_columns(model))
    result = scoring_model_scores(model, frame)
    expected = value_score(
        frame,
        [ScoreParameter("revenue", 2), ScoreParameter("lifetime_days", 1)],
        bands=analysis_services.ScoreBands(60, 30, 10),
    )
    pd.testing.assert_frame_equal(result.scores, expected.scores)
    assert result.bands.intensify == 60
    assert len(result.missing) == 1  # the customer without revenue


# --------------------------------------------------------------------------- four types


def test_types_page_places_customers_and_suggests_an_action(team, dataset):
    text = (
        team.client("rep")
        .get(
            reverse("analysis_types"),
            {"value_axis": "revenue", "bond_axis": "margin", "type": "star"},
        )
        .text
    )
    types = rows(text, "types-table")
    assert types[0].startswith("Stars|")
    assert "Keep and develop" in types[0]
    counts = sum(int(r.split("|")[1]) for r in types)
    assert counts == 11  # two customers lack revenue or margin
    assert "2 customers lack one of the two values and are not placed." in text
    stars = rows(text, "types-customers")
    assert stars[0].startswith("Customer 10|")


def test_types_by_default_place_planted_customers_on_the_methods_axes(team):
    """Our value (the value score: revenue, margin, lifetime) x their benefit (the discount
    they get): free riders buy at discounts and stayed briefly, question marks are on the edge."""
    planted = DatasetFactory(organization=team.organization, extra_columns=["Discount"])
    # name, revenue, margin %, customer since, discount %
    for name, revenue, margin, since, discount in [
        ("Star 1", 10000, 40, dt.date(2010, 1, 1), 20),
        ("Star 2", 9000, 38, dt.date(2011, 1, 1), 18),
        ("Question 1", 8000, 36, dt.date(2012, 1, 1), 2),
        ("Question 2", 7000, 34, dt.date(2013, 1, 1), 1),
        ("Rider 1", 1000, 10, dt.date(2025, 6, 1), 25),
        ("Rider 2", 1200, 12, dt.date(2025, 3, 1), 22),
        ("Dog 1", 900, 8, dt.date(2024, 1, 1), 3),
        ("Dog 2", 800, 9, dt.date(2024, 2, 1), 0),
    ]:
        CustomerFactory(
            dataset=planted,
            name=name,
            revenue=Decimal(revenue),
            margin=Decimal(margin),
            customer_since=since,
            extra={"Discount": discount},
        )
    client = team.client("rep")
    placed = {}
    for kind in ("star", "question_mark", "free_rider", "poor_dog"):
        text = client.get(reverse("analysis_types"), {"dataset": planted.pk, "type": kind}).text
        placed[kind] = sorted(r.split("|")[0] for r in rows(text, "types-customers"))
    assert placed == {
        "star": ["Star 1", "Star 2"],
        "question_mark": ["Question 1", "Question 2"],
        "free_rider": ["Rider 1", "Rider 2"],
        "poor_dog": ["Dog 1", "Dog 2"],
    }
    assert "On the edge: win them over." in text
    assert "or let them go" not in text


def test_types_can_use_a_saved_scoring_model_as_value_axis(team, dataset):
    model = ScoringModel.objects.create(
        organization=team.organization,
        name="Revenue only",
        parameters=[{"column": "revenue", "weight": 1, "higher_is_better": True}],
        bands={"intensify": 75, "maintain": 50, "minimal_care": 25},
    )
    text = (
        team.client("rep")
        .get(
            reverse("analysis_types"),
            {
                "value_axis": f"score:{model.pk}",
                "bond_axis": "seats",
                "split": "values",
                "value_split": "50",
                "bond_split": "10",
            },
        )
        .text
    )
    assert "Score: Revenue only" in text
    assert rows(text, "types-customers")[0].startswith("Customer 10|100")


def test_types_with_set_values_need_both_splits(team, dataset):
    text = (
        team.client("rep")
        .get(reverse("analysis_types"), {"split": "values", "value_split": "1"})
        .text
    )
    assert "Set both splits, or split at the medians." in text


def test_the_scatter_is_a_fixed_sample_beyond_its_limit(team, dataset):
    columns = frames.numeric_columns(dataset)
    types = analysis_services.types_page(
        dataset,
        value_axis="revenue",
        bond_axis="seats",
        split="median",
        scoring_model=None,
        columns=columns,
    )
    first = analysis_services.scatter_sample(types, limit=5)
    assert len(first) == 5
    pd.testing.assert_frame_equal(first, analysis_services.scatter_sample(types, limit=5))
    assert len(analysis_services.scatter_sample(types)) == len(types.frame)


# --------------------------------------------------------------------------- reps


def test_a_rep_sees_their_own_portfolio_first(team, dataset):
    text = team.client("rep").get(reverse("analysis_reps")).text
    totals = rows(text, "rep-totals")
    # Sam Seller has more revenue, but Rita Rep (and "rita rep ") come first for Rita.
    assert totals[0].startswith("Rita Rep you|")
    assert "Customers of Rita Rep" in text


def test_a_leader_sees_the_owners_by_revenue(team, dataset):
    text = team.client("leader").get(reverse("analysis_reps")).text
    totals = rows(text, "rep-totals")
    assert totals[0].startswith("Sam Seller|5|€30,000|")
    assert totals[-1].startswith("(no owner)|")


# --------------------------------------------------------------------------- segments


def test_segments_show_revenue_and_customers_per_industry(team, dataset):
    text = team.client("rep").get(reverse("analysis_segments")).text
    assert rows(text, "segment-table") == [
        "Retail|4|30.8%|€34,000|60.5%",
        "IT|6|46.1%|€21,000|37.4%",
        "No value|3|23.1%|€1,200|2.1%",
    ]


def test_segments_by_size_group(team, dataset):
    text = team.client("rep").get(reverse("analysis_segments"), {"by": "size_group"}).text
    labels = [r.split("|")[0] for r in rows(text, "segment-table")]
    assert labels == ["Small", "Medium", "Large"]


def test_segments_by_size_group_start_from_the_workshops_limits(team, dataset):
    from profiles.models import WorkshopStep
    from tests.factories import WorkshopFactory

    client = team.client("rep")
    query = {"dataset": dataset.pk, "by": "size_group"}
    before = rows(client.get(reverse("analysis_segments"), query).text, "segment-table")
    workshop = WorkshopFactory(organization=team.organization, dataset=dataset)
    WorkshopStep.objects.filter(workshop=workshop, number=1).update(
        inputs={"metric": "revenue", "thresholds": [2500, 9500]}, version=1
    )
    text = client.get(reverse("analysis_segments"), query).text
    assert 'name="small_max" value="2500"' in text and 'name="medium_max" value="9500"' in text
    after = {r.split("|")[0]: r.split("|")[1] for r in rows(text, "segment-table")}
    assert rows(text, "segment-table") != before
    # Revenue 1,000 … 10,000 and three small ones without step 1's limits: 2,500 and 9,500.
    assert after["Large"] == "1"


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_list_can_be_exported(team, dataset, name, kind):
    response = team.client("rep").get(
        reverse("analysis_export"), {"dataset": dataset.pk, "list": name, "format": kind}
    )
    assert response.status_code == 200
    assert f'.{kind}"' in response["Content-Disposition"]


def csv_rows(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_is_formula_safe_and_keeps_unicode(team, dataset):
    response = team.client("rep").get(
        reverse("analysis_export"), {"dataset": dataset.pk, "list": "abc", "format": "csv"}
    )
    table = csv_rows(response)
    assert table[0] == [
        "Rank",
        "Name",
        "Revenue with us",
        "Share %",
        "Cumulative share %",
        "Class",
        "Size group",
    ]
    names = [r[1] for r in table[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert "上海云帆科技有限公司 Ölwerk <b>" in names
    assert len(table) == 13  # header and the twelve customers with revenue


def test_xlsx_export_is_formula_safe_and_keeps_unicode(team, dataset):
    response = team.client("rep").get(
        reverse("analysis_export"),
        {"dataset": dataset.pk, "list": "scores_missing", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Missing"]
    assert ['\'=HYPERLINK("http://evil")', "Margin %"] in values
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row)


def test_export_uses_the_options_of_the_page(team, dataset):
    response = team.client("rep").get(
        reverse("analysis_export"),
        {
            "dataset": dataset.pk,
            "list": "abc_classes",
            "format": "csv",
            "a_limit": "50",
            "b_limit": "90",
        },
    )
    assert csv_rows(response)[1][:2] == ["A", "4"]


def test_export_with_invalid_options_says_why(team, dataset):
    response = team.client("rep").get(
        reverse("analysis_export"),
        {
            "dataset": dataset.pk,
            "list": "scores",
            "format": "csv",
            "p0_column": "revenue",
            "p0_weight": "0",
        },
    )
    assert response.status_code == 400
    assert "must be above zero" in response.content.decode()


def test_an_unknown_export_list_is_not_found(team, dataset):
    response = team.client("rep").get(
        reverse("analysis_export"), {"dataset": dataset.pk, "list": "passwords"}
    )
    assert response.status_code == 404


# --------------------------------------------------------------------------- frames


def test_loaded_frames_line_up_numbers_and_texts(team, dataset):
    frame = frames.load_customers(
        dataset, numbers=["revenue", "lifetime_days"], texts=("name", "owner")
    )
    by_name = frame.set_index("name")
    assert by_name.at["Customer 03", "revenue"] == 3000
    assert by_name.at["Customer 03", "owner"] == "Rita Rep"
    assert (
        by_name.at["Customer 03", "lifetime_days"]
        == (dt.date(2026, 1, 1) - dt.date(2019, 1, 1)).days
    )
    assert pd.isna(by_name.at["Without revenue", "revenue"])
    assert pd.isna(by_name.at["Without revenue", "owner"])


def test_a_separator_inside_a_text_does_not_shift_the_rows(team):
    dataset = DatasetFactory(organization=team.organization)
    CustomerFactory(dataset=dataset, name="A\x1fB", revenue=Decimal(1))
    CustomerFactory(dataset=dataset, name="C", revenue=Decimal(2))
    frame = frames.load_customers(dataset, numbers=["revenue"], texts=("name",))
    assert dict(zip(frame["name"], frame["revenue"], strict=True)) == {"A B": 1, "C": 2}


def test_xlsx_keeps_numbers_as_numbers_and_leaves_missing_values_empty():
    frame = pd.DataFrame(
        {
            "Name": ["-1+1", None, "Ölwerk & <Söhne>"],
            "Revenue": [1234.5, float("nan"), -7.0],
            "Class": pd.Categorical(["A", None, "=B"]),
        }
    )
    sheet = load_workbook(io.BytesIO(xlsx_bytes(frame, "x"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["Name", "Revenue", "Class"],
        ["'-1+1", 1234.5, "A"],
        [None, None, None],
        ["Ölwerk & <Söhne>", -7, "'=B"],
    ]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "s"]


def test_the_score_page_shows_each_weight_its_share_and_the_sum(team, dataset):
    text = team.client("rep").get(reverse("analysis_scores")).text
    # The defaults: revenue, margin and lifetime, weight 1 each (revenue counted once).
    assert 'data-weight-total="3"' in text
    assert "Sum of the weights" in text and "33.3%" in text
