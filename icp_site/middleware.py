"""Per-request tenancy and language."""

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
            membership = (chosen and memberships.filter(organization_id=chosen).first()) or (
                memberships.order_by("organization__name").first()
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
