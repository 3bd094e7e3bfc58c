"""python manage.py import_customers: exit codes, JSON, mapping files, unreadable files."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.models import Customer, Dataset, OrderRow

pytestmark = pytest.mark.django_db

GOOD = "Firmenname;Umsatz;Lizenzen;Region\nAlpha GmbH;1.234,50;3;Nord\nBeta AG;2.000,00;12;Süd\n"
BAD = "Name,Revenue,Seats\nAlpha,100,3\nBeta,lots,4\n,300,5\n"
ORDERS = (
    "Customer ID,Company name,Order date,Amount\n"
    "C-1,Alpha,2024-01-05,100\nC-1,Alpha,2024-03-05,200\nC-2,Beta,2023-03-05,50\n"
)


def _file(tmp_path, text, name="customers.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def _run(*args):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_customers", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_json_prints_one_object_with_the_dataset_counts_and_totals(team, tmp_path):
    code, out, _ = _run(_file(tmp_path, GOOD), "--org", "acme", "--json")
    assert code == 0
    result = json.loads(out)
    dataset = Dataset.objects.get()
    assert result == {
        "dataset": dataset.pk,
        "imported": 2,
        "skipped": 0,
        "errors": [],
        "totals": {"revenue": "3234.50", "seats": 15},
        "currency": "EUR",  # none named in the file: the organisation's
        "scale": {"revenue": 1},
        "rows": {
            "read": 2, "imported": 2, "skipped": 0, "left_out": 0, "merged": 0, "customers": 2
        },
        "columns": [
            {"header": "Firmenname", "field": "name", "to": "field"},
            {"header": "Umsatz", "field": "revenue", "to": "field"},
            {"header": "Lizenzen", "field": "seats", "to": "field"},
            {"header": "Region", "field": "", "to": "extra"},
        ],
        "warnings": [],
    }  # fmt: skip
    assert dataset.organization == team.organization
    assert Customer.objects.get(name="Alpha GmbH").extra == {"Region": "Nord"}


def test_invalid_rows_exit_non_zero_list_the_problems_and_store_nothing(team, tmp_path):
    code, _, err = _run(_file(tmp_path, BAD), "--org", "acme")
    assert code == 1
    assert "Row 3, column “Revenue”: “lots” is not a number." in err
    assert "Row 4" in err and "name is missing" in err
    assert "nothing was stored" in err
    assert not Dataset.objects.exists()


def test_invalid_rows_in_json_mode_are_listed_as_errors(team, tmp_path):
    code, out, _ = _run(_file(tmp_path, BAD), "--org", "acme", "--json")
    assert code == 1
    result = json.loads(out)
    assert result["dataset"] is None
    assert {"row": 3, "column": "Revenue", "value": "lots", "reason": "not_a_number"} in result[
        "errors"
    ]


def test_skip_invalid_imports_the_valid_rows_and_reports_the_skipped(team, tmp_path):
    code, out, _ = _run(_file(tmp_path, BAD), "--org", "acme", "--json", "--skip-invalid")
    assert code == 0
    result = json.loads(out)
    assert (result["imported"], result["skipped"]) == (1, 2)
    assert len(result["errors"]) == 2
    assert result["totals"] == {"revenue": "100.00", "seats": 3}


def test_a_mapping_file_overrides_the_suggestion(team, tmp_path):
    text = "Kunde;Wert;Bemerkung\nAlpha;100;x\nBeta;200;y\n"
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"name": "Kunde", "revenue": "Wert"}))
    code, out, _ = _run(_file(tmp_path, text), "--org", "acme", "--mapping", str(mapping), "--json")
    assert code == 0
    assert json.loads(out)["totals"]["revenue"] == "300.00"
    assert Dataset.objects.get().mapping == {"name": "Kunde", "revenue": "Wert"}


def test_a_mapping_file_naming_a_missing_column_is_one_clear_sentence(team, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"name": "Firma"}))
    with pytest.raises(CommandError, match="The file has no column named Firma.") as caught:
        call_command(
            "import_customers", _file(tmp_path, GOOD), "--org", "acme", "--mapping", str(mapping)
        )
    assert caught.value.returncode == 2


@pytest.mark.parametrize(
    ("content", "name", "sentence"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"Name,Revenue\n", "header.csv", "The file has a header row but no customer rows."),
        (b"\x00\x01\x02\x03binary\x00junk" * 50, "junk.csv", "does not look like a spreadsheet"),
        (b"PK\x03\x04truncated", "broken.xlsx", "damaged or incomplete"),
    ],
)
def test_an_unreadable_file_exits_non_zero_with_one_sentence(
    team, tmp_path, content, name, sentence
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("import_customers", str(path), "--org", "acme")
    assert sentence in str(caught.value)
    assert "\n" not in str(caught.value)
    assert caught.value.returncode == 2
    assert not Dataset.objects.exists()


def test_a_file_over_the_size_limit_is_refused(team, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(CommandError, match="larger than the limit"):
        call_command("import_customers", _file(tmp_path, GOOD), "--org", "acme")


def test_a_file_over_the_row_limit_is_refused(team, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 1
    with pytest.raises(CommandError, match="more than 1 rows"):
        call_command("import_customers", _file(tmp_path, GOOD), "--org", "acme")


def test_an_unknown_organisation_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no organisation"):
        call_command("import_customers", _file(tmp_path, GOOD), "--org", "nobody")


def test_orders_with_a_period_add_up_per_customer(team, tmp_path):
    code, out, _ = _run(
        _file(tmp_path, ORDERS), "--org", "acme", "--orders", "--period", "2024", "--json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["imported"] == 3
    assert result["totals"]["revenue"] == "300.00"
    assert OrderRow.objects.count() == 3
    assert Dataset.objects.get().period == "2024"


def test_utf16_tab_separated_files_from_excel_import(team, tmp_path):
    text = "\ufeffName\tRevenue\r\nAlpha\t1 234,50\r\n"
    code, out, _ = _run(_file(tmp_path, text, encoding="utf-16-le"), "--org", "acme", "--json")
    assert code == 0
    assert json.loads(out)["totals"]["revenue"] == "1234.50"
