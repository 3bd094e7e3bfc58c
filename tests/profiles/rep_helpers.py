"""A published profile for the reps' pages, made through the versions' services."""

from decimal import Decimal

from tests.factories import (
    CustomerFactory,
    DatasetFactory,
    ProfileVersionFactory,
    WorkshopFactory,
    profile_content,
    publish,
)

# do-or-die: IT or Telco with 20-50 employees; neutral: Sweden or Germany; do-not: B2C.
CRITERIA = [
    {
        "segment": "do-or-die",
        "attribute": "industry",
        "operator": "in",
        "value": ["IT", "Telco"],
        "note": "Our home turf",
    },
    {
        "segment": "do-or-die",
        "attribute": "employees",
        "operator": "between",
        "value": [20, 50],
        "note": "",
    },
    {
        "segment": "neutral",
        "attribute": "country",
        "operator": "in",
        "value": ["SE", "DE"],
        "note": "",
    },
    {
        "segment": "do-not",
        "attribute": "customer_type",
        "operator": "eq",
        "value": "B2C",
        "note": "We cannot serve consumers",
    },
]
TRAITS = [
    {"key": "industry", "label": "Industry", "value": "IT", "relevant": True, "source": "company"},
    {
        "key": "employees",
        "label": "Employees",
        "value": [20, 50],
        "relevant": True,
        "source": "company",
    },
    {"key": "role", "label": "Role", "value": "CTO", "relevant": True, "source": "buyer"},
    {"key": "gender", "label": "Gender", "value": "female", "relevant": False, "source": "buyer"},
]
NOTES = {"do-or-die": "All energy here.", "neutral": "", "do-not": "Say no politely."}

# name, external id, industry, employees, country, customer type, owner
CUSTOMERS = [
    ("Alpha AB", "A-1", "IT", 30, "SE", "B2B", "Rita Rep"),
    ("Beta GmbH", "B-2", "Telco", 45, "DE", "B2B", "Leo Leader"),
    ("Gamma Ltd", "G-3", "Retail", 35, "SE", "B2B", "rita rep"),
    ("Delta Shop", "D-4", "IT", 25, "UK", "B2C", "Leo Leader"),
    ("=HYPERLINK(1)", "E-5", "", None, "", "", ""),
]


def content(**overrides):
    return profile_content(**{"criteria": CRITERIA, "traits": TRAITS, "notes": NOTES, **overrides})


def published_profile(team, *, customers=CUSTOMERS, content_overrides=None):
    """Version 1 of team's organisation on a small customer list, published by the leader."""
    org = team.organization
    dataset = DatasetFactory(organization=org)
    for name, external_id, industry, employees, country, kind, owner in customers:
        CustomerFactory(
            dataset=dataset,
            name=name,
            external_id=external_id,
            industry=industry,
            employees=employees,
            country=country,
            customer_type=kind,
            owner=owner,
            revenue=Decimal("1000.00"),
        )
    workshop = WorkshopFactory(organization=org, dataset=dataset)
    version = ProfileVersionFactory(
        workshop=workshop,
        author=team.leader.user,
        content=content(**(content_overrides or {})),
        note="First profile",
    )
    publish(version, team.leader.user)
    return version
