"""Sign-in lockouts of members as django-axes records them: who is locked, and the unlock."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def locked_emails(emails) -> set[str]:
    """The addresses among `emails` whose account is locked out of sign-in right now."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    wanted = [email.lower() for email in emails]
    rows = (
        AccessAttempt.objects.filter(username__in=wanted, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
    )
    return {row["username"] for row in rows if row["failures"] >= settings.AXES_FAILURE_LIMIT}


def unlock(email: str) -> int:
    """Forget the failed sign-ins of this account (its address locks stay: an operator's
    `manage.py axes_reset_ip`)."""
    return reset(username=email.lower())
