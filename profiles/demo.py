"""The demo organisation's completed workshop and its published profile v1 (idempotent).

Everything goes through the services, as the team would: steps 1-3 on the demo customers, the
company and buyer tables filled with plausible rows, the step-6 draft from the tables plus a
do-not segment, saved as version 1 and published.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from profiles.models import ProfileVersion, Workshop, WorkshopStep
from profiles.versions import services as version_services
from profiles.workshop import services
from profiles.workshop.draft import build as draft
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.tables import services as table_services

TITLE = "Kick-off workshop"
BEST_COUNT = "20"
ROLES = [
    ("Head of Sales", "VP Sales", "N-1"),
    ("Head of Sales", "Sales Director", "N-1"),
    ("Head of Operations", "COO", "N-1"),
    ("Head of IT", "CIO", "N-1"),
    ("Team lead", "Sales Operations Manager", "N-2"),
    ("Founder", "CEO", "N"),
]
EDUCATION = ["MBA", "Business degree", "Engineering degree", "Economics degree"]
FACTS = [
    "10+ years in B2B sales",
    "Used a competitor before",
    "First CRM project",
    "Came from a customer of ours",
    "",
]


def ensure_demo_workshop(*, organization, dataset, leader, admin) -> bool:
    """Give the organisation its demo workshop and published profile; False when it has them."""
    if Workshop.objects.for_organization(organization).filter(title=TITLE).exists():
        return False
    workshop = services.workshop_create(
        organization=organization,
        user=leader,
        title=TITLE,
        date=timezone.localdate() - datetime.timedelta(days=14),
        dataset=dataset,
        participants=[leader, admin],
    )
    _save(workshop, 1, leader, {"metric": "seats", "preset": "method", "thresholds": [5, 20]})
    _save(workshop, 2, leader, {"main_group": "", "focus": "", "reason": ""})
    _save(
        workshop,
        3,
        leader,
        {
            "stage": "other",
            "goal": "revenue",
            "n_mode": BEST_COUNT,
            "n": None,
            "excluded": {},
            "included": {},
        },
    )
    rng = random.Random(7)
    _fill_company(workshop, leader, rng)
    _fill_buyers(workshop, leader, rng)
    _build_profile(workshop, leader)
    if not ProfileVersion.objects.for_organization(organization).exists():
        version = version_services.profile_version_save(
            workshop=workshop, user=leader, note="Our first target customer profile"
        )
        version_services.profile_version_publish(version=version, user=admin)
    return True


def _save(workshop, number, user, inputs):
    step = WorkshopStep.objects.get(workshop=workshop, number=number)
    return services.workshop_step_save(step=step, user=user, inputs=inputs, version=step.version)


def _cell(row, column, value, user, inputs=None):
    return table_services.profile_cell_save(
        row=row,
        column=column,
        value=value,
        version=row.cell_version(column),
        user=user,
        inputs=inputs,
    )


def _fill_company(workshop, user, rng):
    for row in table_services.profile_rows_sync(workshop=workshop, table="company"):
        position = row.values.get("market_position")
        note = {"leader": "Top 3 in its niche", "challenger": "Top 10–20 of its market"}
        row = _cell(row, "market_position_note", note.get(position, "New in its market"), user)
        growth = row.values.get("growth")
        low, high = {
            "hyper-growth": (40, 120),
            "moderate": (10, 35),
            "stagnation": (-2, 5),
            "recession": (-20, -3),
        }.get(growth, (0, 20))
        _cell(row, "growth_percent", rng.randint(low, high), user)
    table_services.workshop_table_done(workshop=workshop, table="company", user=user, skipped=False)


def _fill_buyers(workshop, user, rng):
    step = WorkshopStep.objects.get(workshop=workshop, number=5)
    if not step.inputs.get("columns"):
        table_services.profile_table_column_add(
            workshop=workshop, table="buyer", label="Years in role", kind="number", user=user
        )
    inputs = WorkshopStep.objects.get(workshop=workshop, number=5).inputs
    for row in table_services.profile_rows_sync(workshop=workshop, table="buyer"):
        role, title, distance = rng.choices(ROLES, weights=[5, 4, 2, 1, 2, 1])[0]
        values = {
            "role": role,
            "job_title": title,
            "ceo_distance": distance,
            "gender": rng.choice(["female", "male"]),
            "age": rng.randint(34, 58),
            "education": rng.choice(EDUCATION),
            "personality": rng.choices(["outgoing", "introverted"], weights=[3, 1])[0],
            "behaviour": rng.choices(["action-oriented", "cautious"], weights=[3, 1])[0],
            "disc": rng.choices(["D", "I", "S", "C"], weights=[5, 3, 1, 1])[0],
            "drivers": rng.sample(["performance", "efficiency", "money", "recognition"], k=2),
            "facts": rng.choice(FACTS),
            "custom_1": rng.randint(1, 9),
        }
        for column, value in values.items():
            row = _cell(row, column, value, user, inputs)
    table_services.workshop_table_done(workshop=workshop, table="buyer", user=user, skipped=False)


def _build_profile(workshop, user):
    evidence = Evidence(workshop)
    at = timezone.now().isoformat(timespec="seconds")
    content = draft.draft_from_tables(evidence.by_table, by=str(user), at=at)
    step = WorkshopStep.objects.get(workshop=workshop, number=6)
    step = services.workshop_step_save(step=step, user=user, inputs=content, version=step.version)
    # The team corrects the suggestions where it knows better and adds what it does not want,
    # with its reasons, as the page would.
    decided = {
        "industry": ["IT", "Telco"],
        "employees": [200, 1000],
        "country": ["SE", "NO", "DK", "FI"],
    }
    traits = [
        {**trait, "value": decided.get(trait["key"], trait["value"])}
        for trait in step.inputs["traits"]
    ]
    kept = [
        {**item, "value": decided.get(item["attribute"], item["value"])}
        for item in step.inputs["criteria"]
        if item["attribute"] != "company_revenue"
    ]
    content = {
        **step.inputs,
        "traits": traits,
        "criteria": [
            *kept,
            {
                "segment": "do-not",
                "attribute": "customer_type",
                "operator": "eq",
                "value": "B2C",
                "note": "Consumers and sole traders",
            },
            {
                "segment": "do-not",
                "attribute": "employees",
                "operator": "lte",
                "value": 10,
                "note": "Ten people or fewer: too small to roll out",
            },
            {
                "segment": "neutral",
                "attribute": "growth",
                "operator": "in",
                "value": ["stagnation", "moderate"],
                "note": "",
            },
        ],
        "notes": {
            "do-or-die": "Growing B2B software and IT companies; the buyer runs sales.",
            "neutral": "Worth a call when they come to us; no outbound.",
            "do-not": "Consumers, sole traders and companies of ten people or fewer.",
        },
    }
    draft_services.workshop_draft_save(
        step=step,
        user=user,
        content=content,
        version=step.version,
        reasons={
            "industry": "Telco buys like IT: same buyer, same cycle",
            "do-or-die:industry:in": "Telco buys like IT: same buyer, same cycle",
            "employees": "The middle half is too narrow; 200 to 1000 covers the best",
            "do-or-die:employees:between": "The middle half is too narrow",
            "country": "We sell in the Nordics; the UK customers came through a partner",
            "do-or-die:country:in": "The Nordics, where we have sales people",
            "do-or-die:company_revenue:between": "Follows from the number of employees",
            "do-not:customer_type:eq": "We have never kept a B2C customer",
            "do-not:employees:lte": "Onboarding costs more than they pay",
        },
        evidence=evidence,
    )
