"""The bare computation behind each step page: the frames plus the analysis, no rendering;
and the worker's job behind step 6 (the draft applied to every customer and stored).

What bench/steps.py compares a page with. It calls the project's own loaders and analyses,
so it follows them when they change.
"""

import datetime
import time

import common  # noqa: F401  (sets Django up first)

from portfolio import analysis
from portfolio.frames import steps as data
from profiles.models import SegmentSet, WorkshopStep
from profiles.segments import computing
from profiles.segments import services as segment_services
from profiles.versions import traits
from profiles.workshop.draft import evidence as draft_evidence
from profiles.workshop.tables import services as table_services
from profiles.workshop.tables import summaries


def bare(workshop, number: int) -> None:
    """What step `number`'s page computes."""
    dataset = workshop.dataset
    inputs = {s.number: s.inputs for s in WorkshopStep.objects.filter(workshop=workshop)}
    step1 = inputs[1]
    if number == 3:
        main_group = inputs[2].get("main_group") or "large"
        group = data.group_frame(
            dataset,
            metric="seats",
            thresholds=step1["thresholds"],
            group=main_group,
            criterion="revenue",
        )
        analysis.rank_best(group, goal="revenue", today=datetime.date.today())
        analysis.pareto(group)
    elif number in (1, 2):
        frame = data.size_frame(dataset, step1["metric"])
        groups = analysis.group_by_size(frame, metric="seats", thresholds=step1["thresholds"])
        if number == 2:
            analysis.main_stream(groups)
    elif number in (4, 5):
        table = traits.TABLE_OF_STEP[number]
        cols = traits.columns(table, inputs[number])
        rows = table_services.profile_rows_sync(workshop=workshop, table=table)
        population = data.population_frame(
            dataset, {c.key: c.customer_field for c in cols if c.customer_field}
        )
        summaries.summarise(rows, cols, population)
    else:
        draft_evidence.Evidence(workshop)
        draft_evidence.application(workshop)


def worker_job(workshop) -> float:
    """Milliseconds the worker takes to apply the saved draft to every customer and store it."""
    segment_services.draft_segments(workshop)
    segment_set = SegmentSet.objects.get(workshop=workshop)
    segment_set.stored = ""  # whatever is stored: the whole job, as after a change
    started = time.perf_counter()
    computing.compute(segment_set)
    return (time.perf_counter() - started) * 1000
