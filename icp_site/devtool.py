"""What `./dev run`, `./dev test`, `./dev messages` and `./dev mutate` do once the virtual
environment is ready."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def run(args: list[str]) -> int:
    """Migrate, load the demo data and serve the app on 127.0.0.1:8000."""
    os.environ.setdefault("DEBUG", "true")
    address = args[0] if args else "127.0.0.1:8000"
    for step in (["migrate", "--no-input"], ["seed_demo"]):
        subprocess.run([*MANAGE, *step], check=True, cwd=ROOT)
    print(
        f"\nICP Workshop runs at http://{address}/\n"
        "Demo logins (password: demo):\n"
        "  admin@demo.example   admin  (members, reviews, everything)\n"
        "  leader@demo.example  leader (workshops, tables, profiles)\n"
        "  rep@demo.example     rep    (read-only)\n",
        flush=True,
    )
    # The worker runs large imports and reminders; it ends with the terminal's Ctrl-C.
    subprocess.Popen([*MANAGE, "db_worker", "--reload"], cwd=ROOT)
    os.execv(sys.executable, [*MANAGE, "runserver", address])
    return 0


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
