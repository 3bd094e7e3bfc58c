"""Signing in and resetting a password, throttled.

Sign-in: django-axes counts failures per account (the e-mail, lower-case) and per address;
after LOGIN_FAILURE_LIMIT either waits LOGIN_LOCKOUT_MINUTES and the form says so (429 with
Retry-After). "Remember me" keeps the session SESSION_REMEMBER_DAYS instead of
SESSION_IDLE_HOURS. Password reset: at most PASSWORD_RESET_MAILS_PER_HOUR mails to one
address (more requests get the same page, no mail: nobody learns whether an account exists)
and PASSWORD_RESET_REQUESTS_PER_HOUR requests from one address.
"""

from __future__ import annotations

import datetime as dt
import logging

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from icp_site.accounts import throttle

logger = logging.getLogger(__name__)
HOUR = dt.timedelta(hours=1)


def attempted_email(request, credentials) -> str:
    """The account a sign-in attempt names, as django-axes counts it: trimmed, lower-case."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return str(raw or "").strip().lower()[:255]


def lockout_minutes() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page saying the account or address is locked for a while (429)."""
    form = SignInForm(request, data=request.POST or None)
    context = {"form": form, "locked_out": True, "minutes": lockout_minutes()}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response


class SignInForm(AuthenticationForm):
    remember = forms.BooleanField(label=_("Remember me on this device"), required=False)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            self.request.session.set_expiry(settings.SESSION_REMEMBER_DAYS * 24 * 3600)
        else:
            self.request.session.set_expiry(settings.SESSION_IDLE_HOURS * 3600)
        return response


class ThrottledPasswordResetForm(PasswordResetForm):
    """Sends the reset mail at most PASSWORD_RESET_MAILS_PER_HOUR times an hour per address."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        decision = throttle.hit(
            f"reset-mail:{to_email.strip().lower()}",
            limit=settings.PASSWORD_RESET_MAILS_PER_HOUR,
            period=HOUR,
        )
        if not decision.allowed:
            logger.warning("Password reset mail to %s not sent: too many this hour", to_email)
            return
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def post(self, request, *args, **kwargs):
        decision = throttle.hit(
            f"reset-ip:{throttle.client_ip(request)}",
            limit=settings.PASSWORD_RESET_REQUESTS_PER_HOUR,
            period=HOUR,
        )
        if not decision.allowed:
            minutes = max(1, round(decision.retry_after / 60))
            context = {"form": self.get_form(), "too_many": True, "minutes": minutes}
            response = render(request, self.template_name, context, status=429)
            response["Retry-After"] = str(decision.retry_after)
            return response
        return super().post(request, *args, **kwargs)
