"""Measure the customer import command against a like-for-like floor on the same file.

    .venv/bin/python bench/import.py [--customers N] [--runs R] [--keep]

(a) floor: `pandas.read_csv` of the file, the same typed rows as the import stores (text,
    exact numeric money, integers, dates, the other columns as JSONB), and a binary COPY of
    them into a table created `LIKE portfolio_customer INCLUDING ALL` (its indexes, the unique
    customer ID per dataset among them) with the same foreign keys, in one transaction;
(b) import: the command `import_customers FILE --org SLUG --json` with the default settings,
    in a process of its own (timed once Django has started): read, detect, map, check every
    row, store with COPY, commit, print.  Its peak memory is that process's high-water
    resident set (VmHWM), Python, Django and pandas included.
Each run measures (a) then (b) on the same file; the figures are the medians.  Prints a table
and, as the last line, one JSON object with the same figures.  Uses the database of the
settings (embedded or DATABASE_URL) and a throwaway organisation deleted afterwards.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icp_site.settings")

INDUSTRIES = ["IT", "Telco", "Manufacturing", "Retail", "Finance", "Healthcare", "Logistics"]
COUNTRIES = ["SE", "DE", "UK", "NO", "DK", "FI", "NL", "CN"]
OWNERS = ["Rita Rep", "Sam Seller", "Lena Lund", "Jonas Berg", "Mei Chen"]
REGIONS = ["North", "South", "East", "West"]
CONTRACTS = ["monthly", "annual", "multi-year"]


def generate(path: Path, customers: int, seed: int = 1) -> None:
    """A CRM-like export: ids, names, money with decimals, dates, text, two extra columns."""
    rng = np.random.default_rng(seed)
    seats = np.minimum(400, 1 + rng.exponential(12, customers).astype(int))
    since = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, customers), unit="D")

    def pick(values):
        return np.array(values, dtype=object)[rng.integers(0, len(values), customers)]

    ids = np.arange(customers)
    frame = pd.DataFrame(
        {
            "Customer ID": pd.Series(ids).map("C-{:07d}".format),
            "Company name": pd.Series(ids).map("Company {} AB".format),
            "Revenue": np.round(seats * rng.uniform(400, 800, customers), 2),
            "Seats": seats,
            "Margin %": np.round(rng.uniform(10, 70, customers), 1),
            "Customer since": since.strftime("%Y-%m-%d"),
            "Industry": pick(INDUSTRIES),
            "Country": pick(COUNTRIES),
            "Number of employees": seats * rng.integers(3, 12, customers),
            "Owner": pick(OWNERS),
            "Contract type": pick(CONTRACTS),
            "Region": pick(REGIONS),
            "Notes": pd.Series(ids % 997).map("Met at fair {}".format),
        }
    )
    frame.to_csv(path, index=False)


FLOOR_COLUMNS = (
    ("organization_id", "int8"),
    ("dataset_id", "int8"),
    ("row_number", "int4"),
    ("external_id", "text"),
    ("name", "text"),
    ("revenue", "numeric"),
    ("seats", "int4"),
    ("margin", "numeric"),
    ("customer_since", "date"),
    ("industry", "text"),
    ("country", "text"),
    ("employees", "int4"),
    ("owner", "text"),
    ("contract_type", "text"),
    ("extra", "jsonb"),
)


def floor(path: Path, organization, dataset) -> dict[str, float]:
    """Seconds for read_csv and a binary COPY of the same typed rows (see the docstring):
    in all, and for reading, building the typed rows, and the COPY with its commit."""
    from django.db import connection, transaction
    from psycopg.types.json import Jsonb

    start = time.perf_counter()
    frame = pd.read_csv(path, parse_dates=["Customer since"])
    count = len(frame)
    read = time.perf_counter()

    def money(values: pd.Series) -> list:
        return [Decimal(text) for text in values.astype(str)]

    extra = [
        Jsonb({"Region": region, "Notes": notes})
        for region, notes in zip(frame["Region"], frame["Notes"], strict=True)
    ]
    columns = [
        [organization.pk] * count,
        [dataset.pk] * count,
        range(2, count + 2),
        frame["Customer ID"].tolist(),
        frame["Company name"].tolist(),
        money(frame["Revenue"]),
        frame["Seats"].tolist(),
        money(frame["Margin %"]),
        frame["Customer since"].dt.date.tolist(),
        frame["Industry"].tolist(),
        frame["Country"].tolist(),
        frame["Number of employees"].tolist(),
        frame["Owner"].tolist(),
        frame["Contract type"].tolist(),
        extra,
    ]
    del frame
    typed = time.perf_counter()
    names = ", ".join(name for name, _ in FLOOR_COLUMNS)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_floor (LIKE portfolio_customer INCLUDING ALL)")
            for column, table in (("organization_id", "icp_site_organization"),
                                  ("dataset_id", "portfolio_dataset")):  # fmt: skip
                cursor.execute(
                    f"ALTER TABLE bench_floor ADD FOREIGN KEY ({column}) REFERENCES {table} (id)"
                    " DEFERRABLE INITIALLY DEFERRED"
                )
            sql = f"COPY bench_floor ({names}) FROM STDIN (FORMAT BINARY)"
            with cursor.cursor.copy(sql) as copy:
                copy.set_types([kind for _, kind in FLOOR_COLUMNS])
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
        end = time.perf_counter()
        return {"s": end - start, "read": read - start, "rows": typed - read, "copy": end - typed}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_floor")


def full_import(path: Path, slug: str) -> tuple[float, float, dict]:
    """Seconds and peak MB of the import command, run in a process of its own (see `child`),
    and its JSON answer."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(path), slug],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    return measured["s"], measured["peak_mb"], measured["answer"]


def child(path: str, slug: str) -> None:
    """In a fresh process: run the command once, print its seconds, peak memory and answer.

    The clock starts after Python and Django have started (about a second, more on a busy
    machine, the same for any command) and stops when the command has printed its JSON.
    """
    import io

    import django

    django.setup()
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command("import_customers", path, "--org", slug, "--json", stdout=out)
    seconds = time.perf_counter() - start
    answer = json.loads(out.getvalue())
    print(json.dumps({"s": seconds, "peak_mb": _high_water_mb(), "answer": answer}))


def _high_water_mb() -> float:
    """This process's peak resident memory in MB (VmHWM).

    Not getrusage's ru_maxrss: Linux carries that over from the parent across fork and
    exec, so a child of a big parent would report the parent's size.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clean_up(organization) -> None:
    """Delete the bench's datasets the way the app does, then its organisation."""
    from portfolio.customers.services import dataset_delete
    from portfolio.models import Dataset

    for dataset in Dataset.objects.filter(organization=organization):
        dataset_delete(dataset=dataset)
    organization.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the imported datasets")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "SLUG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    import django

    django.setup()
    from icp_site.models import Organization
    from portfolio.models import Dataset

    floors, imports, peaks = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        started = time.perf_counter()
        generate(path, args.customers)
        size_mb = path.stat().st_size / 1e6
        print(
            f"generated {args.customers:,} customers, {size_mb:.0f} MB in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        organization, _ = Organization.objects.get_or_create(
            slug="bench-import", defaults={"name": "Bench import"}
        )
        try:
            target = Dataset.objects.create(organization=organization, name="floor target")
            for run in range(args.runs):
                parts = floor(path, organization, target)
                floors.append(parts["s"])
                seconds, peak, answer = full_import(path, organization.slug)
                imports.append(seconds)
                peaks.append(peak)
                print(
                    f"run {run + 1}: floor {parts['s']:.2f} s (read_csv {parts['read']:.2f}, "
                    f"typed rows {parts['rows']:.2f}, COPY and commit {parts['copy']:.2f}), "
                    f"import {seconds:.2f} s, peak {peak:.0f} MB",
                    flush=True,
                )
        finally:
            if not args.keep:
                _clean_up(organization)
    floor_s, import_s = statistics.median(floors), statistics.median(imports)
    ratio = import_s / floor_s
    print(f"{'step':<52}{'seconds':>10}")
    print(f"{'(a) floor: read_csv + typed rows + binary COPY':<52}{floor_s:>10.2f}")
    print(f"{'(b) import command (default settings)':<52}{import_s:>10.2f}")
    print(f"{'ratio b/a':<52}{ratio:>10.2f}")
    print(f"{'peak memory of the import command (MB)':<52}{max(peaks):>10.0f}")
    print(
        f"imported {answer['imported']:,}, skipped {answer['skipped']:,}, "
        f"customers {answer.get('rows', {}).get('customers', answer['imported']):,}, "
        f"revenue {answer['totals']['revenue']}"
    )
    print(
        json.dumps(
            {
                "customers": args.customers,
                "runs": args.runs,
                "results": [
                    {"name": "floor", "s": round(floor_s, 2)},
                    {"name": "import", "s": round(import_s, 2)},
                ],
                "ratio": round(ratio, 2),
                "peak_mb": round(max(peaks)),
            }
        )
    )


if __name__ == "__main__":
    main()
