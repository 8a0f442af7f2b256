"""The beat job that keeps each category's typical (median) price for the pre-screen."""

import pytest

from shops.enums import ProductStatus
from shops.models import Category
from shops.tasks import refresh_category_typical_prices
from tests.kit import factories


@pytest.fixture
def categories(db):
    odd = factories.CategoryFactory(slug="odd")
    even = factories.CategoryFactory(slug="even")
    half = factories.CategoryFactory(slug="half")
    empty = factories.CategoryFactory(slug="empty", typical_price=123)
    for price in (300_000, 100_000, 200_000):
        factories.active_product(category=odd, price=price)
    for price in (100_000, 200_000, 300_000, 1_000_000):
        factories.active_product(category=even, price=price)
    for price in (100_000, 100_001):
        factories.active_product(category=half, price=price)
    # Neither counts: not on sale, or no sellable variant yet (price 0).
    factories.active_product(category=odd, price=5_000_000, status=ProductStatus.PENDING_REVIEW)
    factories.ProductFactory(category=odd, status=ProductStatus.ACTIVE)
    factories.active_product(category=empty, price=50_000, status=ProductStatus.REJECTED)
    return odd, even, half, empty


def typical_prices() -> dict[str, int | None]:
    return dict(Category.objects.values_list("slug", "typical_price"))


def test_task_stores_exact_medians(categories):
    updated = refresh_category_typical_prices()

    assert updated == 4
    assert typical_prices() == {
        "odd": 200_000,
        "even": 250_000,
        "half": 100_001,  # 100 000.5, halves rounded up
        "empty": None,
    }


def test_running_the_task_twice_gives_the_same_result(categories):
    refresh_category_typical_prices()
    first = typical_prices()

    refresh_category_typical_prices()

    assert typical_prices() == first
