"""Settings for the subsidy directory: one file, driven by environment variables.

Development needs nothing: SQLite in ``db.sqlite3`` and DEBUG on. Production sets ``DJANGO_DEBUG=0``
and must then provide ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

if not DEBUG and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "config.apps.AxesConfig",  # django-axes, named in Japanese (config/apps.py)
    "subsidies",
    "jgrants",
    "checklists",
    "comparisons",
    "assistant",
    "matching",
    "config.apps.TasksConfig",  # django-tasks-db, named in Japanese (config/apps.py)
    "alerts",
]
if DEBUG:
    # The data generator and the benchmark commands (generate_demo_data, run_benchmark): development only.
    INSTALLED_APPS.append("benchmarks")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    # Static files never reach what follows: whitenoise serves its own compressed copies.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTTP caching and compression (config/http_cache.py): compression outside the ETag, so the ETag is the
    # uncompressed body's (made weak when compressed) and If-None-Match still matches; the 304 is made outside
    # the CSP middleware, so it carries no policy header and the browser keeps the one stored with the body.
    "config.http_cache.CompressionMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "config.http_cache.HttpCachingMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the headers every page carries, before what a visitor without a session has no use for: answers
    # the views named in FAST_LANE_URL_NAMES (the detail page) for such a visitor.
    "config.fast_lane.FastLaneMiddleware",
    # After CSP (a stored page keeps the policy header it was rendered with), before the session and the rest:
    # a cached page for a visitor without a session is answered here (PAGE_CACHE_URL_NAMES).
    "config.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the site speaks one language (LANGUAGE_CODE is always the active one), and it would
    # add "Vary: Accept-Language" to every answer, which a CDN would have to key on for a choice that is not made.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# A strict policy on every page: no inline script or style; JSON-LD and any inline script carry the nonce
# ({{ csp_nonce }} from the csp context processor).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that asks the server only when the socket says it must.
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # Django turns psycopg's prepared statements off (prepare_threshold None); its own cursors never prepare
    # anyway (they merge the parameters into the query text). The backend's prepared_cursor() does, for the
    # detail page's row read. DATABASE_PREPARED_STATEMENTS=0 turns that off too, for a pooler that cannot keep
    # prepared statements (PgBouncer in transaction mode before 1.21).
    prepared = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0"
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5 if prepared else None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Django's own Redis backend when CACHE_URL is set (shared by every app server), else per-process memory.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hojo"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous GETs of these pages are served from the cache for this many seconds (0 = off). Only with a
# shared cache: per-process memory would let app servers disagree. The detail page is not here: it counts views.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60" if CACHE_URL else "0"))
PAGE_CACHE_URL_NAMES = [
    "subsidies:home",
    "subsidies:list",
    "subsidies:region",
    "subsidies:purpose",
    # GET pages of the feature apps that read only their query string (no session, no form that posts).
    "comparisons:compare",
    "checklists:checklist",
    "matching:match",
]

# HTTP caching of anonymous GET pages (config/http_cache.py; the table and its reasons: subsidies/README.md,
# "DESIGN notes: HTTP caching"): seconds per view name. max-age + stale-while-revalidate always end by the next
# JST midnight, and by the page's own expiry where the view states one (the detail page). The detail page's
# s-maxage=0 makes shared caches (a CDN) revalidate every view, so each reaches the site and is counted.
_minute, _hour, _day = 60, 60 * 60, 24 * 60 * 60
HTTP_CACHE_POLICIES = {
    "subsidies:home": {"max_age": _minute, "stale_while_revalidate": 4 * _minute},
    "subsidies:list": {"max_age": _minute, "stale_while_revalidate": 4 * _minute},
    "subsidies:region": {"max_age": _minute, "stale_while_revalidate": 4 * _minute},
    "subsidies:purpose": {"max_age": _minute, "stale_while_revalidate": 4 * _minute},
    "subsidies:detail": {"max_age": 5 * _minute, "stale_while_revalidate": 5 * _minute, "s_maxage": 0},
    "subsidies:deadline_ics": {"max_age": _hour, "stale_while_revalidate": _hour},
    "subsidies:feed": {"max_age": 10 * _minute, "stale_while_revalidate": _hour},
    "subsidies:robots": {"max_age": _day, "stale_while_revalidate": _day},
    "sitemap": {"max_age": _hour, "stale_while_revalidate": _day},
    "about": {"max_age": 10 * _minute, "stale_while_revalidate": _hour},
    "disclaimer": {"max_age": _day, "stale_while_revalidate": _day},
    "checklists:checklist": {"max_age": 5 * _minute, "stale_while_revalidate": 5 * _minute},
    "comparisons:compare": {"max_age": 5 * _minute, "stale_while_revalidate": 5 * _minute},
    "assistant:ask": {"max_age": 5 * _minute, "stale_while_revalidate": 5 * _minute},
    "matching:match": {"max_age": _minute, "stale_while_revalidate": 4 * _minute},
    "matching:verdict": {"max_age": 5 * _minute, "stale_while_revalidate": 5 * _minute},
}

# Views answered for a visitor without a session before the session, CSRF and auth middleware
# (config.fast_lane.FastLaneMiddleware): they read nothing of those and render no form that posts.
FAST_LANE_URL_NAMES = ["subsidies:detail"]

# A keyword's matching listings are kept in the shared cache, per content version, so that only one app process
# pays for a common query (subsidies/listing_index.py). Per-process memory keeps them anyway.
LISTING_KEYWORDS_IN_CACHE = env_bool("LISTING_KEYWORDS_IN_CACHE", bool(CACHE_URL))

# Sessions live in the database, read through the cache: nothing on an app server's disk.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Security. Production (DEBUG off) defaults to the strict choice; each can be relaxed by the environment.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a TLS-terminating proxy, set DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https — only if the
# proxy always sets (and overwrites) that header; otherwise clients could claim HTTPS.
if proxy_header := env_list("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(proxy_header)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Browser features no page uses, switched off (config.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Login throttling (django-axes): 5 failures for one username from one IP address lock that pair for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The client's address: REMOTE_ADDR, or behind N trusted proxies the Nth address from the right of
# X-Forwarded-For (DJANGO_TRUSTED_PROXY_COUNT=N); see config.middleware.client_ip.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
AXES_USERNAME_CALLABLE = "config.middleware.login_username"
AXES_USERNAME_FORM_FIELD = "username"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
# Japanese for what Django's own catalog and the third-party apps lack (compile with `make messages`).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Files the site keeps (jGrants 公募要領 PDFs): served by the web server, not by Django.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Lossless dumps for backups and moves: ``dumpdata --format exact-json`` (see config/exact_json.py).
SERIALIZATION_MODULES = {"exact-json": "config.exact_json"}

# The public site's address, for absolute URLs (canonical, OpenGraph, JSON-LD, the .ics file). Production must set
# it: the check subsidies.E001 refuses to run without it rather than point every link at the development server.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

# Background work (django.tasks): jobs are rows in the database, run by `manage.py alerts_worker` (any machine
# that reaches the database), so a queued mail survives a restart.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Mail (Django's MAILERS). DJANGO_EMAIL_HOST set: SMTP with the settings below. Unset: the console in development
# (mail is printed), SMTP on localhost:25 in production.
_email_host = os.environ.get("DJANGO_EMAIL_HOST", "")
if DEBUG and not _email_host:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host or "localhost",
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
                "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", False),
                "timeout": int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30")),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "補助金ディレクトリ <alerts@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# E-mail alerts (alerts/README.md): the JST hour of the daily digest, how long a confirmation link lives, how
# long a daily run may stay silent before another worker takes it over, and the client's address for the
# per-client rate limit (the same rule as the login throttle).
ALERTS_SEND_HOUR = int(os.environ.get("ALERTS_SEND_HOUR", "7"))
ALERTS_CONFIRM_MAX_AGE = int(os.environ.get("ALERTS_CONFIRM_MAX_AGE", str(48 * 3600)))
ALERTS_LEASE_SECONDS = int(os.environ.get("ALERTS_LEASE_SECONDS", "300"))
ALERTS_CLIENT_IP_CALLABLE = "config.middleware.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
