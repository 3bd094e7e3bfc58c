"""The meeting pack's pages (ask, progress, download) and the one-pager as a PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icp_site import l10n
from icp_site.access import MemberRequest, leader_required, member_required
from profiles.meeting.pack import document, services, writing
from profiles.models import MeetingPack
from profiles.reps import onepager
from profiles.reps.pages import current_version, no_profile
from profiles.segments import lists
from profiles.workshop.pages import workshop_of


@require_POST
@leader_required
def meeting_pack_create(request: MemberRequest, pk: int):
    """One click: the pack is written now (small workshop) or by the worker (large one)."""
    workshop = workshop_of(request, pk)
    writing.packs_clean(user=request.user)
    try:
        pack = services.meeting_pack_request(workshop=workshop, user=request.user)
    except Exception:  # noqa: BLE001 - the pack records why; the page says so
        pack = MeetingPack.objects.filter(workshop=workshop, requested_by=request.user).first()
        if pack is None:
            raise
    if pack.state == "failed":
        messages.error(request, _("The meeting pack could not be written. Try again later."))
    return redirect("meeting_pack_progress", pk=workshop.pk, pack=pack.pk)


def _own_pack(request, pk: int, pack: int) -> MeetingPack:
    workshop = workshop_of(request, pk)
    return get_object_or_404(
        MeetingPack.objects.for_organization(request.organization).select_related("workshop"),
        pk=pack,
        workshop=workshop,
        requested_by=request.user,
    )


@require_GET
@member_required
def meeting_pack_progress(request: MemberRequest, pk: int, pack: int):
    """The pack's progress (polled while the worker writes it), then its two downloads."""
    found = _own_pack(request, pk, pack)
    context = {"pack": found, "workshop": found.workshop}
    if request.htmx:
        return render(request, "profiles/meeting/pack_progress.html#progress", context)
    return render(request, "profiles/meeting/pack_progress.html", context)


@require_GET
@member_required
def meeting_pack_download(request: MemberRequest, pk: int, pack: int, kind: str):
    found = _own_pack(request, pk, pack)
    if kind not in writing.KINDS or found.state != "ready":
        raise Http404
    path = writing.pack_folder(found) / f"pack.{writing.KINDS[kind][1]}"
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=writing.file_name(found, kind),
        content_type=writing.KINDS[kind][0],
    )


@require_GET
@member_required
def current_profile_pdf(request: MemberRequest):
    """The current profile's one-pager as one A4 page (PDF), in the reader's language."""
    version = current_version(request)
    if version is None:
        return no_profile(request, _("Current profile"))
    dataset = lists.segment_dataset(request.organization, version)
    context = {
        **onepager.one_pager(version, dataset),
        "is_current": True,
        "organization": request.organization,
        "printed": l10n.format_date(timezone.now()),
        "LANGUAGE_CODE": translation.get_language(),
    }
    pdf = document.one_pager_pdf(context)
    name = f"{slugify(request.organization.name) or 'profile'}-v{version.number}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
