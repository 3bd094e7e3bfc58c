"""The ground rules: PostgreSQL, migrations, deployment settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from icp_site.env import database_from_url, env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_tests_run_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "icp.example.com",
        "HTTPS": "true",
        "EMAIL_HOST": "smtp.example.com",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_is_parsed_into_django_settings():
    db = database_from_url("postgres://icp:s%40cret@db:5433/icp?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "icp",
        "s@cret",
        "db",
        "5433",
        "icp",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_a_unix_socket_database_url_keeps_its_socket_folder():
    db = database_from_url("postgresql://postgres:@/icp?host=/tmp/pg")
    assert db["HOST"] == "/tmp/pg"
    assert db["OPTIONS"] == {}


def test_sqlite_urls_are_refused():
    with pytest.raises(ImproperlyConfigured, match="postgres"):
        database_from_url("sqlite:///db.sqlite3")


def test_bad_booleans_and_numbers_fail_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25)


def test_static_files_point_at_no_server_the_browser_would_fetch():
    # Namespaces and links shown in messages are text; hosts a library would request are not.
    fetchable = ("cdn.plot.ly", "cloud.plotly.com", "cdn.jsdelivr", "unpkg.com", "googleapis")
    static = ROOT / "static"
    for path in static.rglob("*"):
        if path.suffix in (".js", ".css", ".html"):
            text = path.read_text(encoding="utf-8")
            assert not [host for host in fetchable if host in text], path
