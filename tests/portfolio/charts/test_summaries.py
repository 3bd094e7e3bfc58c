"""Each chart's finding in words, with its figures in the reader's language."""

import pandas as pd
import pytest
from django.utils import translation

from portfolio.analysis import abc_classes, group_by_size, pareto
from portfolio.analysis.types import customer_types
from portfolio.charts import steps, summaries

pytestmark = pytest.mark.django_db(databases=[])


@pytest.fixture
def portfolio() -> pd.DataFrame:
    # Seats 1..20 (one customer each); revenue: small 150, medium 250, large 600 of 1,000.
    seats = list(range(1, 21))
    revenue = [30] * 5 + [25] * 10 + [120] * 5
    return pd.DataFrame(
        {"id": seats, "name": [f"C{i}" for i in seats], "seats": seats, "revenue": revenue}
    )


@pytest.fixture
def groups(portfolio):
    return group_by_size(portfolio, metric="seats", thresholds=(5, 15))


def test_the_pie_says_what_share_of_revenue_each_group_brings(groups):
    with translation.override("en"):
        assert summaries.revenue(groups) == (
            "Large customers bring 60.0% of the revenue, medium 25.0%, small 15.0%."
        )
    with translation.override("de"):
        assert summaries.revenue(groups) == (
            "Große Kunden bringen 60,0\u00a0% des Umsatzes, mittlere 25,0\u00a0%, "
            "kleine 15,0\u00a0%."
        )


def test_the_histogram_says_how_many_customers_each_group_holds(groups):
    with translation.override("en"):
        assert summaries.sizes(groups, "Seats") == (
            "By Seats, 5 customers are small (up to 5), 10 medium (up to 15) and 5 large "
            "(above 15)."
        )


def test_the_bars_set_the_share_of_customers_beside_the_share_of_revenue(groups):
    with translation.override("en"):
        text = summaries.shares(groups)
    assert text.startswith("Large customers are 25.0% of the customers and bring 60.0%")
    assert "medium: 50.0% and 25.0%; small: 25.0% and 15.0%." in text


def test_the_pareto_curve_says_how_few_customers_make_80_percent(portfolio):
    # 5 x 120 = 600, then 5 x 30 = 750, then two of 25: 800 after 12 of 20 customers.
    with translation.override("en"):
        assert summaries.pareto(pareto(portfolio)) == (
            "12 of the group's 20 customers (60.0%) bring 80% of its revenue."
        )


def test_the_abc_chart_names_each_class_with_customers_and_value(portfolio):
    result = abc_classes(portfolio, value="revenue", thresholds=(80, 95))
    with translation.override("en"):
        text = summaries.abc(result)
    a = result.table.loc["A"]
    assert text.startswith(f"Class A: {int(a.customers)} customers (")
    assert "class C:" in text


def test_the_four_types_say_how_many_customers_each_type_has():
    frame = pd.DataFrame(
        {"id": [1, 2, 3, 4], "name": list("abcd"), "v": [1, 1, 9, 9], "b": [1, 9, 1, 9]}
    )
    types = customer_types(frame, value_column="v", bond_column="b")
    labels = {"star": "Stars", "question_mark": "Qs", "free_rider": "Free", "poor_dog": "Dogs"}
    with translation.override("en"):
        text = summaries.types(types.counts, labels, types.split, ("Score", "Lifetime"))
    assert text == (
        "Customers per type: Stars: 1, Qs: 1, Free: 1, Dogs: 1. Split: Score at 5, Lifetime at 5."
    )


def test_the_histogram_table_has_every_bar_once_with_its_group(portfolio):
    rows = steps.histogram_rows(portfolio, "seats", (5, 15))
    assert sum(r["customers"] for r in rows) == 20
    assert [r["value"] for r in rows] == list(range(1, 21))  # whole numbers: one bar each
    assert {r["value"]: r["group"] for r in rows}[5] == "small"
    assert {r["value"]: r["group"] for r in rows}[16] == "large"


def test_a_histogram_without_values_has_an_empty_table():
    assert steps.histogram_rows(pd.DataFrame({"seats": [None, None]}), "seats", (5, 15)) == []
