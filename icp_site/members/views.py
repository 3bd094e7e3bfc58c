"""Members and the member's choices (organisation, language)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icp_site import submissions
from icp_site.access import MemberRequest, admin_required, member_required, user_required
from icp_site.members import invitations, landing, lockouts, services
from icp_site.members.forms import (
    InviteForm,
    LanguageForm,
    OrganizationForm,
    OrganizationSwitchForm,
    RoleForm,
)
from icp_site.models import Invitation, Membership


@require_GET
@user_required
def no_organization(request):
    if getattr(request, "membership", None) is not None:
        return redirect("home")
    return render(request, "icp_site/no_organization.html")


@require_GET
@member_required
def members(request: MemberRequest):
    return render(request, "icp_site/members.html", _members_context(request, InviteForm()))


def _members_context(request, add_form, organization_form=None):
    rows = list(Membership.objects.for_organization(request.organization).select_related("user"))
    context = {
        "memberships": rows,
        "add_form": add_form,
        "role_form": RoleForm(),
        "organization_form": organization_form or OrganizationForm(instance=request.organization),
    }
    if request.membership.is_admin:
        locked = lockouts.locked_emails([row.user.email for row in rows])
        for row in rows:
            row.locked_out = row.user.email.lower() in locked
        context["invitations"] = (
            Invitation.objects.for_organization(request.organization)
            .open()
            .order_by("-created_at", "-pk")
        )
        context["now"] = timezone.now()
    return context


@require_POST
@admin_required
def organization_settings(request: MemberRequest):
    form = OrganizationForm(request.POST, instance=request.organization)
    if form.is_valid():
        form.save()
        messages.success(request, _("The organisation's settings were saved."))
        return redirect("members")
    context = _members_context(request, InviteForm(), organization_form=form)
    return render(request, "icp_site/members.html", context, status=400)


@require_POST
@admin_required
def member_invite(request: MemberRequest):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            url, sent = submissions.once_per_submit(
                request, lambda: _invite(request, form.cleaned_data)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if sent is not None:
                _report_sending(request, sent)
            return redirect(url)
    return render(request, "icp_site/members.html", _members_context(request, form), status=400)


def _invite(request: MemberRequest, data) -> tuple[str, invitations.Sent]:
    sent = invitations.invitation_create(
        organization=request.organization,
        invited_by=request.user,
        base_url=request.build_absolute_uri("/"),
        **data,
    )
    return reverse("members"), sent


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _report_sending(request, sent: invitations.Sent) -> None:
    email = sent.invitation.email
    if sent.delivered:
        messages.success(
            request,
            _("An invitation was sent to %(email)s. They join once they accept it.")
            % {"email": email},
        )
    else:
        messages.error(
            request,
            _(
                "The invitation to %(email)s was saved, but the e-mail could not be sent "
                "(%(error)s). Re-send it when the mail server works again."
            )
            % {"email": email, "error": sent.error},
        )


def _invitation(request: MemberRequest, pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.for_organization(request.organization), pk=pk)


@require_POST
@admin_required
def invitation_resend(request: MemberRequest, pk: int):
    try:
        sent = invitations.invitation_resend(
            invitation=_invitation(request, pk), base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _report_sending(request, sent)
    return redirect("members")


@require_POST
@admin_required
def invitation_revoke(request: MemberRequest, pk: int):
    try:
        revoked = invitations.invitation_revoke(invitation=_invitation(request, pk))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s was revoked.") % {"email": revoked.email}
        )
    return redirect("members")


@require_POST
@admin_required
def member_unlock(request: MemberRequest, pk: int):
    membership = get_object_or_404(Membership.objects.for_organization(request.organization), pk=pk)
    lockouts.unlock(membership.user.email)
    messages.success(request, _("%(name)s may sign in again.") % {"name": membership.user})
    return redirect("members")


@require_POST
@admin_required
def member_role(request: MemberRequest, pk: int):
    membership = get_object_or_404(Membership.objects.for_organization(request.organization), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("members")
    try:
        services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The role of %(name)s was changed.") % {"name": membership.user}
        )
    return redirect("members")


@require_POST
@admin_required
def member_remove(request: MemberRequest, pk: int):
    membership = get_object_or_404(Membership.objects.for_organization(request.organization), pk=pk)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": membership.user})
    return redirect("members")


@require_POST
@user_required
def organization_switch(request):
    form = OrganizationSwitchForm(request.POST)
    if form.is_valid():
        membership = Membership.objects.filter(
            user=request.user, organization_id=form.cleaned_data["organization"]
        ).first()
        if membership is not None:
            landing.organization_use(request=request, membership=membership)
            return redirect("home")
    messages.error(request, _("You are not a member of that organisation."))
    return redirect("home")


@require_POST
@login_not_required
def set_language(request):
    """Remember the chosen language: on the account when signed in, in a cookie anyway."""
    from django.conf import settings

    form = LanguageForm(request.POST)
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
