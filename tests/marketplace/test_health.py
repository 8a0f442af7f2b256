"""/healthz says the process answers; /readyz says whether the servers a request needs answer.

Against the embedded PostgreSQL and Redis the tests run on; an unreachable one is a setting pointed
at a port nothing listens on (the shared servers are never stopped), or for the database a process
of its own started with such a DATABASE_URL.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.kit.servers import free_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
ALL_OK = {"database": "ok", "cache": "ok", "channel_layer": "ok", "broker": "ok"}


@pytest.fixture
def closed_redis_url():
    return f"redis://127.0.0.1:{free_port()}/0"


def test_liveness_answers_ok_without_asking_anything_else(client, settings, closed_redis_url):
    settings.CELERY_BROKER_URL = closed_redis_url

    response = client.get(reverse("healthz"))

    assert (response.status_code, response.content) == (200, b"ok")


def test_ready_when_the_database_redis_and_the_broker_answer(client, django_assert_num_queries):
    with django_assert_num_queries(0):  # no session, no user: the checks use connections of their own
        response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert "no-cache" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    assert response.wsgi_request.session.is_empty()


def test_head_works_and_a_post_is_refused_without_a_csrf_token_in_the_way(client):
    assert client.head(reverse("readyz")).status_code == 200
    assert client.post(reverse("readyz")).status_code == 405


def test_an_unreachable_cache_redis_makes_it_unready_and_says_which(client, settings, closed_redis_url):
    settings.CACHES = {
        alias: {**cache, "LOCATION": closed_redis_url} for alias, cache in django_settings.CACHES.items()
    }

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "cache": "unavailable"}


def test_an_unreachable_channel_layer_makes_it_unready(client, settings, closed_redis_url):
    layer = django_settings.CHANNEL_LAYERS["default"]
    host = {**layer["CONFIG"]["hosts"][0], "address": closed_redis_url}
    settings.CHANNEL_LAYERS = {"default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [host]}}}

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "channel_layer": "unavailable"}


def test_an_unreachable_broker_makes_it_unready(client, settings, closed_redis_url):
    settings.CELERY_BROKER_URL = closed_redis_url

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "broker": "unavailable"}


def test_a_redis_that_accepts_but_never_answers_is_unready_within_the_timeout(client, settings):
    import socket

    # A listening socket nobody reads: the connection opens, the PING is never answered.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        settings.READINESS_TIMEOUT_SECONDS = 0.5
        settings.CELERY_BROKER_URL = url
        started = time.monotonic()

        response = client.get(reverse("readyz"))

        elapsed = time.monotonic() - started
    assert response.json()["broker"] == "unavailable"
    assert response.status_code == 503
    assert elapsed < 2


def test_an_unreachable_database_makes_a_fresh_process_unready():
    # Django keeps its database connections for the life of the process: a process of its own,
    # with the real Redis, and PostgreSQL on a port nothing listens on. Production settings as
    # they are (DEBUG off, HTTPS redirects on): a balancer probes over plain HTTP.
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/lapak",
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
    }
    script = (
        "import django, json; django.setup()\n"
        "from django.test.utils import setup_test_environment; setup_test_environment()\n"
        "from django.test import Client\n"
        "response = Client().get('/readyz')\n"
        "print(json.dumps([response.status_code, response.json()]))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr[-2000:]
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body == {**ALL_OK, "database": "unavailable"}
    assert "postgres" not in result.stdout.lower()  # no host or error text in the answer
