"""Server time of the workshop's step pages and htmx updates on a large customer list.

    .venv/bin/python bench/steps.py [--customers 100000] [--runs 5]

Creates a throwaway organisation with N customers (COPY into the database), a leader and a
workshop with steps 1-3 saved, then measures through Django's test client each step page
(GET) and each htmx update (POST that saves and answers #results), next to the bare
computation the page needs (loading the DataFrame plus the analysis call, no rendering).

The frames are cached per process and dataset revision (portfolio.frames.cache), so each is
measured twice: cold, with the cache emptied before every call (a worker's first visit of the
dataset; PostgreSQL's own buffers stay warm), and warm (every later page and htmx update).
"ms" and "bare_ms" are the cold figures, the targets are checked against them; "warm_ms" is
the warm one. Prints a table; the last line is one JSON object. Deletes the organisation
afterwards.
"""

import argparse
import datetime
import io
import json
import re
import statistics
import time
from pathlib import Path

import numpy as np
from common import bench_leader, copy_customers, gzipped, saas_columns, timed
from django.contrib.staticfiles import finders
from django.test import Client

from portfolio import analysis
from portfolio.frames import cache as frame_cache
from portfolio.frames import steps as data
from portfolio.models import Dataset
from profiles.models import WorkshopStep
from profiles.workshop import services

PAGE_LIMIT_KB = 500
UPDATE_LIMIT_KB = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_leader("Bench") as (org, user):
        started = time.perf_counter()
        dataset = make_dataset(org, args.customers)
        print(f"{args.customers:,} customers created in {time.perf_counter() - started:.1f} s")
        results, page_weight = measure(org, user, dataset, args.runs)
    report(args.customers, results, page_weight)


# --------------------------------------------------------------------------- data


def make_dataset(org, count: int) -> Dataset:
    """A SaaS-like list: 57.5 % small, 30 % medium, 12.5 % large by seats, written with COPY."""
    fields = ["name", "external_id", "seats", "revenue", "margin", "sales_cycle_days"]
    dataset = Dataset.objects.create(
        organization=org,
        name=f"bench-{count}.csv",
        mapping={field: field for field in [*fields, "customer_since"]},
        rows_imported=count,
    )
    columns = saas_columns(count, np.random.default_rng(42))
    copy_customers(org, dataset, columns, count)
    return dataset


# --------------------------------------------------------------------------- timing


def measure(org, user, dataset, runs):
    workshop = services.workshop_create(
        organization=org,
        user=user,
        title="Bench",
        date=datetime.date.today(),
        dataset=dataset,
        participants=[user],
    )
    for number, inputs in SAVED.items():
        step = WorkshopStep.objects.get(workshop=workshop, number=number)
        services.workshop_step_save(step=step, user=user, inputs=inputs, version=step.version)
    client = Client()
    client.force_login(user)
    client.post("/organisation/switch/", {"organization": org.pk})
    step1 = WorkshopStep.objects.get(workshop=workshop, number=1).inputs
    main_group = WorkshopStep.objects.get(workshop=workshop, number=2).inputs["main_group"]

    def bare(number):
        """What the page needs: the frame(s) from the database and the analysis calls."""
        if number == 3:
            group = data.group_frame(
                dataset,
                metric="seats",
                thresholds=step1["thresholds"],
                group=main_group,
                criterion="revenue",
            )
            analysis.rank_best(group, goal="revenue", today=datetime.date.today())
            analysis.pareto(group)
            return
        frame = data.size_frame(dataset, step1["metric"])
        groups = analysis.group_by_size(frame, metric="seats", thresholds=step1["thresholds"])
        if number == 2:
            analysis.main_stream(groups)

    results = []
    first_page = None
    for number in (1, 2, 3):
        url = f"/workshops/{workshop.pk}/step/{number}/"
        bare_ms, _ = timed_cold(lambda number=number: bare(number), runs)
        page_ms, response = timed_cold(lambda url=url: client.get(url), runs)
        assert response.status_code == 200, response.status_code
        page_warm_ms, response = timed(lambda url=url: client.get(url), runs)
        first_page = first_page or response.content
        results.append(
            {
                "name": f"step {number}",
                "kind": "page",
                "ms": round(page_ms, 1),
                "bare_ms": round(bare_ms, 1),
                "bytes": gzipped(response.content),
                "warm_ms": round(page_warm_ms, 1),
            }
        )
        update = Updater(client, workshop, number)
        update_ms, response = timed_cold(update, runs)
        assert response.status_code == 200 and b"Not saved" not in response.content
        update_warm_ms, response = timed(update, runs)
        assert response.status_code == 200 and b"Not saved" not in response.content
        results.append(
            {
                "name": f"step {number}",
                "kind": "update",
                "ms": round(update_ms, 1),
                "bare_ms": round(bare_ms, 1),
                "bytes": gzipped(response.content),
                "warm_ms": round(update_warm_ms, 1),
            }
        )
    return results, page_weight(first_page)


def timed_cold(function, runs: int) -> tuple[float, object]:
    """Like `timed`, but the frame cache is emptied before every call (not timed)."""
    frame_cache.clear()
    result = function()
    times = []
    for _ in range(runs):
        frame_cache.clear()
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


SAVED = {
    1: {"metric": "seats", "preset": "method", "thresholds": [5, 20]},
    2: {"main_group": "", "focus": "", "reason": ""},
    3: {"goal": "revenue", "n_mode": "default", "n": None},
}
# Each update flips between two real changes, so every POST saves and recomputes.
UPDATES = {
    1: [
        {"metric": "seats", "preset": "custom", "small_max": "5", "medium_max": "21"},
        {"metric": "seats", "preset": "custom", "small_max": "5", "medium_max": "20"},
    ],
    2: [
        {"main_group": "large", "focus": "profit", "reason": "bench"},
        {"main_group": "large", "focus": "", "reason": ""},
    ],
    3: [
        {"goal": "revenue", "n_mode": "10", "n": ""},
        {"goal": "revenue", "n_mode": "20", "n": ""},
    ],
}


class Updater:
    def __init__(self, client, workshop, number):
        self.client, self.workshop, self.number, self.calls = client, workshop, number, 0

    def __call__(self):
        step = WorkshopStep.objects.get(workshop=self.workshop, number=self.number)
        fields = UPDATES[self.number][self.calls % 2]
        self.calls += 1
        return self.client.post(
            f"/workshops/{self.workshop.pk}/step/{self.number}/save/",
            {**fields, "version": step.version},
            HTTP_HX_REQUEST="true",
        )


def page_weight(html: bytes) -> dict:
    """Gzipped bytes of a step page's first load: HTML plus its CSS and scripts."""
    text = html.decode()
    assets = re.findall(r'<(?:script src|link rel="stylesheet" href)="/static/([^"]+)"', text)
    sizes = {"HTML": gzipped(html)}
    for asset in assets:
        sizes[asset] = gzipped(Path(finders.find(asset)).read_bytes())
    return sizes


# --------------------------------------------------------------------------- report


def report(customers: int, results: list[dict], weight: dict) -> None:
    limit = 300 if customers <= 100_000 else 1000
    out = io.StringIO()
    out.write(f"\nWorkshop steps with {customers:,} customers (median, ms)\n")
    out.write("cold: frame cache emptied first (a first visit); warm: every later load\n")
    out.write(
        f"{'':8} {'kind':7} {'cold':>8} {'warm':>8} {'bare':>8} {'ratio':>6} {'gzip KB':>8}"
        "  target (cold)\n"
    )
    for row in results:
        ratio = row["ms"] / row["bare_ms"] if row["bare_ms"] else float("inf")
        size_limit = PAGE_LIMIT_KB if row["kind"] == "page" else UPDATE_LIMIT_KB
        ok = row["ms"] < limit and (customers > 100_000 or ratio <= 3)
        ok = ok and (row["kind"] == "page" or row["bytes"] / 1024 <= size_limit)
        out.write(
            f"{row['name']:8} {row['kind']:7} {row['ms']:8.1f} {row['warm_ms']:8.1f} "
            f"{row['bare_ms']:8.1f} "
            f"{ratio:6.2f} {row['bytes'] / 1024:8.1f}  {'ok' if ok else 'MISSED'}\n"
        )
    total = sum(weight.values())
    out.write("\nFirst load of step 1, gzipped:\n")
    for name, size in weight.items():
        out.write(f"  {name:40} {size / 1024:8.1f} KB\n")
    verdict = "ok" if total / 1024 <= PAGE_LIMIT_KB else "MISSED"
    out.write(f"  {'total':40} {total / 1024:8.1f} KB  (limit {PAGE_LIMIT_KB} KB: {verdict})\n")
    print(out.getvalue())
    print(json.dumps({"customers": customers, "results": results}))


if __name__ == "__main__":
    main()
