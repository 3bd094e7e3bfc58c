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

from django.conf import settings as _settings  # noqa: E402

# Background tasks are kept, not run: a bench runs the worker's jobs itself when it times them.
_settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

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
        # Plain DELETEs: Django's cascade would load every customer first. The workshops'
        # table rows point at customers, so they go first.
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM profiles_profilerow WHERE workshop_id IN "
                "(SELECT id FROM profiles_workshop WHERE organization_id = %s)",
                [org.pk],
            )
            cursor.execute("DELETE FROM portfolio_customer WHERE organization_id = %s", [org.pk])
        from profiles.models import organization_deletion  # noqa: PLC0415  (after django.setup)

        with organization_deletion():
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


COMPANY_VALUES = {
    "industry": (["IT", "Telco", "Manufacturing", "Retail", "Finance", "Healthcare"], None),
    "country": (["SE", "DE", "UK", "NO", "DK", "FI", "NL", "CN"], [5, 4, 3, 2, 2, 1, 1, 1]),
    "market_position": (["leader", "challenger", "newcomer"], [2, 4, 3]),
    "growth": (["recession", "stagnation", "moderate", "hyper-growth"], [1, 2, 5, 2]),
    "owner": (["Rita Rep", "Sam Seller", "Lena Lund", "Jonas Berg", "Mei Chen", ""], None),
    "contract_type": (["monthly", "annual", "multi-year"], [3, 3, 1]),
}


def company_columns(count: int, seats, rng: np.random.Generator) -> dict:
    """What the company table of steps 4-5 and the profile's criteria read: industry, B2B/B2C,
    employees (3-12 per seat), country, company revenue, market position, growth, owner and
    contract type."""
    columns = {}
    for name, (values, weights) in COMPANY_VALUES.items():
        p = None if weights is None else np.asarray(weights) / sum(weights)
        columns[name] = rng.choice(values, size=count, p=p).astype(object)
    columns["customer_type"] = np.where(rng.random(count) < 0.05, "B2C", "B2B").astype(object)
    employees = np.maximum(1, (np.asarray(seats) * rng.uniform(3, 12, count)).astype(int))
    columns["employees"] = employees
    columns["company_revenue"] = (employees * rng.integers(80, 250, count) * 1000).astype(object)
    return columns


def _plain(value):
    # numpy integers would be written in binary-unaware text form; keep Python types.
    return value.item() if hasattr(value, "item") else value


def clear_process_caches() -> None:
    """Empty every per-process cache of frames and summaries: a worker's first visit."""
    import gc  # noqa: PLC0415

    from portfolio.frames import cache as frame_cache  # noqa: PLC0415

    for thing in gc.get_objects():
        if issubclass(type(thing), frame_cache.Memo):  # type(): lazy objects stay lazy
            thing.clear()


def reset_peak_memory() -> None:
    """Start measuring the process's peak resident memory from now (Linux)."""
    import ctypes  # noqa: PLC0415
    import gc  # noqa: PLC0415

    gc.collect()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def peak_memory_mb() -> float | None:
    """Peak resident memory of this process since reset_peak_memory(), in MB (Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


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
