"""Where adding to the cart sends the shopper back to: a page of this site, on its own scheme."""

import pytest
from django.urls import reverse

from orders.models import CartItem
from tests.kit import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        pytest.param("/toko/x/", "/toko/x/", id="path"),
        pytest.param("https://testserver/toko/x/", "https://testserver/toko/x/", id="same-origin"),
        pytest.param("http://testserver/toko/x/", "/keranjang/", id="same-host-plain-http"),
        pytest.param("https://testserver:8443/toko/x/", "/keranjang/", id="same-host-other-port"),
        pytest.param("https://evil.example/", "/keranjang/", id="other-host"),
    ],
)
def test_an_https_page_sends_back_only_to_https_pages_of_the_site(client, next_url, expected):
    variant = factories.ProductVariantFactory(stock=5)

    response = client.post(
        reverse("cart_add"), {"variant": variant.pk, "quantity": 1, "next": next_url}, secure=True
    )

    assert response.status_code == 302
    assert response.url == expected
    assert list(CartItem.objects.values_list("variant_id", "quantity")) == [(variant.pk, 1)]
