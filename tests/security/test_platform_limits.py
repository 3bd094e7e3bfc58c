"""The platform under pressure: bounded database connections, lost background tasks found,
`./dev run` stopping what it started."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from icp_site import background
from icp_site.embedded_db import release_dead_handles
from icp_site.env import database_from_url, pooled
from icp_site.models import WorkerLease

ROOT = Path(__file__).resolve().parents[2]


def test_the_embedded_default_uses_a_bounded_pool_with_health_checks():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("only the embedded default is pooled")
    pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
    assert 1 <= pool["max_size"] <= 20
    assert callable(pool["check"])
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0


def test_a_database_url_keeps_health_checked_connections_or_a_pool_when_asked():
    plain = pooled(database_from_url("postgres://u:p@db:5432/icp"), size=0, timeout=5)
    assert plain["CONN_HEALTH_CHECKS"] and "pool" not in plain["OPTIONS"]
    bounded = pooled(database_from_url("postgres://u:p@db:5432/icp"), size=5, timeout=5)
    assert bounded["OPTIONS"]["pool"]["max_size"] == 5


@pytest.mark.django_db(transaction=True)
def test_many_threads_share_the_bounded_pool_without_exhausting_the_server():
    if "pool" not in settings.DATABASES["default"]["OPTIONS"]:
        pytest.skip("no pool configured")
    bound = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    errors, peaks = [], []
    barrier = threading.Barrier(30)

    def work():
        try:
            barrier.wait()
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.05)")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                )
                peaks.append(cursor.fetchone()[0])
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=work) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert max(peaks) <= bound + 2  # the pool, plus this test's own connection


@pytest.mark.django_db
def test_a_task_whose_worker_died_is_found_failed_and_handed_to_its_handler(settings):
    called = []
    settings.BACKGROUND_LOST_TASK_HANDLERS = {
        "profiles.reviews.tasks.send_review_reminder": "tests.security.test_platform_limits.lost"
    }
    lost.calls = called
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    WorkerLease.objects.create(owner="dead", started_at=long_ago, beat_at=long_ago)
    WorkerLease.objects.create(owner="alive", started_at=long_ago, beat_at=timezone.now())
    common = {
        "status": "RUNNING",
        "task_path": "profiles.reviews.tasks.send_review_reminder",
        "backend_name": "default",
        "run_after": long_ago,
        "started_at": long_ago,
    }
    dead = DBTaskResult.objects.create(
        args_kwargs={"args": [42], "kwargs": {}}, worker_ids=["dead"], **common
    )
    busy = DBTaskResult.objects.create(
        args_kwargs={"args": [43], "kwargs": {}}, worker_ids=["alive"], **common
    )
    assert background.lost_tasks_reap() == 1
    dead.refresh_from_db()
    busy.refresh_from_db()
    assert dead.status == "FAILED" and "WorkerLost" in dead.exception_class_path
    assert busy.status == "RUNNING"
    assert called == [((42,), {})]


def lost(*args, **kwargs):
    lost.calls.append((args, kwargs))


def test_extra_sweeps_are_a_setting(settings):
    settings.BACKGROUND_SWEEPS = ["tests.security.test_platform_limits.extra_sweep"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(background, "lost_tasks_reap", lambda: 0)
        assert background.sweep() == {
            "lost_tasks": 0,
            "tests.security.test_platform_limits.extra_sweep": "swept",
        }


def extra_sweep():
    return "swept"


def test_dev_run_stops_its_children_and_releases_the_database_on_a_signal(tmp_path):
    # The supervisor of `./dev run`, with two sleeping children standing in for the server
    # and the worker (each with a child of its own, like runserver's reloader).
    script = textwrap.dedent(
        f"""
        import subprocess, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from icp_site import devtool
        child = [sys.executable, "-c",
                 "import subprocess, sys, time; "
                 "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
                 "time.sleep(300)"]
        kids = [subprocess.Popen(child, start_new_session=True) for _ in range(2)]
        Path({str(tmp_path / "pids")!r}).write_text(" ".join(str(k.pid) for k in kids))
        devtool.supervise(kids, None)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    pids_file = tmp_path / "pids"
    deadline = time.monotonic() + 20
    while not pids_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    groups = [int(pid) for pid in pids_file.read_text().split()]
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(20) == 0
    deadline = time.monotonic() + 5
    while any(_group_alive(group) for group in groups) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_group_alive(group) for group in groups)


def _group_alive(group: int) -> bool:
    """Whether a process of the group still runs (zombies waiting to be reaped do not)."""
    import psutil

    for process in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(process.pid) == group and process.status() != psutil.STATUS_ZOMBIE:
                return True
        except (ProcessLookupError, psutil.Error):
            continue
    return False


def test_killed_processes_release_the_embedded_server(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / ".handle_pids.json").write_text(json.dumps([gone.pid, os.getpid()]))
    assert release_dead_handles(tmp_path, wait=0) == [os.getpid()]


def test_the_worker_holds_a_lease_while_it_runs(db):
    with background.lease("w-1") as owner:
        row = WorkerLease.objects.get(owner=owner)
        assert row.stopped_at is None and background.current_owner() == "w-1"
        assert background.owner_alive("w-1", claimed_at=timezone.now())
    assert WorkerLease.objects.get(owner="w-1").stopped_at is not None
    assert not background.owner_alive("w-1", claimed_at=timezone.now())
    connection.close()
