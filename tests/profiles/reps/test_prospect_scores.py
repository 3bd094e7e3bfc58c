"""Prospect lists scored with the organisation's scoring model in the same pass as the bulk fit
check."""

import datetime as dt
import io

import pandas as pd
import pytest
from django.urls import reverse

from portfolio.imports.reading import read_table
from portfolio.models import ScoringModel
from portfolio.reports.org_settings import scoring_model_choose
from profiles.reps import fitcheck, prospect_scores
from tests.profiles.rep_helpers import content, published_profile

PROSPECTS = (
    "Company,Industry,Employees,B2B/B2C,Country,Revenue,Margin\n"
    "Alpha AB,IT,35,B2B,SE,9000,40\n"
    "Beta GmbH,Retail,12,B2C,DE,1000,10\n"
    "Gamma Oy,Telco,30,B2B,FI,5000,\n"
    "Delta AS,IT,40,B2B,NO,3000,30\n"
)


def model(**kwargs):
    return ScoringModel(
        name="Margin and revenue",
        parameters=[
            {"column": "revenue", "weight": 1, "higher_is_better": True},
            {"column": "margin", "weight": 1, "higher_is_better": True},
            {"column": "orders_per_year", "weight": 1, "higher_is_better": True},
            {"column": "potential", "weight": 1, "higher_is_better": True},
        ],
        bands={"intensify": 75, "maintain": 50, "minimal_care": 25},
        **kwargs,
    )


def test_the_model_asks_for_the_customer_figures_a_list_can_carry():
    assert prospect_scores.score_fields(model()) == ["revenue", "margin"]
    assert prospect_scores.score_fields(None) == []


def test_a_list_is_judged_and_scored_in_one_pass():
    raw = read_table(PROSPECTS.encode(), "prospects.csv")
    fields = tuple(prospect_scores.score_fields(model()))
    mapping = fitcheck.bulk_mapping(raw.columns, content(), fields)
    assert (mapping["revenue"], mapping["margin"]) == ("Revenue", "Margin")
    result = fitcheck.bulk_check(
        raw, mapping, content(), scoring_model=model(), today=dt.date(2026, 1, 1)
    )
    table = result.table
    assert table["ICP segment"].tolist() == ["Do-or-die", "Do-not", "Do-or-die", "Do-or-die"]
    assert result.segments == ["do-or-die", "do-not", "do-or-die", "do-or-die"]
    scores = table["Value score (Margin and revenue)"].tolist()
    # Revenue and margin, ranked among the prospects; Gamma lacks a margin: no score.
    assert scores[0] == 100.0 and scores[2] == ""
    assert scores[0] > scores[3] > scores[1]
    assert table["Score band"].tolist()[0] == "Intensify"
    source = table["Value score from"].iloc[0]
    assert source.startswith("Revenue with us") and "not in the list:" in source


def test_a_list_without_the_models_figures_says_it_is_not_scored():
    raw = read_table(b"Company,Industry\nAlpha AB,IT\n", "prospects.csv")
    mapping = fitcheck.bulk_mapping(raw.columns, content())
    table = fitcheck.bulk_check(raw, mapping, content(), scoring_model=model()).table
    assert table["Value score (Margin and revenue)"].tolist() == [""]
    assert table["Value score from"].iloc[0].startswith("Not scored")


@pytest.mark.django_db
def test_the_bulk_fit_check_uses_the_organisations_model(team):
    published_profile(team)
    chosen = model(organization=team.organization)
    chosen.save()
    scoring_model_choose(
        organization=team.organization, user=team.leader.user, scoring_model=chosen
    )
    client = team.client("rep")
    upload = io.BytesIO(PROSPECTS.encode())
    upload.name = "prospects.csv"
    client.post(reverse("fit_check_bulk"), {"file": upload})
    page = client.get(reverse("fit_check_bulk_mapping"))
    assert "Margin and revenue" in page.text and 'id="scored-with"' in page.text
    assert page.context["form"].initial["map_margin"] == "Margin"
    data = dict(page.context["form"].initial)
    data["file_format"] = "csv"
    download = client.post(reverse("fit_check_bulk_mapping"), data)
    table = pd.read_csv(io.BytesIO(download.content), dtype=str, encoding="utf-8-sig")
    assert table["Value score (Margin and revenue)"].tolist()[0] == "100.0"
