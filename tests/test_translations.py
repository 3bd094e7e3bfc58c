"""The catalogues are complete: every marked string has a German, Swedish and Chinese text."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["de", "sv", "zh_Hans"]
# As `./dev messages` extracts: mutmut's copy in mutants/ holds mutated texts, never extracted.
EXTRACT = ["makemessages", "--no-obsolete", "--no-location", "--ignore=.venv/*",
           "--ignore=bench/*", "--ignore=tests/*", "--ignore=.data/*",
           "--ignore=mutants/*"]  # fmt: skip

needs_gettext = pytest.mark.skipif(
    not shutil.which("xgettext") and os.environ.get("CI") != "true",
    reason="gettext is not installed (apt-get install gettext); CI installs it",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """Today's marked strings merged into a scratch copy of the committed catalogues.
    makemessages writes into the locale/ folder the sources sit under (the checkout's, whatever
    LOCALE_PATHS says), so the committed catalogues are kept aside and put back afterwards."""
    scratch = tmp_path_factory.mktemp("locale")
    committed = {path: path.read_bytes() for lang in LANGUAGES for path in _catalogue_files(lang)}
    env = {**os.environ, "LOCALE_DIR": str(scratch)}
    args = [sys.executable, "manage.py", *EXTRACT, *(f"--locale={lang}" for lang in LANGUAGES)]
    try:
        subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)
        shutil.copytree(ROOT / "locale", scratch, dirs_exist_ok=True)
    finally:
        for path, data in committed.items():
            path.write_bytes(data)
    return scratch


def _catalogue_files(language: str) -> list[Path]:
    return list((ROOT / "locale" / language / "LC_MESSAGES").glob("django.*"))


def _problems(catalogue: polib.POFile) -> list[str]:
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not all(text.strip() for text in texts):
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(extracted, language):
    catalogue = polib.pofile(str(extracted / language / "LC_MESSAGES" / "django.po"))
    assert _problems(catalogue) == []


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_is_up_to_date_with_the_code(extracted, language):
    committed = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    fresh = polib.pofile(str(extracted / language / "LC_MESSAGES" / "django.po"))
    wanted = {(e.msgctxt, e.msgid) for e in fresh if not e.obsolete}
    present = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
    assert sorted(wanted - present, key=str) == [], "run: ./dev messages"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    compiled = polib.mofile(str(folder / "django.mo"))
    source = polib.pofile(str(folder / "django.po"))
    translated = {e.msgid: e.msgstr for e in source.translated_entries() if not e.msgid_plural}
    assert {e.msgid: e.msgstr for e in compiled if e.msgid and not e.msgid_plural} == translated
