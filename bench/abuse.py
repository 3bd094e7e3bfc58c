"""Abuse under load: 20 clients mixing reads, edits and attacks against gunicorn for 60 s.

    .venv/bin/python bench/abuse.py [--clients 20] [--seconds 60]

Starts gunicorn on 127.0.0.1 (3 sync workers, as docker compose runs it, behind a pretend
proxy: each client sends its own X-Forwarded-For, so sign-in throttling counts per client)
against the local database, with two throwaway organisations. Each client loops over a mix:

- reads: home, workshops, step 4, members, the current profile, the API (with its token);
- edits: a leader saves cells of the company table (its own row) and creates workshops
  (each with its own one-time form token, and every third one sent twice);
- attacks: wrong passwords, another organisation's workshop and API version, a rep posting an
  editing view, forged tokens, a 3 MB body, deeply nested and huge-number JSON, a review
  dated 0001-01-01, formula payloads as titles.

Prints requests, answers by class, 5xx (goal 0), unexpected answers (an attack that got in),
p50/p95 latency, and rows lost (acknowledged writes missing from the database, goal 0), then
one JSON object as the last line. Deletes both organisations afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.live import HOST, free_port, make_workshop, session_cookie, start_server  # noqa: E402
from icp_site.models import Membership, Organization, User  # noqa: E402
from icp_site.tokens.services import api_token_create  # noqa: E402
from profiles.models import ProfileRow, Workshop, organization_deletion  # noqa: E402
from profiles.versions.services import (  # noqa: E402
    profile_version_publish,
    profile_version_save,
)
from profiles.workshop.tables import services as table_services  # noqa: E402

FORMULAS = ["=1+1", '＝HYPERLINK("x")', " +cmd|' /C calc'!A0", "\t@SUM(A1)"]


class Client(threading.Thread):
    def __init__(self, number, port, plan, stop, results):
        super().__init__(daemon=True)
        self.number, self.port, self.plan, self.stop, self.results = (
            number,
            port,
            plan,
            stop,
            results,
        )
        self.rng = random.Random(number)
        self.address = f"10.{number // 250}.{number % 250}.7"
        self.conn = None
        self.csrf = uuid.uuid4().hex + uuid.uuid4().hex[:32]

    # ------------------------------------------------------------------ plumbing

    def send(self, method, path, body=None, headers=None, expect=None, kind="read", signed_in=True):
        session = f"{self.plan['cookie']}; " if signed_in else ""
        headers = {
            "X-Forwarded-For": self.address,
            "Cookie": f"{session}csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            **(headers or {}),
        }
        if isinstance(body, dict):
            body = urlencode(body, doseq=True)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        started = time.perf_counter()
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                answer = self.conn.getresponse()
                data = answer.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt:
                    self.results.record(kind, 0, 0.0, expected=False, path=path)
                    return None, b""
        elapsed = (time.perf_counter() - started) * 1000
        ok = expect is None or answer.status in expect
        self.results.record(kind, answer.status, elapsed, expected=ok, path=path)
        return answer, data

    # ------------------------------------------------------------------ the mix

    def run(self):
        actions = [self.reads] * 5 + [self.edits] * 3 + [self.attacks] * 2
        while not self.stop.is_set():
            self.rng.choice(actions)()

    def reads(self):
        plan = self.plan
        for path in ("/", "/workshops/", f"/workshops/{plan['workshop']}/step/4/", "/members/"):
            self.send("GET", path, expect={200})
        self.send("GET", "/profile/", expect={200})
        self.send(
            "GET",
            "/api/profile/current",
            headers={"Authorization": f"Bearer {plan['token']}"},
            expect={200, 404, 429},
        )

    def edits(self):
        plan = self.plan
        if plan["role"] == "leader":
            row = plan["row"]
            value = str(self.rng.randint(1, 10_000))
            answer, _data = self.send(
                "POST",
                f"/workshops/{plan['workshop']}/table/company/row/{row}/cell/employees/",
                {"value": value, "version": plan["versions"].get(row, 0)},
                headers={"HX-Request": "true"},
                expect={200, 409},
                kind="edit",
            )
            if answer is not None and answer.status == 200:
                plan["versions"][row] = plan["versions"].get(row, 0) + 1
                self.results.cell_saved(row, value)
            elif answer is not None and answer.status == 409:
                plan["versions"][row] = ProfileRow.objects.get(pk=row).cell_version("employees")
            token = uuid.uuid4().hex
            title = f"abuse-{self.number}-{token[:8]}"
            form = {
                "title": title,
                "date": "2031-01-01",
                "dataset": plan["dataset"],
                "submit_token": token,
            }
            for _repeat in range(2 if self.rng.random() < 0.33 else 1):
                answer, _data = self.send(
                    "POST", "/workshops/new/", form, expect={302}, kind="edit"
                )
            if answer is not None and answer.status == 302:
                self.results.workshop_created(title)
        else:
            self.send(
                "POST",
                "/api/fit-check",
                json.dumps({"attributes": {"industry": "IT", "employees": 35}}),
                headers={
                    "Authorization": f"Bearer {plan['token']}",
                    "Content-Type": "application/json",
                },
                expect={200, 404, 429},
                kind="edit",
            )

    def attacks(self):
        plan, rng = self.plan, self.rng
        attack = rng.randrange(9)
        bearer = {"Authorization": f"Bearer {plan['token']}", "Content-Type": "application/json"}
        if attack == 0:
            answer, _data = self.send(
                "POST",
                "/accounts/login/",
                {"username": f"victim{rng.randrange(5)}@example.invalid", "password": "guess"},
                expect={200, 429},
                kind="attack",
                signed_in=False,
            )
        elif attack == 1:
            self.send("GET", plan["foreign_workshop"], expect={404}, kind="attack")
        elif attack == 2:
            self.send(
                "GET", plan["foreign_version"], headers=bearer, expect={404, 429}, kind="attack"
            )
        elif attack == 3:
            self.send(
                "GET",
                "/api/profile/current",
                headers={"Authorization": f"Bearer icp_{uuid.uuid4().hex}"},
                expect={401, 429},
                kind="attack",
            )
        elif attack == 4:
            body = json.dumps({"attributes": {"facts": "x" * (3 * 1024 * 1024)}})
            self.send("POST", "/api/fit-check", body, bearer, expect={413, 429}, kind="attack")
        elif attack == 5:
            body = '{"attributes": ' + "[" * 50_000 + "]" * 50_000 + "}"
            self.send("POST", "/api/fit-check", body, bearer, expect={400, 429}, kind="attack")
        elif attack == 6:
            body = '{"attributes": {"employees": ' + "9" * 500 + "}}"
            self.send("POST", "/api/fit-check", body, bearer, expect={400, 429}, kind="attack")
        elif attack == 7:
            expected = {400} if plan["role"] == "admin" else {403}
            self.send(
                "POST",
                "/reviews/new/",
                {"date": "0001-01-01", "attendees": plan["user"], "reminder_offsets": "1"},
                expect=expected,
                kind="attack",
            )
        else:
            expected = {302} if plan["role"] == "leader" else {403}
            self.send(
                "POST",
                "/workshops/new/",
                {"title": rng.choice(FORMULAS), "date": "2031-01-01", "dataset": plan["dataset"]},
                expect=expected,
                kind="attack",
            )


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.unexpected: Counter[str] = Counter()
        self.server_errors: Counter[str] = Counter()
        self.cells: dict[int, str] = {}
        self.titles: list[str] = []

    def record(self, kind, status, elapsed, *, expected, path):
        with self.lock:
            self.kinds[kind] += 1
            self.statuses[f"{status // 100}xx" if status else "failed"] += 1
            if status:
                self.latencies.append(elapsed)
            if status >= 500 or not status:
                self.server_errors[path.split("?")[0][:60]] += 1
            elif not expected:
                self.unexpected[f"{kind} {path[:50]} -> {status}"] += 1

    def cell_saved(self, row, value):
        with self.lock:
            self.cells[row] = value

    def workshop_created(self, title):
        with self.lock:
            self.titles.append(title)


def set_up(clients: int):
    suffix = uuid.uuid4().hex[:8]
    org = Organization.objects.create(name=f"Bench abuse {suffix}", slug=f"bench-abuse-{suffix}")
    other = Organization.objects.create(name=f"Bench other {suffix}", slug=f"bench-other-{suffix}")
    users = [
        User.objects.create_user(f"abuse-{suffix}-{n}@example.invalid", None, name=f"A{n}")
        for n in range(clients)
    ]
    workshop, _row = make_workshop(org, users)  # every user a leader of `org`
    roles = ["admin", "rep"] + ["leader"] * (clients - 2)
    for user, role in zip(users, roles, strict=True):
        Membership.objects.filter(organization=org, user=user).update(role=role)
    rows = table_services.profile_rows_sync(workshop=workshop, table="company")
    stranger = User.objects.create_user(f"abuse-{suffix}-x@example.invalid", None, name="X")
    foreign, _ = make_workshop(other, [stranger])
    criteria = [
        {"segment": "do-or-die", "attribute": "industry", "operator": "in", "value": ["IT"]},
        {"segment": "do-not", "attribute": "employees", "operator": "lt", "value": 10},
    ]
    # The other organisation has a v2 the bench organisation lacks: asking for it must be 404.
    for shop, author in ((workshop, users[0]), (foreign, stranger), (foreign, stranger)):
        version = profile_version_save(
            workshop=shop, user=author, note="bench", content={"criteria": criteria}
        )
        profile_version_publish(version=version, user=author)
    plans = []
    for number, (user, role) in enumerate(zip(users, roles, strict=True)):
        _token, secret = api_token_create(
            membership=Membership.objects.get(organization=org, user=user), name="bench"
        )
        plans.append(
            {
                "cookie": session_cookie(user),
                "role": role,
                "user": user.pk,
                "token": secret,
                "workshop": workshop.pk,
                "dataset": workshop.dataset_id,
                "row": rows[number % len(rows)].pk,
                "versions": {},
                "foreign_workshop": f"/workshops/{foreign.pk}/step/4/",
                "foreign_version": "/api/profile/versions/2",
            }
        )
    return org, other, [*users, stranger], plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    org, other, users, plans = set_up(args.clients)
    server = None
    results = Results()
    try:
        port = free_port()
        server = start_server("gunicorn", port, extra_env={"BEHIND_PROXY": "true"})
        stop = threading.Event()
        clients = [Client(n, port, plan, stop, results) for n, plan in enumerate(plans)]
        started = time.monotonic()
        for client in clients:
            client.start()
        time.sleep(args.seconds)
        stop.set()
        for client in clients:
            client.join(60)
        duration = time.monotonic() - started
        lost = rows_lost(org, results)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        for organization in (org, other):
            with organization_deletion():
                organization.delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()
    report(args, results, duration, lost)


def rows_lost(org, results: Results) -> int:
    """Acknowledged writes that are not in the database."""
    titles = set(Workshop.objects.filter(organization=org).values_list("title", flat=True))
    lost = sum(title not in titles for title in results.titles)
    for row, value in results.cells.items():
        stored = ProfileRow.objects.get(pk=row).values.get("employees")
        lost += str(stored) != value
    return lost


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(args, results: Results, duration: float, lost: int) -> None:
    total = sum(results.kinds.values())
    errors = sum(results.server_errors.values())
    unexpected = sum(results.unexpected.values())
    p50, p95 = percentile(results.latencies, 0.5), percentile(results.latencies, 0.95)
    print(f"abuse: {args.clients} clients for {duration:.0f} s against gunicorn (3 workers)")
    print(f"{'requests':<24}{total:>10}   ({total / duration:.0f}/s)")
    for kind in ("read", "edit", "attack"):
        print(f"{'  ' + kind + 's':<24}{results.kinds[kind]:>10}")
    for status in sorted(results.statuses):
        print(f"{'  answers ' + status:<24}{results.statuses[status]:>10}")
    print(f"{'5xx or no answer':<24}{errors:>10}   (goal 0)")
    for path, count in results.server_errors.most_common(5):
        print(f"    {count:>5}  {path}")
    print(f"{'unexpected answers':<24}{unexpected:>10}   (an attack let through, goal 0)")
    for what, count in results.unexpected.most_common(8):
        print(f"    {count:>5}  {what}")
    print(f"{'latency p50 / p95':<24}{p50:>7.0f} ms / {p95:.0f} ms")
    print(f"{'workshops created':<24}{len(results.titles):>10}")
    print(f"{'rows lost':<24}{lost:>10}   (goal 0)")
    summary = {
        "clients": args.clients,
        "seconds": round(duration, 1),
        "requests": total,
        "by_kind": dict(results.kinds),
        "by_status": dict(results.statuses),
        "server_errors": errors,
        "unexpected": unexpected,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "workshops_created": len(results.titles),
        "rows_lost": lost,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
