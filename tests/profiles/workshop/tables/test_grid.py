"""Steps 4-5 as a keyboard grid: the markup the keyboard and screen readers rely on, a block
pasted from a spreadsheet, and what a poll sends to thirty laptops."""

import re

import pytest
from django.urls import reverse

from profiles.models import ProfileRow
from profiles.versions import traits
from profiles.workshop.tables import services as table_services
from tests.profiles.tables_helpers import workshop_with_best_customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(team):
    return workshop_with_best_customers(team.organization)


def rows(workshop, table="company"):
    return table_services.profile_rows_sync(workshop=workshop, table=table)


def paste(client, workshop, cells, table="company"):
    data = {"row": [], "column": [], "text": [], "version": []}
    for row, column, text, version in cells:
        data["row"].append(row)
        data["column"].append(column)
        data["text"].append(text)
        data["version"].append(version)
    url = reverse("profile_table_paste", args=[workshop.pk, table])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_the_table_is_a_grid_whose_cells_are_named_by_their_value(team, workshop):
    page = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 4])).text
    assert 'role="grid"' in page and 'aria-describedby="grid-help"' in page
    row = rows(workshop)[0]
    cell = re.search(rf'<td id="c-{row.pk}-industry"[^>]*>(.*?)</td>', page, re.S)[1]
    # The link's name is its text: the value first (voice control: "click IT").
    assert re.search(r'<a class="cell-link"[^>]*>IT</a>', cell)
    assert "aria-label" not in cell
    empty = re.search(rf'<td id="c-{row.pk}-market_position_note"[^>]*>(.*?)</td>', page, re.S)[1]
    assert '<span class="visually-hidden">empty</span>' in empty
    assert 'class="skip-table" href="#after-table"' in page and 'id="after-table"' in page


def test_a_dropdown_cell_saves_on_submit_only_never_on_change(team, workshop):
    row = rows(workshop)[0]
    url = reverse("profile_cell", args=[workshop.pk, "company", row.pk, "customer_type"])
    editor = team.client("leader").get(url, HTTP_HX_REQUEST="true").text
    assert "<select" in editor and 'hx-trigger="change' not in editor


def test_a_pasted_block_fills_the_cells_it_covers_as_one_change(team, workshop):
    first, second = rows(workshop)[:2]
    answer = paste(
        team.client("leader"),
        workshop,
        [
            (first.pk, "industry", "Media", 0),
            (first.pk, "customer_type", "b2c", 0),
            (second.pk, "industry", "Retail", 0),
            (second.pk, "customer_type", "B2B", 0),
        ],
    )
    assert answer.status_code == 200
    assert "4 cells pasted." in answer.text
    assert 'id="summaries" hx-swap-oob="true"' in answer.text
    assert ProfileRow.objects.get(pk=first.pk).values["industry"] == "Media"
    assert ProfileRow.objects.get(pk=first.pk).values["customer_type"] == "B2C"  # by label
    assert ProfileRow.objects.get(pk=second.pk).values["industry"] == "Retail"


def test_pasted_cells_that_do_not_fit_or_were_changed_meanwhile_are_left_to_decide(team, workshop):
    first, second = rows(workshop)[:2]
    table_services.profile_cell_save(
        row=second, column="industry", value="Telco", version=0, user=team.admin.user
    )
    answer = paste(
        team.client("leader"),
        workshop,
        [
            (first.pk, "employees", "lots", 0),
            (first.pk, "country", "DK", 0),
            (second.pk, "industry", "Media", 0),  # Ada changed it meanwhile
        ],
    )
    body = answer.text
    assert "1 cell pasted." in body
    assert "1 cell was changed by a teammate meanwhile" in body
    assert "1 cell does not fit its column" in body
    assert "Ada Admin changed this to “Telco”" in body and "Yours: “Media”" in body
    assert "Enter a number" in body and 'value="lots"' in body
    values = ProfileRow.objects.get(pk=first.pk).values
    assert values["country"] == "DK" and values["employees"] == 30
    assert ProfileRow.objects.get(pk=second.pk).values["industry"] == "Telco"


def test_several_choices_are_pasted_by_their_labels(team, workshop):
    row = rows(workshop, "buyer")[0]
    paste(team.client("leader"), workshop, [(row.pk, "drivers", "Money; power", 0)], "buyer")
    assert ProfileRow.objects.get(pk=row.pk).values["drivers"] == ["power", "money"]
    col = traits.column("buyer", "drivers")
    assert traits.pasted_value(col, "recognition") == ["recognition"]


def test_a_broken_paste_is_refused(team, workshop):
    url = reverse("profile_table_paste", args=[workshop.pk, "company"])
    client = team.client("leader")
    broken = {"row": ["x"], "column": ["industry"], "text": ["a"], "version": ["0"]}
    assert client.post(url, broken).status_code == 400
    assert client.post(url, {"row": ["1", "2"], "column": ["industry"]}).status_code == 400


def test_polls_render_each_cell_once_per_value_not_once_per_participant(
    team, workshop, monkeypatch
):
    from profiles.workshop.tables import live as table_live

    rendered = []
    original = table_live.cell_html

    def counting(cell, **kwargs):
        rendered.append(cell.key)
        return original(cell, **kwargs)

    monkeypatch.setattr(table_live, "cell_html", counting)
    url = reverse("workshop_live", args=[workshop.pk, 4])
    page = team.client("leader").get(reverse("workshop_step", args=[workshop.pk, 4])).text
    structure = re.search(r'name="structure" value="([^"]+)"', page)[1]

    def poll(who):
        rendered.clear()
        answer = team.client(who).get(url, {"structure": structure}, HTTP_HX_REQUEST="true")
        assert answer.status_code == 200
        return list(rendered)

    cells = len(rows(workshop)) * len(traits.columns("company"))
    assert len(poll("leader")) == cells  # the first poll of this revision renders the cells
    assert poll("admin") == []  # another participant at the same revision: nothing rendered
    row = rows(workshop)[0]
    table_services.profile_cell_save(
        row=row, column="industry", value="Media", version=0, user=team.admin.user
    )
    assert len(poll("leader")) == 1  # after an edit: only the changed cell


def test_a_poll_sends_only_the_rows_changed_since_the_participant_last_looked(team, workshop):
    first, second = rows(workshop)[:2]
    url = reverse("workshop_live", args=[workshop.pk, 4])
    page = team.client("rep").get(reverse("workshop_step", args=[workshop.pk, 4])).text
    structure = re.search(r'name="structure" value="([^"]+)"', page)[1]
    client = team.client("rep")
    etag = client.get(url, {"structure": structure}, HTTP_HX_REQUEST="true")["ETag"]
    table_services.profile_cell_save(
        row=second, column="industry", value="Media", version=0, user=team.admin.user
    )
    answer = client.get(
        url, {"structure": structure}, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag
    )
    body = answer.content.decode()
    assert f'id="c-{second.pk}-industry"' in body and "Media" in body
    assert f'id="c-{first.pk}-industry"' not in body  # unchanged since: not sent again
    assert 'id="summaries" hx-swap-oob="true"' in body
    # A first poll (no tag) gets every row.
    everything = client.get(url, {"structure": structure}, HTTP_HX_REQUEST="true").text
    assert f'id="c-{first.pk}-industry"' in everything
