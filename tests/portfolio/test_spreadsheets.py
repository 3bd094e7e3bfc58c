"""portfolio.spreadsheets: formula-safe CSV and XLSX that keep Unicode and numbers intact."""

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from portfolio.spreadsheets import (
    csv_chunks,
    is_risky,
    neutralise_formulas,
    to_csv_bytes,
    to_xlsx_bytes,
    xlsx_bytes,
)

UNICODE_NAMES = ["Müller & Söhne GmbH", "Åkerlund Öberg AB", "北京科技有限公司", "Straße"]


@pytest.fixture
def risky() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["=1+1", "+49 30 1234", "-minus", "@SUM(A1)", "\tTab", "\rCR", "Plain"],
            "revenue": [-5.0, 1.5, np.nan, 0, -1e6, 2, 3],
            "seats": [-1, 2, 3, 4, 5, 6, 7],
        }
    )


def sheet_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows()]


# --------------------------------------------------------------------------- neutralising


def test_text_starting_like_a_formula_gets_a_leading_apostrophe(risky):
    safe = neutralise_formulas(risky)
    assert safe["name"].tolist() == [
        "'=1+1",
        "'+49 30 1234",
        "'-minus",
        "'@SUM(A1)",
        "'\tTab",
        "'\rCR",
        "Plain",
    ]


def test_numbers_stay_numbers_even_when_negative(risky):
    safe = neutralise_formulas(risky)
    pd.testing.assert_series_equal(safe["revenue"], risky["revenue"])
    pd.testing.assert_series_equal(safe["seats"], risky["seats"])


def test_in_a_mixed_column_only_text_is_changed():
    column = pd.Series(["-x", -5, 2.5, None, "=A1", "ok"], dtype=object)
    safe = neutralise_formulas(pd.DataFrame({"c": column}))["c"]
    assert safe.tolist() == ["'-x", -5, 2.5, None, "'=A1", "ok"]


def test_categories_and_column_names_are_neutralised_too():
    frame = pd.DataFrame({"=cmd": pd.Categorical(["=x", "y", "=x"])})
    safe = neutralise_formulas(frame)
    assert list(safe.columns) == ["'=cmd"]
    assert safe["'=cmd"].tolist() == ["'=x", "y", "'=x"]


def test_the_input_frame_is_left_untouched(risky):
    before = risky.copy()
    neutralise_formulas(risky)
    pd.testing.assert_frame_equal(risky, before)


# --------------------------------------------------------------------------- CSV


def test_csv_starts_with_a_byte_order_mark_and_keeps_unicode():
    data = to_csv_bytes(pd.DataFrame({"name": UNICODE_NAMES, "revenue": [1.5, -2, 3, 4]}))
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["name"].tolist() == UNICODE_NAMES
    assert back["revenue"].tolist() == [1.5, -2, 3, 4]


def test_csv_cells_are_neutralised_and_negative_numbers_are_not(risky):
    text = to_csv_bytes(risky).decode("utf-8-sig")
    assert "'=1+1" in text
    assert "\r\n'-minus,,3\r\n" in text
    assert "\r\n'=1+1,-5.0,-1\r\n" in text


# --------------------------------------------------------------------------- XLSX


def test_xlsx_writes_text_as_strings_and_numbers_as_numbers(risky):
    rows = sheet_rows(to_xlsx_bytes(risky, "Customers"))
    assert [c.value for c in rows[0]] == ["name", "revenue", "seats"]
    first = rows[1]
    assert (first[0].value, first[0].data_type) == ("'=1+1", "s")
    assert (first[1].value, first[1].data_type) == (-5, "n")
    assert (first[2].value, first[2].data_type) == (-1, "n")
    assert rows[3][1].value is None  # NaN is an empty cell
    assert all(row[0].data_type == "s" for row in rows)


def test_xlsx_keeps_german_swedish_and_chinese_text():
    frame = pd.DataFrame({"name": UNICODE_NAMES, "land": ["DE", "SE", "CN", "DE"]})
    rows = sheet_rows(to_xlsx_bytes(frame, "Kunden – Übersicht"))
    assert [r[0].value for r in rows[1:]] == UNICODE_NAMES
    assert load_workbook(io.BytesIO(to_xlsx_bytes(frame, "客户"))).sheetnames == ["客户"]


def test_xlsx_writes_dates_and_drops_characters_excel_cannot_hold():
    frame = pd.DataFrame(
        {
            "customer_since": pd.to_datetime(["2020-05-01", None]),
            "note": ["bell\x07 inside", None],
            "active": [True, False],
        }
    )
    rows = sheet_rows(to_xlsx_bytes(frame, "x"))
    assert rows[1][0].value == dt.datetime(2020, 5, 1)
    assert rows[2][0].value is None
    assert rows[1][1].value == "bell inside"
    assert rows[1][2].value is True


def test_sheet_names_are_made_valid_for_excel():
    data = to_xlsx_bytes(pd.DataFrame({"a": [1]}), "A/B: [draft]? with a very long title indeed")
    (name,) = load_workbook(io.BytesIO(data)).sheetnames
    assert name == "A_B_ _draft__ with a very long "
    assert len(name) == 31


# --------------------------------------------------------------------------- properties

cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["=A1", "+1", "-1", "@x", "\tx", "\rx"]),
    st.integers(-100, 100),
    st.floats(-1e6, 1e6),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=20))
def test_no_text_cell_starts_like_a_formula_and_other_values_are_kept(values):
    column = pd.Series(values, dtype=object)
    safe = neutralise_formulas(pd.DataFrame({"c": column}))["c"].tolist()
    assert len(safe) == len(values)
    for before, after in zip(values, safe, strict=True):
        if isinstance(before, str):
            assert after.startswith("'") or not is_risky(after)
            assert after in (before, "'" + before)
        else:
            assert after is before or (after != after and before != before)


# --------------------------------------------------------------------------- payloads

# Every cell of a crafted file that escaped the old check (full-width and small signs, leading
# spaces, tabs and line breaks, invisible characters), and the classic ones.
PAYLOADS = [
    "=1+1", "+1+1", "-1+1", "@SUM(A1:A9)", "=HYPERLINK(\"http://x\",\"y\")",
    "\t=1+1", "\r=1+1", "\n=1+1", "\r\n=1+1", "\tplain", "\rplain", "\nplain",
    " =1+1", "   +1", "\t =1", " \t@x", "\u3000=1+1", "\u00a0=1+1", "\u200b=1+1", "\ufeff=1+1",
    "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)", " ＝1", "\t＋1", "﹦1+1", "﹢1", "﹣1", "﹫x",
    "=cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0",
]  # fmt: skip
HARMLESS = ["Plain", "1+1", "x=1", "a@b.example", "Müller − Söhne", "北京", "", "'quoted"]


def _read_csv_cells(data: bytes) -> list[str]:
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame.iloc[:, 0].tolist()


def _read_xlsx_cells(data: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [row[0].value if row[0].value is not None else "" for row in sheet.iter_rows(min_row=2)]


WRITERS = {
    "csv": lambda frame: _read_csv_cells(to_csv_bytes(frame)),
    "csv streamed": lambda frame: _read_csv_cells(b"".join(csv_chunks(frame))),
    "xlsx": lambda frame: _read_xlsx_cells(to_xlsx_bytes(frame)),
    "xlsx fast": lambda frame: _read_xlsx_cells(xlsx_bytes(frame)),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("dtype", [object, "string", "category"])
def test_every_payload_is_neutralised_in_every_writer(writer, dtype):
    frame = pd.DataFrame({"name": pd.Series(PAYLOADS + HARMLESS, dtype=dtype)})
    cells = WRITERS[writer](frame)
    for payload, cell in zip(PAYLOADS, cells, strict=False):
        assert cell.startswith("'"), (payload, cell)
    for text, cell in zip(HARMLESS, cells[len(PAYLOADS) :], strict=True):
        assert cell == text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_check_finds_each_payload(payload):
    assert is_risky(payload)
    assert neutralise_formulas(pd.DataFrame({payload: [payload]})).columns[0] == "'" + payload
