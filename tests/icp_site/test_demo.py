"""The demo data a newcomer sees."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from icp_site.models import Membership, Organization
from portfolio.demo import demo_customers
from portfolio.models import Customer

pytestmark = pytest.mark.django_db


def test_demo_data_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Organization.objects.filter(slug="demo").exists()


def test_demo_data_is_created_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    org = Organization.objects.get(slug="demo")
    assert org.name == "Demo SaaS AB"
    roles = dict(Membership.objects.filter(organization=org).values_list("user__email", "role"))
    assert roles == {
        "admin@demo.example": "admin",
        "leader@demo.example": "leader",
        "rep@demo.example": "rep",
    }
    assert Customer.objects.filter(organization=org).count() == 400


def test_demo_profile_says_ten_people_or_fewer_as_the_method_does(settings):
    from profiles.models import ProfileVersion

    settings.DEBUG = True
    call_command("seed_demo")
    org = Organization.objects.get(slug="demo")
    content = ProfileVersion.objects.current(org).content
    [small] = [
        c for c in content["criteria"] if c["attribute"] == "employees" and c["segment"] == "do-not"
    ]
    # A company of exactly ten is too small too: "10 or fewer", not "less than 10".
    assert (small["operator"], small["value"]) == ("lte", 10)
    assert "ten people or fewer" in content["notes"]["do-not"]


def test_demo_logins_work(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    assert client.login(username="rep@demo.example", password="demo")


def test_demo_revenue_follows_the_methods_example():
    rows = demo_customers()
    total = sum(r["revenue"] for r in rows)

    def share(low, high):
        return sum(r["revenue"] for r in rows if low <= r["seats"] <= high) / total * 100

    assert round(share(21, 10_000)) == 60
    assert round(share(6, 20)) == 25
    assert round(share(1, 5)) == 15


def test_demo_customers_carry_the_fields_later_steps_need():
    needed = {
        "revenue", "seats", "margin", "sales_cycle_days", "customer_since", "industry",
        "country", "employees", "company_revenue", "market_position", "growth", "owner",
    }  # fmt: skip
    rows = demo_customers()
    for field in needed:
        assert all(r[field] is not None for r in rows), field
    assert len({r["name"] for r in rows}) == 400
    assert any(r["owner"] == "Rita Rep" for r in rows)


def test_demo_revenue_is_stored_to_the_cent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    stored = Customer.objects.filter(organization__slug="demo").aggregate(s=Sum("revenue"))["s"]
    assert abs(stored - Decimal("2400000")) < Decimal("1")
