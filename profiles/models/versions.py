"""Profile versions (immutable, numbered per organisation) and their publications."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from icp_site.models import OrganizationQuerySet
from profiles.models.workshops import Workshop


class ImmutableVersion(Exception):
    """A saved profile version cannot be changed or deleted."""


class ProfileVersionQuerySet(OrganizationQuerySet):
    def current(self, organization):
        """The organisation's current profile: the version of its newest publication, or None."""
        publication = (
            Publication.objects.filter(organization=organization)
            .select_related("version")
            .order_by("-published_at", "-pk")
            .first()
        )
        return publication.version if publication else None

    def update(self, **kwargs):
        raise ImmutableVersion("Profile versions cannot be changed.")

    def delete(self):
        raise ImmutableVersion("Profile versions cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class ProfileVersion(models.Model):
    """An immutable snapshot of a profile (schema: profiles.versions.diff), numbered per org.

    Immutable three times over: `save()` refuses an existing row, `delete()` and the queryset's
    `update()`/`delete()` refuse, and a PostgreSQL trigger (migration 0002) refuses UPDATE and
    DELETE from any code path, raw SQL included. The only exception is deleting the whole
    organisation: `organization_delete_versions` sets a transaction-local flag the trigger honours.
    """

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="profile_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profile_versions",
        verbose_name=_("workshop"),
    )
    # RESTRICT, not PROTECT: a dataset a version refers to cannot be deleted on its own, but
    # deleting the whole organisation (which takes its versions with it) still works.
    dataset = models.ForeignKey(
        "portfolio.Dataset",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="profile_versions",
        verbose_name=_("customer list"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    content = models.JSONField(_("content"))
    restored_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restored from"),
    )

    objects = ProfileVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile version")
        verbose_name_plural = _("profile versions")
        ordering = ["organization", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="one_number_per_profile_version"
            )
        ]

    def __str__(self):
        return f"v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise ImmutableVersion("Profile versions cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersion("Profile versions cannot be deleted.")

    @property
    def currency(self) -> str:
        """The currency of its customer list's money, else the organisation's."""
        return getattr(self.dataset, "currency", "") or self.organization.currency


class Publication(models.Model):
    """Publishing a version makes it the current profile: the newest publication wins."""

    organization = models.ForeignKey(
        "icp_site.Organization", on_delete=models.CASCADE, related_name="publications"
    )
    version = models.ForeignKey(
        ProfileVersion,
        on_delete=models.RESTRICT,
        related_name="publications",
        verbose_name=_("version"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["organization", "-published_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-published_at"], name="publication_org_date")
        ]

    def __str__(self):
        return f"{self.version} @ {self.published_at:%Y-%m-%d}"


@contextmanager
def organization_deletion():
    """Let the database delete profile versions in this transaction (deleting an organisation).

    Usage: ``with organization_deletion(): organization.delete()``. Outside it, the trigger of
    migration 0002 refuses every DELETE of a profile version.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL icp.allow_version_delete = 'on'")
        yield
        # On an error the savepoint's rollback undoes the SET LOCAL as well.
        cursor.execute("SET LOCAL icp.allow_version_delete = 'off'")
