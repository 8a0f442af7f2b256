"""The seller of the listing tests (moderation, contact screening): one shop, its owner, a category."""

import pytest

from tests.kit import factories


@pytest.fixture
def shop(db):
    return factories.ShopFactory(name="Toko Citra", slug="citra")


@pytest.fixture
def seller(shop, seller_factory):
    return seller_factory(shop, username="citra")


@pytest.fixture
def category(db):
    return factories.CategoryFactory(name="Jaket")
