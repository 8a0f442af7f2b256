"""Verified-purchase reviews: who may review what, the rating counters, and the pages showing them."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from orders.enums import OrderStatus
from orders.models import Review, ReviewPhoto
from orders.reviews import ReviewRefused, review_create
from shops.models import Product, Shop
from tests.kit import factories
from tests.kit.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(active_product):
    return active_product(title="Kemeja Batik Parang", slug="kemeja-batik")


def delivered_item(product, buyer, status=OrderStatus.DELIVERED):
    order = make_order(shop=product.shop, buyer=buyer, status=status, variant=product.variants.get())
    return order.items.get()


def review_url(item):
    return reverse("review_create", args=[item.pk])


def jpeg(name="foto.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def test_review_after_delivery_updates_product_and_shop_ratings_exactly(product, buyer, user_factory):
    other = user_factory(username="pembeli2")
    first = review_create(buyer=buyer, order_item=delivered_item(product, buyer), rating=5, text="Bagus")
    review_create(
        buyer=other,
        order_item=delivered_item(product, other, status=OrderStatus.COMPLETED),
        rating=4,
        text="",
    )

    product = Product.objects.get(pk=product.pk)
    shop = Shop.objects.get(pk=product.shop_id)
    assert (product.rating_count, product.rating_sum, product.rating) == (2, 9, 4.5)
    assert (shop.rating_count, shop.rating_sum, shop.rating) == (2, 9, 4.5)
    assert (first.rating, first.text, first.shop_id, first.product_id) == (5, "Bagus", shop.pk, product.pk)


def test_the_buyer_reviews_through_the_page_with_photos(client, product, buyer):
    item = delivered_item(product, buyer)
    client.force_login(buyer)

    response = client.post(
        review_url(item), {"rating": "5", "text": "Mantap", "photos": [jpeg(), jpeg("b.jpg")]}
    )

    assert response.status_code == 302
    review = Review.objects.get(order_item=item)
    assert (review.rating, review.text, review.buyer_id) == (5, "Mantap", buyer.pk)
    photos = list(review.photos.all())
    assert len(photos) == 2
    assert all(photo.thumbnail.name.endswith(".webp") for photo in photos)
    # the order page now says "reviewed" instead of offering the form
    html = client.get(reverse("order_detail", args=[item.order.number])).content.decode()
    assert review_url(item) not in html
    assert "review-done" in html


@pytest.mark.parametrize("status", [OrderStatus.AWAITING_PAYMENT, OrderStatus.TO_SHIP, OrderStatus.SHIPPED])
def test_before_delivery_is_refused_and_nothing_written(client, product, buyer, status):
    item = delivered_item(product, buyer, status=status)
    client.force_login(buyer)

    html = client.get(reverse("order_detail", args=[item.order.number])).content.decode()
    response = client.post(review_url(item), {"rating": "5"})

    assert review_url(item) not in html
    assert response.status_code == 302
    with pytest.raises(ReviewRefused):
        review_create(buyer=buyer, order_item=item, rating=5, text="")
    assert Review.objects.count() == 0
    assert Product.objects.get(pk=product.pk).rating_count == 0


def test_another_buyer_gets_not_found_and_nothing_written(client, product, buyer, user_factory):
    item = delivered_item(product, buyer)
    intruder = user_factory(username="penyusup")
    client.force_login(intruder)

    assert client.get(review_url(item)).status_code == 404
    assert client.post(review_url(item), {"rating": "1"}).status_code == 404
    with pytest.raises(ReviewRefused):
        review_create(buyer=intruder, order_item=item, rating=1, text="")
    assert Review.objects.count() == 0


def test_a_second_review_of_the_same_item_is_refused(client, product, buyer):
    item = delivered_item(product, buyer)
    review_create(buyer=buyer, order_item=item, rating=5, text="Pertama")
    client.force_login(buyer)

    with pytest.raises(ReviewRefused) as refusal:
        review_create(buyer=buyer, order_item=item, rating=1, text="Kedua")
    response = client.post(review_url(item), {"rating": "1"}, follow=True)

    assert refusal.value.code == "already_reviewed"
    assert "Anda sudah mengulas produk ini." in response.content.decode()
    assert list(Review.objects.values_list("text", flat=True)) == ["Pertama"]
    assert Product.objects.get(pk=product.pk).rating_count == 1


def test_a_review_with_a_contact_is_refused_and_nothing_written(client, product, buyer):
    item = delivered_item(product, buyer)
    client.force_login(buyer)

    response = client.post(
        review_url(item), {"rating": "5", "text": "Bagus! Mau grosir chat aku nol delapan satu dua 3456 7890"}
    )

    assert response.status_code == 400
    assert "Detail kontak tidak boleh dicantumkan di sini" in response.content.decode()
    assert Review.objects.count() == 0
    assert Product.objects.get(pk=product.pk).rating_count == 0


def test_six_photos_are_refused(client, product, buyer):
    item = delivered_item(product, buyer)
    client.force_login(buyer)

    response = client.post(review_url(item), {"rating": "5", "photos": [jpeg(f"{i}.jpg") for i in range(6)]})

    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == ["Tambahkan paling banyak 5 foto."]
    assert Review.objects.count() == 0
    assert ReviewPhoto.objects.count() == 0


@pytest.mark.parametrize("kind", ["text", "bomb"])
def test_a_bad_photo_is_a_form_error(client, product, buyer, kind):
    item = delivered_item(product, buyer)
    client.force_login(buyer)
    if kind == "text":
        upload = io.BytesIO(b"bukan gambar")
    else:
        upload = io.BytesIO()
        Image.new("1", (20000, 20000)).save(upload, "PNG")
        upload.seek(0)
    upload.name = "foto.png"

    response = client.post(review_url(item), {"rating": "5", "photos": [upload]})

    assert response.status_code == 400
    assert response.context["form"].errors["photos"]
    assert Review.objects.count() == 0


@pytest.mark.parametrize("rating", ["0", "6", "abc", ""])
def test_a_rating_outside_1_to_5_is_refused(client, product, buyer, rating):
    item = delivered_item(product, buyer)
    client.force_login(buyer)

    response = client.post(review_url(item), {"rating": rating})

    assert response.status_code == 400
    assert response.context["form"].errors["rating"] == ["Beri rating 1 sampai 5 bintang."]
    for bad in (0, 6, "5", True):
        with pytest.raises(ReviewRefused):
            review_create(buyer=buyer, order_item=item, rating=bad, text="")
    assert Review.objects.count() == 0


def test_the_product_card_shows_the_rating_after_a_review(
    client, product, buyer, django_capture_on_commit_callbacks
):
    assert "★" not in client.get(reverse("product_list")).content.decode()  # cached now

    with django_capture_on_commit_callbacks(execute=True):
        review_create(buyer=buyer, order_item=delivered_item(product, buyer), rating=4, text="Oke")

    html = client.get(reverse("product_list")).content.decode()
    assert "4.0 (1)" in html or "4,0 (1)" in html


@pytest.mark.parametrize("count", [2, 8])
def test_product_detail_with_reviews_makes_a_bounded_number_of_queries(
    client, product, django_assert_num_queries, count
):
    for index in range(count):
        reviewer = factories.UserFactory(username=f"pengulas{index}")
        review_create(
            buyer=reviewer,
            order_item=delivered_item(product, reviewer),
            rating=5,
            text=f"Ulasan {index}",
            photos=[factories.image_file()],
        )
    url = reverse("product_detail", args=[product.shop.slug, product.slug])

    # a product page without "more from the shop" makes six (tests/shops/test_storefront_pages.py);
    # the latest reviews with their buyers, and their photos, add two however many reviews
    with django_assert_num_queries(8):
        html = client.get(url).content.decode()

    assert html.count('class="review"') == min(count, 5)
    assert f"Ulasan {count - 1}" in html
