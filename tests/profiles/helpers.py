"""A small customer list whose groups are checked by hand, and shortcuts for steps."""

from decimal import Decimal

from profiles.models import WorkshopStep
from tests.factories import CustomerFactory, DatasetFactory, WorkshopFactory

# name, seats, revenue, sales cycle days: small = 1-5 seats, medium 6-20, large 21+.
CUSTOMERS = [
    ("Small One", 1, 100, 30),
    ("Small Two", 3, 200, 40),
    ("Small Three", 5, 300, None),
    ("Medium One", 6, 1000, 20),
    ("Medium Two", 12, 1500, 60),
    ("Large One", 30, 5000, 90),
    ("Large Two", 50, 4000, 10),
    ("Large Three", 80, 3000, None),
]


def workshop_with_customers(organization, customers=CUSTOMERS, **kwargs):
    """A workshop on a dataset of `customers` (large: 12,000 of 15,100 revenue)."""
    dataset = DatasetFactory(
        organization=organization,
        mapping={"name": "name", "seats": "seats", "revenue": "revenue"},
        **kwargs,
    )
    for number, (name, seats, revenue, cycle) in enumerate(customers, start=1):
        CustomerFactory(
            dataset=dataset,
            name=name,
            external_id=f"C-{number}",
            seats=seats,
            revenue=Decimal(revenue),
            sales_cycle_days=cycle,
        )
    return WorkshopFactory(organization=organization, dataset=dataset)


def step(workshop, number) -> WorkshopStep:
    return WorkshopStep.objects.get(workshop=workshop, number=number)
