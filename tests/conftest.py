import shutil

import pytest

from tests import factories


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
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def user_factory():
    return factories.UserFactory


@pytest.fixture
def shop_factory():
    return factories.ShopFactory


@pytest.fixture
def category_factory():
    return factories.CategoryFactory


@pytest.fixture
def product_factory():
    return factories.ProductFactory


@pytest.fixture
def variant_factory():
    return factories.ProductVariantFactory


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
