"""Background work that survives a dead worker: leases, lost tasks, and the periodic sweep.

django-tasks-db claims a task by marking it RUNNING with the worker's id and never looks at it
again: a worker killed while running one leaves it RUNNING for ever. So every worker (our
`manage.py db_worker`, which wraps django-tasks-db's) holds a **lease**: a `WorkerLease` row
with its id, beaten every WORKER_HEARTBEAT_SECONDS by a thread. A worker silent for
WORKER_LEASE_SECONDS is dead; a RUNNING task whose last worker is dead is **lost**: the
sweep marks it FAILED (`WorkerLost`) and calls the handler registered for its task in
BACKGROUND_LOST_TASK_HANDLERS (with the task's arguments), which decides what to redo.

The **sweep** runs when a worker starts, again once the lease of a worker that died just before
must have run out, and then every BACKGROUND_SWEEP_SECONDS as a task (`sweep_task`) that each
worker's heartbeat keeps queued; it reaps lost tasks and calls every function in
BACKGROUND_SWEEPS (plain functions without arguments: reminders' catch-up, clean-ups, ...).

Any other process that claims rows on behalf of a lease (a command sending reminders) uses
`lease()` too, and records `current_owner()` on what it claims; `owner_alive()` tells a
later process whether that claim is still being worked on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from icp_site import submissions
from icp_site.accounts import throttle
from icp_site.models import WorkerLease

logger = logging.getLogger(__name__)

SWEEP_TASK = "icp_site.background.sweep_task"
_SWEEP_LOCK = 0x1C9_5EE9  # advisory lock: one worker at a time decides the next sweep
_owner: str | None = None


class WorkerLost(Exception):
    """Recorded on a task whose worker died while running it."""


def lease_seconds() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def current_owner() -> str:
    """The lease this process holds, or an id that names it (host and pid) without one."""
    return _owner or f"{socket.gethostname()[:40]}:{os.getpid()}"


def owner_alive(owner: str, *, claimed_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Whether whoever claimed something at `claimed_at` may still be working on it: its lease
    beat within WORKER_LEASE_SECONDS (and was not ended); an owner without a lease (an inline
    run) for WORKER_LEASE_SECONDS after its claim."""
    now = now or timezone.now()
    cutoff = now - lease_seconds()
    row = WorkerLease.objects.filter(owner=owner).values("beat_at", "stopped_at").first()
    if row is None:
        return claimed_at > cutoff
    return row["stopped_at"] is None and row["beat_at"] > cutoff


def _beat(owner: str, *, started: bool = False) -> None:
    now = timezone.now()
    defaults = {"beat_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()}
    if started:
        defaults.update(started_at=now, stopped_at=None)
        WorkerLease.objects.update_or_create(owner=owner, defaults=defaults)
    else:
        WorkerLease.objects.filter(owner=owner).update(beat_at=now)


class Heartbeat(threading.Thread):
    """Beats the lease and keeps the next sweep queued, until stopped."""

    def __init__(self, owner: str):
        super().__init__(name=f"heartbeat-{owner}", daemon=True)
        self.owner = owner
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
            try:
                close_old_connections()
                _beat(self.owner)
                sweep_schedule()
            except Exception:  # the database away for a moment: beat again next time
                logger.exception("Worker %s could not beat its lease", self.owner)
        connection.close()

    def stop(self) -> None:
        self.stopping.set()


@contextlib.contextmanager
def lease(owner: str | None = None) -> Iterator[str]:
    """Hold a lease while the block runs (a worker, or a command that claims work)."""
    global _owner
    owner = owner or uuid.uuid4().hex
    _beat(owner, started=True)
    previous, _owner = _owner, owner
    heartbeat = Heartbeat(owner)
    heartbeat.start()
    try:
        yield owner
    finally:
        heartbeat.stop()
        heartbeat.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 5)
        _owner = previous
        WorkerLease.objects.filter(owner=owner).update(stopped_at=timezone.now())


# --------------------------------------------------------------------------- lost tasks


def lost_tasks(*, now: dt.datetime | None = None):
    """RUNNING tasks whose worker holds no live lease."""
    now = now or timezone.now()
    alive = WorkerLease.objects.filter(
        stopped_at__isnull=True, beat_at__gt=now - lease_seconds()
    ).values_list("owner", flat=True)
    alive = set(alive)
    running = DBTaskResult.objects.running().only("id", "worker_ids", "started_at")
    return [
        result
        for result in running
        if not (result.worker_ids and result.worker_ids[-1] in alive)
        # A task claimed moments ago by a worker whose lease we have not seen yet.
        and (result.started_at is None or result.started_at < now - lease_seconds())
    ]


def lost_tasks_reap(*, now: dt.datetime | None = None) -> int:
    """Mark lost tasks FAILED and call their task's handler; returns how many."""
    reaped = 0
    for candidate in lost_tasks(now=now):
        with transaction.atomic():
            result = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=candidate.pk, status="RUNNING")
                .first()
            )
            if result is None:
                continue
            worker = result.worker_ids[-1] if result.worker_ids else "?"
            result.set_failed(WorkerLost(f"worker {worker} stopped beating while running this"))
        reaped += 1
        logger.warning("Task %s (%s) was lost with its worker", result.pk, result.task_path)
        handler = settings.BACKGROUND_LOST_TASK_HANDLERS.get(result.task_path)
        if handler:
            args = result.args_kwargs or {}
            try:
                import_string(handler)(*args.get("args", ()), **args.get("kwargs", {}))
            except Exception:
                logger.exception("The handler of lost task %s failed", result.pk)
    return reaped


# --------------------------------------------------------------------------- the sweep


def sweep() -> dict[str, object]:
    """Reap lost tasks, then run every function of BACKGROUND_SWEEPS; one failing does not
    stop the others. Returns what each returned (or the error's name)."""
    outcome: dict[str, object] = {"lost_tasks": lost_tasks_reap()}
    for path in settings.BACKGROUND_SWEEPS:
        try:
            outcome[path] = import_string(path)()
        except Exception as error:
            logger.exception("Background sweep %s failed", path)
            outcome[path] = type(error).__name__
    return outcome


@task
def sweep_task() -> dict[str, object]:
    """The periodic sweep, run by a worker like any task (so it ends cleanly on a stop)."""
    outcome = sweep()
    return {
        key: value if isinstance(value, int | str) else str(value) for key, value in outcome.items()
    }


def sweep_schedule(*, at: dt.datetime | None = None) -> bool:
    """Make sure a sweep is queued, by `at` (default: BACKGROUND_SWEEP_SECONDS from now);
    True when one was queued. One worker at a time decides (an advisory lock)."""
    backend = sweep_task.get_backend()
    if not backend.supports_defer:
        return False
    now = timezone.now()
    at = at or now + dt.timedelta(seconds=settings.BACKGROUND_SWEEP_SECONDS)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SWEEP_LOCK])
            if not cursor.fetchone()[0]:
                return False
        waiting = DBTaskResult.objects.filter(
            task_path=SWEEP_TASK, status="READY", run_after__lte=at
        )
        if waiting.exists():
            return False
        sweep_task.using(run_after=at).enqueue()
    return True


def worker_started(owner: str) -> None:
    """At a worker's start: sweep now, and again once a worker that died just before us must
    have lost its lease (its tasks are then found lost)."""
    try:
        logger.info("Background sweep at worker start: %s", sweep())
        sweep_schedule(at=timezone.now() + lease_seconds() + dt.timedelta(seconds=5))
    except Exception:
        logger.exception("The sweep at the start of worker %s failed", owner)


def records_clean() -> int:
    """Forget what only matters for a while: ended leases, old form tokens, caught-up buckets."""
    now = timezone.now()
    old_leases = WorkerLease.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()[0]
    return old_leases + submissions.submissions_clean(now=now) + throttle.buckets_clean(now=now)
