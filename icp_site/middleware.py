"""Per-request tenancy and language."""

import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icp_site.access import OtherOrganization
from icp_site.members import landing
from icp_site.members.landing import SESSION_KEY
from icp_site.models import Membership


class CurrentOrganizationMiddleware:
    """Set request.membership and request.organization from the member's chosen organisation;
    without a choice (just signed in), land where the member worked last.

    A page of another organisation the member belongs to (a link from a mail, a colleague or
    another tab) switches to that organisation with a notice instead of answering 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.organization = None
        if request.user.is_authenticated:
            chosen = request.session.get(SESSION_KEY)
            membership = chosen and (
                Membership.objects.filter(user=request.user, organization_id=chosen)
                .select_related("organization")
                .first()
            )
            if membership:
                request.membership = membership
                request.organization = membership.organization
            elif (membership := landing.landing_membership(request.user)) is not None:
                landing.organization_use(request=request, membership=membership)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Only a page opened as a page: a form post or a background request (a poll of a tab
        # still showing the other organisation) must not switch the organisation under the
        # member's feet. Those stay 404.
        if not isinstance(exception, OtherOrganization) or request.method not in ("GET", "HEAD"):
            return None
        if request.headers.get("HX-Request") == "true":
            return None
        membership = (
            Membership.objects.filter(user=request.user, organization_id=exception.organization_id)
            .select_related("organization")
            .first()
        )
        if membership is None:
            return None
        landing.organization_use(request=request, membership=membership)
        messages.info(
            request,
            _("This page belongs to %(name)s: you are now working in %(name)s.")
            % {"name": membership.organization.name},
        )
        return redirect(request.get_full_path())


class MemberLanguageMiddleware:
    """The member's own language first, then the browser's, then the organisation's default;
    times in the organisation's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.organization is not None:
            timezone.activate(zoneinfo.ZoneInfo(request.organization.time_zone))
        else:
            timezone.deactivate()
        language = None
        if request.user.is_authenticated and request.user.language:
            language = request.user.language
        elif not _browser_expressed_a_language(request) and request.organization is not None:
            language = request.organization.default_language
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def _browser_expressed_a_language(request) -> bool:
    return bool(
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        or request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip()
    )


class SessionIdleMiddleware:
    """Sessions end after SESSION_IDLE_HOURS (or "remember me"'s days) without a request: the
    expiry is pushed on as the member works, written at most every few minutes, not on every
    poll of a live page."""

    REFRESH_EVERY = 300  # seconds
    STAMP = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(self.STAMP, 0)) >= self.REFRESH_EVERY:
                session[self.STAMP] = now  # saving the session pushes its expiry on
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages and exports may hold personal data: no shared or browser cache keeps them
    (`Cache-Control: private, no-store`), unless a view chose its own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
