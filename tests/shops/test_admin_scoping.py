"""Two competing sellers share one admin: each must see and touch only their own shop."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from shops.enums import MemberRole, ModerationAction, ProductStatus, ShopStatus
from shops.models import ModerationEvent, Product, ProductVariant, Shop
from tests.kit import factories
from tests.kit.admin_forms import (
    PRODUCT_ADD,
    PRODUCTS,
    change_url,
    listed_pks,
    management,
    product_add_data,
    product_change_data,
    upload,
    variant_data,
)

pytestmark = pytest.mark.english


@pytest.fixture
def market(db, seller_factory):
    """Seller A (Toko Andalas) and seller B (Toko Bromo), two listings each, B with its own category."""
    shared = factories.CategoryFactory(name="Atasan Pria")
    trousers = factories.CategoryFactory(name="Celana Pria")
    bromo_only = factories.CategoryFactory(name="Kebaya Bromo")
    shop_a = factories.ShopFactory(name="Toko Andalas", slug="andalas")
    shop_b = factories.ShopFactory(name="Toko Bromo", slug="bromo")
    seller_a = seller_factory(shop_a, username="ani")
    seller_b = seller_factory(shop_b, username="budi")
    a1 = factories.active_product(shop=shop_a, category=shared, title="Andalas Kemeja", price=150_000)
    a2 = factories.active_product(shop=shop_a, category=trousers, title="Andalas Celana", price=90_000)
    b1 = factories.active_product(shop=shop_b, category=bromo_only, title="Bromo Kebaya", price=300_000)
    b2 = factories.active_product(shop=shop_b, category=shared, title="Bromo Batik", price=200_000)
    for product in (a1, a2, b1, b2):
        factories.ProductImageFactory(product=product)
    return SimpleNamespace(
        shared=shared,
        bromo_only=bromo_only,
        shop_a=shop_a,
        shop_b=shop_b,
        seller_a=seller_a,
        seller_b=seller_b,
        a1=a1,
        a2=a2,
        b1=b1,
        b2=b2,
    )


@pytest.fixture
def client_a(client, market):
    client.force_login(market.seller_a)
    return client


def test_seller_sees_the_catalog_in_the_admin_index_and_nothing_of_staff(client_a):
    response = client_a.get(reverse("admin:index"))

    assert response.status_code == 200
    app_models = {model["object_name"] for app in response.context["app_list"] for model in app["models"]}
    assert app_models == {
        "Category",
        "LiveBlockedWord",
        "LiveModerator",
        "LiveSession",
        "ModerationEvent",
        "Order",
        "Product",
        "ReturnRequest",
        "Review",
        "Shop",
        "ShopMember",
        "Voucher",
    }


def test_changelist_lists_only_own_products(client_a, market):
    response = client_a.get(PRODUCTS)

    assert response.status_code == 200
    assert listed_pks(response) == {market.a1.pk, market.a2.pk}
    assert response.context["cl"].result_count == 2
    content = response.content.decode()
    assert "Andalas Kemeja" in content
    assert "Rp 150.000" in content
    assert "Bromo" not in content


def test_search_by_sku_stays_inside_own_shop(client_a, market):
    b_sku = market.b1.variants.get().sku

    response = client_a.get(PRODUCTS, {"q": b_sku})

    assert listed_pks(response) == set()


def test_filtering_by_another_shop_in_the_url_shows_nothing_of_it(client_a, market):
    response = client_a.get(PRODUCTS, {"shop__id__exact": market.shop_b.pk}, follow=True)

    assert "Bromo" not in response.content.decode()


def test_other_shops_change_view_redirects_without_its_data(client_a, market):
    response = client_a.get(change_url(market.b1), follow=True)

    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    content = response.content.decode()
    assert "doesn’t exist" in content
    assert "Bromo Kebaya" not in content


def test_post_to_other_shops_change_view_changes_nothing(client_a, market):
    data = product_change_data(market.b1, title="Dibajak")

    response = client_a.post(change_url(market.b1), data)

    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    market.b1.refresh_from_db()
    assert market.b1.title == "Bromo Kebaya"
    assert not ModerationEvent.objects.filter(product=market.b1).exists()


def test_other_shops_delete_and_history_views_show_nothing(client_a, market):
    delete = client_a.get(reverse("admin:shops_product_delete", args=[market.b1.pk]))
    delete_post = client_a.post(reverse("admin:shops_product_delete", args=[market.b1.pk]), {"post": "yes"})
    history = client_a.get(reverse("admin:shops_product_history", args=[market.b1.pk]))

    # Sellers never delete listings (they archive), so the delete view refuses before looking.
    assert (delete.status_code, delete_post.status_code) == (403, 403)
    assert history.status_code == 302
    assert history.url == reverse("admin:index")
    assert Product.objects.filter(pk=market.b1.pk).exists()


def test_seller_cannot_open_another_shops_page_or_variant_by_url(client_a, market):
    shop = client_a.get(reverse("admin:shops_shop_change", args=[market.shop_b.pk]))
    events = client_a.get(reverse("admin:shops_moderationevent_changelist"))

    assert shop.status_code == 302
    assert "Bromo" not in events.content.decode()


def test_add_product_with_another_shops_id_is_a_form_error(client_a, market):
    before = Product.objects.count()
    data = product_add_data(shop=market.shop_b, category=market.shared, variants=[variant_data()])

    response = client_a.post(PRODUCT_ADD, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["shop"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Product.objects.count() == before
    assert not ProductVariant.objects.filter(sku="FLN-M").exists()


def test_add_product_with_a_category_used_by_another_shop_is_fine(client_a, market):
    # Categories are shared by the whole marketplace.
    data = product_add_data(shop=market.shop_a, category=market.bromo_only, variants=[variant_data()])

    response = client_a.post(PRODUCT_ADD, data)

    assert response.status_code == 302
    product = Product.objects.get(slug="kemeja-flanel-uniqlo")
    assert (product.shop, product.category) == (market.shop_a, market.bromo_only)
    assert product.variants.get().shop == market.shop_a


def test_add_form_preselects_the_sellers_only_shop(client_a, market):
    response = client_a.get(PRODUCT_ADD)

    assert response.context["adminform"].form.initial["shop"] == market.shop_a.pk


def test_autocomplete_offers_only_own_objects(client_a, market):
    url = reverse("admin:autocomplete")

    shops = client_a.get(url, {"app_label": "shops", "model_name": "product", "field_name": "shop"})
    shops_searched = client_a.get(
        url, {"app_label": "shops", "model_name": "product", "field_name": "shop", "term": "Toko"}
    )
    products = client_a.get(
        url, {"app_label": "shops", "model_name": "moderationevent", "field_name": "product"}
    )

    assert [r["id"] for r in shops.json()["results"]] == [str(market.shop_a.pk)]
    assert [r["id"] for r in shops_searched.json()["results"]] == [str(market.shop_a.pk)]
    assert {int(r["id"]) for r in products.json()["results"]} == {market.a1.pk, market.a2.pk}


def test_autocomplete_offers_a_live_host_no_shop_to_list_products_in(client, market, seller_factory):
    host = seller_factory(market.shop_a, username="hana-host", role=MemberRole.HOST)
    client.force_login(host)

    response = client.get(
        reverse("admin:autocomplete"), {"app_label": "shops", "model_name": "product", "field_name": "shop"}
    )

    assert response.json()["results"] == []


def test_autocomplete_offers_shop_staff_their_shop(client, market, seller_factory):
    # Shop staff may list products though only owners edit the shop itself.
    helper = seller_factory(market.shop_a, username="sari-staff", role=MemberRole.STAFF)
    client.force_login(helper)

    response = client.get(
        reverse("admin:autocomplete"), {"app_label": "shops", "model_name": "product", "field_name": "shop"}
    )

    assert [r["id"] for r in response.json()["results"]] == [str(market.shop_a.pk)]


def test_raw_id_popup_lists_only_own_products(client_a, market):
    response = client_a.get(PRODUCTS, {"_to_field": "id", "_popup": "1"})

    assert response.status_code == 200
    assert listed_pks(response) == {market.a1.pk, market.a2.pk}


def test_list_filter_choices_do_not_name_other_shops_or_their_categories(client_a, market):
    response = client_a.get(PRODUCTS)

    choices = {
        choice["display"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    }
    assert {"Atasan Pria", "Celana Pria"} <= choices
    assert "Kebaya Bromo" not in choices
    assert "Toko Bromo" not in choices
    assert "Toko Andalas" not in choices  # a seller gets no shop filter at all


def test_staff_filter_lists_every_shop(client, market, staff_user):
    client.force_login(staff_user)

    response = client.get(PRODUCTS)

    choices = {
        choice["display"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    }
    assert {"Toko Andalas", "Toko Bromo", "Kebaya Bromo"} <= choices


def test_action_posted_with_other_shops_ids_touches_nothing(client_a, market):
    response = client_a.post(
        PRODUCTS, {"action": "archive_selected", "_selected_action": [market.b1.pk, market.b2.pk]}
    )

    assert response.status_code == 302
    assert set(Product.objects.filter(shop=market.shop_b).values_list("status", flat=True)) == {
        ProductStatus.ACTIVE
    }
    assert not ModerationEvent.objects.exists()


def test_action_on_mixed_ids_archives_only_own(client_a, market):
    client_a.post(PRODUCTS, {"action": "archive_selected", "_selected_action": [market.a1.pk, market.b1.pk]})

    market.a1.refresh_from_db()
    market.b1.refresh_from_db()
    assert (market.a1.status, market.b1.status) == (ProductStatus.ARCHIVED, ProductStatus.ACTIVE)
    assert list(ModerationEvent.objects.values_list("product_id", "kind", "actor_id")) == [
        (market.a1.pk, ModerationAction.ARCHIVED, market.seller_a.pk)
    ]


def test_csv_export_contains_only_own_rows(client_a, market):
    response = client_a.post(
        PRODUCTS, {"action": "export_csv", "_selected_action": [market.a1.pk, market.b1.pk, market.b2.pk]}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[:4] for row in rows] == [
        ["id", "shop", "title", "status"],
        [str(market.a1.pk), "andalas", "Andalas Kemeja", "active"],
    ]


def test_inline_cannot_edit_another_shops_variant(client_a, market):
    b_variant = market.b1.variants.get()
    data = product_change_data(market.a1)
    data["variants-0-id"] = str(b_variant.pk)
    data["variants-0-stock"] = "0"

    client_a.post(change_url(market.a1), data)

    # An id outside the inline's (scoped) queryset gives a form with no object: Django skips it.
    b_variant.refresh_from_db()
    assert (b_variant.product_id, b_variant.stock) == (market.b1.pk, 10)
    assert market.a1.variants.count() == 1
    assert market.b1.variants.count() == 1


def test_inline_cannot_attach_a_new_variant_to_another_shops_product(client_a, market):
    data = product_change_data(market.a1)
    data.update(management("variants", 2, 1))
    data.update({f"variants-1-{key}": value for key, value in variant_data(sku="SUSUP").items()})
    data["variants-1-product"] = str(market.b1.pk)

    response = client_a.post(change_url(market.a1), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[1]["product"] == [
        "The inline value did not match the parent instance."
    ]
    assert not ProductVariant.objects.filter(sku="SUSUP").exists()


def test_seller_cannot_set_status_or_flag_through_the_form(client_a, market):
    product = factories.ProductFactory(shop=market.shop_a, status=ProductStatus.PENDING_REVIEW)
    data = product_change_data(
        product, status="active", is_flagged="", rejection_reason="x", published_at="2020-01-01"
    )

    response = client_a.post(change_url(product), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.PENDING_REVIEW


def test_seller_cannot_change_shop_status_or_verification(client_a, market):
    shop_url = reverse("admin:shops_shop_change", args=[market.shop_a.pk])
    data = {
        "name": "Toko Andalas Baru",
        "bio": "Baru",
        "city": "Padang",
        "status": ShopStatus.SUSPENDED,
        "is_verified": "on",
        "slug": "dibajak",
    }

    response = client_a.post(shop_url, data)

    assert response.status_code == 302
    shop = Shop.objects.get(pk=market.shop_a.pk)
    assert (shop.name, shop.city, shop.slug) == ("Toko Andalas Baru", "Padang", "andalas")
    assert (shop.status, shop.is_verified) == (ShopStatus.ACTIVE, False)


def test_seller_cannot_run_the_suspend_action(client_a, market):
    response = client_a.post(
        reverse("admin:shops_shop_changelist"),
        {
            "action": "suspend_selected",
            "_selected_action": [market.shop_a.pk, market.shop_b.pk],
            "apply": "1",
        },
        follow=True,
    )

    # The seller has no actions on shops at all, so the POST is just a page view.
    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert set(Shop.objects.values_list("status", flat=True)) == {ShopStatus.ACTIVE}
    assert not ModerationEvent.objects.exists()


def test_live_host_reads_products_but_cannot_change_them(client, market, seller_factory):
    host = seller_factory(market.shop_a, username="hana-host", role=MemberRole.HOST)
    client.force_login(host)

    listing = client.get(PRODUCTS)
    page = client.get(change_url(market.a1))
    post = client.post(change_url(market.a1), product_change_data(market.a1, title="Ganti"))
    add = client.get(PRODUCT_ADD)

    assert listed_pks(listing) == {market.a1.pk, market.a2.pk}
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert (post.status_code, add.status_code) == (403, 403)
    market.a1.refresh_from_db()
    assert market.a1.title == "Andalas Kemeja"


def test_owner_sees_only_own_shops_members_and_staff_member_sees_none(client, market, seller_factory):
    helper = seller_factory(market.shop_a, username="sari-staff", role=MemberRole.STAFF)
    members = reverse("admin:shops_shopmember_changelist")

    client.force_login(market.seller_a)
    as_owner = client.get(members)
    client.force_login(helper)
    as_staff = client.get(members)

    assert {m.user.username for m in as_owner.context["cl"].result_list} == {"ani", "sari-staff"}
    assert as_staff.status_code == 403


def test_seller_reads_only_own_moderation_events(client_a, market, staff_user):
    from shops import services

    services.product_archive(product=market.a1, actor=market.seller_a)
    services.product_archive(product=market.b1, actor=market.seller_b)

    response = client_a.get(reverse("admin:shops_moderationevent_changelist"))

    assert [e.product_id for e in response.context["cl"].result_list] == [market.a1.pk]


def test_seller_may_not_reach_staff_only_admins(client_a):
    for name in ("shops_blockedword", "marketplace_user", "marketplace_address", "shops_productreview"):
        response = client_a.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 403, name


def test_seller_reads_categories_but_cannot_edit_them(client_a, market):
    listing = client_a.get(reverse("admin:shops_category_changelist"))
    post = client_a.post(
        reverse("admin:shops_category_change", args=[market.shared.pk]),
        {"name": "Diganti", "slug": "diganti", "position": "0"},
    )

    assert listing.status_code == 200
    assert post.status_code == 403
    market.shared.refresh_from_db()
    assert market.shared.name == "Atasan Pria"


def test_staff_sees_every_shops_products(client, market, staff_user):
    client.force_login(staff_user)

    listing = client.get(PRODUCTS)
    page = client.get(change_url(market.b1))

    assert listed_pks(listing) == {market.a1.pk, market.a2.pk, market.b1.pk, market.b2.pk}
    assert page.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_changelist_query_count_does_not_grow_with_products(
    client_a, market, django_assert_max_num_queries, count
):
    for i in range(count):
        product = factories.active_product(shop=market.shop_a, category=market.shared, title=f"Barang {i}")
        factories.ProductImageFactory(product=product)

    # user, 2× permissions, memberships, category filter, 2× count, the page
    with django_assert_max_num_queries(8):
        response = client_a.get(PRODUCTS)

    assert len(response.context["cl"].result_list) == count + 2


@pytest.mark.parametrize("count", [3, 30])
def test_staff_changelist_query_count_does_not_grow_with_products(
    client, market, staff_user, django_assert_max_num_queries, count
):
    client.force_login(staff_user)
    for i in range(count):
        shop = factories.ShopFactory()
        factories.active_product(shop=shop, category=market.shared, title=f"Barang {i}")

    # user, 2× permissions, 2× count, the page
    with django_assert_max_num_queries(6):
        response = client.get(PRODUCTS)

    assert len(response.context["cl"].result_list) == count + 4


def test_photo_uploads_in_admin_make_thumbnails(client_a, market):
    data = product_change_data(market.a1)
    data.update(management("images", 2, 1))
    data.update({"images-1-image": upload(), "images-1-alt_text": "depan", "images-1-position": "1"})
    data.update(management("defects", 1))
    data.update({"defects-0-description": "Noda di kerah", "defects-0-photo": upload("noda.jpg")})

    response = client_a.post(change_url(market.a1), data)

    assert response.status_code == 302
    image = market.a1.images.get(alt_text="depan")
    assert image.thumbnail.name.startswith("products/thumbs/")
    assert image.thumbnail.name.endswith(".webp")
    defect = market.a1.defects.get()
    assert defect.thumbnail.name.startswith("products/defects/thumbs/")
