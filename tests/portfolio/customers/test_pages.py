"""The customer list of a dataset."""

import pytest
from django.urls import reverse

from portfolio.customers import services
from portfolio.models import Customer, Dataset
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


def test_the_customers_page_lists_every_dataset_with_who_when_and_counts(team):
    DatasetFactory(
        organization=team.organization,
        name="crm-export.csv",
        uploaded_by=team.leader.user,
        rows_imported=1234,
        rows_skipped=5,
    )
    DatasetFactory(organization=team.outsider.organization, name="foreign.csv")
    text = team.client("rep").get(reverse("customers")).text
    assert "crm-export.csv" in text
    assert "Leo Leader" in text
    assert "1,234" in text
    assert "foreign.csv" not in text


def _list(team, dataset, **params):
    response = team.client("rep").get(reverse("dataset_detail", args=[dataset.pk]), params)
    assert response.status_code == 200
    return [customer.name for customer in response.context["page"]]


@pytest.fixture
def portfolio(team):
    dataset = DatasetFactory(organization=team.organization, extra_columns=["Region"])
    for name, industry, country, owner, seats in [
        ("Alpha", "IT", "SE", "Rita Rep", 3),
        ("Beta", "IT", "DE", "Sam Seller", 12),
        ("Gamma", "Retail", "SE", "Sam Seller", 40),
        ("Delta", "Retail", "DE", "Rita Rep", None),
    ]:
        CustomerFactory(
            dataset=dataset,
            name=name,
            industry=industry,
            country=country,
            owner=owner,
            seats=seats,
            extra={"Region": f"Region of {name}"},
        )
    return dataset


def test_the_customer_list_filters_by_industry_country_and_owner(team, portfolio):
    assert _list(team, portfolio, industry="IT") == ["Alpha", "Beta"]
    assert _list(team, portfolio, country="DE") == ["Beta", "Delta"]
    assert _list(team, portfolio, owner="Rita Rep", country="SE") == ["Alpha"]


def test_the_customer_list_filters_by_size_group_with_the_default_thresholds(team, portfolio):
    assert _list(team, portfolio, size="small") == ["Alpha"]
    assert _list(team, portfolio, size="medium") == ["Beta"]
    assert _list(team, portfolio, size="large") == ["Gamma"]
    assert _list(team, portfolio, size="unknown") == ["Delta"]


def test_the_customer_list_sorts_with_empty_values_last(team, portfolio):
    assert _list(team, portfolio, sort="-seats") == ["Gamma", "Beta", "Alpha", "Delta"]
    assert _list(team, portfolio, sort="seats") == ["Alpha", "Beta", "Gamma", "Delta"]
    assert _list(team, portfolio, sort="-name") == ["Gamma", "Delta", "Beta", "Alpha"]


def test_the_customer_list_shows_extra_attributes(team, portfolio):
    text = team.client("rep").get(reverse("dataset_detail", args=[portfolio.pk])).text
    assert "Region of Gamma" in text


def test_the_customer_list_answers_htmx_with_the_table_only(team, portfolio):
    response = team.client("rep").get(
        reverse("dataset_detail", args=[portfolio.pk]), {"q": "gam"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in response.text
    assert "Gamma" in response.text and "Alpha" not in response.text
    assert "HX-Request" in response["Vary"]


def test_the_customer_list_is_paginated(team):
    dataset = DatasetFactory(organization=team.organization)
    CustomerFactory.create_batch(55, dataset=dataset)
    response = team.client("rep").get(reverse("dataset_detail", args=[dataset.pk]), {"page": 2})
    assert len(response.context["page"]) == 5
    assert "Page 2 of 2" in response.text


def test_reps_see_no_import_or_delete_buttons(team, portfolio):
    customers = team.client("rep").get(reverse("customers")).text
    assert reverse("import_upload") not in customers
    detail = team.client("rep").get(reverse("dataset_detail", args=[portfolio.pk])).text
    assert reverse("dataset_delete", args=[portfolio.pk]) not in detail


def test_an_admin_deletes_a_dataset_with_its_customers(team, portfolio):
    response = team.client("admin").post(reverse("dataset_delete", args=[portfolio.pk]))
    assert response.status_code == 302
    assert not Dataset.objects.filter(pk=portfolio.pk).exists()
    assert not Customer.objects.filter(dataset_id=portfolio.pk).exists()


def test_leaders_cannot_delete_a_dataset(team, portfolio):
    response = team.client("leader").post(reverse("dataset_delete", args=[portfolio.pk]))
    assert response.status_code == 403
    assert Dataset.objects.filter(pk=portfolio.pk).exists()


def test_a_dataset_a_profile_refers_to_is_kept(team, portfolio, monkeypatch):
    monkeypatch.setattr(services, "dataset_is_deletable", lambda dataset: False)
    client = team.client("admin")
    response = client.post(reverse("dataset_delete", args=[portfolio.pk]), follow=True)
    assert Dataset.objects.filter(pk=portfolio.pk).exists()
    assert "A saved profile refers to this customer list" in response.text
