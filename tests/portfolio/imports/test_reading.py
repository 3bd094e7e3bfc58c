"""Reading uploaded CSV, Excel and OpenDocument files into tables of strings."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from portfolio.imports.reading import ImportFileError, RawTable, read_table

ROWS = [["Name", "Umsatz", "Ort"], ["Müller GmbH", "1.234,56", "Köln"], ["Café Élan", "12", "Såg"]]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def refused(data: bytes, filename: str = "customers.csv", **kwargs: object) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read_table(data, filename, **kwargs)
    return caught.value


def cells(table: RawTable) -> list[list[object]]:
    return table.frame.astype(object).where(table.frame.notna(), None).values.tolist()


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_each_encoding_is_detected_and_umlauts_survive(encoding: str, expected: str) -> None:
    data = csv_bytes(ROWS, ";", encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Excel writes a BOM; big-endian is rare but legal
        expected = "utf-16"
    table = read_table(data, "kunden.csv")
    assert table.encoding == expected
    assert table.columns == ("Name", "Umsatz", "Ort")  # no BOM glued to "Name"
    assert cells(table) == [["Müller GmbH", "1.234,56", "Köln"], ["Café Élan", "12", "Såg"]]


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    rows = [["Företagsnamn", "Omsättning"], ["Ångström AB", "1 234 kr"], ["北京公司", "¥ 5"]]
    table = read_table(csv_bytes(rows, "\t", "utf-16"), "export.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert cells(table) == [["Ångström AB", "1 234 kr"], ["北京公司", "¥ 5"]]


def test_windows_1252_keeps_the_euro_sign() -> None:
    rows = [["Name", "Umsatz"], ["Brötchen & Co", "€ 1.234,56"], ["Crème", "5 €"]]
    table = read_table(csv_bytes(rows, ";", "cp1252"), "kunden.csv")
    assert table.encoding == "cp1252"
    assert cells(table) == [["Brötchen & Co", "€ 1.234,56"], ["Crème", "5 €"]]


def test_bytes_undefined_in_windows_1252_fall_back_to_latin_1() -> None:
    table = read_table(b"Name\nA\x81b\n", "x.csv")
    assert table.encoding == "latin-1"
    assert cells(table) == [["A\x81b"]]


def test_utf16_without_bom_is_recognised_by_its_zero_bytes() -> None:
    table = read_table(csv_bytes(ROWS, "\t", "utf-16-le"), "export.txt")
    assert table.encoding == "utf-16-le"
    assert cells(table)[0] == ["Müller GmbH", "1.234,56", "Köln"]


def test_na_and_null_are_names_not_missing_values() -> None:
    table = read_table(b"Name,Note\nNA,n/a\nNULL,#N/A\n", "c.csv")
    assert cells(table) == [["NA", "n/a"], ["NULL", "#N/A"]]


# --- delimiters ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_is_detected(delimiter: str) -> None:
    rows = [["Name", "Revenue", "Seats"], ["Acme", "100", "5"], ["Beta", "200", "7"]]
    table = read_table(csv_bytes(rows, delimiter), "c.csv")
    assert table.delimiter == delimiter
    assert table.columns == ("Name", "Revenue", "Seats")


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas() -> None:
    table = read_table(b"Name;Umsatz;Marge\nAcme;1,5;0,3\nBeta;12,25;0,4\n", "k.csv")
    assert table.delimiter == ";"
    assert cells(table) == [["Acme", "1,5", "0,3"], ["Beta", "12,25", "0,4"]]


def test_excel_sep_line_sets_the_delimiter() -> None:
    table = read_table(b"sep=,\nName;x,Revenue\nA;b,1\n", "k.csv")
    assert table.delimiter == ","
    assert table.columns == ("Name;x", "Revenue")
    assert list(table.frame.index) == [3]


def test_quoted_cells_keep_delimiters_and_quotes() -> None:
    table = read_table(b'Name,Note\n"Acme, Inc.","said ""hi"""\n', "c.csv")
    assert cells(table) == [["Acme, Inc.", 'said "hi"']]


def test_single_column_file_is_read() -> None:
    table = read_table(b"Name\nAcme\nBeta\n", "c.csv")
    assert table.columns == ("Name",)
    assert len(table.frame) == 2


# --- headers and rows ----------------------------------------------------------------------


def test_blank_headers_are_named_by_position_and_duplicates_numbered() -> None:
    table = read_table(b"Name;;Name;name;Umsatz\nA;x;B;C;1\n", "k.csv")
    assert table.columns == ("Name", "column 2", "Name (2)", "name (3)", "Umsatz")
    assert list(table.frame.columns) == list(table.columns)


def test_empty_trailing_columns_are_dropped() -> None:
    table = read_table(b"Name;Umsatz;;\nA;1;;\nB;2;;\n", "k.csv")
    assert table.columns == ("Name", "Umsatz")


def test_row_numbers_follow_the_file_across_blank_lines() -> None:
    table = read_table(b"\nName,Revenue\nA,1\n\n,\nB,2\n", "c.csv")
    assert table.frame.index.name == "row"
    assert list(table.frame.index) == [3, 6]


def test_rows_filled_only_in_a_later_column_are_kept() -> None:
    table = read_table(b"Name,Id,Note\nA,1,\n,,only a note\n,2,\n\nB,,\n", "c.csv")
    assert list(table.frame.index) == [2, 3, 4, 6]
    assert cells(table)[1] == [None, None, "only a note"]


def test_a_column_without_header_is_kept_only_when_a_cell_below_is_filled() -> None:
    table = read_table(b"Name,,,Revenue\nA,,x,1\nB,,,2\n", "c.csv")
    assert table.columns == ("Name", "column 3", "Revenue")


def test_empty_cells_are_nan_and_everything_else_stays_text() -> None:
    table = read_table(b"Name,Id,Revenue\nA,007,\nB,,1e3\n", "c.csv")
    assert cells(table) == [["A", "007", None], ["B", None, "1e3"]]
    assert all(dtype == "str" for dtype in table.frame.dtypes)


def test_values_beyond_the_header_are_reported_per_row_never_made_a_column() -> None:
    table = read_table(b"Name;Umsatz\nA;1;\nB;2;extra\nC;3\n", "k.csv")
    assert table.columns == ("Name", "Umsatz")
    assert cells(table) == [["A", "1"], ["B", "2"], ["C", "3"]]
    # A trailing empty value adds nothing; a filled one is the row's problem.
    assert table.overflow.to_dict() == {3: "extra"}


def test_a_wider_row_after_the_sample_is_reported_with_its_number() -> None:
    body = "".join(f"Customer {i};{i}\n" for i in range(5000))
    table = read_table(f"Name;Umsatz\n{body}X;1;2;3\n".encode(), "k.csv")
    assert table.columns == ("Name", "Umsatz")
    assert len(table.frame) == 5001
    assert table.overflow.to_dict() == {5002: "2;3"}


def test_a_header_with_a_trailing_delimiter_keeps_a_column_its_rows_fill() -> None:
    table = read_table(b"Name;Umsatz;\nA;1;note\nB;2;\n", "k.csv")
    assert table.columns == ("Name", "Umsatz", "column 3")
    assert table.overflow is None


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", "\ufeff".encode()])
def test_empty_file_is_refused(data: bytes) -> None:
    assert refused(data).code == "empty"


@pytest.mark.parametrize("data", [b"Name;Umsatz\n", b"Name;Umsatz\n;\n\n"])
def test_header_only_file_is_refused(data: bytes) -> None:
    error = refused(data)
    assert error.code == "header_only"
    assert error.message == "The file has a header row but no customer rows."


def test_binary_junk_is_refused() -> None:
    assert refused(bytes(range(256)) * 40).code == "not_a_spreadsheet"


def test_pdf_is_refused() -> None:
    assert refused(b"%PDF-1.7\n1 0 obj\n", "list.csv").code == "pdf"


def test_html_saved_as_xls_is_refused() -> None:
    assert refused(b"<html><table><tr><td>Name</td></tr></table></html>", "x.xls").code == "html"


def test_unsupported_extension_is_refused() -> None:
    assert refused(b"Name\nA\n", "customers.docx").code == "unsupported_type"


def test_too_many_rows_is_refused() -> None:
    error = refused(b"Name\nA\nB\nC\n", max_rows=2)
    assert error.code == "too_many_rows"
    assert "2 rows" in error.message


def test_max_rows_allows_the_limit_and_ignores_blank_lines() -> None:
    assert len(read_table(b"Name\nA\nB\n", "c.csv", max_rows=2).frame) == 2
    assert len(read_table(b"Name\nA\n\n\n\nB\n", "c.csv", max_rows=2).frame) == 2


def test_every_message_is_one_sentence() -> None:
    for data in (b"", b"Name\n", bytes(range(256)) * 40):
        message = refused(data).message
        assert message.endswith(".")
        assert message.count(". ") == 0


# --- workbooks -----------------------------------------------------------------------------


def xlsx_bytes(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def customers_sheet(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.title = "Kunden"
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"] = (
        "Name", "Umsatz", "Kunde seit", "Marge", "Aktiv"
    )  # fmt: skip
    sheet.append([None, "Acme", 12.0, dt.date(2025, 3, 1), 0.35, True])
    sheet.append([None, "Beta", 0.1 + 0.2, dt.datetime(2025, 3, 1, 13, 5), 1 / 3, False])
    sheet.append([None, "Gamma", 1234567890123, None, "n/a", None])


def test_xlsx_dates_and_numbers_come_through_as_parseable_text() -> None:
    table = read_table(xlsx_bytes(customers_sheet), "kunden.xlsx")
    assert table.source == "xlsx" and table.is_workbook
    assert (table.sheet, table.sheets) == ("Kunden", ("Kunden",))
    assert table.columns == ("Name", "Umsatz", "Kunde seit", "Marge", "Aktiv")
    assert cells(table) == [
        ["Acme", "12", "2025-03-01", "0.35", "TRUE"],
        ["Beta", "0.3", "2025-03-01 13:05:00", "0.333333333333333", "FALSE"],
        ["Gamma", "1234567890123", None, "n/a", None],
    ]
    assert list(table.frame.index) == [4, 5, 6]  # the sheet's own row numbers


def with_formulas(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.append(["Name", "Umsatz", "Doppelt"])
    sheet.append(["Acme", 21, "=B2*2"])
    sheet.append(["Beta", 1, '=HYPERLINK("http://example.invalid")'])


def test_formula_without_cached_value_is_empty_never_the_formula_text() -> None:
    table = read_table(xlsx_bytes(with_formulas), "f.xlsx")
    assert table.frame["Doppelt"].isna().all()


def test_formula_gives_its_cached_value_and_is_never_evaluated() -> None:
    data = xlsx_bytes(with_formulas)
    # openpyxl cannot write cached values, so add one by hand: 99, which =B2*2 is not.
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"(<f>B2\*2</f>)(<v\s*/>|<v></v>)?", rb"\1<v>99</v>", content)
            new.writestr(item, content)
    table = read_table(target.getvalue(), "f.xlsx")
    assert table.frame["Doppelt"].tolist()[0] == "99"


def two_sheets(workbook: openpyxl.Workbook) -> None:
    workbook.active.title = "Deckblatt"
    sheet = workbook.create_sheet("Daten")
    sheet.append(["Name", "Umsatz"])
    sheet.append(["Acme", 5])
    other = workbook.create_sheet("Archiv")
    other.append(["Name"])
    other.append(["Old"])


def test_first_sheet_with_content_is_read_and_all_sheets_listed() -> None:
    table = read_table(xlsx_bytes(two_sheets), "k.xlsx")
    assert table.sheets == ("Deckblatt", "Daten", "Archiv")
    assert table.sheet == "Daten"


def test_requested_sheet_is_read() -> None:
    table = read_table(xlsx_bytes(two_sheets), "k.xlsx", sheet="Archiv")
    assert cells(table) == [["Old"]]


def test_unknown_sheet_is_refused() -> None:
    error = refused(xlsx_bytes(two_sheets), "k.xlsx", sheet="Nope")
    assert (error.code, error.message) == (
        "unknown_sheet",
        "The workbook has no sheet named “Nope”.",
    )


def test_workbook_without_content_is_refused() -> None:
    assert refused(xlsx_bytes(lambda workbook: None), "k.xlsx").code == "empty_workbook"


def test_truncated_xlsx_is_refused_as_damaged() -> None:
    data = xlsx_bytes(customers_sheet)
    assert refused(data[: len(data) // 2], "k.xlsx").code == "damaged"


def test_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert refused(buffer.getvalue(), "k.xlsx").code == "not_a_spreadsheet"


def test_encrypted_or_broken_ole_file_is_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert refused(data, "k.xlsx").code == "encrypted"


def test_the_bytes_decide_not_the_file_name() -> None:
    assert read_table(xlsx_bytes(customers_sheet), "export.csv").source == "xlsx"
    assert read_table(b"Name\tUmsatz\nA\t1\n", "report.xls").delimiter == "\t"


def test_ods_is_read_with_dates_and_numbers() -> None:
    frame = pd.DataFrame(
        {
            "Name": ["Acme", "Beta"],
            "Umsatz": [12.5, 3.0],
            "Seit": pd.to_datetime(["2025-03-01"] * 2),
        }
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, engine="odf", index=False, sheet_name="Kunden")
    table = read_table(buffer.getvalue(), "kunden.ods")
    assert (table.source, table.sheet) == ("ods", "Kunden")
    assert cells(table) == [["Acme", "12.5", "2025-03-01"], ["Beta", "3", "2025-03-01"]]
