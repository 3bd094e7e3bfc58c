"""Workbooks are read in a child process with limits: what they unpack to, sheets, cells,
rows, time and memory; a workbook over a limit is refused with one sentence."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from portfolio.imports.reading import ImportFileError, read_table
from portfolio.imports.sheets import WorkbookLimits, unpacked_size
from portfolio.models import ImportUpload


def _workbook(sheets: int = 1, rows: int = 3, columns: int = 2) -> bytes:
    book = Workbook()
    for number in range(sheets):
        sheet = book.active if number == 0 else book.create_sheet(f"S{number}")
        sheet.append([f"Column {c}" for c in range(columns)])
        for row in range(rows):
            sheet.append([f"{row}-{c}" for c in range(columns)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _refused(data: bytes, **limits) -> ImportFileError:
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "crm.xlsx", limits=WorkbookLimits(**limits))
    return refused.value


def test_a_workbook_within_its_limits_is_read():
    raw = read_table(_workbook(rows=3), "crm.xlsx", limits=WorkbookLimits(max_cells=8))
    assert (raw.columns, len(raw.frame), raw.source) == (("Column 0", "Column 1"), 3, "xlsx")


def test_each_limit_refuses_a_workbook_over_it_with_one_sentence():
    assert _refused(_workbook(), max_unpacked_bytes=1000).code == "too_big"
    assert _refused(_workbook(sheets=3), max_sheets=2).message == (
        "The workbook has 3 sheets; at most 2 can be read."
    )
    assert _refused(_workbook(rows=3), max_cells=7).code == "too_many_cells"
    assert _refused(_workbook(rows=3), max_rows=2).code == "too_many_rows"
    assert _refused(_workbook(), max_seconds=0).code == "too_slow"


def test_a_reader_out_of_memory_is_a_refusal_not_a_crash():
    # A limit below what the reader holds already: its next allocation fails.
    assert _refused(_workbook(rows=200), max_memory_bytes=1024 * 1024).code == "out_of_memory"


def test_the_unpacked_size_is_what_the_zip_declares():
    data = _workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        declared = sum(member.file_size for member in archive.infolist())
    path = io.BytesIO(data)
    assert declared > len(data)
    assert unpacked_size(path) == declared


@pytest.mark.django_db
def test_a_workbook_that_unpacks_to_too_much_is_refused_when_it_arrives(team, settings):
    settings.IMPORT_WORKBOOK_MAX_UNPACKED_BYTES = 1000
    file = SimpleUploadedFile("bomb.xlsx", _workbook(rows=50))
    response = team.client("leader").post(reverse("import_upload"), {"file": file})
    assert response.status_code == 400
    assert "The workbook unpacks to more than 1000" in response.text
    assert not ImportUpload.objects.exists()
