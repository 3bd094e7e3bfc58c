"""A large customer list with a whole meeting on it, for bench/steps.py and bench/reps.py.

`make_dataset` writes N customers (SaaS-like seats and revenue plus the company fields the
tables and criteria read) with COPY; `make_meeting` walks the six steps through the services as
a team would: steps 1-3 saved (20 best customers), the company and buyer tables filled (one
cell corrected by the team), the step-6 draft from the tables with 7 criteria, saved as
version 1 and published.
"""

import datetime
import time

import numpy as np
from common import company_columns, copy_customers, saas_columns

from portfolio.frames import snapshot
from portfolio.models import Dataset
from profiles.models import ProfileVersion, WorkshopStep
from profiles.versions import services as version_services
from profiles.workshop import services
from profiles.workshop.draft import build as draft
from profiles.workshop.draft import services as draft_services
from profiles.workshop.draft.evidence import Evidence
from profiles.workshop.tables import services as table_services

STEPS = {
    1: {"metric": "seats", "preset": "method", "thresholds": [5, 20]},
    2: {"main_group": "", "focus": "", "reason": ""},
    3: {"goal": "revenue", "n_mode": "20", "n": None},
}
CRITERIA = [
    {"segment": "do-or-die", "attribute": "industry", "operator": "in", "value": ["IT", "Telco"]},
    {"segment": "do-or-die", "attribute": "employees", "operator": "between", "value": [200, 1000]},
    {
        "segment": "do-or-die",
        "attribute": "country",
        "operator": "in",
        "value": ["SE", "NO", "DK", "FI"],
    },
    {"segment": "do-or-die", "attribute": "customer_type", "operator": "in", "value": ["B2B"]},
    {"segment": "do-not", "attribute": "customer_type", "operator": "eq", "value": "B2C"},
    {"segment": "do-not", "attribute": "employees", "operator": "lt", "value": 10},
    {
        "segment": "neutral",
        "attribute": "growth",
        "operator": "in",
        "value": ["stagnation", "moderate"],
    },
]


def make_dataset(org, count: int) -> Dataset:
    """N customers with seats, revenue, margin, sales cycle and the company fields (COPY)."""
    rng = np.random.default_rng(42)
    columns = saas_columns(count, rng)
    columns |= company_columns(count, columns["seats"], rng)
    dataset = Dataset.objects.create(
        organization=org,
        name=f"bench-{count}.csv",
        mapping={field: field for field in columns},
        rows_imported=count,
    )
    copy_customers(org, dataset, columns, count)
    started = time.perf_counter()
    snapshot.write(dataset)  # as the import does once it has stored the customers
    print(f"Snapshot written in {time.perf_counter() - started:.1f} s")
    return dataset


def make_meeting(org, user, dataset):
    """The workshop with steps 1-6 done and its profile v1 published; returns (workshop, v1)."""
    workshop = services.workshop_create(
        organization=org,
        user=user,
        title="Bench",
        date=datetime.date.today(),
        dataset=dataset,
        participants=[user],
    )
    for number, inputs in STEPS.items():
        step = WorkshopStep.objects.get(workshop=workshop, number=number)
        services.workshop_step_save(step=step, user=user, inputs=inputs, version=step.version)
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    table_services.profile_rows_sync(workshop=workshop, table="buyer")
    # The team knows better for one customer: a correction the profile must respect.
    row = rows[0]
    table_services.profile_cell_save(
        row=row, column="industry", value="Telco", version=row.cell_version("industry"), user=user
    )
    evidence = Evidence(workshop)
    at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    content = draft.draft_from_tables(evidence.by_table, by=str(user), at=at)
    content["criteria"] = [dict(c, note="") for c in CRITERIA]
    step = WorkshopStep.objects.get(workshop=workshop, number=6)
    step = services.workshop_step_save(step=step, user=user, inputs=content, version=step.version)
    draft_services.workshop_draft_save(
        step=step,
        user=user,
        content={k: v for k, v in step.inputs.items() if k != "decisions"},
        version=step.version,
        reasons={},
        evidence=evidence,
    )
    version = version_services.profile_version_save(workshop=workshop, user=user, note="bench")
    version_services.profile_version_publish(version=version, user=user)
    return workshop, ProfileVersion.objects.get(pk=version.pk)
