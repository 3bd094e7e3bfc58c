"""Live refresh of the company table with 30 participants polling one workshop, some editing.

    .venv/bin/python bench/live.py [--participants 30] [--editors 5] [--rate 4.5]
                                   [--edits 3] [--server gunicorn|runserver]

Starts the app on 127.0.0.1 (gunicorn with 3 sync workers, as docker compose runs it, or
`manage.py runserver --noreload`) against the same database, creates a throwaway organisation
with a workshop of 20 best customers and one member per participant, and lets every
participant poll step 4 as the page does (every POLL_SECONDS, If-None-Match with the last
ETag, the structure fingerprint, the cell they are editing, its own keep-alive connection).

Three phases, measured once everybody has arrived (the steady state of a meeting):
1. idle: nobody edits; the polls' latency is `p95_ms_idle` (almost all 304 Not Modified);
2. single edits (today's figures): one participant edits a cell every few seconds; the time
   from the edit's answer until every participant's poll had brought it;
3. under edits: `--editors` participants open a cell, type and save, one cell after another,
   `--rate` edits a second in total; every poll's latency is `p95_ms_under_edits`; for each
   edit the time until all participants had seen it (`seen_max_s`), and `lost_updates`: edits
   the server accepted that some participant never saw, or that are not in the database at
   the end.
A static file fetched in the same run is the floor of the server stack (`bare_p95_ms_*`).
The last line is one JSON object. Deletes the organisation afterwards.
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
from profiles.models import ProfileRow, WorkshopStep, organization_deletion  # noqa: E402
from profiles.workshop import live, services  # noqa: E402
from profiles.workshop.tables import services as table_services  # noqa: E402

HOST = "127.0.0.1"
POLL_SECONDS = live.POLL_SECONDS
IDLE_SECONDS = 15
EDIT_EVERY_SECONDS = 6
EDITING_SECONDS = 20
TYPING_SECONDS = 0.3  # between opening a cell and saving it
SEEN_TIMEOUT_SECONDS = 10
TARGETS = {"p95_ms_idle": 50, "p95_ms_under_edits": 250, "seen_max_s": 3, "lost_updates": 0}
# Text columns the editors write (two of the team's own besides the built-in ones).
COLUMNS = ["industry", "country", "market_position_note", "custom_1", "custom_2"]
VALUE = re.compile(r">(v\d+x\d+)<")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--rate", type=float, default=4.5, help="edits a second, all editors")
    parser.add_argument("--edits", type=int, default=3, help="single edits of phase 2")
    parser.add_argument("--server", choices=("gunicorn", "runserver"), default="gunicorn")
    args = parser.parse_args()
    args.editors = max(0, min(args.editors, len(COLUMNS), args.participants))
    suffix = uuid.uuid4().hex[:8]
    org = Organization.objects.create(name=f"Bench live {suffix}", slug=f"bench-live-{suffix}")
    users = [
        User.objects.create_user(f"bench-{suffix}-{n}@example.invalid", None, name=f"P{n}")
        for n in range(args.participants)
    ]
    server = None
    try:
        workshop, rows = make_workshop(org, users)
        cookies = [session_cookie(user) for user in users]
        port = free_port()
        server = start_server(args.server, port)
        warm_up(port, workshop, cookies[0])
        result = run(port, workshop, rows, cookies, args)
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
    for label in ("Own note", "Second note"):
        table_services.profile_table_column_add(
            workshop=workshop, table="company", label=label, kind="text", user=users[0]
        )
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    return workshop, rows


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


def warm_up(port, workshop, cookie) -> None:
    """Every worker has loaded the app and read the frames before anything is measured: the
    page and its poll, until a dozen answers in a row come quickly (or a minute passed)."""
    path = f"/workshops/{workshop.pk}/step/4/"
    deadline, quick = time.monotonic() + 60, 0
    while quick < 12 and time.monotonic() < deadline:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        started = time.perf_counter()
        for url in (path, f"{path}live/"):
            request(conn, cookie, "GET", url)
        conn.close()
        quick = quick + 1 if time.perf_counter() - started < 0.5 else 0


# --------------------------------------------------------------------------- participants


def request(conn, cookie, method, url, body=None, headers=None):
    headers = {"Cookie": cookie, "HX-Request": "true", **(headers or {})}
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


class Participant(threading.Thread):
    """One laptop: loads step 4, then polls it every POLL_SECONDS until told to stop."""

    def __init__(self, port, path, cookie, stop, start_at):
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, cookie
        self.stop, self.start_at = stop, start_at
        self.polls: list[tuple[float, float, int]] = []  # (sent at, ms, status)
        self.seen: dict[str, float] = {}  # value -> when a poll first brought it
        self.errors = 0
        self.csrf = ""
        self.editing = ""  # the cell this participant has open (the page sends it along)

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        page, body = request(conn, self.cookie, "GET", self.path)
        text = body.decode()
        etag = re.search(r'data-etag="([^"]+)"', text)[1].replace("&quot;", '"')
        structure = re.search(r'name="structure" value="([^"]+)"', text)[1]
        self.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', text)[1]
        cookie = page.getheader("Set-Cookie", "")
        if "csrftoken=" in cookie:
            self.cookie += "; " + cookie.split(";", 1)[0]
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        while not self.stop.is_set():
            params = {"structure": structure}
            if self.editing:
                params["editing"] = self.editing
            sent = time.monotonic()
            started = time.perf_counter()
            try:
                response, body = request(
                    conn,
                    self.cookie,
                    "GET",
                    f"{self.path}live/?{urlencode(params)}",
                    headers={"If-None-Match": etag},
                )
            except (http.client.HTTPException, OSError):
                self.errors += 1
                self.stop.wait(POLL_SECONDS)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            self.polls.append((sent, elapsed, response.status))
            if response.status == 200:
                etag = response.getheader("ETag", etag)
                now = time.monotonic()
                for value in VALUE.findall(body.decode()):
                    self.seen.setdefault(value, now)
            elif response.status != 304:
                self.errors += 1
            self.stop.wait(max(0.0, POLL_SECONDS - elapsed / 1000))
        conn.close()


class Floor(threading.Thread):
    """The server stack's floor in the same run: a static file, fetched twice a second."""

    def __init__(self, port, stop):
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.fetches: list[tuple[float, float]] = []

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        while not self.stop.is_set():
            sent, started = time.monotonic(), time.perf_counter()
            try:
                response, _body = request(conn, "", "GET", "/static/css/app.css")
            except (http.client.HTTPException, OSError):
                self.stop.wait(0.5)
                continue
            if response.status != 200:
                raise SystemExit(f"The static file answered {response.status}.")
            self.fetches.append((sent, (time.perf_counter() - started) * 1000))
            self.stop.wait(0.5)
        conn.close()


class Editor(threading.Thread):
    """A participant editing: opens a cell, types, saves; the next cell, at its share of the
    rate. Each edit writes a value of its own into a cell nobody else edits."""

    def __init__(self, port, workshop, participant, rows, column, every, until, number):
        super().__init__(daemon=True)
        self.port, self.workshop, self.participant = port, workshop, participant
        self.rows, self.column, self.every, self.until = rows, column, every, until
        self.number = number
        self.edits: list[dict] = []  # value, cell, answered at, status
        self.errors = 0

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        who = self.participant
        path = f"/workshops/{self.workshop.pk}/step/4/"
        next_at = time.monotonic() + random.Random(self.number).random() * self.every
        for index, row in enumerate(self.rows):
            time.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() >= self.until:
                break
            next_at += self.every
            url = f"/workshops/{self.workshop.pk}/table/company/row/{row.pk}/cell/{self.column}/"
            who.editing = f"{row.pk}:{self.column}"
            try:
                request(conn, who.cookie, "GET", url)  # the editor opens in the cell
                time.sleep(TYPING_SECONDS)
                value = f"v{self.number}x{index}"
                body = urlencode({"value": value, "version": 0, "editing": who.editing})
                response, _body = request(
                    conn,
                    who.cookie,
                    "POST",
                    url,
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-CSRFToken": who.csrf,
                        "Referer": f"http://{HOST}:{self.port}{path}",
                    },
                )
            except (http.client.HTTPException, OSError):
                self.errors += 1
                continue
            finally:
                who.editing = ""
            if response.status == 200:
                who.seen.setdefault(value, time.monotonic())  # the save's answer shows it
            self.edits.append(
                {
                    "value": value,
                    "row": row.pk,
                    "column": self.column,
                    "answered": time.monotonic(),
                    "status": response.status,
                    "conflict": response.getheader("HX-Trigger") == "cell-conflict",
                }
            )
        conn.close()


def single_edits(port, workshop, row, editor, count):
    """Phase 2, today's figures: one edit every few seconds, each seen by everybody."""
    path = f"/workshops/{workshop.pk}/step/4/"
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    cell = f"/workshops/{workshop.pk}/table/company/row/{row.pk}/cell/industry/"
    answered = []
    for n in range(count):
        value = f"v9{n}x9"
        body = urlencode({"value": value, "version": n})
        response, _body = request(
            conn,
            editor.cookie,
            "POST",
            cell,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": editor.csrf,
                "Referer": f"http://{HOST}:{port}{path}",
            },
        )
        if response.status != 200:
            raise SystemExit(f"The edit was refused: {response.status} {_body[:300]!r}")
        answered.append((value, time.monotonic()))
        time.sleep(EDIT_EVERY_SECONDS)
    conn.close()
    return answered


def run(port, workshop, rows, cookies, args):
    path = f"/workshops/{workshop.pk}/step/4/"
    stop = threading.Event()
    begin = time.monotonic() + 2
    # Pages open at once; polls spread over the interval as real laptops would be.
    participants = [
        Participant(port, path, cookie, stop, begin + n * POLL_SECONDS / len(cookies))
        for n, cookie in enumerate(cookies)
    ]
    floor = Floor(port, stop)
    for thread in (*participants, floor):
        thread.start()
    # Let everybody arrive (presence changes the ETag until all are there).
    time.sleep(2 + live.PRESENT_SECONDS / 2 + POLL_SECONDS)
    idle = (time.monotonic(), time.monotonic() + IDLE_SECONDS)
    time.sleep(IDLE_SECONDS)
    single = single_edits(port, workshop, rows[-1], participants[0], args.edits)
    time.sleep(POLL_SECONDS)
    editing_from = time.monotonic()
    until = editing_from + EDITING_SECONDS
    every = args.editors / args.rate if args.editors else 0
    editors = [
        Editor(port, workshop, participants[n], rows[:-1], COLUMNS[n], every, until, n)
        for n in range(args.editors)
    ]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join()
    editing = (editing_from, max([until, *(e["answered"] for ed in editors for e in ed.edits)]))
    edits = [edit for editor in editors for edit in editor.edits]
    accepted = [e for e in edits if e["status"] == 200 and not e["conflict"]]
    deadline = time.monotonic() + SEEN_TIMEOUT_SECONDS
    wanted = [value for value, _at in single] + [e["value"] for e in accepted]
    while time.monotonic() < deadline and not all(
        value in p.seen for p in participants for value in wanted
    ):
        time.sleep(0.1)
    stop.set()
    for thread in (*participants, floor):
        thread.join(timeout=15)
    return {
        "participants": participants,
        "floor": floor,
        "idle": idle,
        "editing": editing,
        "single": single,
        "edits": edits,
        "accepted": accepted,
        "stored": stored_values(workshop),
        "errors": sum(p.errors for p in participants) + sum(e.errors for e in editors),
    }


def stored_values(workshop) -> set[str]:
    found = set()
    for row in ProfileRow.objects.filter(workshop=workshop, table="company"):
        found.update(str(value) for value in row.values.values())
    return found


# --------------------------------------------------------------------------- report


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def seen_after(participants, value, answered):
    seen = [p.seen.get(value) for p in participants]
    return None if None in seen else max(seen) - answered  # type: ignore[operator]


def _rounded(value, digits=1):
    return None if value is None else round(value, digits)


def _ms(value) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def report(args, result):
    participants = result["participants"]
    polls = [poll for p in participants for poll in p.polls]
    fetches = result["floor"].fetches
    start, end = result["idle"]
    idle = [ms for at, ms, _status in polls if start <= at < end]
    idle_304 = [ms for at, ms, status in polls if start <= at < end and status == 304]
    floor_idle = [ms for at, ms in fetches if start <= at < end]
    start, end = result["editing"]
    under = [ms for at, ms, _status in polls if start <= at < end]
    under_200 = [ms for at, ms, status in polls if start <= at < end and status == 200]
    floor_under = [ms for at, ms in fetches if start <= at < end]
    single = [seen_after(participants, value, at) for value, at in result["single"]]
    accepted = result["accepted"]
    seen = [seen_after(participants, e["value"], e["answered"]) for e in accepted]
    unseen = sum(1 for s in seen if s is None)
    missing = sum(1 for e in accepted if e["value"] not in result["stored"])
    lost = unseen + missing
    rate = len(result["edits"]) / (end - start) if end > start else 0.0
    p95_idle, p95_under = percentile(idle, 0.95), percentile(under, 0.95)
    known = [s for s in seen if s is not None]
    seen_max = max(known) if known and not unseen else None
    print(
        f"server: {args.server} on {HOST}, {args.participants} participants polling every "
        f"{POLL_SECONDS} s; {args.editors} editing at {args.rate} edits/s in total"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(
        f"idle: {len(idle)} polls, p95 {_ms(p95_idle)} (target < {TARGETS['p95_ms_idle']}); "
        f"304s median {_ms(statistics.median(idle_304) if idle_304 else None)}; "
        f"static file p95 {_ms(percentile(floor_idle, 0.95))} ({len(floor_idle)} fetches)"
    )
    for n, ms in enumerate(single):
        shown = "not seen by all within 10 s" if ms is None else f"{ms * 1000:.0f} ms"
        print(f"single edit {n + 1}: seen by all {args.participants} participants after {shown}")
    if under:
        print(
            f"under edits: {len(result['edits'])} edits ({rate:.1f}/s), {len(under)} polls, "
            f"p95 {_ms(p95_under)} (target < {TARGETS['p95_ms_under_edits']}); "
            f"200s median {_ms(statistics.median(under_200) if under_200 else None)}; "
            f"static file p95 {_ms(percentile(floor_under, 0.95))} ({len(floor_under)} fetches)"
        )
        print(
            f"  seen by all: median {statistics.median(known or [0]):.2f} s, "
            f"max {max(known or [0]):.2f} s (target < {TARGETS['seen_max_s']}); "
            f"lost updates: {lost} ({unseen} never seen by all, {missing} not stored)"
        )
    print(f"errors: {result['errors']}")
    worst_single = None if None in single or not single else max(single)
    print(
        json.dumps(
            {
                "participants": args.participants,
                "editors": args.editors,
                "edits_per_s": round(rate, 2),
                "p95_ms_idle": _rounded(p95_idle),
                "p95_ms_under_edits": _rounded(p95_under),
                "seen_max_s": _rounded(seen_max, 2),
                "lost_updates": lost,
                "bare_p95_ms_idle": _rounded(percentile(floor_idle, 0.95)),
                "bare_p95_ms_under_edits": _rounded(percentile(floor_under, 0.95)),
                "errors": result["errors"],
                "results": [
                    {
                        "name": "poll not modified",
                        "p95_ms": _rounded(percentile(idle_304, 0.95)),
                        "count": len(idle_304),
                    },
                    {
                        "name": "edit seen by all",
                        "ms": None if worst_single is None else round(worst_single * 1000),
                    },
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
