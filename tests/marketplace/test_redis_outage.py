"""A Redis outage costs speed, not pages: sessions and cached copies come from PostgreSQL."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.kit.factories import UserFactory, active_product
from tests.kit.processes import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """Point every cache alias at a port nothing listens on, as while Redis restarts."""

    def down():
        settings.CACHES = {
            alias: {**cache, "LOCATION": "redis://127.0.0.1:9/0", "OPTIONS": {"socket_connect_timeout": 0.2}}
            for alias, cache in django_settings.CACHES.items()
        }  # Django's setting_changed signal rebuilds the cache handler

    return down


@pytest.fixture
def restartable_redis(settings):
    """A redis-server of this test's own behind every cache alias, to restart (data lost)."""
    server = RedisServer()
    server.start()
    settings.CACHES = {
        alias: {**cache_, "LOCATION": server.url} for alias, cache_ in django_settings.CACHES.items()
    }
    try:
        yield server
    finally:
        server.close()


def test_right_after_a_redis_restart_pages_keep_the_login_and_the_cache_keeps_its_writes(
    restartable_redis,
):
    # The cache's pool keeps the connection this page used, which the restart closes.
    user = UserFactory(username="andi")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("profile")).status_code == 200

    restartable_redis.stop()
    restartable_redis.start()
    cache.set("after-restart", "kept")  # a write (an invalidation, a fragment) is not dropped
    profile = client.get(reverse("profile"))

    assert cache.get("after-restart") == "kept"
    assert profile.status_code == 200
    assert profile.wsgi_request.user == user


def test_a_logged_in_shopper_browses_on_while_redis_is_down(redis_down):
    user = UserFactory(username="andi")
    product = active_product(title="Kemeja Flanel Kotak")
    client = Client()
    client.force_login(user)
    redis_down()

    profile = client.get(reverse("profile"))
    home = client.get(reverse("home"))
    detail = client.get(product.get_absolute_url())

    assert profile.status_code == 200
    assert profile.wsgi_request.user == user
    assert home.status_code == 200
    assert detail.status_code == 200
    assert "Kemeja Flanel Kotak" in detail.content.decode()


def test_a_visitor_sees_the_home_page_while_redis_is_down(redis_down):
    active_product(title="Kemeja Flanel Kotak")
    redis_down()

    response = Client().get(reverse("home"))

    assert response.status_code == 200
    assert "Kemeja Flanel Kotak" in response.content.decode()


def test_logging_out_works_while_redis_is_down(redis_down):
    from django.contrib.sessions.models import Session

    user = UserFactory(username="andi")
    client = Client()
    client.force_login(user)
    redis_down()

    client.post(reverse("account_logout"))

    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert client.get(reverse("profile")).wsgi_request.user.is_anonymous
