"""The customer list of a dataset."""

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, DatasetFactory

pytestmark = pytest.mark.django_db


def test_reps_see_the_latest_import(team):
    dataset = DatasetFactory(organization=team.organization)
    CustomerFactory(dataset=dataset, name="Zeta AB")
    response = team.client("rep").get(reverse("customers"))
    assert response.status_code == 200
    assert "Zeta AB" in response.text


def test_search_answers_htmx_with_the_table_only(team):
    dataset = DatasetFactory(organization=team.organization)
    CustomerFactory(dataset=dataset, name="Alpha GmbH")
    CustomerFactory(dataset=dataset, name="Beta AB")
    response = team.client("rep").get(
        reverse("customers"), {"dataset": dataset.pk, "q": "alp"}, HTTP_HX_REQUEST="true"
    )
    assert "Alpha GmbH" in response.text
    assert "Beta AB" not in response.text
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_another_organisations_dataset_is_not_found(team):
    foreign = DatasetFactory(organization=team.outsider.organization)
    CustomerFactory(dataset=foreign, name="Secret Ltd")
    response = team.client("rep").get(reverse("customers"), {"dataset": foreign.pk})
    assert response.status_code == 404


def test_customer_names_are_escaped(team):
    CustomerFactory(dataset=DatasetFactory(organization=team.organization), name="<b>x</b>")
    text = team.client("rep").get(reverse("customers")).text
    assert "<b>x</b>" not in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text


def test_an_unknown_sort_column_falls_back_to_name(team):
    CustomerFactory(dataset=DatasetFactory(organization=team.organization))
    response = team.client("rep").get(reverse("customers"), {"sort": "password"})
    assert response.status_code == 200
