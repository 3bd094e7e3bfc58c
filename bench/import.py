"""Measure the customer import against the bare floor of reading and COPYing the same file.

    .venv/bin/python bench/import.py [--customers N] [--keep]

(a) floor: pandas.read_csv of the file plus a bare COPY of its bytes into a scratch table, a
    regular (logged) one created for it and dropped afterwards: the import writes a durable
    table, and a TEMP table would skip the write-ahead log that the import cannot;
(b) import: read_table, suggest_mapping, the service (validate, build rows, COPY, commit).
Prints a table and, as the last line, one JSON object with the seconds, the ratio b/a and the
peak memory of the process (ru_maxrss). Uses the database of the settings (embedded or
DATABASE_URL) and a throwaway organisation that it deletes afterwards.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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


def floor(path: Path) -> float:
    """Seconds for pandas.read_csv plus a bare COPY of the file into a scratch table."""
    from django.db import connection, transaction

    start = time.perf_counter()
    frame = pd.read_csv(path)
    width = len(frame.columns)
    del frame
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            columns = ", ".join(f"c{i} text" for i in range(width))
            cursor.execute(f"CREATE TABLE bench_scratch ({columns})")
            with (
                path.open("rb") as handle,
                cursor.copy("COPY bench_scratch FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            ):
                while block := handle.read(1 << 20):
                    copy.write(block)
        return time.perf_counter() - start
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_scratch")


def full_import(path: Path, organization) -> tuple[float, object]:
    """Seconds for the whole import through the service, as the app and command run it."""
    from portfolio.imports.mapping import suggest_mapping
    from portfolio.imports.pipeline import dataset_import
    from portfolio.imports.reading import read_table

    start = time.perf_counter()
    raw = read_table(path.read_bytes(), path.name)
    mapping = suggest_mapping(list(raw.columns))
    result = dataset_import(
        organization=organization, user=None, raw=raw, file_name=path.name, mapping=mapping
    )
    return time.perf_counter() - start, result


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
    parser.add_argument("--keep", action="store_true", help="keep the imported dataset")
    args = parser.parse_args()

    import django

    django.setup()
    from icp_site.models import Organization

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
            floor_s = floor(path)
            import_s, result = full_import(path, organization)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        finally:
            if not args.keep:
                _clean_up(organization)
    ratio = import_s / floor_s
    print(f"{'step':<40}{'seconds':>10}")
    print(f"{'(a) floor: read_csv + bare COPY':<40}{floor_s:>10.2f}")
    print(f"{'(b) import: parse, check, store':<40}{import_s:>10.2f}")
    print(f"{'ratio b/a':<40}{ratio:>10.2f}")
    print(f"{'peak memory (MB)':<40}{peak_mb:>10.0f}")
    print(f"imported {result.imported:,}, skipped {result.skipped:,}")
    print(
        json.dumps(
            {
                "customers": args.customers,
                "results": [
                    {"name": "floor", "s": round(floor_s, 2)},
                    {"name": "import", "s": round(import_s, 2)},
                ],
                "ratio": round(ratio, 2),
                "peak_mb": round(peak_mb),
            }
        )
    )


if __name__ == "__main__":
    main()
