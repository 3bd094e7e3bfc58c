"""Every test gets an organisation with an admin, a leader and a rep, and an outsider."""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from icp_site.models import Membership, Organization, Role
from portfolio.frames import cache as frame_cache
from portfolio.frames import snapshot
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory

# These machines are shared and noisy: a per-example deadline only makes tests flaky.
# "dev" explores new examples on every run and replays the failures it stored in .hypothesis/;
# "ci" (CI=true, and `./dev mutate`) draws the same examples every time and stores none, so a
# red run means the code changed, never the draw. HYPOTHESIS_PROFILE picks one by name.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)

# Fixtures that reach the database; a test using one is not a fast test.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--fast",
        action="store_true",
        help="run only the fast tests: those that need neither the database nor a browser",
    )


@dataclass
class Team:
    organization: Organization
    admin: Membership
    leader: Membership
    rep: Membership
    outsider: Membership  # an admin of another organisation

    def client(self, who: str, **kwargs) -> Client:
        """A client signed in as `who` (admin, leader, rep or outsider)."""
        client = Client(**kwargs)
        client.force_login(getattr(self, who).user)
        return client


@pytest.fixture
def team(db) -> Team:
    org = OrganizationFactory(name="Acme AB", slug="acme")
    return Team(
        organization=org,
        admin=MembershipFactory(organization=org, role=Role.ADMIN, user__name="Ada Admin"),
        leader=MembershipFactory(organization=org, role=Role.LEADER, user__name="Leo Leader"),
        rep=MembershipFactory(organization=org, role=Role.REP, user__name="Rita Rep"),
        outsider=MembershipFactory(
            organization=OrganizationFactory(name="Other GmbH", slug="other"), role=Role.ADMIN
        ),
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


def _needs_database_or_browser(item) -> bool:
    uses = set(getattr(item, "fixturenames", ()))
    markers = {"browser", "django_db"}
    return bool(uses & DATABASE_FIXTURES) or any(item.get_closest_marker(m) for m in markers)


def pytest_collection_modifyitems(config, items):
    if config.getoption("--fast"):
        slow = [item for item in items if _needs_database_or_browser(item)]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if not _needs_database_or_browser(item)]
    # Browser tests need Debian's Chromium; without it they are skipped (CI installs it).
    if os.path.exists("/usr/bin/chromium"):
        return
    skip = pytest.mark.skip(reason="/usr/bin/chromium is not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (no browser download)."""
    # Playwright's sync API runs an event loop; the ORM calls in the test itself are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a fresh browser context (one participant) and return a page factory."""
    contexts = []

    def open_page():
        context = chromium.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the login form."""
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Sign in')")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    # Tasks run inline in tests; a test of the worker itself sets the database backend.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def default_language():
    # A request leaves its language active in the thread; start every test in English.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_frame_cache():
    # Datasets' frames are cached in the process: no test sees another test's frames.
    frame_cache.clear()
    snapshot.forget()
    yield
    frame_cache.clear()
    snapshot.forget()


@pytest.fixture(autouse=True, scope="session")
def shared_files(tmp_path_factory):
    # Snapshots and exports of a test run live in its own folder (the database is the test's).
    with override_settings(FILES_DIR=tmp_path_factory.mktemp("files")):
        yield
