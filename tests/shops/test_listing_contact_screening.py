"""Listings are public: a seller cannot publish a phone number, handle, e-mail or link to take the
sale off Lapak. The admin form refuses it and says why; the pre-screen flags what came another way."""

import pytest
from django.urls import reverse

from shops import services
from shops.enums import ProductStatus
from shops.models import ModerationEvent, Product, ProductImage
from tests.kit import factories
from tests.kit.admin_forms import (
    PRODUCT_ADD,
    change_url,
    product_add_data,
    product_change_data,
    variant_data,
)
from tests.kit.factories import image_file

pytestmark = pytest.mark.english

REFUSAL = "Contact details are not allowed here"


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("description", "Flanel tebal. Nego via WA nol delapan satu dua 3456 7890"),
        ("title", "Kemeja Flanel cek ig @toko.citra"),
        ("condition_notes", "Mulus, tanya detail di shopee . co . id/citra"),
        ("brand", "budi at gmail dot com"),
        ("slug", "kemeja-flanel-wa-081234567890"),
    ],
)
def test_a_new_listing_with_a_contact_is_refused_and_nothing_is_saved(
    client, seller, shop, category, field, text
):
    client.force_login(seller)
    data = product_add_data(shop=shop, category=category, variants=[variant_data()])
    data[field] = text

    response = client.post(PRODUCT_ADD, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert REFUSAL in errors[field][0]
    assert not Product.objects.exists()


def test_editing_an_active_listing_to_add_a_contact_is_refused(client, seller, shop, category):
    product = factories.active_product(shop=shop, category=category, description="Jaket parka, LD 110.")
    client.force_login(seller)

    response = client.post(change_url(product), product_change_data(product, description="dm aku kak"))

    assert response.status_code == 200
    assert REFUSAL in response.context["adminform"].form.errors["description"][0]
    product.refresh_from_db()
    assert (product.description, product.status) == ("Jaket parka, LD 110.", ProductStatus.ACTIVE)
    assert not ModerationEvent.objects.exists()


def test_a_defect_note_with_a_contact_is_refused(client, seller, shop, category):
    client.force_login(seller)
    data = product_add_data(shop=shop, category=category, variants=[variant_data()])
    data.update(
        {
            "defects-TOTAL_FORMS": "1",
            "defects-0-description": "noda kecil, foto di WA aja",
            "defects-0-photo": "",
        }
    )

    response = client.post(PRODUCT_ADD, data)

    assert response.status_code == 200
    assert not Product.objects.exists()
    assert REFUSAL in str(response.context["inline_admin_formsets"][2].formset.errors)


def test_an_image_description_with_a_contact_is_refused(client, seller, shop, category):
    # The description is the image's alt text, in every page that shows the photo.
    client.force_login(seller)
    data = product_add_data(shop=shop, category=category, variants=[variant_data()], images=[image_file()])
    data["images-0-alt_text"] = "Foto asli, video di WA nol delapan satu dua 3456 7890"

    response = client.post(PRODUCT_ADD, data)

    assert response.status_code == 200
    assert not Product.objects.exists()
    assert not ProductImage.objects.exists()
    errors = response.context["inline_admin_formsets"][1].formset.errors
    assert list(errors[0]) == ["alt_text"]
    assert REFUSAL in errors[0]["alt_text"][0]


@pytest.mark.parametrize(("field", "text"), [("size", "WA 081234567890"), ("color", "cek ig @toko.citra")])
def test_a_variant_label_with_a_contact_is_refused(client, seller, shop, category, field, text):
    # Size and colour are the variant's label on the product page, in the cart and the order.
    client.force_login(seller)
    data = product_add_data(shop=shop, category=category, variants=[variant_data(**{field: text})])

    response = client.post(PRODUCT_ADD, data)

    assert response.status_code == 200
    assert not Product.objects.exists()
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert list(errors[0]) == [field]
    assert REFUSAL in errors[0][field][0]


def test_a_listing_with_prices_sizes_and_measurements_saves(client, seller, shop, category):
    client.force_login(seller)
    data = product_add_data(shop=shop, category=category, variants=[variant_data()])
    data["description"] = (
        "LD 96 PB 70, ukuran 38-42. Harga Rp 125.000 (2 pcs @ 120rb). Dikirim 7/12 jam 19.00."
    )
    data["condition_notes"] = "Satu kancing diganti, panjang 70 cm. Kode GLW-001."
    data["variants-0-size"] = "EU 42 / UK 8"
    data["variants-0-color"] = "Hitam/Putih"

    response = client.post(PRODUCT_ADD, data)

    assert response.status_code == 302
    assert Product.objects.get().is_flagged is False


@pytest.mark.parametrize(
    ("image_alt", "variant_color", "reason"),
    [
        ("Tampak depan, tanya di WA aja", "Hitam", "Off-platform contact: whatsapp"),
        ("Tampak depan", "ig @toko.citra", "Off-platform contact: social"),
    ],
)
def test_prescreen_flags_a_contact_in_an_image_description_or_a_variant(
    shop, category, seller, image_alt, variant_color, reason
):
    product = factories.ProductFactory(shop=shop, category=category, status=ProductStatus.PENDING_REVIEW)
    factories.ProductImageFactory(product=product, alt_text=image_alt)
    factories.ProductVariantFactory(product=product, color=variant_color)

    services.product_submit(product=product, actor=seller)

    product.refresh_from_db()
    assert (product.is_flagged, product.flag_reasons) == (True, reason)


def test_prescreen_flags_a_contact_written_outside_the_admin(shop, category, seller):
    product = factories.ProductFactory(
        shop=shop,
        category=category,
        description="Bahan katun. Hubungi o8l2-3456-7890",
        status=ProductStatus.PENDING_REVIEW,
    )

    services.product_submit(product=product, actor=seller)

    product.refresh_from_db()
    assert (product.is_flagged, product.flag_reasons) == (True, "Off-platform contact: phone")


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("bio", "Grosir? Chat WA nol delapan satu dua 3456 7890"),
        ("name", "Toko Citra ig @toko.citra"),
        ("city", "Solo (WA 0812 3456 7890)"),
    ],
)
def test_the_shop_page_cannot_carry_a_contact(client, seller, shop, field, text):
    client.force_login(seller)
    before = (shop.name, shop.bio, shop.city)
    data = {"name": shop.name, "slug": shop.slug, "bio": "Batik tulis dari Solo", "city": "Solo"}
    data[field] = text

    response = client.post(reverse("admin:shops_shop_change", args=[shop.pk]), data)

    assert response.status_code == 200
    assert REFUSAL in str(response.context["adminform"].form.errors[field])
    shop.refresh_from_db()
    assert (shop.name, shop.bio, shop.city) == before
