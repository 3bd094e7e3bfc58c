"""A workshop whose step 3 picked four best customers with company data, for steps 4-6."""

from decimal import Decimal

from profiles.models import WorkshopStep
from tests.factories import CustomerFactory, DatasetFactory, WorkshopFactory

# name, industry, employees, country, revenue with us
BEST = [
    ("Alpha AB", "IT", 30, "SE", 5000),
    ("Beta AB", "IT", 45, "SE", 4000),
    ("Gamma Oy", "Telco", 25, "FI", 3000),
    ("Delta AS", "IT", 60, "NO", 2000),
]
OTHERS = [
    ("Epsilon", "Retail", 500, "DE", 100),
    ("Zeta", "Retail", 5, "DE", 200),
    ("Eta", "Health", 12, "SE", 300),
    ("Theta", "IT", 15, "UK", 400),
]


def workshop_with_best_customers(organization, *, with_since=False):
    """A workshop on 8 customers whose step 3 selected the first four."""
    dataset = DatasetFactory(organization=organization, mapping={"name": "name"})
    ids = []
    for index, (name, industry, employees, country, revenue) in enumerate(BEST + OTHERS):
        customer = CustomerFactory(
            dataset=dataset,
            name=name,
            industry=industry,
            employees=employees,
            country=country,
            customer_type="B2B",
            revenue=Decimal(revenue),
            customer_since=None if not with_since else _since(index),
        )
        ids.append(customer.pk)
    workshop = WorkshopFactory(organization=organization, dataset=dataset)
    WorkshopStep.objects.filter(workshop=workshop, number=3).update(
        inputs={"selection": ids[: len(BEST)]}, done=True, version=1
    )
    return workshop


def _since(index):
    import datetime

    from portfolio.frames import steps as data

    today = data.today()
    # Half of the customers were won in the last year.
    return today - datetime.timedelta(days=100 if index % 2 == 0 else 800)
