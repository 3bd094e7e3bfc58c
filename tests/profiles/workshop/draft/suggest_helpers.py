"""A workshop on a generated customer list whose best customers share a planted pattern."""

import datetime
from decimal import Decimal

import numpy as np

from portfolio.models import Customer
from profiles.models import WorkshopStep
from tests.factories import DatasetFactory, WorkshopFactory

INDUSTRIES = ["Manufacturing", "Logistics", "IT", "Retail", "Finance", "Health", "Telco", "Energy"]
COUNTRIES = ["SE", "DE", "UK", "NO", "DK", "FI"]
TODAY = datetime.date(2026, 6, 1)


def planted_workshop(organization, *, n: int = 800, seed: int = 2, extra: bool = False):
    """A workshop whose best customers (step 3, by margin) are mostly Manufacturing with 50 or
    more employees; Retail customers have low margins; 5 % of the customers left, half of them
    within a year. With `extra`, an imported text column "Region" tells the pattern too."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(INDUSTRIES, n)
    employees = np.round(np.exp(rng.normal(4.2, 1.3, n))).astype(int)
    segment = (industry == "Manufacturing") & (employees >= 50)
    best = segment & (rng.random(n) < 0.85)
    noise = rng.choice(np.flatnonzero(~segment), size=max(1, best.sum() // 6), replace=False)
    best[noise] = True
    margin = np.where(industry == "Retail", rng.uniform(2, 12, n), rng.uniform(15, 60, n))
    since = [TODAY - datetime.timedelta(days=int(d)) for d in rng.integers(30, 3000, n)]
    left = rng.random(n) < 0.05
    dataset = DatasetFactory(
        organization=organization,
        mapping={"name": "name", "revenue": "revenue"},
        extra_columns=["Region"] if extra else [],
    )
    rows = [
        Customer(
            organization=organization,
            dataset=dataset,
            row_number=i + 2,
            name=f"Customer {i:04d}",
            external_id=f"C-{i:04d}",
            industry=str(industry[i]),
            country=str(rng.choice(COUNTRIES)),
            customer_type="B2B",
            employees=int(employees[i]),
            company_revenue=Decimal(int(rng.integers(1, 500)) * 100_000),
            revenue=Decimal(str(round(float(rng.uniform(500, 5000) * (3 if best[i] else 1)), 2))),
            margin=Decimal(str(round(float(margin[i]), 1))),
            sales_cycle_days=int(rng.integers(10, 200)),
            customer_since=since[i],
            customer_until=since[i] + datetime.timedelta(days=int(rng.integers(60, 700)))
            if left[i] and not best[i]
            else None,
            extra={"Region": "North" if segment[i] else str(rng.choice(["South", "East", "West"]))}
            if extra
            else {},
        )
        for i in range(n)
    ]
    created = Customer.objects.bulk_create(rows)
    ids = [c.pk for c in created]
    workshop = WorkshopFactory(organization=organization, dataset=dataset)
    WorkshopStep.objects.filter(workshop=workshop, number=3).update(
        inputs={"goal": "profitability", "selection": [ids[i] for i in np.flatnonzero(best)]},
        done=True,
        version=1,
    )
    return workshop
