"""API tokens: a member creates and revokes their own; an admin revokes any in the organisation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icp_site.access import MemberRequest, member_required
from icp_site.models import ApiToken
from icp_site.tokens import services as tokens
from icp_site.tokens.forms import ApiTokenForm


def _context(request: MemberRequest, form, secret: str | None = None) -> dict:
    org_tokens = ApiToken.objects.for_organization(request.organization).select_related(
        "membership__user"
    )
    context = {
        "form": form,
        "secret": secret,
        "own_tokens": org_tokens.filter(membership=request.membership),
    }
    if request.membership.is_admin:
        context["other_tokens"] = org_tokens.exclude(membership=request.membership).active()
    return context


@require_GET
@member_required
def api_tokens(request: MemberRequest):
    return render(request, "icp_site/api_tokens.html", _context(request, ApiTokenForm()))


@require_POST
@member_required
def api_token_create(request: MemberRequest):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = tokens.api_token_create(
                membership=request.membership, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            # Shown on this answer only: the secret is not stored and not put in the session.
            response = render(
                request, "icp_site/api_tokens.html", _context(request, ApiTokenForm(), secret)
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "icp_site/api_tokens.html", _context(request, form), status=400)


@require_POST
@member_required
def api_token_revoke(request: MemberRequest, pk: int):
    found = ApiToken.objects.for_organization(request.organization)
    if not request.membership.is_admin:
        found = found.filter(membership=request.membership)  # others' tokens: 404, not 403
    token = get_object_or_404(found, pk=pk)
    tokens.api_token_revoke(token=token, by=request.membership)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens")
