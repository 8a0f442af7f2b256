"""Security headers on every page, CSRF on, and a production configuration that passes
`manage.py check --deploy` with nothing but the documented environment variables."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

from marketplace.settings import BASE_DIR

# (/admin/login/ only redirects to /akun/login/: tests/marketplace/test_login_rate_limits.py)
HTML_PAGES = ["/", "/akun/login/", "/akun/signup/"]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_carry_the_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_hsts_is_sent_on_https_only():
    if django_settings.DEBUG:
        pytest.skip("HSTS is a production setting; run the tests with DEBUG=0 (as `make test` does)")
    client = Client()

    secure = client.get("/", secure=True)
    plain = client.get("/")

    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain


@pytest.mark.django_db
def test_login_post_without_csrf_token_is_forbidden(user_factory):
    user_factory(username="andi")
    client = Client(enforce_csrf_checks=True)

    response = client.post("/akun/login/", {"login": "andi", "password": "lapak12345"})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_post_with_csrf_token_is_accepted(user_factory):
    user_factory(username="andi")
    client = Client(enforce_csrf_checks=True)
    client.get("/akun/login/")
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value

    response = client.post(
        "/akun/login/", {"login": "andi", "password": "lapak12345", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def deploy_check(**extra_env: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        # Only the documented production variables: nothing that loosens a secure default.
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="lapak.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL", ""),
        REDIS_URL=os.environ.get("REDIS_URL", ""),
    )
    # Production takes payments through the real gateway (without its key, a deploy error).
    env.update(MIDTRANS_SERVER_KEY="SB-Mid-server-example", MIDTRANS_CLIENT_KEY="SB-Mid-client-example")
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_production_values():
    result = deploy_check()

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    # The one silenced check is the HSTS-preload reminder (preloading stays the operator's choice).
    assert "System check identified no issues (1 silenced)." in output


def test_deploy_check_passes_with_hsts_preload_and_nothing_silenced():
    result = deploy_check(SECURE_HSTS_PRELOAD="1")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_deploy_check_fails_when_no_payment_gateway_key_is_set():
    # With DEBUG off the dev gateway is never the default (and refuses to start if chosen).
    result = deploy_check(MIDTRANS_SERVER_KEY="", MIDTRANS_CLIENT_KEY="")

    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "orders.E001" in output
    assert "MIDTRANS_SERVER_KEY is not set" in output


def without_secret_key(*command: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG")}
    env["DEBUG"] = "0"
    return subprocess.run(
        [sys.executable, *command], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_commands_that_only_read_the_code_run_without_a_secret_key():
    result = without_secret_key("manage.py", "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("entry_point", ["marketplace.wsgi", "marketplace.asgi"])
def test_the_servers_refuse_to_start_without_a_secret_key(entry_point):
    result = without_secret_key("-c", f"import {entry_point}")

    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr
