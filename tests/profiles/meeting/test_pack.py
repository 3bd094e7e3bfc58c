"""The meeting pack: its PDF (a cover, one page per step, the profile, the one-pager, the
decision log: read back by text extraction), its slide deck (python-pptx reading it back), the
worker's progress for a large workshop, and the one-pager's own PDF on one A4 page."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from pptx import Presentation
from pypdf import PdfReader

from profiles.meeting.pack import writing
from profiles.models import MeetingPack, Workshop
from profiles.workshop import steps

pytestmark = pytest.mark.django_db

User = get_user_model()
RESULTS = Path(__file__).resolve().parents[3] / "test-results"
A4 = (595, 842)  # points, rounded
CODE_KEY = re.compile(r"\b(do-or-die|do-not|customer_type|market_position|not_in)\b|:eq\b")


@pytest.fixture
def demo(settings, tmp_path):
    settings.FILES_DIR = tmp_path
    settings.DEBUG = True  # the demo's known password is only created in DEBUG
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Workshop.objects.get(organization__slug="demo", title="Kick-off workshop")


def _client(client, email="leader@demo.example"):
    client.force_login(User.objects.get(email=email))
    return client


def _ask(client, workshop, language="de"):
    meeting_url = reverse("meeting_agenda", args=[workshop.pk])
    assert client.get(meeting_url).status_code == 200
    response = client.post(reverse("meeting_pack_create", args=[workshop.pk]))
    assert response.status_code == 302
    return MeetingPack.objects.get(workshop=workshop)


def keep(data: bytes, name: str) -> None:
    """The file for people to look at (test-results/ is not committed)."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_bytes(data)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pack_has_a_page_per_step_the_profile_and_a_deck_with_a_slide_each(demo, client):
    leader = _client(client)
    pack = _ask(leader, demo)
    assert pack.state == "ready" and pack.done == pack.total
    progress = leader.get(reverse("meeting_pack_progress", args=[demo.pk, pack.pk]))
    assert "pdf/" in progress.text and "pptx/" in progress.text

    response = leader.get(reverse("meeting_pack_download", args=[demo.pk, pack.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    keep(pdf, "meeting-pack.pdf")
    pages = _pages(pdf)
    text = "\n".join(pages)
    assert "Demo SaaS AB" in pages[0]
    for step in steps.STEPS:
        starting = [p for p in pages if re.search(rf"Step {step.number}: ", p)]
        assert len(starting) == 1, f"step {step.number} has no page of its own"
    assert any("The target customer profile" in p for p in pages)
    assert any("Decision log" in p for p in pages)
    assert not CODE_KEY.search(text), CODE_KEY.search(text)

    response = leader.get(reverse("meeting_pack_download", args=[demo.pk, pack.pk, "pptx"]))
    pptx = b"".join(response.streaming_content)
    keep(pptx, "meeting-pack.pptx")
    deck = Presentation(io.BytesIO(pptx))
    titles = [
        next((s.text_frame.text for s in slide.shapes if s.has_text_frame), "")
        for slide in deck.slides
    ]
    assert len(titles) == 1 + len(steps.STEPS) + 1, titles
    for number in steps.STEP_NUMBERS:
        assert titles[number].startswith(f"Step {number}: ")
    assert "profile" in titles[-1].lower()
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert pictures  # the charts drawn on the server


def test_the_pack_is_written_in_the_language_of_the_meeting(demo, client):
    leader = _client(client)
    demo.organization.default_language = "de"
    demo.organization.save()
    pack = _ask(leader, demo)
    assert pack.language == "de"
    pdf = (writing.pack_folder(pack) / "pack.pdf").read_bytes()
    keep(pdf, "meeting-pack-de.pdf")
    text = "\n".join(_pages(pdf))
    assert "Schritt 1" in text and "Step 1:" not in text
    assert not CODE_KEY.search(text), CODE_KEY.search(text)
    deck = Presentation(str(writing.pack_folder(pack) / "pack.pptx"))
    words = " ".join(
        s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame
    )
    assert "Schritt 6:" in words and "Step " not in words
    assert not CODE_KEY.search(words), CODE_KEY.search(words)


def test_a_large_workshop_goes_to_the_worker_and_its_page_shows_progress(
    demo, client, settings, django_capture_on_commit_callbacks
):
    settings.PACK_INLINE_CUSTOMERS = 1
    leader = _client(client)
    with django_capture_on_commit_callbacks() as queued:
        pack = _ask(leader, demo)
    assert pack.state == "queued" and len(queued) == 1
    url = reverse("meeting_pack_progress", args=[demo.pk, pack.pk])
    page = leader.get(url, headers={"HX-Request": "true"}).text
    assert 'hx-trigger="every 2s"' in page and "0 of 9 parts" in page
    queued[0]()  # the worker runs the task
    pack.refresh_from_db()
    assert pack.state == "ready" and (writing.pack_folder(pack) / "pack.pptx").exists()
    page = leader.get(url, headers={"HX-Request": "true"}).text
    assert "every 2s" not in page and "pptx/" in page
    # Only the member who asked downloads it; a rep of the organisation cannot ask.
    rep = _client(type(client)(), "rep@demo.example")
    assert rep.post(reverse("meeting_pack_create", args=[demo.pk])).status_code == 403
    assert rep.get(url).status_code == 404


def test_the_one_pager_pdf_is_one_a4_page_with_the_organisation_and_version(demo, client):
    rep = _client(client, "rep@demo.example")
    response = rep.get(reverse("current_profile_pdf"))
    assert response["Content-Type"] == "application/pdf"
    keep(response.content, "one-pager.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
    text = reader.pages[0].extract_text()
    assert "Demo SaaS AB" in text
    assert re.search(r"\bv\d+\b|Version \d+", text)
    assert not CODE_KEY.search(text), CODE_KEY.search(text)


def test_a_pack_that_cannot_be_written_says_so_and_leaves_no_files(demo, client, monkeypatch):
    def broken(context):
        raise OSError("no pango")

    monkeypatch.setattr(writing.document, "pack_pdf", broken)
    leader = _client(client)
    pack = _ask(leader, demo)
    assert pack.state == "failed" and "no pango" in pack.error
    assert not writing.pack_folder(pack).exists()
    page = leader.get(reverse("meeting_pack_progress", args=[demo.pk, pack.pk])).text
    assert "could not be written" in page
    url = reverse("meeting_pack_download", args=[demo.pk, pack.pk, "pdf"])
    assert leader.get(url).status_code == 404
