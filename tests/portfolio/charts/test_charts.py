"""Tests for portfolio.charts.steps: binning, downsampling, escaping and JSON-readiness."""

import json

import numpy as np
import pandas as pd
import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import strategies as st

from portfolio.analysis import abc_classes, group_by_size, pareto
from portfolio.charts import steps as charts
from portfolio.charts.common import downsample

BASIC_TRACE_TYPES = {"scatter", "bar", "pie"}


@pytest.fixture(autouse=True, scope="module")
def _configured_django():
    """Labels go through gettext, which needs settings; pytest-django may have set them up."""
    if not django_settings.configured:
        django_settings.configure(USE_I18N=False)


def as_json(figure: dict) -> dict:
    """Round-trip through the standard json module: fails on numpy values or other leftovers."""
    return json.loads(json.dumps(figure))


def traces(figure: dict, kind: str) -> list[dict]:
    return [t for t in figure["data"] if t["type"] == kind]


@pytest.fixture
def seats() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": range(1, 11),
            "name": [f"Customer {i}" for i in range(1, 11)],
            "seats": [1, 1, 2, 5, 6, 6, 20, 21, 30, np.nan],
            "revenue": [10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100],
        }
    )


def test_seat_histogram_has_one_bar_per_seat_count_coloured_by_group(seats):
    figure = as_json(charts.size_histogram(seats, "seats", (5, 20)))
    small, medium, large = traces(figure, "bar")
    assert (small["x"], small["y"]) == ([1, 2, 5], [2, 1, 1])
    assert (medium["x"], medium["y"]) == ([6, 20], [2, 1])
    assert (large["x"], large["y"]) == ([21, 30], [1, 1])
    assert figure["layout"]["xaxis"]["type"] == "linear"


def test_threshold_lines_sit_between_the_groups_bars(seats):
    figure = as_json(charts.size_histogram(seats, "seats", (5, 20)))
    lines = traces(figure, "scatter")
    assert [line["x"] for line in lines] == [[5.5, 5.5], [20.5, 20.5]]
    assert lines[0]["y"][1] >= 2  # reaches above the highest bar


def test_wide_ranges_get_log_bins_and_a_log_axis():
    frame = pd.DataFrame({"revenue": [0, -5, 1, 10, 100, 1_000, 10_000, 100_000.5]})
    figure = as_json(charts.size_histogram(frame, "revenue", (50, 5_000)))
    assert figure["layout"]["xaxis"]["type"] == "log"
    bars = traces(figure, "bar")
    assert sum(sum(bar["y"]) for bar in bars) == 6  # 0 and -5 cannot be shown on a log axis
    assert "2 customers" in figure["layout"]["annotations"][0]["text"]
    edges = {edge for bar in bars for pair in bar["customdata"] for edge in pair}
    assert {50, 5_000} <= edges  # thresholds are bin edges: no bar mixes two groups
    assert min(edges) == 1


def test_a_few_tiny_values_do_not_put_a_bell_curve_on_a_log_axis():
    rng = np.random.default_rng(3)
    margins = np.concatenate([rng.normal(30, 5, 1_000), [0.01, 0.02]])
    figure = as_json(charts.size_histogram(pd.DataFrame({"margin": margins}), "margin", (25, 35)))
    assert figure["layout"]["xaxis"]["type"] == "linear"


def test_continuous_histogram_has_at_most_about_a_hundred_bins():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"margin": rng.normal(30, 5, 50_000)})
    figure = as_json(charts.size_histogram(frame, "margin", (25, 35)))
    bars = traces(figure, "bar")
    assert sum(len(bar["x"]) for bar in bars) <= 102
    assert sum(sum(bar["y"]) for bar in bars) == 50_000


def test_histogram_without_values_shows_a_message():
    figure = as_json(charts.size_histogram(pd.DataFrame({"seats": [np.nan]}), "seats", (5, 20)))
    assert figure["data"] == []
    assert "No customer" in figure["layout"]["annotations"][0]["text"]


def test_revenue_pie_labels_slices_with_the_tables_rounded_shares(seats):
    groups = group_by_size(seats, metric="seats", thresholds=(5, 20))
    (pie,) = as_json(charts.revenue_pie(groups))["data"]
    assert pie["type"] == "pie"
    assert pie["values"] == [100.0, 180.0, 170.0]
    assert pie["text"] == ["22.2 %", "40.0 %", "37.8 %"]


def test_revenue_pie_without_revenue_shows_a_message(seats):
    groups = group_by_size(seats.assign(revenue=0.0), metric="seats", thresholds=(5, 20))
    assert as_json(charts.revenue_pie(groups))["data"] == []


def test_share_bars_compare_customer_and_revenue_shares(seats):
    groups = group_by_size(seats, metric="seats", thresholds=(5, 20))
    customers, revenue = as_json(charts.share_bars(groups))["data"]
    # 4, 3 and 2 of 9 customers: 44.44, 33.33, 22.22; the missing tenth goes to 44.44.
    assert customers["y"] == [44.5, 33.3, 22.2]
    assert revenue["y"] == [22.2, 40.0, 37.8]


def test_pareto_chart_shows_sorted_revenue_and_cumulative_share(seats):
    figure = as_json(charts.pareto_chart(pareto(seats)))
    bars, line = figure["data"]
    assert bars["y"] == [100.0, 90, 80, 70, 60, 50, 40, 30, 20, 10]
    assert line["yaxis"] == "y2"
    assert line["y"][-1] == 100.0


def test_abc_chart_colours_bars_by_class(seats):
    figure = as_json(charts.abc_chart(abc_classes(seats)))
    bars = traces(figure, "bar")
    assert [bar["name"] for bar in bars] == ["Class A", "Class B", "Class C"]
    # 550 in total; cumulative 100, 190, 270, 340, 400, 450 (crosses 80 % = 440: still A),
    # 490, 520 (before it 490 < 90 % = 495: B), 540 and 550 (the method's last 10 %: C).
    assert [bar["x"] for bar in bars] == [[1, 2, 3, 4, 5, 6], [7, 8], [9, 10]]


def test_charts_use_only_the_basic_bundles_trace_types(seats):
    groups = group_by_size(seats, metric="seats", thresholds=(5, 20))
    figures = [
        charts.size_histogram(seats, "seats", (5, 20)),
        charts.revenue_pie(groups),
        charts.share_bars(groups),
        charts.pareto_chart(pareto(seats)),
        charts.abc_chart(abc_classes(seats)),
    ]
    for figure in figures:
        assert {t["type"] for t in as_json(figure)["data"]} <= BASIC_TRACE_TYPES


@pytest.fixture(scope="module")
def huge() -> pd.DataFrame:
    n = 100_000
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "name": [f"Customer {i}" for i in range(n)],
            "seats": rng.integers(1, 5_000, n).astype(float),
            "revenue": rng.lognormal(9, 1.5, n).round(2),
        }
    )


def test_no_trace_has_more_than_a_thousand_points_for_100000_customers(huge):
    groups = group_by_size(huge, metric="seats", thresholds=(5, 20))
    figures = [
        charts.size_histogram(huge, "seats", (5, 20)),
        charts.size_histogram(huge, "revenue", (1_000, 100_000)),
        charts.revenue_pie(groups),
        charts.share_bars(groups),
        charts.pareto_chart(pareto(huge)),
        charts.abc_chart(abc_classes(huge)),
    ]
    for figure in figures:
        for trace in as_json(figure)["data"]:
            assert len(trace.get("x") or trace.get("values")) <= 1_000
    bars, line = as_json(charts.pareto_chart(pareto(huge)))["data"]
    assert line["x"][0] == 1 and line["x"][-1] == 100_000  # curve keeps both ends
    assert line["y"][-1] == 100.0


def test_script_tag_in_a_customer_name_is_escaped_in_chart_json():
    frame = pd.DataFrame(
        {"id": [1, 2], "name": ["<script>alert(1)</script>", "Smith & Sons"], "revenue": [5.0, 1]}
    )
    for figure in (charts.pareto_chart(pareto(frame)), charts.abc_chart(abc_classes(frame))):
        text = json.dumps(figure)
        assert "<script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "Smith &amp; Sons" in text


def test_column_names_are_escaped_in_titles_and_axes():
    frame = pd.DataFrame({"<b>seats</b>": [1, 2, 3]})
    text = json.dumps(charts.size_histogram(frame, "<b>seats</b>", (1, 2)))
    assert "<b>seats" not in text
    assert "&lt;b&gt;seats&lt;/b&gt;" in text


@given(st.integers(0, 300_000), st.integers(2, 2_000))
def test_downsampling_keeps_both_ends_and_respects_the_limit(n, limit):
    positions = downsample(n, limit)
    assert len(positions) == min(n, limit)
    if n:
        assert positions[0] == 0 and positions[-1] == n - 1
        assert (np.diff(positions) > 0).all()
