"""What the bench scripts share: Django set-up, bulk customers via COPY, and timing."""

import contextlib
import datetime
import gzip
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icp_site.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, models  # noqa: E402

from icp_site.models import Membership, Organization, Role, User  # noqa: E402
from portfolio.models import Customer  # noqa: E402


@contextlib.contextmanager
def bench_leader(name: str = "Rita Rep") -> Iterator[tuple[Organization, User]]:
    """A throwaway organisation with one leader, deleted afterwards with all its customers.

    Also lets Django's test client in (ALLOWED_HOSTS), which the page timings use.
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    suffix = uuid.uuid4().hex[:8]
    org = Organization.objects.create(name=f"Bench {suffix}", slug=f"bench-{suffix}")
    user = User.objects.create_user(f"bench-{suffix}@example.invalid", None, name=name)
    try:
        Membership.objects.create(organization=org, user=user, role=Role.LEADER)
        yield org, user
    finally:
        # One DELETE: Django's cascade would load every customer first.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portfolio_customer WHERE organization_id = %s", [org.pk])
        org.delete()
        user.delete()


def copy_customers(
    org, dataset, columns: Mapping[str, Sequence], count: int, extra: Sequence[str] | None = None
) -> None:
    """Write `count` customers with the given column values into the dataset using COPY;
    `extra` holds each customer's other columns as a JSON text."""
    fixed = ["organization_id", "dataset_id", "row_number", *columns]
    # The other text columns are NOT NULL without a database default.
    blanks = [
        field.column
        for field in Customer._meta.concrete_fields
        if isinstance(field, models.CharField) and field.column not in fixed
    ]
    names = [*fixed, *blanks, "extra"]
    values = list(columns.values())
    tail = ("",) * len(blanks) + ("{}",)
    with connection.cursor() as cursor:
        sql = f"COPY portfolio_customer ({', '.join(names)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for i in range(count):
                row = tuple(_plain(column[i]) for column in values)
                if extra is not None:
                    tail = (*tail[:-1], extra[i])
                copy.write_row((org.pk, dataset.pk, i + 2, *row, *tail))
        cursor.execute("ANALYZE portfolio_customer")


def saas_columns(count: int, rng: np.random.Generator, *, gaps: bool = False) -> dict:
    """A SaaS-like list: 57.5 % small, 30 % medium, 12.5 % large by seats, with revenue,
    margin, sales cycle (3 % unknown) and customer-since dates; `gaps` leaves 1 % of revenue
    and 5 % of margins unknown too."""
    kind = rng.choice(3, size=count, p=[0.575, 0.30, 0.125])
    seats = np.select(
        [kind == 0, kind == 1],
        [rng.integers(1, 6, count), rng.integers(6, 21, count)],
        np.minimum(400, 21 + rng.exponential(40, count)).astype(int),
    )
    revenue = np.round(seats * rng.uniform(450, 750, count), 2).astype(object)
    margin = np.round(rng.uniform(15, 75, count), 1).astype(object)
    if gaps:
        revenue[rng.random(count) < 0.01] = None
        margin[rng.random(count) < 0.05] = None
    cycle = rng.integers(7, 150, count).astype(object)
    cycle[rng.random(count) < 0.03] = None
    start = datetime.date(2016, 1, 1)
    since = [start + datetime.timedelta(days=int(d)) for d in rng.integers(0, 3000, count)]
    return {
        "name": [f"Customer {i:07d}" for i in range(count)],
        "external_id": [f"B-{i:07d}" for i in range(count)],
        "revenue": revenue,
        "seats": seats,
        "margin": margin,
        "sales_cycle_days": cycle,
        "customer_since": since,
    }


def _plain(value):
    # numpy integers would be written in binary-unaware text form; keep Python types.
    return value.item() if hasattr(value, "item") else value


def timed(function: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median milliseconds of `runs` calls after one warm-up, and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def gzipped(content: bytes) -> int:
    """Size of `content` gzipped as a web server would send it."""
    return len(gzip.compress(content, compresslevel=6))


def body(response) -> bytes:
    """The whole body of a test-client response, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
