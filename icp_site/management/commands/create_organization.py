"""Create an organisation and its first admin (there is no public sign-up)."""

from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from icp_site.models import Membership, Organization, Role, User


class Command(BaseCommand):
    help = "Create an organisation with its first admin and print a link to set the password."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help='e.g. "Example AB"')
        parser.add_argument("--slug", help="short name; derived from --name when left out")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="where people reach the app"
        )

    def handle(self, *args, name, slug, admin_email, admin_name, base_url, **options):
        slug = slug or slugify(name)
        if not slug:
            raise CommandError("Give the organisation a --slug of letters, digits and dashes.")
        if Organization.objects.filter(slug=slug).exists():
            raise CommandError(f"An organisation with the short name {slug!r} already exists.")
        with transaction.atomic():
            org = Organization.objects.create(name=name, slug=slug)
            email = admin_email.strip().lower()
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, name=admin_name
            )
            Membership.objects.create(organization=org, user=user, role=Role.ADMIN)
        self.stdout.write(f"Created {org.name} ({org.slug}) with {user.email} as admin.")
        if not user.has_usable_password():
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            link = f"{base_url.rstrip('/')}/accounts/reset/{uid}/{token}/"
            self.stdout.write(f"Choose the password here: {link}")
