"""The JSON API's plumbing: who is calling, how often, and every error as JSON with a 4xx.

Authentication: ``Authorization: Bearer <token>`` (icp_site.tokens.services) or the browser
session. A session POST needs the CSRF token like every form. Bearer requests need no CSRF
token: a browser never sends the header on its own, so a forged cross-site request cannot carry
it. That is why the views are `csrf_exempt` and `api_view` runs Django's CSRF check itself for
session requests (as Django REST framework does).

Every answer is JSON, errors included: ``{"error": "<sentence>"}``. A view raises `ApiError`
for a refusal; a body too large answers 413, bad JSON (too deep, numbers too large) 400, too
many requests 429 with ``Retry-After``. `ApiErrorMiddleware` turns what never reaches a view
(an unknown URL, a crash) into JSON too.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.csrf import csrf_exempt

from icp_site.accounts import throttle
from icp_site.models import Role
from icp_site.tokens import services as tokens

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
API_PREFIX = "/api/"
MAX_DEPTH = 20  # nesting of arrays and objects in a body
MAX_NUMBER = 10**15  # larger numbers in a body are refused: no count or amount is that big
MINUTE = dt.timedelta(minutes=1)


class ApiError(Exception):
    """A refusal a view raises; the decorator answers it as JSON."""

    def __init__(self, status: int, message: str, **headers: str):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error(status: int, message: str, **headers) -> JsonResponse:
    """A JSON error answer."""
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason  # the reason instead of a 403 page


def _csrf_failure(request) -> str | None:
    check = _CsrfCheck(lambda request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def _too_many(decision: throttle.Decision) -> ApiError:
    return ApiError(
        429,
        _("Too many requests: at most %(limit)s a minute. Try again in %(seconds)s s.")
        % {"limit": decision.limit, "seconds": decision.retry_after},
        Retry_After=str(decision.retry_after),
    )


def _authenticate(request) -> str:
    """The rate-limit client of the request, or ApiError (401, or 429 for guessing)."""
    header = request.headers.get("Authorization", "")
    if header:
        # Guessing tokens from one address is throttled before a guess is even looked at.
        address = f"api-bad-token:{throttle.client_ip(request)}"
        limit = settings.API_BAD_TOKEN_LIMIT
        if not (peeked := throttle.peek(address, limit=limit, period=MINUTE)).allowed:
            raise _too_many(peeked)
        scheme, _space, secret = header.partition(" ")
        token = tokens.authenticate(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            throttle.hit(address, limit=limit, period=MINUTE)
            raise ApiError(
                401, _("The API token is invalid or revoked."), WWW_Authenticate="Bearer"
            )
        request.user = token.membership.user
        request.membership = token.membership
        request.organization = token.membership.organization
        if request.user.language:
            translation.activate(request.user.language)
        return f"token:{token.pk}"
    if request.user.is_authenticated and getattr(request, "membership", None) is not None:
        return f"user:{request.user.pk}"
    raise ApiError(
        401,
        _("Authentication required: send Authorization: Bearer <token>."),
        WWW_Authenticate="Bearer",
    )


def _check_size(request) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, _("The Content-Length header is not a number.")) from None
    if length > settings.API_MAX_BODY_BYTES:
        raise _body_too_large()


def _body_too_large() -> ApiError:
    return ApiError(
        413,
        _("The body is too large: at most %(kb)s KB.")
        % {"kb": settings.API_MAX_BODY_BYTES // 1024},
    )


def api_view(*methods: str):
    """A JSON view every member may call with a token or a session (see the module docstring)."""

    def decorator(view):
        @login_not_required
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            decision = None
            try:
                _check_size(request)
                client = _authenticate(request)
                if request.method not in methods:
                    raise ApiError(
                        405,
                        _("Use %(methods)s.") % {"methods": ", ".join(methods)},
                        Allow=", ".join(methods),
                    )
                session = client.startswith("user:")
                if session and request.method not in SAFE_METHODS and _csrf_failure(request):
                    raise ApiError(403, _("CSRF check failed: send the X-CSRFToken header."))
                decision = tokens.rate_limit_hit(client)
                if not decision.allowed:
                    raise _too_many(decision)
                response = view(request, *args, **kwargs)
            except ApiError as refusal:
                response = error(refusal.status, refusal.message, **refusal.headers)
            except Http404:
                response = error(404, _("Not found."))
            except (RequestDataTooBig, SuspiciousOperation) as problem:
                response = _suspicious(problem)
            except DataError:
                # A value PostgreSQL cannot hold (a number too large for its column).
                response = error(400, _("A value is out of range."))
            if decision is not None:
                response["X-RateLimit-Limit"] = str(decision.limit)
                response["X-RateLimit-Remaining"] = str(decision.remaining)
            response["Cache-Control"] = "no-store"
            return response

        wrapper.access_role = Role.REP
        wrapper.api = True
        return wrapper

    return decorator


def _suspicious(problem: Exception) -> JsonResponse:
    if isinstance(problem, RequestDataTooBig):
        refusal = _body_too_large()
        return error(refusal.status, refusal.message)
    return error(400, _("The request was refused as malformed."))


def _number(text: str, convert):
    value = convert(text)
    if abs(value) >= MAX_NUMBER or (isinstance(value, float) and not math.isfinite(value)):
        raise ApiError(
            400, _("Numbers must be smaller than %(max)s.") % {"max": f"{MAX_NUMBER:.0e}"}
        )
    return value


def _depth(value: Any, level: int = 1) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(item, level + 1) for item in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(item, level + 1) for item in value), default=level)
    return level


def json_body(request: HttpRequest) -> Any:
    """The request's JSON body, or ApiError: 413 too large, 400 not JSON, too deep, numbers too
    large (or NaN/Infinity)."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise _body_too_large() from None
    if len(raw) > settings.API_MAX_BODY_BYTES:
        raise _body_too_large()

    def constant(name: str):
        raise ApiError(400, _("The body is not valid JSON."))

    try:
        body = json.loads(
            raw or b"",
            parse_int=lambda text: _number(text, int),
            parse_float=lambda text: _number(text, float),
            parse_constant=constant,
        )
    except RecursionError:
        raise ApiError(400, _("The body is nested too deeply.")) from None
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError, or an integer of 4,300 digits
        raise ApiError(400, _("The body is not valid JSON.")) from None
    if _depth(body) > MAX_DEPTH:
        raise ApiError(400, _("The body is nested too deeply."))
    return body


def query_int(request, name: str, *, default: int, minimum: int = 0, maximum: int = 10_000):
    """A whole-number query parameter within bounds, or ApiError 400 naming it."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if len(raw) <= 12 else None
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise ApiError(
            400,
            _("%(name)s must be a whole number from %(min)s to %(max)s.")
            % {"name": name, "min": minimum, "max": maximum},
        )
    return value


# Answers for what never reaches an API view, by status.
GENERIC_MESSAGES = {
    400: gettext_noop("The request was refused as malformed."),
    403: gettext_noop("You may not do this."),
    404: gettext_noop("Not found."),
    405: gettext_noop("This method is not allowed here."),
    413: gettext_noop("The body is too large."),
    500: gettext_noop("Something went wrong on our side; it has been logged."),
}


class ApiErrorMiddleware:
    """Under /api/, an unknown URL, an error page or a crash answers JSON, never HTML."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        message = GENERIC_MESSAGES.get(status, GENERIC_MESSAGES[400 if status < 500 else 500])
        return error(status, _(message))

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return error(413, _(GENERIC_MESSAGES[413]))
        if isinstance(exception, Http404):
            return error(404, _(GENERIC_MESSAGES[404]))
        logger.exception("API request %s failed", request.path)
        return error(500, _(GENERIC_MESSAGES[500]))
