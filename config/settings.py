"""Settings for the stance tracker, all taken from environment variables.

Every variable is listed, with its default, in ``.env.example``.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    env_bool,
    env_int,
    env_list,
    env_mailers,
    env_str,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_env_file(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (set DEBUG=1 for local use)."
        )
    # Debug mode only (refused above otherwise): a checkout runs without setup.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# Proxies in front of the app; 0 means X-Forwarded-For is not trusted, so a
# client cannot reset its anonymous throttle or its login lockout by forging
# that header.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# Anonymous visitors may read pages and the API unless this is switched off.
PUBLIC_READ = env_bool("PUBLIC_READ", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "accounts",
    "actors",
    "positions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that sets a cookie (the replica choice's too):
    # stores only responses that set none (config/lib/response_cache.py).
    "config.lib.response_cache.ResponseCacheMiddleware",
    # Where the request's reads go: the primary or one read replica.
    "config.lib.replicas.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Records who made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # RFC 9457 bodies for API errors, when the client asks for them.
    "config.lib.problems.ProblemDetailsMiddleware",
    # An empty query value on the API is a 400 naming it.
    "config.lib.rest.EmptyParameterMiddleware",
    # RateLimit-* headers from the API's throttles.
    "config.lib.throttling.RateLimitHeadersMiddleware",
    # Pages past their rate, and password posts past theirs, get a 429 here.
    "config.lib.throttling.PageRateLimitMiddleware",
    # Cached pages and their 304s: after the page rates, before the slots.
    "config.lib.response_cache.PageCacheMiddleware",
    # Expensive requests in flight: capped per client and per process.
    "config.lib.throttling.ExpensiveRequestMiddleware",
    # A lost database connection becomes a quick 503, not a hang or a trace.
    "config.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection of the login forms (web and admin).
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
# Per username and address, and per address across usernames (password
# spraying) with its own, higher limit: see config/lib/lockout.py.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "config.lib.lockout.AddressLimitHandler"
# The client's address as the API throttles see it (NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "config.lib.lockout.client_address"
AXES_RESET_ON_SUCCESS = True
# Failures are still logged (with username and address); this drops the banner.
AXES_VERBOSE = False
# Log the username and address of each failure (for audit), not masked.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.lib.past_pages.past_reading",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # While the database is down, fail a request within seconds instead of
    # waiting for the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DB_CONNECT_TIMEOUT", 3
    )
    # No statement may hold a connection and a worker longer than this (0:
    # no limit). config/wsgi.py sets it for web processes; migrations,
    # imports and backups run without it. Streamed exports fetch in chunks,
    # each its own statement.
    STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 0)
    if STATEMENT_TIMEOUT_MS:
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
        )

# The analyses' SQL planned once per connection (config/lib/prepared.py).
# Off behind a pooler that hands one client's statements to several server
# connections (PgBouncer in transaction mode), where a prepared statement
# may be missing.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", default=True)

# Read replicas (config/lib/replicas.py): streaming replicas of the primary,
# each a DATABASES alias "replica1", "replica2"… in the order given.
READ_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", default=[]), 1):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS needs a PostgreSQL primary (DATABASE_URL)."
        )
    _replica = dj_database_url.parse(
        _url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if not _replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URLS: replica {_number} is not a PostgreSQL URL."
        )
    _replica["OPTIONS"] = dict(DATABASES["default"]["OPTIONS"])
    # Under test a replica reads the primary's test database, streamed to
    # it: a replica cannot create one of its own.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    READ_REPLICAS.append(f"replica{_number}")
# Without replicas the router sends everything to the primary.
DATABASE_ROUTERS = ["config.lib.replicas.ReplicaRouter"]
# A replica further behind than this (seconds) is skipped until it catches up.
REPLICA_MAX_LAG = env_int("REPLICA_MAX_LAG", 2)
# How often each process checks each replica (seconds), and how long it
# waits for one to answer (libpq waits at least 2).
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 2)
REPLICA_CHECK_TIMEOUT = env_int("REPLICA_CHECK_TIMEOUT", 2)
# A client that wrote reads from the primary for this long (seconds).
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 5)
if READ_REPLICAS and REPLICA_STICKY_SECONDS <= REPLICA_MAX_LAG + REPLICA_CHECK_SECONDS:
    # Otherwise a writer could be sent back to a replica that has not yet
    # replayed the write.
    raise ImproperlyConfigured(
        "REPLICA_STICKY_SECONDS must be more than REPLICA_MAX_LAG + "
        "REPLICA_CHECK_SECONDS."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs collectstatic, which tests and `make run` do not do.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Outgoing mail, used only for password reset: EMAIL_URL such as
# smtp+tls://USER:PASSWORD@HOST:587. Without it the reset pages do not exist
# (404): nobody could receive the link anyway. MAILERS is defined only then:
# Django's checks refuse a MAILERS without a production-ready default.
_mailers = env_mailers("EMAIL_URL")
PASSWORD_RESET_ENABLED = bool(_mailers)
if _mailers:
    MAILERS = _mailers
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# Reset requests per client address, and mails per e-mail address.
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "5/hour")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns "no credentials" into 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.lib.rest.ReadOrModelPermission"],
    "DEFAULT_PAGINATION_CLASS": "config.lib.pagination.KeysetPagination",
    "DEFAULT_PARSER_CLASSES": [
        "config.lib.rest.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["config.lib.filtering.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.lib.throttling.AnonymousRateThrottle",
        "config.lib.rest.SignedInRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "120/minute"),
        "user": env_str("THROTTLE_USER", "1200/minute"),
        # Analyses and full exports: each may read much of the database.
        "anon_expensive": env_str("THROTTLE_ANON_EXPENSIVE", "20/minute"),
        "user_expensive": env_str("THROTTLE_USER_EXPENSIVE", "200/minute"),
        "anon_pages": env_str("THROTTLE_ANON_PAGES", "60/minute"),
        "user_pages": env_str("THROTTLE_USER_PAGES", "600/minute"),
        # Each password check costs about a second of hashing.
        "login": env_str("THROTTLE_LOGIN", "10/minute"),
    },
    "EXCEPTION_HANDLER": "config.lib.rest.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.lib.rest.StrictContentNegotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Stance tracker API",
    "DESCRIPTION": "Who holds which position on which proposal, since when, "
    "according to which source. Resolved stances, as-of snapshots, changes and "
    "gaps follow the rules printed with each endpoint.\n\n"
    "Rate limits, per client (by user when signed in, else by address): reads "
    f"{REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon']} anonymous, "
    f"{REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['user']} signed in; analyses and "
    f"CSV exports {REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon_expensive']} "
    f"anonymous, {REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['user_expensive']} "
    "signed in. Each response says where the tightest one stands "
    "(`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds); "
    "past it, 429 with `Retry-After`.\n\n"
    "Errors are Django REST framework's JSON (`detail`, or messages by field); "
    "with `Accept: application/problem+json`, RFC 9457 problem details "
    "(see the `Problem` schema for each `type`). Lists take `?count=true` and "
    "send `Link` headers beside `next` and `previous`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page are reads like any other: with PUBLIC_READ
    # off they are for logged-in users and token holders only (the default
    # would be AllowAny). Named by string: the class may move (config.lib).
    "SERVE_PERMISSIONS": ["config.lib.rest.ReadOrModelPermission"],
    "SERVE_AUTHENTICATION": REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.lib.schema.truthful_schema_hook",
        "config.lib.schema.public_reads_hook",
        "config.lib.snapshots.versioned_reads_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StanceEnum": "positions.models.Stance",
        # Import paths, read when the schema is built: the lists stay the models'.
        "ConfidenceEnum": "positions.models.CONFIDENCE_KEYS",
        "ActorKindEnum": "actors.models.Actor.Kind",
        "EventKindEnum": "positions.models.EventKind",
        "ChangeKindEnum": "positions.selectors.changes.CHANGE_KINDS",
    },
}


def _cache(url: str) -> dict:
    """CACHE_URL: locmem:// (one process), redis://host:port/db or db://table.

    Throttle counters live in this cache, so several gunicorn workers need a
    shared one (Redis or the database) for the rates to hold.
    """
    if url.startswith(("redis://", "rediss://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
        }
    if url.startswith("db://"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": url.removeprefix("db://") or "cache_table",
        }
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r}: use locmem://, redis://HOST:PORT/DB or db://TABLE."
    )


CACHES = {"default": _cache(env_str("CACHE_URL", "locmem://"))}
# Several sites (or test runs) may share one Redis database.
CACHES["default"]["KEY_PREFIX"] = env_str("CACHE_KEY_PREFIX", "")
# Anonymous reads answered from the cache, keyed on the data version
# (config/lib/response_cache.py). Off with a cache of one process: each
# worker would fill its own copy.
RESPONSE_CACHE = env_bool(
    "RESPONSE_CACHE",
    default=CACHES["default"]["BACKEND"].endswith(".RedisCache"),
)
# Entries of past versions are never read again; this bounds their memory.
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 3600)
RESPONSE_CACHE_MAX_BYTES = env_int("RESPONSE_CACHE_MAX_BYTES", 1024 * 1024)
# The pages of the positions list (by side, proposal and period, following
# next links) and single positions, asked for anonymously on PostgreSQL, read
# in one statement before Django's stack (positions/api/lean.py); off, Django
# answers them as every other request.
LEAN_READS = env_bool("LEAN_READS", default=True)
# The data version the edge in front of Django answers from (published on
# each commit) is read again from the primary this often: how long answers
# could lag if a process died between a commit and its publication.
RESPONSE_CACHE_VERSION_SECONDS = env_int("RESPONSE_CACHE_VERSION_SECONDS", 5)

# Production hardening: on unless DEBUG, each switchable for a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts only from our own files: no inline script can run, injected or not.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # Django admin and Swagger UI set style attributes; no script runs from them.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Requests that may read much of the database: analyses, exports, search and
# the negotiation pages. Each client may have EXPENSIVE_PER_CLIENT of them in
# flight, and each process EXPENSIVE_PER_PROCESS (keep it well under
# GUNICORN_THREADS, so plain requests always find a thread).
EXPENSIVE_PATHS = env_list(
    "EXPENSIVE_PATHS",
    default=[
        "/api/v1/stances/",
        "/api/v1/changes/",
        "/api/v1/timeline/",
        "/api/v1/gap/",
        "/api/v1/diff/",
        "/search/",
        "/negotiations/",
        "/changes/",
    ],
)
EXPENSIVE_PER_CLIENT = env_int("EXPENSIVE_PER_CLIENT", 2)
EXPENSIVE_PER_PROCESS = env_int("EXPENSIVE_PER_PROCESS", 3)
# Rows one bulk request may create: validating 1,000 takes about a second.
BULK_MAX_ROWS = env_int("BULK_MAX_ROWS", 1000)
# Requests larger than this (bulk JSON included) are refused with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The data version (config.lib.versions): its log and its one-row counter.
DATA_VERSION_MODEL = "positions.DataVersion"
DATA_VERSION_COUNTER_MODEL = "positions.DataVersionCounter"
# The name of the derivation rules of DESIGN.md (resolved stances, as-of,
# changes, gap): responses, releases and citations name it, so that a change
# of rules is never mistaken for a change of data. Change it with the rules.
RULES_VERSION = "2026-12"
# Releases (positions.Release): ?release=<slug> reads as of one, and their
# files are written once under RELEASES_ROOT/<slug>/.
RELEASE_MODEL = "positions.Release"
RELEASES_ROOT = BASE_DIR / env_str("RELEASES_ROOT", "releases")
# Who "Cite this" names as the author of the data set.
CITATION_AUTHOR = env_str("CITATION_AUTHOR", "Stance tracker contributors")
