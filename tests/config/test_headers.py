"""Every response carries the full set of security headers; the policy allows no inline or eval'd code."""

import pytest
from django.urls import reverse

from tests.security.public_urls import existing_public_urls


@pytest.fixture
def production_headers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.django_db
def test_a_page_served_over_https_carries_the_whole_header_set(client, demo_data, production_headers):
    response = client.get(reverse("subsidies:list"), secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Permissions-Policy"] == (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        "payment=(), usb=()"
    )
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_in_production(client, production_headers):
    response = client.get("/subsidies/?page=2")
    assert response.status_code == 301
    assert response.url == "https://testserver/subsidies/?page=2"


@pytest.mark.django_db
def test_every_public_page_has_a_strict_content_security_policy(client, demo_data):
    for url in existing_public_urls():
        response = client.get(url)
        assert response.status_code < 500, url
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, url
        assert "'unsafe-" not in policy, url
        assert response.headers["Permissions-Policy"].startswith("accelerometer=()"), url


@pytest.mark.django_db
def test_an_inline_script_on_a_page_carries_the_nonce_the_header_allows(client, demo_data):
    response = client.get(reverse("subsidies:detail", args=[155678]))
    policy = response.headers["Content-Security-Policy"]
    for chunk in response.text.split("<script")[1:]:
        opening = chunk.split(">", 1)[0]
        if "src=" in opening:
            continue
        nonce = opening.split('nonce="', 1)[1].split('"', 1)[0]
        assert f"'nonce-{nonce}'" in policy


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_httponly_and_samesite_in_production(
    client, settings, django_user_model
):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get(reverse("admin:login"), secure=True)
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    django_user_model.objects.create_user("staff3", password="pw", is_staff=True)
    login = client.post(reverse("admin:login"), {"username": "staff3", "password": "pw"}, secure=True)
    assert login.status_code == 302
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
