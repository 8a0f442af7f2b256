"""Sellers answer reviews of their own shops in the admin, and only that."""

import pytest
from django.urls import reverse

from orders.enums import OrderStatus
from orders.models import Review
from orders.reviews import review_create
from tests.kit.factories import make_order

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


@pytest.mark.parametrize(
    "reply",
    [
        "Terima kasih kak, order berikutnya WA aja ya 0812 3456 7890",
        "Makasih! Follow ig kami @toko.a biar dapat promo",
        "Lebih murah di tokopedia . com / toko-a",
    ],
)
@pytest.mark.english
def test_a_reply_with_a_contact_is_a_form_error_and_nothing_is_saved(seller_a, reviews, reply):
    review = reviews["a"]

    response = seller_a.post(change_url(review), {"seller_reply": reply})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Contact details are not allowed here" in errors["seller_reply"][0]
    review.refresh_from_db()
    assert (review.seller_reply, review.replied_at) == ("", None)


def test_a_reply_that_is_too_long_is_a_form_error_not_a_crash(seller_a, reviews):
    review = reviews["a"]

    response = seller_a.post(change_url(review), {"seller_reply": "bagus " * 400})

    assert response.status_code == 200
    assert "seller_reply" in response.context["adminform"].form.errors
    review.refresh_from_db()
    assert review.seller_reply == ""


def test_a_reply_with_prices_and_sizes_is_saved(seller_a, reviews):
    review = reviews["a"]
    reply = (
        "Terima kasih kak! Ukuran 38-42 ready lagi, harga tetap Rp 125.000. Ditunggu di live jam 19.00 ya."
    )

    response = seller_a.post(change_url(review), {"seller_reply": reply})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.seller_reply == reply
