"""Typing and checking an uploaded customer table against a column mapping."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.imports.mapping import suggest_mapping
from portfolio.imports.reading import RawTable, read_table
from portfolio.imports.validation import RowError, validate
from portfolio.parsing.numbers import COMMA

GERMAN = """Kundennummer;Firmenname;Umsatz;Lizenzen;Marge %;Kunde seit;Kunde bis;Branche;Notiz
K1;Acme GmbH;1.234,56 €;12;35 %;01.03.2020;;Handel;VIP
K2;Beta AG;;5;12,5 %;15.06.2021;31.12.2024;IT;
K3;Gamma KG;99,5;1.200;40;2022-01-31;;Chemie;neu
"""


def table(text: str, name: str = "kunden.csv") -> RawTable:
    return read_table(text.encode("utf-8"), name)


def check(text: str, **kwargs):
    raw = table(text)
    return validate(raw, suggest_mapping(list(raw.columns)), **kwargs)


def reasons(report) -> list[tuple[int, str, str]]:
    return [(error.row, error.reason_code, error.column) for error in report.errors]


def test_a_clean_german_file_is_typed() -> None:
    report = check(GERMAN)
    assert report.errors == () and report.error_count == 0
    customers = report.customers
    assert list(customers.index) == [2, 3, 4] == list(report.row_numbers)
    assert customers["revenue"].tolist()[0] == 1234.56
    assert str(customers["revenue"].dtype) == "float64"
    assert customers["seats"].tolist() == [12, 5, 1200]
    assert str(customers["seats"].dtype) == "Int64"
    assert customers["margin"].tolist() == [35.0, 12.5, 40.0]
    assert str(customers["customer_since"].dtype).startswith("datetime64")
    assert customers["customer_since"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-03-01", "2021-06-15", "2022-01-31"
    ]  # fmt: skip
    assert str(customers["name"].dtype) == "str"
    assert report.valid_mask.all() and report.valid_count == report.row_count == 3
    assert report.number_formats["revenue"].decimal == ","


def test_missing_revenue_is_allowed_but_counted() -> None:
    report = check(GERMAN)
    assert report.valid_count == 3
    assert report.missing_revenue == 1


def test_unmapped_columns_are_kept_per_row() -> None:
    report = check(GERMAN)
    assert report.extra.tolist() == [{"Notiz": "VIP"}, {}, {"Notiz": "neu"}]
    assert list(report.extra.index) == [2, 3, 4]


def test_missing_name_is_an_error_on_its_row() -> None:
    report = check("Name,Revenue\nAcme,1\n  ,2\n,3\n")
    assert reasons(report) == [(3, "missing_name", "Name"), (4, "missing_name", "Name")]
    assert report.valid_mask.tolist() == [True, False, False]
    assert report.errors[0].message() == "Row 3, column “Name”: the customer name is missing."


def test_duplicate_ids_are_errors_after_the_first_naming_both_rows() -> None:
    report = check("Id,Name\nA1,Acme\nB2,Beta\nA1,Acme again\nA1,Acme thrice\n")
    assert reasons(report) == [(4, "duplicate_id", "Id"), (5, "duplicate_id", "Id")]
    assert [error.other_row for error in report.errors] == [2, 2]
    message = report.errors[0].message()
    assert message == "Row 4, column “Id”: the ID “A1” was already used in row 2."
    assert report.valid_mask.tolist() == [True, True, False, False]


def test_unreadable_numbers_are_errors_never_silent_nan() -> None:
    report = check("Name;Umsatz;Lizenzen;Marge\nA;viel;2,5;hoch\nB;1,5;3;20\n")
    assert reasons(report) == [
        (2, "not_a_number", "Umsatz"),
        (2, "not_an_integer", "Lizenzen"),
        (2, "not_a_number", "Marge"),
    ]
    assert report.errors[0].message() == "Row 2, column “Umsatz”: “viel” is not a number."
    assert report.errors[1].message() == "Row 2, column “Lizenzen”: “2,5” is not a whole number."
    assert report.valid_mask.tolist() == [False, True]


def test_unknown_dates_are_errors() -> None:
    report = check("Name,Customer since\nA,yesterday\nB,2025-02-30\nC,2025-02-28\n")
    assert reasons(report) == [
        (2, "unknown_date", "Customer since"),
        (3, "unknown_date", "Customer since"),
    ]
    assert "is not a date we recognise" in report.errors[0].message()


def test_negative_counts_and_revenue_are_errors() -> None:
    report = check("Name,Revenue,Seats,Growth\nA,-5,2,-3\nB,(7),-1,4\n")
    assert reasons(report) == [
        (2, "negative", "Revenue"),
        (3, "negative", "Revenue"),
        (3, "negative", "Seats"),
    ]
    assert report.errors[1].message() == "Row 3, column “Revenue”: “(7)” must not be negative."


def test_an_end_before_the_start_is_an_error() -> None:
    report = check("Name,Customer since,Customer until\nA,2024-01-01,2023-01-01\nB,2024-01-01,\n")
    assert reasons(report) == [(2, "end_before_start", "Customer until")]


def test_errors_come_in_row_order_with_counts_per_reason() -> None:
    report = check("Name,Revenue,Id\n,x,1\nB,1,1\n,2,3\n")
    assert [error.row for error in report.errors] == [2, 2, 3, 4]
    assert report.error_counts == {"missing_name": 2, "not_a_number": 1, "duplicate_id": 1}
    assert report.error_count == 4


def test_the_stored_error_list_is_capped_but_the_count_is_not() -> None:
    rows = "".join(f",{i}\n" for i in range(50))
    report = check(f"Name,Revenue\n{rows}", max_errors=10)
    assert len(report.errors) == 10 and report.error_count == 50
    assert [error.row for error in report.errors] == list(range(2, 12))


def test_workbook_numbers_use_a_decimal_point_when_the_column_is_ambiguous() -> None:
    frame = pd.DataFrame({"Name": ["A"], "Revenue": ["1.234"]}, dtype="str", index=[2])
    raw = RawTable(frame, ("Name", "Revenue"), None, None, "Sheet1", ("Sheet1",), "xlsx")
    report = validate(raw, {"name": "Name", "revenue": "Revenue"})
    assert report.customers["revenue"].tolist() == [1.234]


def test_ambiguous_columns_follow_the_files_other_number_columns() -> None:
    report = check("Name;Umsatz;Mitarbeiter\nA;1.234,50;1.234\nB;5,25;12\n")
    assert report.customers["employees"].tolist() == [1234, 12]


def test_a_number_hint_overrides_the_guess_for_ambiguous_columns() -> None:
    report = check('Name,Revenue\nA,"1,234"\n', number_hint=COMMA)
    assert report.customers["revenue"].tolist() == [1.234]


def test_order_level_files_allow_repeated_ids() -> None:
    text = "Customer ID,Order date,Amount\nC1,2025-01-01,100\nC1,2025-02-01,-20\n"
    raw = table(text)
    mapping = suggest_mapping(list(raw.columns))
    assert mapping["external_id"] == "Customer ID" and mapping["name"] is None
    report = validate(raw, mapping, order_level=True)
    assert report.error_count == 0
    assert report.customers["amount"].tolist() == [100.0, -20.0]


def test_mapping_mistakes_are_programming_errors() -> None:
    raw = table("Name\nA\n")
    with pytest.raises(ValueError, match="name"):
        validate(raw, {"name": None})
    with pytest.raises(ValueError, match="not in the file"):
        validate(raw, {"name": "Nope"})
    with pytest.raises(ValueError, match="unknown fields"):
        validate(raw, {"name": "Name", "colour": "Name"})


def test_row_error_message_without_a_column() -> None:
    error = RowError(row=7, column="", value="", reason_code="missing_name", field="name")
    assert error.message() == "Row 7: the customer name is missing."


cell = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "x", "1", "1,5", "-3", "2025-01-01", "31.02.2024", "(4)", "1.234"]),
    st.text(alphabet="abc012,.-€ ", max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(cell, cell, cell, cell, st.sampled_from(["1", "2", "3", None])),
                     min_size=1, max_size=40))  # fmt: skip
def test_every_row_is_either_valid_or_has_an_error(rows: list[tuple]) -> None:
    columns = ["Name", "Revenue", "Seats", "Customer since", "Id"]
    frame = pd.DataFrame(rows, columns=columns, dtype="str")
    frame.index = pd.RangeIndex(2, len(rows) + 2, name="row")
    raw = RawTable(frame, tuple(columns), "utf-8", ",", None, (), "csv")
    report = validate(raw, suggest_mapping(columns))
    assert list(report.customers.index) == list(frame.index)  # no row lost
    rows_with_errors = {error.row for error in report.errors}
    invalid = set(report.valid_mask.index[~report.valid_mask])
    assert rows_with_errors == invalid
    blank_names = frame["Name"].str.strip().fillna("").eq("")
    assert set(frame.index[blank_names]) <= invalid


def test_duplicate_ids_name_their_first_row_even_with_blank_ids_between() -> None:
    report = check("Id;Name\n;A\nX;B\nY;C\n;D\nX;E\nY;F\nX;G\n")
    duplicates = [(e.row, e.value, e.other_row) for e in report.errors]
    assert duplicates == [(6, "X", 3), (7, "Y", 4), (8, "X", 3)]
    assert report.valid_mask.tolist() == [True, True, True, True, False, False, False]


def test_number_columns_parse_the_same_whatever_path_their_values_take() -> None:
    plain = check("Name;Umsatz;Lizenzen\nA;1.234,50;3\nB;2.000;4\nC;-7;5\n")
    mixed = check("Name;Umsatz;Lizenzen\nA;1.234,50;3\nB;2.000 €;4\nC;-7;5\n")
    assert plain.customers["revenue"].tolist() == [1234.5, 2000.0, -7.0]
    assert mixed.customers["revenue"].tolist() == [1234.5, 2000.0, -7.0]
