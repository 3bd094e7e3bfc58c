"""A browser crawl that runs axe-core on every page a member can reach.

The crawl starts at a page and follows every same-site link and every GET form (with the
values the form shows), so a new page is covered as soon as something links to it. Pages are
told apart by their URL pattern, not their address: the second customer's page or the third
page of a list add nothing. Arguments that choose another template (a workshop's step number,
a table's name) are kept; object ids are not.

axe-core is vendored under ``vendor/`` (the npm package, MPL-2.0, see its LICENSE) and only
ever injected into pages by the tests; the app does not serve it.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# The WCAG 2.1 A and AA rules, as in the audit of issue 23. label-content-name-mismatch is
# one of them but axe ships it switched off ("experimental"); the audit found it, so it is on.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}
BLOCKING = {"critical", "serious"}

# Object ids in a URL do not change which page it is; every other argument does.
ID_ARGUMENTS = {"pk", "row", "delivery", "secret", "uidb64", "token"}
# Not pages: files, the API, the static files, signing out (a POST anyway).
NOT_PAGES = ("/static/", "/api/", "/media/")

RUN_AXE = """
async ([tags, rules]) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: rules,
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    summary: v.nodes.length ? v.nodes[0].failureSummary : "",
  }));
}
"""

LINKS = """
() => {
  const found = [];
  document.querySelectorAll("a[href]").forEach((a) => found.push(a.href));
  document.querySelectorAll("form").forEach((form) => {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    const url = new URL(form.action || location.href);
    new FormData(form).forEach((value, name) => {
      if (typeof value === "string") url.searchParams.append(name, value);
    });
    found.push(url.href);
  });
  return found;
}
"""

# Charts are drawn by plotly after load and panels arrive by htmx: axe must see the page as a
# person does, once both are done.
SETTLED = """
() => Array.from(document.querySelectorAll("[data-chart]"))
  .every((el) => el.querySelector(".main-svg") || el.textContent.trim())
  && !document.querySelector(".htmx-request")
"""


# Every chart: no Tab stop inside it (plotly's mode bar), a summary in words it is described
# by, and a link to a data table that is on the page.
CHART_CHECK = """
() => Array.from(document.querySelectorAll("[data-chart]")).flatMap((chart) => {
  const id = chart.getAttribute("data-chart");
  const problems = [];
  const stops = chart.querySelectorAll("a[href], button, input, select, [tabindex]");
  if (chart.querySelector(".modebar") || stops.length) problems.push(id + ": controls inside");
  const summary = document.getElementById(chart.getAttribute("aria-describedby") || "");
  if (!summary || summary.textContent.trim().length < 20) problems.push(id + ": no summary");
  const link = summary && summary.querySelector("a[href^='#']");
  if (!link || !document.getElementById(link.getAttribute("href").slice(1))) {
    problems.push(id + ": no data table");
  }
  return problems;
})
"""


@dataclass
class PageResult:
    key: str
    url: str
    violations: list[dict] = field(default_factory=list)
    chart_problems: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in BLOCKING]


def page_key(path: str) -> str | None:
    """The URL pattern a path belongs to with its template-choosing arguments, or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if not match.url_name:
        return None
    kept = sorted((k, v) for k, v in match.kwargs.items() if k not in ID_ARGUMENTS)
    return match.url_name + "".join(f" {k}={v}" for k, v in kept)


def inject_axe(page) -> None:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))


def audit(page) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now."""
    inject_axe(page)
    return page.evaluate(RUN_AXE, [TAGS, EXTRA_RULES])


def audit_here(page, key: str) -> PageResult:
    """Audit the page as it is once its charts and htmx panels are in."""
    _settle(page)
    return PageResult(
        key=key, url=page.url, violations=audit(page), chart_problems=page.evaluate(CHART_CHECK)
    )


def _settle(page) -> None:
    # A chart that never draws is for axe to report, not for the crawl to stop at.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(SETTLED, timeout=5_000)


def crawl(
    page,
    base_url: str,
    start: Iterable[str],
    *,
    skip: Iterable[str] = (),
    limit: int = 120,
) -> dict[str, PageResult]:
    """Visit every page reachable from `start` once per page key and audit it."""
    site = urlsplit(base_url)
    origin = (site.scheme, site.netloc)
    skipped = set(skip)
    queue = deque(start)
    seen: set[str] = set()
    results: dict[str, PageResult] = {}
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc and (parts.scheme, parts.netloc) != origin:
            continue
        if parts.path.startswith(NOT_PAGES):
            continue
        key = page_key(parts.path)
        if key is None or key in seen or key.split(" ")[0] in skipped:
            continue
        seen.add(key)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (an export, an .ics): not a page
            raise
        html = response is not None and response.headers.get("content-type", "")
        if not html or response.status != 200 or not html.startswith("text/html"):
            continue  # a POST-only view, a page this member may not see, JSON
        landed = page_key(urlsplit(page.url).path)
        if landed != key and landed in results:
            continue  # redirected to a page already audited
        results[landed or key] = audit_here(page, landed or key)
        assert len(results) <= limit, f"the crawl found more than {limit} pages: {sorted(results)}"
        queue.extend(page.evaluate(LINKS))
    return results
