"""Sellers answer reviews of their own shops in the admin, and only that."""

import pytest
from django.urls import reverse

from orders.enums import OrderStatus
from orders.models import Review
from orders.reviews import review_create
from tests.orders.builders import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews(active_product, shop_factory, buyer):
    result = {}
    for name in ("a", "b"):
        product = active_product(shop=shop_factory(slug=f"toko-{name}"), title=f"Produk {name}")
        order = make_order(
            shop=product.shop, buyer=buyer, status=OrderStatus.DELIVERED, variant=product.variants.get()
        )
        result[name] = review_create(
            buyer=buyer, order_item=order.items.get(), rating=3, text=f"Ulasan {name}"
        )
    return result


@pytest.fixture
def seller_a(client, seller_factory, reviews):
    client.force_login(seller_factory(reviews["a"].shop))
    return client


def change_url(review):
    return reverse("admin:orders_review_change", args=[review.pk])


def test_seller_replies_to_their_shops_review(seller_a, reviews):
    review = reviews["a"]

    response = seller_a.post(
        change_url(review), {"seller_reply": "Terima kasih, Kak!", "rating": "5", "text": "x"}
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.seller_reply == "Terima kasih, Kak!"
    assert review.replied_at is not None
    # rating and text are read-only: the POSTed values are ignored
    assert (review.rating, review.text) == (3, "Ulasan a")


def test_seller_cannot_see_or_reply_to_another_shops_review(seller_a, reviews):
    other = reviews["b"]

    changelist = seller_a.get(reverse("admin:orders_review_changelist"))
    assert [row.pk for row in changelist.context["cl"].result_list] == [reviews["a"].pk]
    assert seller_a.get(change_url(other)).status_code == 302  # "not found" → back to the index
    seller_a.post(change_url(other), {"seller_reply": "Balasan palsu"})

    other.refresh_from_db()
    assert (other.seller_reply, other.replied_at) == ("", None)


def test_the_change_form_only_offers_the_reply(seller_a, reviews):
    response = seller_a.get(change_url(reviews["a"]))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == ["seller_reply"]
    assert Review.objects.count() == 2
