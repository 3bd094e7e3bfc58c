"""Repeated customers and periods: a register with one row per company and year becomes one
customer per company, by the latest year (default), the sum over years, or one chosen year."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.pipeline import dataset_import, import_check
from portfolio.imports.reading import read_table
from portfolio.imports.repeats import Repeats
from portfolio.models import Customer

pytestmark = pytest.mark.django_db

REGISTER = """Raison Sociale;SIREN;Année;Chiffre d'affaires (k€);Effectif
Alpha SA;111;2020;100;10
Alpha SA;111;2021;120;12
Alpha SA;111;2022;150,5;15
Beta SARL;222;2021;50;5
Beta SARL;222;2022;60;6
Gamma;333;2020;10;1
"""


def _import(team, text=REGISTER, **kwargs):
    raw = read_table(text.encode(), "register.csv")
    mapping = suggest_mapping(list(raw.columns)) | kwargs.pop("mapping", {})
    return dataset_import(
        organization=team.organization,
        user=None,
        raw=raw,
        file_name="register.csv",
        mapping=mapping,
        **kwargs,
    )


def _customers(result) -> dict[str, tuple]:
    rows = Customer.objects.filter(dataset=result.dataset)
    return {c.external_id: (c.revenue, c.employees, c.extra.get("Année")) for c in rows}


def test_a_french_register_is_mapped_and_keeps_the_latest_year_by_default(team):
    result = _import(team)
    assert result.checked.mapping["period"] == "Année"
    assert _customers(result) == {
        "111": (Decimal("150500.00"), 15, "2022"),
        "222": (Decimal("60000.00"), 6, "2022"),
        "333": (Decimal("10000.00"), 1, "2020"),  # its latest year, kept
    }
    rows = result.dataset.summary["rows"]
    assert (rows["read"], rows["merged"], rows["customers"], rows["skipped"]) == (6, 3, 3, 0)
    assert result.totals["revenue"] == Decimal("220500.00")


def test_adding_up_over_the_years_sums_the_money_and_keeps_the_rest_of_the_latest_row(team):
    result = _import(team, repeats=Repeats("sum"))
    assert _customers(result) == {
        "111": (Decimal("370500.00"), 15, "2022"),
        "222": (Decimal("110000.00"), 6, "2022"),
        "333": (Decimal("10000.00"), 1, "2020"),
    }
    assert result.totals["revenue"] == Decimal("490500.00")


def test_one_chosen_year_keeps_only_its_rows_and_says_how_many_were_left_out(team):
    result = _import(team, repeats=Repeats("2021"))
    assert _customers(result) == {
        "111": (Decimal("120000.00"), 12, "2021"),
        "222": (Decimal("50000.00"), 5, "2021"),
    }
    rows = result.dataset.summary["rows"]
    assert (rows["left_out"], rows["imported"], rows["customers"]) == (4, 2, 2)


def test_a_company_twice_in_the_same_year_is_a_problem(team):
    text = REGISTER + "Alpha SA;111;2022;999;99\n"
    raw = read_table(text.encode(), "register.csv")
    checked = import_check(raw=raw, mapping=suggest_mapping(list(raw.columns)))
    assert [(e.row, e.reason_code, e.other_row) for e in checked.errors] == [
        (8, "duplicate_id", 4)  # row 4 is Alpha's 2022 row
    ]


def test_without_a_period_repeated_ids_stay_problems_unless_added_up(team):
    text = "Name,Customer ID,Revenue\nA,1,10\nA,1,20\nB,2,5\n"
    raw = read_table(text.encode(), "list.csv")
    mapping = suggest_mapping(list(raw.columns))
    assert [e.reason_code for e in import_check(raw=raw, mapping=mapping).errors] == [
        "duplicate_id"
    ]
    result = _import(team, text=text, repeats=Repeats("sum"))
    revenue = dict(Customer.objects.filter(dataset=result.dataset).values_list("name", "revenue"))
    assert revenue == {"A": Decimal("30.00"), "B": Decimal("5.00")}


def test_rows_with_the_same_name_merge_only_when_asked(team):
    text = "Raison Sociale;Année;Chiffre d'affaires\nAlpha;2021;1\nalpha ;2022;2\nBeta;2022;3\n"
    separate = _import(team, text=text)
    assert Customer.objects.filter(dataset=separate.dataset).count() == 3
    merged = _import(team, text=text, repeats=Repeats("latest", merge_names=True))
    revenue = dict(Customer.objects.filter(dataset=merged.dataset).values_list("name", "revenue"))
    assert revenue == {"alpha": Decimal("2.00"), "Beta": Decimal("3.00")}
    assert merged.dataset.summary["repeated"]["key"] == "name"


def _command(path, *args):
    out = StringIO()
    call_command("import_customers", str(path), "--org", "acme", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_takes_the_same_choice(team, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER)
    assert _command(path)["rows"]["customers"] == 3
    assert _command(path, "--repeated", "sum")["totals"]["revenue"] == "490500.00"
    chosen = _command(path, "--repeated", "2021")
    assert (chosen["rows"]["customers"], chosen["rows"]["left_out"]) == (2, 4)
    with pytest.raises(CommandError, match="No row has the period “2019”; the file has: 2020"):
        _command(path, "--repeated", "2019")


def test_the_command_warns_when_names_repeat_without_an_id(team, tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("Company,Revenue\nAlpha,1\nAlpha,2\nBeta,3\n")
    answer = _command(path)
    assert answer["rows"]["customers"] == 3
    assert any("1 rows repeat the name of an earlier row" in text for text in answer["warnings"])
    assert _command(path, "--merge-names", "--repeated", "sum")["rows"]["customers"] == 2
