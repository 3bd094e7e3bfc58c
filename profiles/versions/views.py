"""Profile versions: the history, one version, the diff of two, publish and restore."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icp_site.access import MemberRequest, leader_required, member_required
from profiles.models import ProfileVersion, Publication
from profiles.versions import criteria, diff, services
from profiles.versions.criteria import SEGMENTS
from profiles.versions.forms import PublishForm
from profiles.versions.traits import trait_label


def _version(request: MemberRequest, number: int) -> ProfileVersion:
    versions = ProfileVersion.objects.for_organization(request.organization).select_related(
        "author", "workshop", "dataset", "restored_from"
    )
    return get_object_or_404(versions, number=number)


@require_GET
@member_required
def profile_versions(request: MemberRequest):
    org = request.organization
    versions = ProfileVersion.objects.for_organization(org).select_related(
        "author", "workshop", "restored_from"
    )
    published = {}
    for publication in Publication.objects.for_organization(org).order_by("published_at"):
        published[publication.version_id] = publication
    current = ProfileVersion.objects.current(org)
    rows = [{"version": v, "publication": published.get(v.pk)} for v in versions]
    return render(
        request,
        "profiles/versions.html",
        {"rows": rows, "current": current, "can_edit": request.membership.can_edit},
    )


@require_GET
@member_required
def profile_version(request: MemberRequest, number: int):
    version = _version(request, number)
    org = request.organization
    current = ProfileVersion.objects.current(org)
    publications = Publication.objects.filter(version=version).select_related("published_by")
    proposal = services.next_review_proposal(org, timezone.localdate())
    context = {
        "version": version,
        "content": _readable(version.content),
        "is_current": current == version,
        "publications": publications,
        "form": PublishForm(initial={"next_review_date": proposal}),
        "can_edit": request.membership.can_edit,
        "previous": ProfileVersion.objects.for_organization(org)
        .filter(number__lt=version.number)
        .order_by("-number")
        .first(),
    }
    return render(request, "profiles/version.html", context)


@require_POST
@leader_required
def profile_version_publish(request: MemberRequest, number: int):
    version = _version(request, number)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.profile_version_publish(
                version=version,
                user=request.user,
                next_review_date=form.cleaned_data["next_review_date"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Version %(number)s is now the current profile.") % {"number": version.number},
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("profile_version", number=version.number)


@require_POST
@leader_required
def profile_version_restore(request: MemberRequest, number: int):
    version = _version(request, number)
    note = request.POST.get("note", "").strip() or _("Restored from version %(number)s") % {
        "number": version.number
    }
    restored = services.profile_version_restore(version=version, user=request.user, note=note)
    messages.success(
        request,
        _("Version %(old)s was saved again as version %(new)s.")
        % {"old": version.number, "new": restored.number},
    )
    return redirect("profile_version", number=restored.number)


@require_GET
@member_required
def profile_version_diff(request: MemberRequest):
    org = request.organization
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        raise Http404 from None
    before = get_object_or_404(ProfileVersion.objects.for_organization(org), number=a)
    after = get_object_or_404(ProfileVersion.objects.for_organization(org), number=b)
    context = {
        "before": before,
        "after": after,
        "diff": diff.diff(before.content, after.content),
        # The team's own columns by the names they gave them, in either version.
        "names": {
            t["key"]: t["label"]
            for content in (before.content, after.content)
            for t in content.get("traits", [])
        },
        "numbers": ProfileVersion.objects.for_organization(org).values_list("number", flat=True),
    }
    return render(request, "profiles/version_diff.html", context)


def _readable(content: dict) -> dict:
    """A version's content arranged for reading: relevant traits, criteria by segment."""
    traits = [{**t, "label": trait_label(t["key"], t["label"])} for t in content["traits"]]
    labels = {t["key"]: t["label"] for t in traits}
    return {
        "traits": [{**t, "text": criteria.value_text(t["value"])} for t in traits if t["relevant"]],
        "dropped": [t for t in traits if not t["relevant"]],
        "segments": [
            {
                "key": segment,
                "criteria": [
                    {
                        **c,
                        "text": criteria.value_text(c["value"]),
                        "label": labels.get(c["attribute"], c["attribute"]),
                        "operator_label": criteria.OPERATOR_LABELS.get(
                            c["operator"], c["operator"]
                        ),
                    }
                    for c in content["criteria"]
                    if c["segment"] == segment
                ],
                "note": content["notes"].get(segment, ""),
            }
            for segment in SEGMENTS
        ],
        "decisions": content["decisions"],
        "labels": labels,
    }
