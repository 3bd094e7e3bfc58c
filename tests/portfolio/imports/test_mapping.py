"""Guessing which uploaded column holds which customer field."""

import pandas as pd
import pytest

from portfolio.imports.mapping import FIELDS, looks_order_level, normalize_header, suggest_mapping


def mapped(headers: list[str]) -> dict[str, str]:
    return {field: header for field, header in suggest_mapping(headers).items() if header}


def test_the_canonical_fields_are_exactly_these() -> None:
    assert [field.name for field in FIELDS] == [
        "name", "external_id", "revenue", "seats", "margin", "sales_cycle_days",
        "customer_since", "customer_until", "industry", "customer_type", "employees",
        "country", "company_revenue", "market_position", "growth", "owner", "contract_type",
        "period", "order_date", "amount", "profit",
    ]  # fmt: skip
    assert [field.name for field in FIELDS if field.required] == ["name"]
    assert {field.kind for field in FIELDS} == {
        "text",
        "money",
        "integer",
        "percent",
        "date",
        "period",
    }


def test_every_field_is_in_the_suggestion_even_when_unmapped() -> None:
    suggestion = suggest_mapping(["Something else"])
    assert set(suggestion) == {field.name for field in FIELDS}
    assert set(suggestion.values()) == {None}


def test_headers_are_normalised_for_matching_only() -> None:
    assert normalize_header("  Umsatz 2025 (EUR) ") == "umsatz 2025 eur"
    assert normalize_header("Arbeitsplätze") == "arbeitsplatze"
    assert normalize_header("Marge in %") == "marge in %"
    assert normalize_header("Address 1: Country/Region") == "address 1 country region"
    assert normalize_header("收入（元）") == "收入 元"


def test_hubspot_export_is_recognised() -> None:
    headers = [
        "Record ID", "Company name", "Company owner", "Create Date", "Phone Number", "City",
        "Country/Region", "Industry", "Annual Revenue", "Total Revenue", "Number of Employees",
        "Became a Customer Date", "Lifecycle Stage", "Type",
    ]  # fmt: skip
    assert mapped(headers) == {
        "name": "Company name",
        "external_id": "Record ID",
        "revenue": "Total Revenue",
        "company_revenue": "Annual Revenue",
        "customer_since": "Became a Customer Date",
        "industry": "Industry",
        "employees": "Number of Employees",
        "country": "Country/Region",
        "owner": "Company owner",
    }


def test_hubspot_annual_revenue_alone_is_the_customers_own_revenue() -> None:
    assert mapped(["Company name", "Annual Revenue"]) == {
        "name": "Company name",
        "company_revenue": "Annual Revenue",
    }


def test_salesforce_export_is_recognised() -> None:
    headers = [
        "Account Name", "Account ID", "Account Number", "Type", "Industry", "Annual Revenue",
        "Employees", "Billing Country", "Shipping Country", "Account Owner", "Rating",
    ]  # fmt: skip
    assert mapped(headers) == {
        "name": "Account Name",
        "external_id": "Account ID",
        "industry": "Industry",
        "company_revenue": "Annual Revenue",
        "employees": "Employees",
        "country": "Billing Country",
        "owner": "Account Owner",
    }


def test_pipedrive_export_is_recognised() -> None:
    headers = [
        "Organization - ID", "Organization - Name", "Organization - Owner",
        "Organization - Address - Country", "Organization - Industry", "Deal - Title",
        "Deal - Value", "Deal - Won time",
    ]  # fmt: skip
    assert mapped(headers) == {
        "name": "Organization - Name",
        "external_id": "Organization - ID",
        "owner": "Organization - Owner",
        "country": "Organization - Address - Country",
        "industry": "Organization - Industry",
        "amount": "Deal - Value",
        "order_date": "Deal - Won time",
    }


def test_dynamics_export_is_recognised() -> None:
    headers = [
        "Account Name", "Account Number", "Primary Contact", "Main Phone", "Address 1: City",
        "Address 1: Country/Region", "Annual Revenue", "Number of Employees", "Owner",
        "Industry", "Relationship Type",
    ]  # fmt: skip
    assert mapped(headers) == {
        "name": "Account Name",
        "external_id": "Account Number",
        "country": "Address 1: Country/Region",
        "company_revenue": "Annual Revenue",
        "employees": "Number of Employees",
        "owner": "Owner",
        "industry": "Industry",
    }


def test_german_headers_are_recognised() -> None:
    headers = [
        "Kundennummer", "Firmenname", "Umsatz 2025 (EUR)", "Lizenzen", "Marge %",
        "Vertriebszyklus (Tage)", "Kunde seit", "Kunde bis", "Branche", "Kundentyp",
        "Mitarbeiteranzahl", "Land", "Jahresumsatz", "Marktposition", "Wachstum",
        "Vertriebsmitarbeiter", "Vertragsart",
    ]  # fmt: skip
    assert mapped(headers) == {
        "external_id": "Kundennummer",
        "name": "Firmenname",
        "revenue": "Umsatz 2025 (EUR)",
        "seats": "Lizenzen",
        "margin": "Marge %",
        "sales_cycle_days": "Vertriebszyklus (Tage)",
        "customer_since": "Kunde seit",
        "customer_until": "Kunde bis",
        "industry": "Branche",
        "customer_type": "Kundentyp",
        "employees": "Mitarbeiteranzahl",
        "country": "Land",
        "company_revenue": "Jahresumsatz",
        "market_position": "Marktposition",
        "growth": "Wachstum",
        "owner": "Vertriebsmitarbeiter",
        "contract_type": "Vertragsart",
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Unternehmen", "name"),
        ("Kunde", "name"),
        ("Arbeitsplätze", "seats"),
        ("Mitarbeiter", "employees"),
        ("Betreuer", "owner"),
        ("Deckungsbeitrag %", "margin"),
        ("Deckungsbeitrag in %", "margin"),
        ("Deckungsbeitrag", "profit"),
        ("Nettoumsatz in TEUR", "revenue"),
        ("Umsatzwachstum", "growth"),
        ("Umsatz (€)", "revenue"),
        ("Gesamtumsatz", "revenue"),
        ("Kunden-Nr.", "external_id"),
    ],
)
def test_more_german_headers(header: str, field: str) -> None:
    assert mapped([header]) == {field: header}


def test_swedish_headers_are_recognised() -> None:
    headers = [
        "Kundnummer", "Företagsnamn", "Omsättning (SEK)", "Licenser", "Marginal %",
        "Kund sedan", "Bransch", "Antal anställda", "Land", "Säljare", "Årsomsättning",
        "Avtalstyp",
    ]  # fmt: skip
    assert mapped(headers) == {
        "external_id": "Kundnummer",
        "name": "Företagsnamn",
        "revenue": "Omsättning (SEK)",
        "seats": "Licenser",
        "margin": "Marginal %",
        "customer_since": "Kund sedan",
        "industry": "Bransch",
        "employees": "Antal anställda",
        "country": "Land",
        "owner": "Säljare",
        "company_revenue": "Årsomsättning",
        "contract_type": "Avtalstyp",
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [("Kund", "name"), ("Intäkt", "revenue"), ("Platser", "seats"), ("Ansvarig", "owner")],
)
def test_more_swedish_headers(header: str, field: str) -> None:
    assert mapped([header]) == {field: header}


def test_chinese_headers_are_recognised() -> None:
    headers = [
        "客户编号", "公司名称", "收入（元）", "席位", "毛利率", "行业", "国家/地区", "员工人数",
        "客户起始日期", "销售代表", "年收入", "客户类型", "合同类型",
    ]  # fmt: skip
    assert mapped(headers) == {
        "external_id": "客户编号",
        "name": "公司名称",
        "revenue": "收入（元）",
        "seats": "席位",
        "margin": "毛利率",
        "industry": "行业",
        "country": "国家/地区",
        "employees": "员工人数",
        "customer_since": "客户起始日期",
        "owner": "销售代表",
        "company_revenue": "年收入",
        "customer_type": "客户类型",
        "contract_type": "合同类型",
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [("客户名称", "name"), ("营收", "revenue"), ("销售额", "revenue"), ("许可证数", "seats"),
     ("国家", "country"), ("负责人", "owner"), ("2024年销售额", "revenue")],
)  # fmt: skip
def test_more_chinese_headers(header: str, field: str) -> None:
    assert mapped([header]) == {field: header}


def test_each_header_maps_to_at_most_one_field() -> None:
    suggestion = suggest_mapping(["Umsatz", "Umsatz"])
    assert list(suggestion.values()).count("Umsatz") == 1


def test_an_exact_alias_beats_a_contains_match() -> None:
    # "Umsatz netto 2024" merely contains "umsatz"; the exact header wins revenue.
    assert mapped(["Umsatz netto 2024 alt", "Umsatz"]) == {"revenue": "Umsatz"}


def test_the_first_of_two_equal_headers_wins() -> None:
    assert mapped(["Name", "Name (2)"]) == {"name": "Name"}


def test_words_inside_longer_headers_do_not_mismatch() -> None:
    assert mapped(["Kunde seit", "Contact Name", "Bundesland", "Phone Number"]) == {
        "customer_since": "Kunde seit"
    }


def test_salesforce_type_and_monthly_revenue_are_left_alone() -> None:
    assert mapped(["Type", "Account Type", "MRR"]) == {}


def test_customer_list_is_not_order_level() -> None:
    frame = pd.DataFrame({"Name": ["A", "B", "C", "D", "E"]}, dtype="str")
    assert not looks_order_level(frame, {"name": "Name"})


def test_repeated_customer_ids_look_order_level() -> None:
    frame = pd.DataFrame({"Id": ["1", "1", "2", "2", "2"], "Name": list("abcde")}, dtype="str")
    assert looks_order_level(frame, {"name": "Name", "external_id": "Id"})


def test_repeated_names_look_order_level_when_there_is_no_id() -> None:
    frame = pd.DataFrame({"Kunde": ["Acme", "acme ", "Beta", "Beta", None]}, dtype="str")
    assert looks_order_level(frame, {"name": "Kunde"})
    assert not looks_order_level(frame, {"name": None})


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Raison Sociale", "SIREN", "Année", "Chiffre d'affaires", "Effectif", "Pays"],
            {"name": "Raison Sociale", "external_id": "SIREN", "period": "Année",
             "revenue": "Chiffre d'affaires", "employees": "Effectif", "country": "Pays"},
        ),
        (
            ["Dénomination", "SIRET", "Exercice", "Secteur d'activité", "Date de début"],
            {"name": "Dénomination", "external_id": "SIRET", "period": "Exercice",
             "industry": "Secteur d'activité", "customer_since": "Date de début"},
        ),
        (
            ["Razón social", "CIF", "Año", "Facturación", "Empleados", "País", "Sector"],
            {"name": "Razón social", "external_id": "CIF", "period": "Año",
             "revenue": "Facturación", "employees": "Empleados", "country": "País",
             "industry": "Sector"},
        ),
        (
            ["Ragione sociale", "Partita IVA", "Anno", "Fatturato", "Dipendenti", "Settore"],
            {"name": "Ragione sociale", "external_id": "Partita IVA", "period": "Anno",
             "revenue": "Fatturato", "employees": "Dipendenti", "industry": "Settore"},
        ),
        (
            ["Bedrijfsnaam", "KvK-nummer", "Boekjaar", "Omzet", "Aantal werknemers", "Land"],
            {"name": "Bedrijfsnaam", "external_id": "KvK-nummer", "period": "Boekjaar",
             "revenue": "Omzet", "employees": "Aantal werknemers", "country": "Land"},
        ),
        (
            ["Firma", "Geschäftsjahr", "Umsatz (Mrd. USD)", "Jahresumsatz TEUR"],
            {"name": "Firma", "period": "Geschäftsjahr", "revenue": "Umsatz (Mrd. USD)",
             "company_revenue": "Jahresumsatz TEUR"},
        ),
    ],
)  # fmt: skip
def test_french_spanish_italian_dutch_and_unit_laden_headers_are_recognised(headers, expected):
    assert mapped(headers) == expected


def test_a_size_band_is_not_a_number_of_employees():
    assert "employees" not in mapped(["Raison sociale", "Tranche d'effectif salarié"])
