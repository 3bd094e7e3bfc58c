"""Create an API token for a member (automation): the token is printed once."""

from django.core.management.base import BaseCommand, CommandError

from icp_site.models import Membership
from icp_site.tokens import services as tokens


class Command(BaseCommand):
    help = "Create an API token for a member of an organisation and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organisation's short name (slug).")
        parser.add_argument("--user", required=True, help="The member's e-mail address.")
        parser.add_argument("--name", default="Command line", help="What the token is for.")

    def handle(self, *args, org, user, name, **options):
        membership = (
            Membership.objects.select_related("organization", "user")
            .filter(organization__slug=org, user__email=user.strip().lower())
            .first()
        )
        if membership is None:
            raise CommandError(f"{user} is not a member of the organisation “{org}”.")
        token, secret = tokens.api_token_create(membership=membership, name=name)
        self.stderr.write(
            f"Token “{token.name}” for {membership.user.email} in {membership.organization.slug}; "
            "it is shown only now:"
        )
        self.stdout.write(secret)
