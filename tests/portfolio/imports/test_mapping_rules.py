"""portfolio.imports.mapping: how headers are scored and when rows look like orders."""

import pandas as pd
import pytest

from portfolio.imports.mapping import looks_order_level, normalize_header, suggest_mapping


def mapped(headers: list[str]) -> dict[str, str]:
    return {field: header for field, header in suggest_mapping(headers).items() if header}


# --------------------------------------------------------------------------- order level


def names(*values) -> pd.DataFrame:
    return pd.DataFrame({"Name": pd.Series(values, dtype="str")})


def test_exactly_a_fifth_of_the_names_repeating_looks_order_level():
    assert looks_order_level(names("a", "b", "c", "d", "a"), {"name": "Name"})  # 1 of 5
    assert not looks_order_level(names("a", "b", "c", "d", "e", "a"), {"name": "Name"})  # 1 of 6


def test_names_repeat_whatever_their_case_and_spaces():
    assert looks_order_level(names("Acme", " acme ", "ACME"), {"name": "Name"})


def test_only_filled_keys_count():
    assert not looks_order_level(names(None, None, "a", "b", "c", "d"), {"name": "Name"})
    assert not looks_order_level(names(None, None), {"name": "Name"})


def test_a_mapped_column_missing_from_the_frame_is_not_order_level():
    assert not looks_order_level(names("a", "a"), {"name": "Other"})
    assert not looks_order_level(names("a", "a"), {})


def test_the_id_column_decides_when_mapped():
    frame = pd.DataFrame(
        {"Name": pd.Series(["a", "a", "a"], dtype="str"), "Id": pd.Series(["1", "2", "3"])}
    )
    assert not looks_order_level(frame, {"name": "Name", "external_id": "Id"})
    assert looks_order_level(frame, {"name": "Name", "external_id": None})


# --------------------------------------------------------------------------- scores


def test_normalize_header_folds_case_accents_punctuation_and_sharp_s():
    assert normalize_header("Straße_Größe (%)") == "strasse grosse %"
    assert normalize_header("  ÅRSOMSÄTTNING  ") == "arsomsattning"
    assert normalize_header(12) == "12"


def test_an_exact_alias_as_written_beats_one_found_after_dropping_decorations():
    assert mapped(["Revenue 2024", "Revenue"]) == {"revenue": "Revenue"}
    assert mapped(["Revenue", "Revenue 2024"]) == {"revenue": "Revenue"}


def test_an_earlier_alias_beats_a_later_one_of_the_same_field():
    # "company name" comes before "company" among the aliases of the name field.
    assert mapped(["Company", "Company name"])["name"] == "Company name"
    assert mapped(["Company name", "Company"])["name"] == "Company name"


def test_a_percent_sign_keeps_a_header_apart_from_its_money_twin():
    assert mapped(["Deckungsbeitrag", "Deckungsbeitrag %"]) == {
        "margin": "Deckungsbeitrag %",
        "profit": "Deckungsbeitrag",
    }


def test_decorations_are_dropped_before_the_second_round():
    assert mapped(["Umsatz in TEUR"]) == {"revenue": "Umsatz in TEUR"}
    assert mapped(["Employees (2)"]) == {"employees": "Employees (2)"}
    assert mapped(["Sales cycle (days)"]) == {"sales_cycle_days": "Sales cycle (days)"}


def test_a_keyword_inside_a_header_counts_as_a_whole_word_or_a_long_word():
    assert mapped(["Organization - Industry"]) == {"industry": "Organization - Industry"}
    assert mapped(["Nettoumsatz gesamt"]) == {"revenue": "Nettoumsatz gesamt"}
    assert mapped(["Landkreis"]) == {}  # "land" is short: only as a whole word
    assert mapped(["客户所属行业"]) == {"industry": "客户所属行业"}


def test_a_shorter_header_matches_a_keyword_more_strongly():
    # Both contain "revenue"; the header with less else in it wins.
    assert mapped(["Revenue of the account", "Revenue total"])["revenue"] == "Revenue total"


def test_a_field_earlier_in_the_list_wins_a_tie_for_one_header():
    # "margin" is exact for margin and also contains the margin keyword: one field only.
    assert mapped(["Marge"]) == {"margin": "Marge"}


@pytest.mark.parametrize("headers", [[], [""], ["   "], ["2024"], ["%"]])
def test_headers_without_words_map_to_nothing(headers):
    assert mapped(headers) == {}


def test_a_percent_sign_becomes_a_word_of_its_own():
    assert normalize_header("Marge%") == "marge %"


def test_a_longer_keyword_found_in_a_header_beats_a_shorter_one():
    # "annual revenue" (14 letters) and "revenue" (7) are both in it: the customer's revenue.
    assert mapped(["Annual revenue total"]) == {"company_revenue": "Annual revenue total"}


def test_an_equal_score_goes_to_the_field_listed_first():
    # "umsatz" (revenue) and "gewinn" (profit) are equally long: revenue comes first.
    assert mapped(["Umsatz Gewinn"]) == {"revenue": "Umsatz Gewinn"}


def test_of_two_headers_alike_the_first_wins_whether_exact_or_contained():
    assert mapped(["Revenue", "revenue"]) == {"revenue": "Revenue"}
    assert mapped(["Nettoumsatz gesamt", "nettoumsatz gesamt"]) == {"revenue": "Nettoumsatz gesamt"}


def test_a_keyword_of_five_letters_counts_inside_a_word():
    assert mapped(["Zielmarge"]) == {"margin": "Zielmarge"}


def test_a_number_added_to_a_repeated_header_is_dropped():
    assert mapped(["Kunde (2)"]) == {"name": "Kunde (2)"}
    assert mapped(["Kunde seit (2)"]) == {"customer_since": "Kunde seit (2)"}
