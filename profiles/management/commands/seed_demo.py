"""Create the demo organisation, its members and its customer list (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from icp_site.models import Membership, Organization, Role, User
from portfolio.demo import demo_customers
from portfolio.models import Customer, Dataset
from profiles.demo import ensure_demo_workshop

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    ("admin@demo.example", "Ada Admin", Role.ADMIN),
    ("leader@demo.example", "Leo Leader", Role.LEADER),
    ("rep@demo.example", "Rita Rep", Role.REP),
]
DEMO_DATASET = "demo-customers.csv"


class Command(BaseCommand):
    help = "Create the demo organisation with three members and 400 customers (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo data has a known password, so it is only created with DEBUG=true."
            )
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(
                slug="demo",
                defaults={"name": "Demo SaaS AB", "maturity": "young", "review_cadence_months": 6},
            )
            advisory, _ = Organization.objects.get_or_create(
                slug="demo-advisory", defaults={"name": "Demo Advisory GmbH"}
            )
            for email, name, role in DEMO_USERS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
                Membership.objects.get_or_create(
                    organization=org, user=user, defaults={"role": role}
                )
            # The leader also runs workshops for a client, to show switching organisations.
            Membership.objects.get_or_create(
                organization=advisory,
                user=User.objects.get(email="leader@demo.example"),
                defaults={"role": Role.ADMIN},
            )
            created = _ensure_demo_dataset(org)
            ensure_demo_workshop(
                organization=org,
                dataset=Dataset.objects.for_organization(org).get(name=DEMO_DATASET),
                leader=User.objects.get(email=DEMO_USERS[1][0]),
                admin=User.objects.get(email=DEMO_USERS[0][0]),
            )
        self.stdout.write(
            f"Demo organisation ready ({'customers created' if created else 'already there'})."
        )


def _ensure_demo_dataset(org: Organization) -> bool:
    if Dataset.objects.for_organization(org).filter(name=DEMO_DATASET).exists():
        return False
    admin = User.objects.get(email=DEMO_USERS[0][0])
    rows = demo_customers()
    fields = [name for name in rows[0] if name != "external_id"]
    dataset = Dataset.objects.create(
        organization=org,
        name=DEMO_DATASET,
        uploaded_by=admin,
        mapping={field: field for field in ["external_id", *fields]},
        rows_imported=len(rows),
    )
    Customer.objects.bulk_create(
        Customer(organization=org, dataset=dataset, row_number=number, **row)
        for number, row in enumerate(rows, start=2)
    )
    return True
