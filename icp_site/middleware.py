"""Per-request tenancy and language."""

import time

from django.conf import settings
from django.utils import translation

from icp_site.models import Membership

SESSION_KEY = "organization_id"


class CurrentOrganizationMiddleware:
    """Set request.membership and request.organization from the member's chosen organisation."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.organization = None
        if request.user.is_authenticated:
            memberships = Membership.objects.filter(user=request.user).select_related(
                "organization"
            )
            chosen = request.session.get(SESSION_KEY)
            # Without a choice in this session: the organisation the person joined first, so
            # joining another one never makes it their default behind their back.
            membership = (chosen and memberships.filter(organization_id=chosen).first()) or (
                memberships.order_by("created_at", "pk").first()
            )
            if membership is not None:
                request.membership = membership
                request.organization = membership.organization
        return self.get_response(request)


class MemberLanguageMiddleware:
    """The member's own language first, then the browser's, then the organisation's default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
