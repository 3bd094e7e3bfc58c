"""Datasets' frames are cached per (dataset, revision): a re-aggregation shows the new figures,
a second load reads no customers, and nothing leaks between datasets or organisations."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.customers.services import dataset_reaggregate
from portfolio.frames import cache as frame_cache
from portfolio.frames import customers as frames
from portfolio.frames import snapshot
from portfolio.frames import steps as data
from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.pipeline import dataset_import
from portfolio.imports.reading import read_table
from portfolio.models import Dataset
from profiles.segments import lists as segment_lists
from profiles.segments import services as segment_services
from profiles.segments.frames import customer_frame
from tests.factories import CustomerFactory, DatasetFactory, ProfileVersionFactory, WorkshopFactory
from tests.profiles.helpers import step, workshop_with_customers

pytestmark = pytest.mark.django_db

# Over all orders Alpha has 6,000 and Beta 1,200 of revenue; in 2023 Alpha 1,000 and Beta 0.
ORDERS = (
    "Customer ID,Company name,Order date,Amount,Industry\n"
    "C-1,Alpha Ltd,2023-05-01,1000,IT\n"
    "C-1,Alpha Ltd,2024-02-01,3000,IT\n"
    "C-2,Beta Ltd,2024-06-30,500,Retail\n"
    "C-1,Alpha Ltd,2024-11-15,2000,IT\n"
    "C-2,Beta Ltd,2022-01-10,700,Retail\n"
)


def order_dataset(team) -> Dataset:
    raw = read_table(ORDERS.encode(), "orders.csv")
    return dataset_import(
        organization=team.organization,
        user=team.leader.user,
        raw=raw,
        file_name="orders.csv",
        mapping=suggest_mapping(list(raw.columns)),
        order_level=True,
    ).dataset


def reaggregated(dataset: Dataset, period: str) -> Dataset:
    """The dataset as the next request reads it, after a re-aggregation."""
    dataset_reaggregate(dataset=dataset, period=period)
    return Dataset.objects.get(pk=dataset.pk)


def revenues(frame: pd.DataFrame, column: str = "revenue") -> list[float]:
    return sorted(frame[column].tolist())


def customer_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "portfolio_customer" in q["sql"]]


# --------------------------------------------------------------------------- re-aggregation


def test_step_one_shows_the_new_revenue_after_a_re_aggregation(team):
    workshop = WorkshopFactory(organization=team.organization, dataset=order_dataset(team))
    client = team.client("leader")
    fields = {"metric": "revenue", "preset": "custom", "small_max": "500", "medium_max": "2000"}
    saved = client.post(
        reverse("workshop_step_save", args=[workshop.pk, 1]),
        {**fields, "version": step(workshop, 1).version},
    )
    assert saved.status_code == 302
    page = reverse("workshop_step", args=[workshop.pk, 1])
    assert 'data-share="large">83.3%' in client.get(page).text  # 6,000 of 7,200

    reaggregated(workshop.dataset, "2023")

    text = client.get(page).text
    assert 'data-share="medium">100.0%' in text  # Alpha's 1,000; Beta has none in 2023
    assert 'data-share="large">83.3%' not in text


def test_the_step_three_group_shows_the_new_revenue_after_a_re_aggregation(team):
    dataset = order_dataset(team)
    asked = {
        "metric": "revenue",
        "thresholds": [500, 2000],
        "group": "large",
        "criterion": "revenue",
    }
    assert revenues(data.group_frame(dataset, **asked)) == [6000]
    dataset = reaggregated(dataset, "2023")
    assert revenues(data.group_frame(dataset, **asked)) == []
    assert revenues(data.group_frame(dataset, **{**asked, "group": "medium"})) == [1000]


def test_the_population_shows_the_new_revenue_after_a_re_aggregation(team):
    dataset = order_dataset(team)
    assert revenues(data.population_frame(dataset, {"rev": "revenue"}), "rev") == [1200, 6000]
    assert revenues(customer_frame(dataset)) == [1200, 6000]
    dataset = reaggregated(dataset, "2023")
    assert revenues(data.population_frame(dataset, {"rev": "revenue"}), "rev") == [0, 1000]
    assert revenues(customer_frame(dataset)) == [0, 1000]


def test_the_segment_list_shows_the_new_revenue_after_a_re_aggregation(team):
    dataset = order_dataset(team)
    workshop = WorkshopFactory(organization=team.organization, dataset=dataset)
    version = ProfileVersionFactory(workshop=workshop, author=team.leader.user)

    def listed(dataset):
        segment_set = segment_services.version_segments(version, dataset)
        rows = segment_lists.records(segment_lists.rows(segment_set), segment_set.criteria_total)
        return {row["name"]: (float(row["revenue"]), row["segment"]) for row in rows}

    assert listed(dataset) == {
        "Alpha Ltd": (6000, "do-or-die"),  # industry IT
        "Beta Ltd": (1200, "neutral"),
    }
    dataset = reaggregated(dataset, "2023")
    assert listed(dataset) == {"Alpha Ltd": (1000, "do-or-die"), "Beta Ltd": (0, "neutral")}


def test_the_analysis_frames_show_the_new_revenue_after_a_re_aggregation(team):
    dataset = order_dataset(team)
    assert revenues(frames.load_customers(dataset, numbers=["revenue"])) == [1200, 6000]
    dataset = reaggregated(dataset, "2023")
    assert revenues(frames.load_customers(dataset, numbers=["revenue"])) == [0, 1000]


# --------------------------------------------------------------------------- hits


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_second_step_page_reads_no_customers(team, number):
    workshop = workshop_with_customers(team.organization)
    client = team.client("leader")
    page = reverse("workshop_step", args=[workshop.pk, number])
    with CaptureQueriesContext(connection) as first:
        assert client.get(page).status_code == 200
    assert customer_queries(first.captured_queries)  # the first visit loads the customers
    with CaptureQueriesContext(connection) as second:
        assert client.get(page).status_code == 200
    assert customer_queries(second.captured_queries) == []


def test_an_htmx_update_of_step_one_reads_no_customers(team):
    workshop = workshop_with_customers(team.organization)
    client = team.client("leader")
    client.get(reverse("workshop_step", args=[workshop.pk, 1]))
    with CaptureQueriesContext(connection) as update:
        response = client.post(
            reverse("workshop_step_save", args=[workshop.pk, 1]),
            {
                "metric": "seats",
                "preset": "custom",
                "small_max": "5",
                "medium_max": "40",
                "version": step(workshop, 1).version,
            },
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200 and b"Not saved" not in response.content
    assert customer_queries(update.captured_queries) == []


def test_every_frame_is_loaded_once(team, django_assert_num_queries):
    workshop = workshop_with_customers(team.organization)
    dataset = workshop.dataset
    group = {"metric": "seats", "thresholds": (5, 20), "group": "large", "criterion": "revenue"}
    loads = [
        lambda: data.size_frame(dataset, "seats"),
        lambda: data.group_frame(dataset, **group),
        lambda: customer_frame(dataset, attributes=["industry", "employees"]),
        lambda: frames.load_customers(dataset, numbers=["revenue"], texts=["name"]),
    ]
    for load in loads:
        first = load()
        with django_assert_num_queries(0):
            second = load()
        pd.testing.assert_frame_equal(second, first)
    # The same limits as a list of floats (as step 1 saves them) are the same key.
    with django_assert_num_queries(0):
        data.group_frame(dataset, **{**group, "thresholds": [5.0, 20.0]})


def test_another_question_is_answered_from_the_snapshot(team, django_assert_num_queries):
    dataset = workshop_with_customers(team.organization).dataset
    data.size_frame(dataset, "seats")
    with django_assert_num_queries(0):
        assert revenues(data.size_frame(dataset, "revenue"), "revenue")[-1] == 5000
        frames.load_customers(dataset, numbers=["lifetime_days"], on=dt.date(2024, 1, 1))
        frames.load_customers(dataset, numbers=["margin"], texts=["industry"])


def test_a_new_revision_gets_its_own_snapshot(team, django_assert_num_queries):
    dataset = workshop_with_customers(team.organization).dataset
    data.size_frame(dataset, "seats")
    first = snapshot.folder(dataset)
    assert first.exists()
    dataset.revision += 1
    with CaptureQueriesContext(connection) as queries:
        data.size_frame(dataset, "seats")
    assert customer_queries(queries.captured_queries)  # read from PostgreSQL once more
    assert snapshot.folder(dataset).exists() and not first.exists()


# --------------------------------------------------------------------------- no leaks


def test_datasets_and_organisations_get_their_own_frames(team):
    ours = workshop_with_customers(team.organization).dataset
    theirs = DatasetFactory(organization=team.outsider.organization)
    CustomerFactory(dataset=theirs, seats=7, revenue=Decimal("42.00"))
    assert revenues(data.size_frame(ours, "seats")) == [100, 200, 300, 1000, 1500, 3000, 4000, 5000]
    assert revenues(data.size_frame(theirs, "seats")) == [42]
    assert revenues(customer_frame(theirs)) == [42]
    assert revenues(frames.load_customers(theirs, numbers=["revenue"])) == [42]
    assert len(customer_frame(ours)) == 8


def test_a_caller_cannot_change_the_cached_frame(team):
    dataset = workshop_with_customers(team.organization).dataset
    frame = data.size_frame(dataset, "seats")
    frame["revenue"] = 0.0
    frame.loc[0, "seats"] = -1.0
    frame["added"] = 1
    population = customer_frame(dataset, attributes=["industry", "seats"])
    population.loc[0, "seats"] = -1.0
    population["industry"] = "Changed"

    again = data.size_frame(dataset, "seats")
    assert list(again.columns) == ["seats", "revenue"]
    assert again["revenue"].sum() == 15_100 and again["seats"].min() == 1
    again = customer_frame(dataset, attributes=["industry", "seats"])
    assert "Changed" not in set(again["industry"].dropna()) and again["seats"].min() == 1


def test_the_cache_keeps_the_most_recently_used_frames():
    cache = frame_cache.FrameCache(2)
    loads = []

    def load(name):
        loads.append(name)
        return pd.DataFrame({"x": [1.0]})

    one, two, three = (Dataset(pk=pk, revision=1) for pk in (1, 2, 3))
    cache.get(one, "f", lambda: load("one"))
    cache.get(two, "f", lambda: load("two"))
    cache.get(one, "f", lambda: load("one"))  # a hit makes it the most recent
    cache.get(three, "f", lambda: load("three"))  # drops two, the least recently used
    cache.get(one, "f", lambda: load("one"))
    cache.get(two, "f", lambda: load("two"))
    assert loads == ["one", "two", "three", "two"]
    assert len(cache) == 2


def test_the_cache_keeps_within_its_memory_budget():
    frame = pd.DataFrame({"x": np.zeros(1000)})  # 8,000 bytes of values plus a small index
    size = int(frame.memory_usage(index=True, deep=True).sum())
    cache = frame_cache.FrameCache(10, budget=2 * size)
    loads = []

    def load(name):
        loads.append(name)
        return frame

    one, two, three = (Dataset(pk=pk, revision=1) for pk in (1, 2, 3))
    for dataset in (one, two, three, three, two, one):
        cache.get(dataset, "f", lambda dataset=dataset: load(dataset.pk))
    assert loads == [1, 2, 3, 1]  # the third frame pushed the first out
    assert len(cache) == 2 and cache.nbytes == 2 * size

    tiny = frame_cache.FrameCache(10, budget=size - 1)
    tiny.get(one, "f", lambda: frame)
    assert len(tiny) == 0  # too big for the whole budget: returned, not kept
