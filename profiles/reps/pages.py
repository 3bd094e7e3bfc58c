"""What the reps' pages share: the current profile, the page without one, a file download."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from icp_site.access import MemberRequest
from profiles.models import ProfileVersion

PAGE_SIZE = 50

SAVED_SHOWN = 20


def current_version(request: MemberRequest) -> ProfileVersion | None:
    return ProfileVersion.objects.current(request.organization)


def no_profile(request: MemberRequest, title: str):
    return render(request, "profiles/current/no_profile.html", {"title": title}, status=200)


def download(data: bytes, name: str, file_format: str) -> HttpResponse:
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[file_format]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
