"""Nothing is dropped silently: a row with more values than the header is a problem of its
own, an order-only field in a customer list stays as an extra column, and the summary lists
every source column with where it went."""

import pytest

from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.pipeline import ImportRejected, dataset_import, import_check
from portfolio.imports.reading import read_table
from portfolio.models import Customer

pytestmark = pytest.mark.django_db


def _broken_file(rows: int = 3000, broken: int = 12) -> str:
    lines = ["Customer ID,Company,Revenue"]
    for number in range(rows):
        lines.append(f"C{number},Company {number},{number}.50")
        if number % (rows // broken) == 0 and number // (rows // broken) < broken:
            lines.append(f"X{number},Broken {number},1,2,Elm Street")  # an unquoted comma
    return "\n".join(lines) + "\n"


def test_rows_with_more_values_than_the_header_are_problems_with_their_number():
    raw = read_table(_broken_file().encode(), "crm.csv")
    assert raw.columns == ("Customer ID", "Company", "Revenue")  # no column made of them
    checked = import_check(raw=raw, mapping=suggest_mapping(list(raw.columns)))
    assert checked.row_count == 3012
    assert checked.error_counts == {"extra_values": 12}
    first = checked.errors[0]
    assert (first.row, first.reason_code, first.value) == (3, "extra_values", "2,Elm Street")
    assert first.message() == (
        "Row 3: the row has more values than the header has columns (“2,Elm Street”)."
    )
    assert checked.valid_count == 3000


def test_a_broken_row_stops_the_import_until_the_user_skips_it(team):
    raw = read_table(_broken_file().encode(), "crm.csv")
    mapping = suggest_mapping(list(raw.columns))
    kwargs = {"organization": team.organization, "user": None, "raw": raw, "file_name": "c.csv"}
    with pytest.raises(ImportRejected):
        dataset_import(mapping=mapping, **kwargs)
    result = dataset_import(mapping=mapping, skip_invalid=True, **kwargs)
    assert (result.imported, result.skipped) == (3000, 12)
    assert Customer.objects.filter(dataset=result.dataset).count() == 3000
    assert not Customer.objects.filter(name__startswith="Broken").exists()


def test_an_order_field_in_a_customer_list_is_kept_as_an_extra_column(team):
    raw = read_table(b"Firma;Umsatz;Gewinn;Region\nAlpha;100;40;Nord\n", "k.csv")
    mapping = suggest_mapping(list(raw.columns))
    assert mapping["profit"] == "Gewinn"  # the suggestion an order file would want
    result = dataset_import(
        organization=team.organization, user=None, raw=raw, file_name="k.csv", mapping=mapping
    )
    alpha = Customer.objects.get(dataset=result.dataset)
    assert alpha.extra == {"Gewinn": "40", "Region": "Nord"}
    assert "profit" not in result.dataset.mapping
    assert result.dataset.summary["columns"] == [
        {"header": "Firma", "field": "name", "to": "field"},
        {"header": "Umsatz", "field": "revenue", "to": "field"},
        {"header": "Gewinn", "field": "profit", "to": "set_aside"},
        {"header": "Region", "field": "", "to": "extra"},
    ]


def test_the_summary_names_every_source_column_once(team):
    text = "Kundennr;Firma;Jahr;Umsatz;Notiz;;\nK1;A;2024;1;x;;\n"
    raw = read_table(text.encode(), "k.csv")
    result = dataset_import(
        organization=team.organization,
        user=None,
        raw=raw,
        file_name="k.csv",
        mapping=suggest_mapping(list(raw.columns)),
    )
    columns = result.dataset.summary["columns"]
    assert [column["header"] for column in columns] == list(raw.columns)
    assert {column["header"]: column["to"] for column in columns} == {
        "Kundennr": "field",
        "Firma": "field",
        "Jahr": "period",
        "Umsatz": "field",
        "Notiz": "extra",
    }
    assert Customer.objects.get().extra == {"Jahr": "2024", "Notiz": "x"}
