"""The one frame: the dataset's customers with the workshop's table corrections applied."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from profiles.models import WorkshopStep
from profiles.segments import frames
from profiles.workshop.tables import services as table_services
from tests.factories import CustomerFactory
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db


def _cell(row, column, value, user):
    return table_services.profile_cell_save(
        row=row, column=column, value=value, version=row.cell_version(column), user=user
    )


def test_the_frame_carries_the_tables_corrections(team):
    workshop = workshop_with_best_customers(team.organization)
    user = team.leader.user
    company = table_services.profile_rows_sync(workshop=workshop, table="company")
    buyer = table_services.profile_rows_sync(workshop=workshop, table="buyer")
    _cell(company[0], "industry", "Shipping", user)  # a value the list does not have
    _cell(company[1], "employees", "1200", user)
    _cell(company[2], "country", "", user)  # emptied by the team: unknown
    _cell(buyer[0], "role", "Head of Sales", user)  # in no customer list
    _cell(buyer[0], "drivers", ["money", "power"], user)

    frame = frames.workshop_frame(
        workshop, attributes=["industry", "employees", "country", "role", "drivers"]
    )
    by_id = frame.set_index("id")
    first, second, third = (row.customer_id for row in company[:3])
    assert by_id.loc[first, "industry"] == "Shipping"
    assert by_id.loc[second, "employees"] == 1200.0
    assert pd.isna(by_id.loc[third, "country"])
    assert by_id.loc[first, "role"] == "Head of Sales"
    assert by_id.loc[first, "drivers"] == ("power", "money")  # a tuple: read once per value
    others = by_id.drop(index=[first, second, third])
    assert others["role"].isna().all()
    assert set(others["industry"].dropna()) == {"IT", "Retail", "Health"}
    # Without the corrections, the list's own values.
    plain = frames.customer_frame(workshop.dataset, attributes=["industry"]).set_index("id")
    assert plain.loc[first, "industry"] == "IT"


def test_only_the_rows_of_the_current_selection_and_tables_count(team):
    workshop = workshop_with_best_customers(team.organization)
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    _cell(rows[0], "industry", "Shipping", team.leader.user)
    assert str(rows[0].customer_id) in frames.table_corrections(workshop)
    step3 = WorkshopStep.objects.get(workshop=workshop, number=3)
    step3.inputs = {"selection": [r.customer_id for r in rows[1:]]}
    step3.save()
    assert str(rows[0].customer_id) not in frames.table_corrections(workshop)
    step3.inputs = {"selection": [r.customer_id for r in rows]}
    step3.save()
    table_services.workshop_table_done(
        workshop=workshop, table="company", user=team.leader.user, skipped=True, reason="B2C"
    )
    assert frames.table_corrections(workshop) == {}  # a skipped table corrects nothing


def test_the_frame_can_keep_the_active_customers_only(team):
    workshop = workshop_with_best_customers(team.organization)
    dataset = workshop.dataset
    CustomerFactory(dataset=dataset, name="Gone", customer_until=dt.date(2020, 1, 1))
    CustomerFactory(dataset=dataset, name="Leaving", customer_until=dt.date(2030, 1, 1))
    everybody = frames.customer_frame(dataset, attributes=["industry"])
    active = frames.customer_frame(dataset, attributes=["industry"], active_on=dt.date(2025, 1, 1))
    assert len(everybody) == 10 and len(active) == 9
    assert "customer_until" not in active.columns


def test_the_files_other_columns_are_attributes_too(team):
    workshop = workshop_with_best_customers(team.organization)
    dataset = workshop.dataset
    dataset.extra_columns = ["Partner"]
    dataset.save()
    CustomerFactory(dataset=dataset, name="Kappa", extra={"Partner": "Yes"}, revenue=Decimal(1))
    frame = frames.customer_frame(dataset, attributes=["Partner"])
    assert frame["Partner"].tolist().count("Yes") == 1
