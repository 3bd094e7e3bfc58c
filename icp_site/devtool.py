"""What `./dev run`, `./dev test`, `./dev messages` and `./dev mutate` do once the virtual
environment is ready."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def run(args: list[str]) -> int:
    """Migrate, load the demo data and serve the app on 127.0.0.1:8000 with the worker beside;
    Ctrl-C or a signal (TERM, HUP) stops both, and then the embedded PostgreSQL."""
    os.environ.setdefault("DEBUG", "true")
    address = args[0] if args else "127.0.0.1:8000"
    # Hold the embedded server ourselves, so that it stops when we are done (last handle).
    data_dir = embedded_data_dir()
    if data_dir is not None:
        from icp_site.embedded_db import embedded_database_url

        embedded_database_url(data_dir / "postgres")
    for step in (["migrate", "--no-input"], ["seed_demo"]):
        subprocess.run([*MANAGE, *step], check=True, cwd=ROOT)
    print(
        f"\nICP Workshop runs at http://{address}/\n"
        "Demo logins (password: demo):\n"
        "  admin@demo.example   admin  (members, reviews, everything)\n"
        "  leader@demo.example  leader (workshops, tables, profiles)\n"
        "  rep@demo.example     rep    (read-only)\n"
        "Ctrl-C stops the server, the worker and the embedded PostgreSQL.\n",
        flush=True,
    )
    # Each child in its own process group: we stop them (and their reloaders' children).
    children = [
        subprocess.Popen([*MANAGE, "db_worker", "--reload"], cwd=ROOT, start_new_session=True),
        subprocess.Popen([*MANAGE, "runserver", address], cwd=ROOT, start_new_session=True),
    ]
    return supervise(children, data_dir)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 10


def supervise(children: list[subprocess.Popen], data_dir: Path | None) -> int:
    """Wait until a child ends or we are told to stop; then stop every child's process group
    (SIGTERM: the worker finishes its task, the server stops; SIGKILL after GRACE_SECONDS) and
    release the embedded server's handles of the processes that are gone, so that our own exit
    stops it."""
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    while not stopping.is_set() and all(child.poll() is None for child in children):
        stopping.wait(0.5)
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            child.wait()
        _signal_group(child, signal.SIGKILL)  # a reloader's child left behind
    if data_dir is not None:
        from icp_site.embedded_db import release_dead_handles

        release_dead_handles(data_dir / "postgres")
    print("Stopped the server, the worker and the embedded PostgreSQL.", flush=True)
    return 0


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)


def embedded_data_dir() -> Path | None:
    """The data folder when the embedded PostgreSQL is used (no DATABASE_URL), else None."""
    if os.environ.get("DATABASE_URL"):
        return None
    return Path(os.environ.get("DATA_DIR") or ROOT / ".data")


def test(args: list[str]) -> int:
    """Run the whole test suite (pytest arguments pass through)."""
    os.environ.pop("DEBUG", None)
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI") == "true":
            print("CI needs /usr/bin/chromium for the browser tests (.ci/run installs it).")
            return 1
        print(
            "Chromium is not installed, so the browser tests are skipped "
            "(apt-get install chromium to run them)."
        )
    return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=ROOT)


LANGUAGES = ["de", "sv", "zh_Hans"]


def messages(args: list[str]) -> int:
    """Extract marked strings into locale/*.po and compile them (needs gettext)."""
    extract = [*MANAGE, "makemessages", "--no-obsolete", "--no-location"]
    extract += ["--ignore=.venv/*", "--ignore=bench/*", "--ignore=tests/*", "--ignore=.data/*"]
    extract += ["--ignore=mutants/*"]
    extract += [f"--locale={language}" for language in LANGUAGES]
    subprocess.run(extract, check=True, cwd=ROOT)
    compile_ = [*MANAGE, "compilemessages", "--ignore=.venv/*", "--ignore=mutants/*"]
    return subprocess.call(compile_, cwd=ROOT)


def mutate(args: list[str]) -> int:
    """Mutation-test the core modules, or the named ones, against their fast tests."""
    command = [sys.executable, "-m", "scripts.mutate", *args]
    return subprocess.call(command, cwd=ROOT)


def main() -> int:
    command, *args = sys.argv[1:] or ["help"]
    if command == "run":
        return run(args)
    if command == "test":
        return test(args)
    if command == "messages":
        return messages(args)
    if command == "mutate":
        return mutate(args)
    print("usage: python -m icp_site.devtool run|test|messages|mutate [args]")
    return 2


if __name__ == "__main__":
    sys.exit(main())
