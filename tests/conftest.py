import shutil

import pytest
from django.utils import translation

from tests.kit import factories
from tests.kit.realtime import channel_layers_for_test


def pytest_configure(config):
    from django.conf import settings

    # WhiteNoise warns at startup when STATIC_ROOT is missing (tests never collect static files).
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tests run the production settings (DEBUG off); plain-HTTP test clients must not be redirected,
    # and uploads go to a throwaway folder.
    settings.SECURE_SSL_REDIRECT = False
    # The test client's pages are http://testserver: the origin the site's sockets accept.
    settings.SITE_URL = "http://testserver"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    # Every UserFactory user hashes a password, and the default hasher would dominate the suite.
    # Browser journeys log in by password through servers in other processes, which verify with
    # the production hashers: they keep them.
    if request.node.get_closest_marker("browser") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _language(request, settings):
    # The site speaks Indonesian (LANGUAGE_CODE "id"); tests marked `english` read the English
    # source strings instead, on pages (LANGUAGE_CODE) and in the test's own code (activated).
    language = "en" if request.node.get_closest_marker("english") else settings.LANGUAGE_CODE
    settings.LANGUAGE_CODE = language
    with translation.override(language):
        yield


@pytest.fixture
def room_channel_layer(settings):
    """The real Redis channel layer under a prefix of this test's own, with long room ticks, so
    no 'stats' event gets between a test and what it waits for (a tick test shortens it again)."""
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    settings.LIVE_TICK_SECONDS = 30


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def _factory_fixture(factory_class):
    @pytest.fixture
    def fixture():
        return factory_class

    return fixture


def _fixture_name(factory_class) -> str:
    # LiveModeratorFactory -> live_moderator_factory
    name = factory_class.__name__.removesuffix("Factory")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_") + "_factory"


# Every factory of the kit as a fixture: `def test_x(live_moderator_factory): ...`.
for _factory in factories.all_factories():
    globals()[_fixture_name(_factory)] = _factory_fixture(_factory)
variant_factory = _factory_fixture(factories.ProductVariantFactory)


@pytest.fixture
def active_product():
    return factories.active_product


@pytest.fixture
def buyer(db):
    return factories.UserFactory(username="buyer")


@pytest.fixture
def staff_user(db):
    return factories.UserFactory(username="moderator", is_staff=True, is_superuser=True)


@pytest.fixture
def seller_factory(db):
    """seller_factory(shop) -> a user who owns `shop` and can log into /admin as a seller."""

    def make(shop=None, username=None, role="owner"):
        shop = shop or factories.ShopFactory()
        member = factories.ShopMemberFactory(
            shop=shop, role=role, user__username=username or f"seller-{shop.slug}", user__is_staff=True
        )
        return member.user

    return make


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Browser tests last (after pytest-django's own ordering): Playwright's sync API keeps an
    # event loop running in the main thread for the session-scoped browser, and async_to_sync
    # (the WebSocket consumer tests) refuses to run in a thread with a running loop.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
