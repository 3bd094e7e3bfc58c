"""Files: the bulk fit check's uploads are private, anonymous and deleted when done;
spreadsheet exports neutralise every cell a spreadsheet would evaluate."""

import io
import os
import stat
import time
from pathlib import Path

import pandas as pd
import pytest
from django.urls import reverse

from portfolio.spreadsheets import csv_chunks, to_csv_bytes, to_xlsx_bytes, xlsx_bytes
from profiles.reps import fitcheck, prospect_files
from tests.profiles.rep_helpers import content, published_profile

PROSPECTS = 'Company,Industry,Employees\n=HYPERLINK("x"),IT,35\nＡcme,IT,40\n'


def files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.PROSPECT_UPLOAD_DIR = tmp_path / "prospects"
    return settings.PROSPECT_UPLOAD_DIR


@pytest.mark.django_db
def test_a_prospect_list_is_kept_privately_under_a_generated_name_and_deleted(team, upload_dir):
    published_profile(team)
    client = team.client("rep")
    upload = io.BytesIO(PROSPECTS.encode())
    upload.name = "Secret Customers of ACME.csv"
    assert client.post(reverse("fit_check_bulk"), {"file": upload}).status_code == 302
    [stored] = files(upload_dir)
    assert "Secret" not in str(stored) and "ACME" not in str(stored)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    for folder in (upload_dir, *stored.relative_to(upload_dir).parents):
        path = upload_dir / folder if folder != upload_dir else folder
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    page = client.get(reverse("fit_check_bulk_mapping"))
    assert "Secret Customers of ACME.csv" in page.text  # the name is shown, not stored
    raw = pd.read_csv(io.StringIO(PROSPECTS))
    data = {f"map_{k}": v or "" for k, v in fitcheck.bulk_mapping(raw.columns, content()).items()}
    data["file_format"] = "csv"
    assert client.post(reverse("fit_check_bulk_mapping"), data).status_code == 200
    assert files(upload_dir) == []  # done: deleted


def test_abandoned_prospect_lists_are_deleted_by_the_sweep(upload_dir, settings):
    settings.PROSPECT_UPLOAD_MAX_AGE_HOURS = 1
    storage = prospect_files.storage()
    old = Path(storage.path(storage.save("1/2/old.csv", io.BytesIO(b"a,b\n"))))
    new = Path(storage.path(storage.save("1/2/new.csv", io.BytesIO(b"a,b\n"))))
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert prospect_files.prospect_files_clean() == 1
    assert not old.exists() and new.exists()


PAYLOADS = [
    "=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1+1", "\t =1", "\u3000=1",
    "\u00a0+1", "\u200b=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1", " ＝cmd|' /C calc'!A0",
]  # fmt: skip


@pytest.mark.parametrize(
    "write, read",
    [
        (to_csv_bytes, "csv"),
        (lambda frame: b"".join(csv_chunks(frame)), "csv"),
        (to_xlsx_bytes, "xlsx"),
        (xlsx_bytes, "xlsx"),
    ],
)
def test_no_exported_cell_is_evaluated(write, read):
    frame = pd.DataFrame({"name": PAYLOADS, "n": range(len(PAYLOADS))})
    data = write(frame)
    if read == "csv":
        cells = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")["name"].tolist()
    else:
        cells = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")["name"].tolist()
    assert all(cell.startswith("'") for cell in cells), [c for c in cells if c[0] != "'"]
