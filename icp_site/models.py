"""Tenancy: users sign in with their e-mail and belong to organisations with a role."""

import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        """Create a user who signs in with `email` (stored lower-case)."""
        if not email:
            raise ValueError("Users need an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        """Create a staff superuser (for the command line only; there is no admin site)."""
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    LEADER = "leader", _("Leader")
    REP = "rep", _("Sales rep")


# A role may do everything the roles after it may do.
ROLE_RANK = {Role.REP: 1, Role.LEADER: 2, Role.ADMIN: 3}


class Maturity(models.TextChoices):
    YOUNG = "young", _("Young company")
    MATURE = "mature", _("Mature company")


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro (EUR)")
    SEK = "SEK", _("Swedish krona (SEK)")
    NOK = "NOK", _("Norwegian krone (NOK)")
    DKK = "DKK", _("Danish krone (DKK)")
    CHF = "CHF", _("Swiss franc (CHF)")
    GBP = "GBP", _("Pound sterling (GBP)")
    USD = "USD", _("US dollar (USD)")
    CNY = "CNY", _("Chinese yuan (CNY)")


def validate_time_zone(value: str) -> None:
    """Accept only a time zone of the IANA database ("Europe/Berlin")."""
    if value not in available_time_zones():
        raise ValidationError(_("Choose a time zone from the list."))


def default_time_zone() -> str:
    """A new organisation's time zone: the server's (settings.TIME_ZONE)."""
    return settings.TIME_ZONE


@functools.cache
def available_time_zones() -> frozenset[str]:
    """The IANA time zones this machine knows."""
    return frozenset(zoneinfo.available_timezones())


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    maturity = models.CharField(
        _("maturity"), max_length=10, choices=Maturity.choices, default=Maturity.MATURE
    )
    review_cadence_months = models.PositiveSmallIntegerField(_("review every (months)"), default=12)
    default_language = models.CharField(
        _("default language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    # Times on every page, export and pack are shown in this zone (a name of the IANA database).
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        # Rows written by code that predates the column (older migrations' states) get this.
        db_default="Europe/Stockholm",
        validators=[validate_time_zone],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganizationQuerySet(models.QuerySet):
    """Every model an organisation owns reads through this: `.for_organization(org)`."""

    def for_organization(self, organization):
        """Only the rows the organisation owns."""
        return self.filter(organization=organization)

    def latest_per_organization(self, organization_ids, field: str) -> dict:
        """The newest `field` (a date-time) per organisation, for these organisations."""
        rows = (
            self.filter(organization_id__in=list(organization_ids))
            .values("organization_id")
            .annotate(latest=models.Max(field))
            .values_list("organization_id", "latest")
        )
        return dict(rows)


class MembershipQuerySet(OrganizationQuerySet):
    def admins(self):
        """Only the admins."""
        return self.filter(role=Role.ADMIN)


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.REP)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the member last worked in this organisation: signing in lands there.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.role})"

    def has_role(self, role: str) -> bool:
        """True when this member's role is `role` or a higher one."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def can_edit(self) -> bool:
        return self.has_role(Role.LEADER)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


# --------------------------------------------------------------------------- API tokens


class ApiTokenQuerySet(OrganizationQuerySet):
    def active(self):
        """Tokens not revoked."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A member's personal API token; only the SHA-256 of its secret is stored."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    # Removing a member from the organisation deletes their tokens with the membership.
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateBucket(models.Model):
    """One throttled client (an API token, an address, an e-mail) as a GCRA bucket, shared by
    every worker: `tat` is the "theoretical arrival time" of its next request (see
    icp_site.accounts.throttle). A sliding limit, not a fixed minute: no burst across a boundary."""

    client = models.CharField(max_length=200, unique=True)  # "token:<id>", "ip:<addr>", ...
    tat = models.DateTimeField()
    allowed = models.BooleanField(default=True)  # whether the last request was let through

    class Meta:
        indexes = [models.Index(fields=["tat"], name="rate_bucket_tat")]

    def __str__(self):
        return f"{self.client} until {self.tat:%H:%M:%S}"


# --------------------------------------------------------------------------- invitations


class InvitationQuerySet(OrganizationQuerySet):
    def open(self):
        """Neither accepted, declined nor revoked (expired ones included)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An invitation to join an organisation, sent to an e-mail address and accepted by the
    person, signed in with that address. Until then the organisation sees only the address its
    admin typed; only the SHA-256 of the link's secret is stored."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.REP)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_error = models.TextField(_("e-mail error"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declined = models.BooleanField(_("declined"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


# --------------------------------------------------------------------------- the shell's records


class FormSubmission(models.Model):
    """A creation form already handled: its one-time token and where its result is, so the
    same submit sent again (a double click, a reload) leads there instead of creating twice."""

    key = models.CharField(max_length=100, unique=True)  # "<user id>:<form token>"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.key


class WorkerLease(models.Model):
    """A background process that is alive while it beats (icp_site.background): a task, a
    reminder or an upload claimed by an owner whose lease ran out was left by a dead process."""

    owner = models.CharField(max_length=64, unique=True)  # the worker id django-tasks-db records
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.owner} ({self.host}:{self.pid})"
