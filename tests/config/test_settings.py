"""Settings come from the environment only; production refuses to start without what it needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7Gq2-production-test-key-0123456789-abcdefghijklmnopqrstuvw",
    "DJANGO_ALLOWED_HOSTS": "hojo.example.jp",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hojo_prod",
    "SITE_URL": "https://hojo.example.jp",
}


def load_settings(env: dict, code: str = "") -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly ``env`` (plus PATH), then run ``code``."""
    script = f"import config.settings as s\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "")} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off."),
        ("DATABASE_URL", "DATABASE_URL must be set when DJANGO_DEBUG is off."),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    result = load_settings({k: v for k, v in PRODUCTION.items() if k != missing})
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_production_starts_with_all_three_and_is_strict_by_default():
    result = load_settings(
        PRODUCTION,
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "31536000", "True", "True", "True"]


def test_ssl_redirect_hsts_and_proxy_header_are_set_by_the_environment():
    result = load_settings(
        PRODUCTION
        | {
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "600",
            "DJANGO_SECURE_HSTS_PRELOAD": "0",
            "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hojo.example.jp,https://www.hojo.example.jp",
        },
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, sep='|')",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "False",
        "600",
        "False",
        "False",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "['https://hojo.example.jp', 'https://www.hojo.example.jp']",
    ]


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "")} | PRODUCTION,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def manage_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "")} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_site_url_fails_the_system_check():
    result = manage_check({k: v for k, v in PRODUCTION.items() if k != "SITE_URL"})
    assert result.returncode != 0
    assert "subsidies.E001" in result.stderr
    assert "SITE_URL must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    "site_url", ["hojo.example.jp", "ftp://hojo.example.jp", "https://hojo.example.jp/app"]
)
def test_a_site_url_that_is_not_a_bare_http_address_fails_the_system_check(site_url):
    result = manage_check(PRODUCTION | {"SITE_URL": site_url})
    assert result.returncode != 0
    assert "subsidies.E002" in result.stderr


def test_development_has_a_site_url_default_and_production_has_none():
    assert load_settings({}, "print(s.SITE_URL)").stdout.strip() == "http://127.0.0.1:8000"
    production = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    assert load_settings(production, "print(repr(s.SITE_URL))").stdout.strip() == "''"
    assert load_settings(PRODUCTION, "print(s.SITE_URL)").stdout.strip() == "https://hojo.example.jp"


def test_the_benchmarks_app_is_installed_in_development_only():
    code = "print('benchmarks' in s.INSTALLED_APPS)"
    assert load_settings({}, code).stdout.strip() == "True"
    assert load_settings(PRODUCTION, code).stdout.strip() == "False"


@pytest.mark.parametrize(
    ("cache_url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/2", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_the_cache_backend_is_chosen_by_cache_url(cache_url, backend):
    env = {"CACHE_URL": cache_url} if cache_url else {}
    result = load_settings(
        env, "c = s.CACHES['default']; print(c['BACKEND'], c.get('LOCATION', ''), s.PAGE_CACHE_SECONDS)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == backend
    if cache_url:
        assert result.stdout.split()[1:] == [cache_url, "60"]
    else:
        assert result.stdout.split()[1:] == ["0"]


def test_a_cache_url_that_is_not_redis_is_refused():
    result = load_settings({"CACHE_URL": "memcached://127.0.0.1:11211"})
    assert "CACHE_URL must be a redis://, rediss:// or unix:// URL." in result.stderr


def test_sessions_are_kept_in_the_database_not_on_an_app_servers_disk():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_a_login_session_lives_in_the_database(django_user_model):
    from django.contrib.sessions.models import Session

    user = django_user_model.objects.create_user("staff2", password="pw", is_staff=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert session.get_decoded()["_auth_user_id"] == str(user.pk)


def test_postgresql_uses_the_site_backend():
    code = "print(s.DATABASES['default']['ENGINE'])"
    assert load_settings(PRODUCTION, code).stdout.strip() == "config.postgresql"


def test_sqlite_keeps_django_s_own_backend():
    code = "print(s.DATABASES['default']['ENGINE'])"
    assert (
        load_settings({"DATABASE_URL": "sqlite:///tmp.sqlite3"}, code).stdout.strip()
        == "django.db.backends.sqlite3"
    )


@pytest.mark.parametrize(
    ("switch", "threshold"), [({}, "5"), ({"DATABASE_PREPARED_STATEMENTS": "0"}, "None")]
)
def test_prepared_statements_can_be_switched_off_for_a_pooler(switch, threshold):
    code = "print(s.DATABASES['default']['OPTIONS'].get('prepare_threshold', 'absent'))"
    assert load_settings(PRODUCTION | switch, code).stdout.strip() == threshold
