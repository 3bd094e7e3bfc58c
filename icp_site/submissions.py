"""Creation forms handled once per submit: a double click, a reload or a retried POST of the
same form leads to what the first one created instead of creating it again.

The form carries a one-time token (`{% submit_token %}` from `icp_site_forms`). The first POST
with it records the token in the transaction that creates the thing, so a second POST that
arrives meanwhile waits on the token's unique index until the first commits, and then goes where
the first one went. A form without a token (a script, a test) is handled every time.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icp_site.models import FormSubmission

FIELD = "submit_token"
KEEP = dt.timedelta(days=1)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def _key(request) -> str | None:
    token = str(request.POST.get(FIELD, ""))[:64]
    if not token or not request.user.is_authenticated:
        return None
    return f"{request.user.pk}:{token}"


def _earlier(request, key: str) -> str:
    url = FormSubmission.objects.filter(key=key).values_list("result_url", flat=True).first()
    messages.info(request, _("This form was already sent; here is what it created."))
    return url or "/"


def once_per_submit(request, create: Callable[[], tuple[str, Any]]) -> tuple[str, Any]:
    """Run `create` (which returns the URL of what it made, and anything else) once for the
    form's token; a repeat returns the first one's URL and None."""
    key = _key(request)
    if key is None:
        return create()
    if FormSubmission.objects.filter(key=key).exists():
        return _earlier(request, key), None
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = FormSubmission.objects.create(key=key, user=request.user)
        except IntegrityError:  # a twin of this submit committed while we waited
            repeat = True
        else:
            repeat = False
            url, extra = create()
            row.result_url = url[:500]
            row.save(update_fields=["result_url"])
    if repeat:
        return _earlier(request, key), None
    return url, extra


def submissions_clean(*, now: dt.datetime | None = None) -> int:
    """Forget tokens older than a day (a form is not re-sent after that)."""
    deleted, _ = FormSubmission.objects.filter(
        created_at__lt=(now or timezone.now()) - KEEP
    ).delete()
    return deleted
