"""A removed custom column's values never come back under a new column."""

import pytest
from django.urls import reverse

from profiles.models import ProfileRow, WorkshopStep
from profiles.workshop.tables import services as table_services
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db


def test_remove_then_add_a_column_shows_none_of_the_old_values(team):
    workshop = workshop_with_best_customers(team.organization)
    client = team.client("leader")
    add = reverse("profile_table_column_add", args=[workshop.pk, "company"])
    client.post(add, {"label": "Salary of the CEO", "kind": "text"})
    inputs = WorkshopStep.objects.get(workshop=workshop, number=4).inputs
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    for row in rows:
        table_services.profile_cell_save(
            row=row, column="custom_1", value="confidential", version=0, user=None, inputs=inputs
        )
    remove = reverse("profile_table_column_remove", args=[workshop.pk, "company", "custom_1"])
    client.post(remove)
    client.post(add, {"label": "Notes", "kind": "text"})
    [column] = WorkshopStep.objects.get(workshop=workshop, number=4).inputs["columns"]
    assert column["key"] != "custom_1"
    page = client.get(reverse("workshop_step", args=[workshop.pk, 4])).content.decode()
    assert "confidential" not in page
    # The old cells are kept (nothing lost), just never shown or used.
    assert ProfileRow.objects.filter(workshop=workshop, values__custom_1="confidential").exists()
