"""The invited person's side: the invitation page, accept, decline, a new account."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from icp_site.access import user_required
from icp_site.members import invitations
from icp_site.middleware import SESSION_KEY
from icp_site.models import User


class AccountForm(SetPasswordMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        self.validate_password_for_user(User(email=self.email, name=cleaned.get("name", "")))
        return cleaned


def _context(request, secret: str, invitation, **extra) -> dict:
    problem = invitations.invitation_problem(invitation)
    context = {"secret": secret, "invitation": invitation, "problem": problem, **extra}
    if problem is None and not request.user.is_authenticated:
        has_account = User.objects.filter(email=invitation.email).first()
        context["needs_account"] = has_account is None or not has_account.has_usable_password()
    if problem is None and request.user.is_authenticated:
        context["wrong_account"] = request.user.email.lower() != invitation.email
    return context


def _page(request, secret, invitation, *, status=None, **extra):
    context = _context(request, secret, invitation, **extra)
    if status is None:
        status = 200 if context["problem"] is None else 410 if invitation else 404
    # The link is a secret: the site's Referrer-Policy (same-origin) keeps it from other sites.
    return render(request, "icp_site/invitation.html", context, status=status)


@require_GET
@login_not_required
def invitation(request, secret: str):
    found = invitations.invitation_for_secret(secret)
    form = None
    if found is not None and not request.user.is_authenticated:
        form = AccountForm(email=found.email)
    return _page(request, secret, found, form=form)


@require_POST
@user_required
def invitation_accept(request, secret: str):
    found = invitations.invitation_for_secret(secret)
    if found is None:
        return _page(request, secret, found)
    try:
        membership = invitations.invitation_accept(invitation=found, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, secret, found, status=400)
    # They chose to join: show the organisation now (this session only; their default stays).
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, _("You joined %(name)s.") % {"name": membership.organization.name})
    return redirect("home")


@require_POST
@user_required
def invitation_decline(request, secret: str):
    found = invitations.invitation_for_secret(secret)
    if found is not None:
        invitations.invitation_decline(invitation=found, user=request.user)
    messages.info(request, _("You declined the invitation."))
    return redirect("home")


@require_http_methods(["POST"])
@login_not_required
def invitation_account(request, secret: str):
    found = invitations.invitation_for_secret(secret)
    if found is None or invitations.invitation_problem(found) or request.user.is_authenticated:
        return _page(request, secret, found, status=400 if found else 404)
    form = AccountForm(request.POST, email=found.email)
    if form.is_valid():
        try:
            user = invitations.account_create_and_accept(
                invitation=found,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="icp_site.auth.EmailBackend")
            request.session[SESSION_KEY] = found.organization_id
            messages.success(request, _("You joined %(name)s.") % {"name": found.organization.name})
            return redirect("home")
    return _page(request, secret, found, form=form, status=400)
