"""Server time of the portfolio analysis pages on a large customer list.

    .venv/bin/python bench/portfolio.py [--customers 100000] [--runs 5]

Creates a throwaway organisation with N customers (COPY into the database), a leader and a saved
scoring model, then measures through Django's test client each analysis page (GET), its htmx
update (GET with HX-Request) and the CSV/XLSX exports, next to the bare computation the page
needs (loading the DataFrame plus the analysis calls, no rendering). Prints a table; the last
line is one JSON object. Deletes the organisation afterwards.
"""

import argparse
import io
import json
import time

import numpy as np
from common import bench_leader, body, copy_customers, gzipped, saas_columns, timed
from django.test import Client

from portfolio.analysis.scoring import ScoreBands, ScoreParameter
from portfolio.frames import customers as frames
from portfolio.models import Dataset
from portfolio.reports import results as services
from portfolio.reports import scoring_models as scoring_services

PAGE_LIMIT_MS = 300

OWNERS = ["Rita Rep", "Sam Seller", "Lena Lund", "Jonas Berg", "Mei Chen", ""]
INDUSTRIES = ["IT", "Telco", "Manufacturing", "Retail", "Finance", "Healthcare", ""]
CONTRACTS = ["monthly", "annual", "multi-year", ""]


def make_dataset(org, count: int) -> Dataset:
    """A SaaS-like list with seats, revenue, margin, dates, owners and segments, via COPY."""
    fields = ["name", "external_id", "seats", "revenue", "margin", "sales_cycle_days"]
    dataset = Dataset.objects.create(
        organization=org,
        name=f"bench-{count}.csv",
        mapping={f: f for f in [*fields, "customer_since", "owner", "industry", "contract_type"]},
        rows_imported=count,
    )
    rng = np.random.default_rng(42)
    columns = saas_columns(count, rng, gaps=True)
    columns["owner"] = rng.choice(OWNERS, size=count)
    columns["industry"] = rng.choice(INDUSTRIES, size=count)
    columns["contract_type"] = rng.choice(CONTRACTS, size=count)
    copy_customers(org, dataset, columns, count)
    return dataset


# --------------------------------------------------------------------------- timing


def measure(org, user, dataset, runs: int) -> list[dict]:
    columns = frames.numeric_columns(dataset)
    model = scoring_services.scoring_model_save(
        organization=org,
        user=user,
        name="Bench",
        parameters=[
            ScoreParameter("revenue", 2),
            ScoreParameter("margin", 1),
            ScoreParameter("lifetime_days", 1),
        ],
        bands=ScoreBands(),
    )
    client = Client()
    client.force_login(user)
    client.post("/organisation/switch/", {"organization": org.pk})
    d = {"dataset": dataset.pk}
    defaults = services.default_parameters(columns)
    score_query = {
        **d,
        **{f"p{i}_column": p.column for i, p in enumerate(defaults)},
        **{f"p{i}_weight": p.weight for i, p in enumerate(defaults)},
    }

    def abc():
        services.abc_page(
            dataset,
            value="revenue",
            thresholds=(80, 95),
            size_metric="seats",
            size_thresholds=(5, 20),
        )

    def scores():
        services.score_page(dataset, parameters=defaults, bands=ScoreBands())

    def types():
        services.types_page(
            dataset,
            value_axis=f"score:{model.pk}",
            bond_axis="lifetime_days",
            split="median",
            scoring_model=model,
            columns=columns,
        )

    def reps():
        services.reps_page(dataset, scoring_model=model, columns=columns)

    def segments():
        services.segments_page(dataset, by="industry", size_metric="seats", size_thresholds=(5, 20))

    def names():
        frames.load_customers(dataset, texts=("name",))

    pages = [
        ("abc", "/analysis/", d, abc),
        ("abc by margin", "/analysis/", {**d, "value": "contribution"}, abc),
        ("scores", "/analysis/scores/", score_query, scores),
        ("types", "/analysis/types/", {**d, "value_axis": f"score:{model.pk}"}, types),
        ("reps", "/analysis/reps/", {**d, "model": model.pk}, reps),
        ("segments", "/analysis/segments/", d, segments),
        ("segments by size", "/analysis/segments/", {**d, "by": "size_group"}, segments),
    ]
    results = []
    for name, url, query, bare in pages:
        bare_ms, _ = timed(bare, runs)
        for kind, headers in (("page", {}), ("htmx", {"HTTP_HX_REQUEST": "true"})):
            ms, response = timed(lambda url=url, q=query, h=headers: client.get(url, q, **h), runs)
            assert response.status_code == 200, (name, response.status_code)
            assert b'id="results"' in response.content and b"errorlist" not in response.content
            results.append(
                {
                    "name": name,
                    "kind": kind,
                    "ms": round(ms, 1),
                    "bare_ms": round(bare_ms, 1),
                    "bytes": gzipped(response.content),
                }
            )
    exports = [
        ("abc", {}, abc),
        ("scores", score_query, scores),
        ("reps", {"model": model.pk}, reps),
    ]
    for name, query, bare in exports:
        bare_ms, _ = timed(lambda bare=bare: (bare(), names()), max(1, runs // 2))
        for kind in ("csv", "xlsx"):
            q = {**d, **query, "list": name, "format": kind}
            ms, response = timed(
                lambda q=q: body(client.get("/analysis/export/", q)), max(1, runs // 2)
            )
            results.append(
                {
                    "name": f"export {name}",
                    "kind": kind,
                    "ms": round(ms, 1),
                    "bare_ms": round(bare_ms, 1),
                    "bytes": len(response),
                }
            )
    return results


# --------------------------------------------------------------------------- report


def report(customers: int, results: list[dict]) -> None:
    out = io.StringIO()
    out.write(f"\nPortfolio analysis with {customers:,} customers (median, ms)\n")
    out.write(f"{'':18} {'kind':5} {'server':>8} {'bare':>8} {'ratio':>6} {'KB':>8}  target\n")
    for row in results:
        ratio = row["ms"] / row["bare_ms"] if row["bare_ms"] else float("inf")
        if row["kind"] in ("page", "htmx"):
            ok = row["ms"] < PAGE_LIMIT_MS and ratio <= 3
            verdict = "ok" if ok or customers > 100_000 else "MISSED"
        else:
            verdict = "(export)"
        out.write(
            f"{row['name']:18} {row['kind']:5} {row['ms']:8.1f} {row['bare_ms']:8.1f} "
            f"{ratio:6.2f} {row['bytes'] / 1024:8.1f}  {verdict}\n"
        )
    out.write(
        "\nPages: under 300 ms and within 3x of the bare computation (DataFrame load and "
        "analysis calls). Sizes: pages gzipped, exports raw.\n"
    )
    print(out.getvalue())
    print(json.dumps({"customers": customers, "results": results}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_leader() as (org, user):
        started = time.perf_counter()
        dataset = make_dataset(org, args.customers)
        print(f"{args.customers:,} customers created in {time.perf_counter() - started:.1f} s")
        results = measure(org, user, dataset, args.runs)
    report(args.customers, results)


if __name__ == "__main__":
    main()
