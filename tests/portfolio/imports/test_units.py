"""Units and currencies: scale words and currency codes or signs in headers and cells, one
currency per list, several currencies refused, the command's JSON."""

import json
from decimal import Decimal
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command

from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.money_units import MixedCurrencies
from portfolio.imports.pipeline import dataset_import, import_check
from portfolio.imports.reading import read_table
from portfolio.models import Customer
from portfolio.parsing.money import header_unit, parse_money
from portfolio.parsing.numbers import COMMA, POINT


@pytest.mark.parametrize(
    ("header", "scale", "currency"),
    [
        ("Umsatz (Mrd. USD)", 9, "USD"),
        ("Sales (Billions)", 9, ""),
        ("Umsatz TEUR", 3, "EUR"),
        ("Umsatz in Tsd. €", 3, "EUR"),
        ("Revenue (kSEK)", 3, "SEK"),
        ("Omsättning (tkr)", 3, "kr"),
        ("Omsättning MSEK", 6, "SEK"),
        ("Umsatz (Mio. €)", 6, "EUR"),
        ("Revenue ($M)", 6, "USD"),
        ("Revenue (M)", 6, ""),
        ("Market cap (€bn)", 9, "EUR"),
        ("Chiffre d'affaires (k€)", 3, "EUR"),
        ("Ventas (miles de EUR)", 3, "EUR"),
        ("Omzet (x 1.000 EUR)", 3, "EUR"),
        ("Turnover (£'000)", 3, "GBP"),
        ("营收（万元）", 4, "CNY"),
        ("收入(亿元)", 8, "CNY"),
        ("金额 (人民币)", 0, "CNY"),
        ("Revenue ¥", 0, "CNY"),
        ("Revenue (CNY)", 0, "CNY"),
        ("Umsatz 2025 (EUR)", 0, "EUR"),
        ("Revenue", 0, ""),
        ("Umsatz 2000", 0, ""),
    ],
)
def test_headers_declare_their_scale_and_currency(header, scale, currency):
    unit = header_unit(header)
    assert (unit.scale, unit.currency) == (scale, currency)


def test_cells_may_write_their_own_scale_and_currency():
    cells = ["€ 1.234,56", "1,5 Mio. €", "3 Mrd.", "12 TEUR", "5 k€", "5万元", "3亿", "2,5k"]
    parsed = parse_money(pd.Series(cells, dtype="str"), COMMA)
    assert parsed.exact.tolist() == [
        "1234.56", "1500000", "3000000000", "12000", "5000", "50000", "300000000", "2500"
    ]  # fmt: skip
    assert parsed.values.tolist()[1] == 1_500_000.0
    assert parsed.currency.tolist() == ["EUR", "EUR", "", "EUR", "EUR", "CNY", "", ""]
    assert not parsed.bad.any()


def test_a_cell_with_two_currencies_is_not_money():
    parsed = parse_money(pd.Series(["EUR 5 USD", "5 €"], dtype="str"), COMMA)
    assert parsed.bad.tolist() == [True, False]


def _check(text: str, **kwargs):
    raw = read_table(text.encode(), "list.csv")
    return import_check(raw=raw, mapping=suggest_mapping(list(raw.columns)), **kwargs)


def test_a_header_in_billions_of_dollars_scales_the_values_and_sets_the_lists_currency(team):
    raw = read_table(b"Firma;Umsatz (Mrd. USD)\nApple;383,29\nSAP;33,8\n", "forbes.csv")
    result = dataset_import(
        organization=team.organization,
        user=None,
        raw=raw,
        file_name="forbes.csv",
        mapping=suggest_mapping(list(raw.columns)),
    )
    assert team.organization.currency == "EUR"
    assert result.dataset.currency == "USD"  # the file's, not the organisation's
    revenue = dict(Customer.objects.filter(dataset=result.dataset).values_list("name", "revenue"))
    assert revenue == {"Apple": Decimal("383290000000.00"), "SAP": Decimal("33800000000.00")}
    assert result.dataset.summary["units"]["columns"]["revenue"]["scale"] == 9


def test_the_user_can_correct_the_scale_and_currency_of_a_column(team):
    checked = _check("Name,Revenue\nA,1.5\n", scales={"revenue": 6}, currencies={"revenue": "GBP"})
    assert checked.customers["revenue"].tolist() == [1_500_000.0]
    assert checked.report.exact["revenue"].tolist() == ["1500000"]
    assert checked.units.currency == "GBP"


def test_money_columns_in_different_currencies_are_refused(team):
    with pytest.raises(MixedCurrencies) as refused:
        _check("Name,Revenue (EUR),Annual revenue (USD)\nA,1,2\n")
    assert "“Revenue (EUR)” EUR" in refused.value.message()
    assert "“Annual revenue (USD)” USD" in refused.value.message()
    # Choosing one currency for both is what the user may do.
    checked = _check(
        "Name,Revenue (EUR),Annual revenue (USD)\nA,1,2\n",
        currencies={"revenue": "EUR", "company_revenue": "EUR"},
    )
    assert checked.units.currency == "EUR"


def test_a_cell_in_another_currency_than_its_list_is_a_problem_of_its_row(team):
    checked = _check("Name,Revenue\nA,€ 100\nB,€ 200\nC,$ 300\nD,400\n")
    assert checked.units.currency == "EUR"
    problems = [(error.row, error.reason_code) for error in checked.errors]
    assert problems == [(4, "other_currency")]
    assert checked.errors[0].message() == (
        "Row 4, column “Revenue”: “$ 300” is in another currency than the list (EUR)."
    )


def test_kr_is_the_organisations_own_krona(team):
    assert _check("Name,Revenue\nA,100 kr\n", home_currency="NOK").units.currency == "NOK"
    assert _check("Name,Revenue\nA,100 kr\n", home_currency="EUR").units.currency == "SEK"


def test_a_list_naming_no_currency_is_in_the_organisations(team):
    assert _check("Name,Revenue\nA,100\n", home_currency="CHF").units.currency == "CHF"


def test_the_command_reports_the_currency_and_the_scale_of_each_money_column(team, tmp_path):
    path = tmp_path / "forbes.csv"
    path.write_text("Firma;Umsatz (Mrd. USD);Marktwert (Mio. USD)\nApple;383,29;2.600.000\n")
    out = StringIO()
    call_command("import_customers", str(path), "--org", "acme", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["currency"] == "USD"
    assert answer["scale"] == {"revenue": 1_000_000_000}
    assert answer["totals"]["revenue"] == "383290000000.00"
    columns = {column["header"]: column["to"] for column in answer["columns"]}
    assert columns["Marktwert (Mio. USD)"] == "extra"  # not a field we know: kept, not lost


def test_the_command_takes_the_currency_and_scale_when_the_file_does_not_say(team, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Name,Revenue\nA,1.5\n")
    out = StringIO()
    call_command(
        "import_customers", str(path), "--org", "acme", "--json",
        "--currency", "sek", "--scale", "revenue=1000000", stdout=out,
    )  # fmt: skip
    answer = json.loads(out.getvalue())
    assert (answer["currency"], answer["scale"]) == ("SEK", {"revenue": 1_000_000})
    assert Customer.objects.get().revenue == Decimal("1500000.00")


def test_workbook_money_cells_keep_a_decimal_point(team):
    raw = read_table("Name;Revenue (T€)\nA;1.5\n".encode(), "list.csv")
    checked = import_check(
        raw=raw, mapping=suggest_mapping(list(raw.columns)), number_format="point"
    )
    assert checked.report.exact["revenue"].tolist() == ["1500"]
    assert POINT.decimal == "."
