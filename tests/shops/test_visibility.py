"""Shoppers see a product only when it is active and its shop is active; nothing else leaks."""

import pytest
from django.urls import reverse

from shops.enums import ProductStatus, ShopStatus

pytestmark = pytest.mark.django_db

HIDDEN_STATUSES = [
    ProductStatus.DRAFT,
    ProductStatus.PENDING_REVIEW,
    ProductStatus.REJECTED,
    ProductStatus.ARCHIVED,
]


def _detail_url(product):
    return reverse("product_detail", args=[product.shop.slug, product.slug])


def _listed_everywhere(client, product, title):
    """Whether `title` shows on the list, in search, on the home page and on the shop page."""
    pages = [
        reverse("product_list"),
        reverse("product_list") + "?q=Kebaya",
        reverse("home"),
    ]
    found = [title in client.get(url).content.decode() for url in pages]
    shop_page = client.get(reverse("shop_detail", args=[product.shop.slug]))
    if shop_page.status_code == 200:
        found.append(title in shop_page.content.decode())
    return found


def test_active_product_of_active_shop_is_shown_everywhere(client, active_product):
    product = active_product(title="Kebaya Encim Putih")

    assert client.get(_detail_url(product)).status_code == 200
    assert _listed_everywhere(client, product, "Kebaya Encim Putih") == [True, True, True, True]
    assert client.get(reverse("shop_detail", args=[product.shop.slug])).status_code == 200


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_product_not_active_is_404_and_absent_everywhere(client, active_product, status):
    product = active_product(title="Kebaya Encim Putih", status=status)

    assert client.get(_detail_url(product)).status_code == 404
    assert _listed_everywhere(client, product, "Kebaya Encim Putih") == [False, False, False, False]


def test_product_of_suspended_shop_is_404_and_absent_everywhere(client, active_product, shop_factory):
    shop = shop_factory(status=ShopStatus.SUSPENDED, name="Toko Ditangguhkan")
    product = active_product(title="Kebaya Encim Putih", shop=shop)

    assert client.get(_detail_url(product)).status_code == 404
    # The shop page itself is a 404, so only list, search and home are left to check.
    assert _listed_everywhere(client, product, "Kebaya Encim Putih") == [False, False, False]


def test_suspended_shop_page_is_404_and_shop_absent_from_home(client, shop_factory):
    shop = shop_factory(status=ShopStatus.SUSPENDED, name="Toko Ditangguhkan")

    assert client.get(reverse("shop_detail", args=[shop.slug])).status_code == 404
    assert "Toko Ditangguhkan" not in client.get(reverse("home")).content.decode()


def test_suspended_shop_cannot_be_followed(client, buyer, shop_factory):
    shop = shop_factory(status=ShopStatus.SUSPENDED)
    client.force_login(buyer)

    response = client.post(reverse("shop_follow", args=[shop.slug]))

    assert response.status_code == 404
    shop.refresh_from_db()
    assert shop.follower_count == 0
    assert not shop.follows.exists()


def test_unknown_product_and_shop_are_404(client, active_product):
    product = active_product()

    assert client.get(reverse("product_detail", args=[product.shop.slug, "no-such-thing"])).status_code == 404
    assert client.get(reverse("product_detail", args=["no-such-shop", product.slug])).status_code == 404
    assert client.get(reverse("shop_detail", args=["no-such-shop"])).status_code == 404
