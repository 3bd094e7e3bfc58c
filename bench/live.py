"""Live refresh of the company table with 30 participants polling one workshop.

    .venv/bin/python bench/live.py [--participants 30] [--edits 3] [--server gunicorn|runserver]

Starts the app on 127.0.0.1 (gunicorn with 3 sync workers, as docker compose runs it, or
`manage.py runserver --noreload`) against the same database, creates a throwaway organisation
with a workshop of 20 best customers and one member per participant, and lets every
participant poll step 4 as the page does (every 2 s, If-None-Match with the last ETag, the
structure fingerprint, its own keep-alive connection). Every few seconds one participant edits
a cell. Prints the latency of the polls that found nothing new (304) and, for each edit, the
time from the edit's answer until every participant's poll had brought the new value.
Polls are measured once everybody has arrived (the steady state of a meeting). The last line is
one JSON object. Deletes the organisation afterwards.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icp_site.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from icp_site.models import Membership, Organization, Role, User  # noqa: E402
from portfolio.models import Customer, Dataset  # noqa: E402
from profiles.models import WorkshopStep, organization_deletion  # noqa: E402
from profiles.workshop import live, services  # noqa: E402
from profiles.workshop.tables import services as table_services  # noqa: E402

HOST = "127.0.0.1"
POLL_SECONDS = live.POLL_SECONDS
EDIT_EVERY_SECONDS = 6
SEEN_TIMEOUT_SECONDS = 10
TARGET_P95_MS = 50
TARGET_SEEN_MS = 3000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--server", choices=("gunicorn", "runserver"), default="gunicorn")
    args = parser.parse_args()
    suffix = uuid.uuid4().hex[:8]
    org = Organization.objects.create(name=f"Bench live {suffix}", slug=f"bench-live-{suffix}")
    users = [
        User.objects.create_user(f"bench-{suffix}-{n}@example.invalid", None, name=f"P{n}")
        for n in range(args.participants)
    ]
    server = None
    try:
        workshop, row = make_workshop(org, users)
        cookies = [session_cookie(user) for user in users]
        port = free_port()
        server = start_server(args.server, port)
        result = run(port, workshop, row, cookies, args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        with organization_deletion():
            org.delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()
    report(args, result)


# --------------------------------------------------------------------------- set-up


def make_workshop(org, users):
    """A workshop whose step 3 chose 20 customers, with every participant a leader."""
    for user in users:
        Membership.objects.create(organization=org, user=user, role=Role.LEADER)
    dataset = Dataset.objects.create(organization=org, name="bench-live.csv", rows_imported=200)
    rng = random.Random(1)
    customers = Customer.objects.bulk_create(
        Customer(
            organization=org,
            dataset=dataset,
            name=f"Customer {n}",
            revenue=Decimal(rng.randint(1_000, 90_000)),
            seats=rng.randint(1, 80),
            industry=rng.choice(["IT", "Telco", "Retail", "Finance"]),
            employees=rng.randint(5, 900),
            country=rng.choice(["SE", "NO", "DE", "UK"]),
        )
        for n in range(200)
    )
    workshop = services.workshop_create(
        organization=org,
        user=users[0],
        title="Bench",
        date=django.utils.timezone.localdate(),
        dataset=dataset,
        participants=users,
    )
    WorkshopStep.objects.filter(workshop=workshop, number=3).update(
        inputs={"selection": [c.pk for c in customers[:20]]}, done=True, version=1
    )
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    return workshop, rows[0]


def session_cookie(user) -> str:
    """A signed-in session for `user` (no password round trip)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that loads users (the first one is django-axes' lockout check).
    session[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(kind: str, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    python = sys.executable
    if kind == "gunicorn":
        command = [
            python, "-m", "gunicorn", "icp_site.wsgi", "--bind", f"{HOST}:{port}",
            "--workers", "3", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
    else:
        command = [python, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"]
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": HOST, **(extra_env or {})}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"The {kind} server did not start on {HOST}:{port}.")


# --------------------------------------------------------------------------- participants


class Participant(threading.Thread):
    """One laptop: loads step 4, then polls it every two seconds until told to stop."""

    def __init__(self, port, path, cookie, stop, start_at, measuring):
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, cookie
        self.stop, self.start_at, self.measuring = stop, start_at, measuring
        self.not_modified_ms: list[float] = []
        self.changed_ms: list[float] = []
        self.seen: dict[str, float] = {}  # value -> when a poll first brought it
        self.errors = 0
        self.csrf = ""

    def request(self, conn, method, url, body=None, headers=None):
        headers = {"Cookie": self.cookie, "HX-Request": "true", **(headers or {})}
        for attempt in range(2):  # gunicorn's sync workers close idle keep-alive connections
            try:
                conn.request(method, url, body=body, headers=headers)
                response = conn.getresponse()
                return response, response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        page, body = self.request(conn, "GET", self.path)
        text = body.decode()
        etag = re.search(r'data-etag="([^"]+)"', text)[1].replace("&quot;", '"')
        structure = re.search(r'name="structure" value="([^"]+)"', text)[1]
        self.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', text)[1]
        cookie = page.getheader("Set-Cookie", "")
        if "csrftoken=" in cookie:
            self.cookie += "; " + cookie.split(";", 1)[0]
        live_url = f"{self.path}live/?{urlencode({'structure': structure})}"
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                response, body = self.request(
                    conn, "GET", live_url, headers={"If-None-Match": etag}
                )
            except (http.client.HTTPException, OSError):
                self.errors += 1
                self.stop.wait(POLL_SECONDS)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.status == 304:
                if self.measuring.is_set():
                    self.not_modified_ms.append(elapsed)
            elif response.status == 200:
                if self.measuring.is_set():
                    self.changed_ms.append(elapsed)
                etag = response.getheader("ETag", etag)
                now = time.monotonic()
                for value in re.findall(r">(edit-\d+)<", body.decode()):
                    self.seen.setdefault(value, now)
            else:
                self.errors += 1
            self.stop.wait(max(0.0, POLL_SECONDS - elapsed / 1000))
        conn.close()


def run(port, workshop, row, cookies, args):
    path = f"/workshops/{workshop.pk}/step/4/"
    stop, measuring = threading.Event(), threading.Event()
    begin = time.monotonic() + 2
    # Pages open at once; polls spread over the 2 s interval as real laptops would be.
    participants = [
        Participant(port, path, cookie, stop, begin + n * POLL_SECONDS / len(cookies), measuring)
        for n, cookie in enumerate(cookies)
    ]
    for participant in participants:
        participant.start()
    # Let everybody arrive (presence changes the ETag until all are there), then measure the
    # steady state: polls while the team works, an edit every few seconds.
    time.sleep(2 + live.PRESENT_SECONDS / 2 + POLL_SECONDS)
    measuring.set()
    time.sleep(EDIT_EVERY_SECONDS)
    editor = participants[0]
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    cell = f"/workshops/{workshop.pk}/table/company/row/{row.pk}/cell/industry/"
    edits = []
    for n in range(args.edits):
        value = f"edit-{n}"
        body = urlencode({"value": value, "version": n})
        response, _body = editor.request(
            conn,
            "POST",
            cell,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": editor.csrf,
                "Referer": f"http://{HOST}:{port}{path}",
            },
        )
        saved_at = time.monotonic()
        if response.status != 200:
            raise SystemExit(f"The edit was refused: {response.status} {_body[:300]!r}")
        deadline = saved_at + SEEN_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not all(value in p.seen for p in participants):
            time.sleep(0.05)
        seen = [p.seen.get(value) for p in participants]
        edits.append(
            None if None in seen else (max(seen) - saved_at) * 1000  # type: ignore[operator]
        )
        time.sleep(max(0.0, EDIT_EVERY_SECONDS - (time.monotonic() - saved_at)))
    stop.set()
    for participant in participants:
        participant.join(timeout=15)
    conn.close()
    not_modified = [ms for p in participants for ms in p.not_modified_ms]
    changed = [ms for p in participants for ms in p.changed_ms]
    return {
        "not_modified": not_modified,
        "changed": changed,
        "edits": edits,
        "errors": sum(p.errors for p in participants),
    }


# --------------------------------------------------------------------------- report


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(args, result):
    not_modified, changed, edits = result["not_modified"], result["changed"], result["edits"]
    p95 = percentile(not_modified, 0.95)
    worst = None if None in edits or not edits else max(edits)
    print(f"server: {args.server} on {HOST}, {args.participants} participants polling every 2 s")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(
        f"polls that found nothing new (304): {len(not_modified)}, "
        f"median {statistics.median(not_modified):.1f} ms, p95 {p95:.1f} ms "
        f"(target < {TARGET_P95_MS} ms)"
    )
    if changed:
        print(
            f"polls that brought changes (200): {len(changed)}, "
            f"median {statistics.median(changed):.1f} ms, p95 {percentile(changed, 0.95):.1f} ms"
        )
    for n, ms in enumerate(edits):
        shown = "not seen by all within 10 s" if ms is None else f"{ms:.0f} ms"
        print(f"edit {n + 1}: seen by all {args.participants} participants after {shown}")
    print(f"errors: {result['errors']}")
    print(
        json.dumps(
            {
                "participants": args.participants,
                "results": [
                    {
                        "name": "poll not modified",
                        "p95_ms": round(p95, 1),
                        "count": len(not_modified),
                    },
                    {"name": "edit seen by all", "ms": None if worst is None else round(worst)},
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
