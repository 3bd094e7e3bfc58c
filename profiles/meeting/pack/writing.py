"""The meeting pack written: its two files in FILES_DIR/packs/<id>/ (the PDF and the deck,
in the pack's language), its progress as it goes, and the clean-up of old packs."""

from __future__ import annotations

import shutil
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import slugify

from profiles.meeting.pack import context as pack_contents
from profiles.meeting.pack import document, slides
from profiles.models import MeetingPack

KEEP_DAYS = 2
KINDS = {
    "pdf": ("application/pdf", "pdf"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
}


def pack_folder(pack: MeetingPack) -> Path:
    return Path(settings.FILES_DIR) / "packs" / str(pack.pk)


def file_name(pack: MeetingPack, kind: str) -> str:
    """The download's name: "meeting-pack-<workshop>-<date>.pdf"."""
    title = slugify(pack.workshop.title) or "workshop"
    return f"meeting-pack-{title}-{pack.workshop.date:%Y-%m-%d}.{KINDS[kind][1]}"


def _progress(pack: MeetingPack, done: int) -> None:
    MeetingPack.objects.filter(pk=pack.pk).update(done=done)


def pack_write(pack: MeetingPack) -> MeetingPack:
    """Write the pack's PDF and deck in its language, telling its progress as it goes."""
    folder = pack_folder(pack)
    MeetingPack.objects.filter(pk=pack.pk).update(state="running", done=0)
    try:
        zone = zoneinfo.ZoneInfo(pack.workshop.organization.time_zone)
        with translation.override(pack.language or None), timezone.override(zone):
            context = pack_contents.pack_context(pack.workshop, lambda done: _progress(pack, done))
            for item in context["steps"]:
                item.image = document.chart_image(item.figure)
            pdf = document.pack_pdf(context)
            _progress(pack, pack.total - 1)
            deck = slides.deck(context)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pack.pdf").write_bytes(pdf)
        (folder / "pack.pptx").write_bytes(deck)
    except Exception as error:
        shutil.rmtree(folder, ignore_errors=True)
        MeetingPack.objects.filter(pk=pack.pk).update(
            state="failed", error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    MeetingPack.objects.filter(pk=pack.pk).update(
        state="ready", done=pack.total, folder=str(folder), finished_at=timezone.now()
    )
    pack.refresh_from_db()
    return pack


def packs_clean(*, user=None) -> int:
    """Remove packs older than KEEP_DAYS (a member's own, or everybody's); how many."""
    old = MeetingPack.objects.filter(created_at__lt=timezone.now() - timezone.timedelta(KEEP_DAYS))
    if user is not None:
        old = old.filter(requested_by=user)
    count = 0
    for pack in old:
        shutil.rmtree(pack_folder(pack), ignore_errors=True)
        pack.delete()
        count += 1
    return count


def packs_sweep() -> None:
    """The worker's periodic sweep: packs older than KEEP_DAYS go."""
    packs_clean()


def pack_lost(pack_id: int) -> None:
    """The worker writing a pack died: the pack is marked failed (its page says so)."""
    MeetingPack.objects.filter(pk=pack_id, state__in=("queued", "running")).update(
        state="failed", finished_at=timezone.now()
    )
