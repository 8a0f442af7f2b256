"""Listings are reviewed before buyers see them; staff decide, sellers read why."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from marketplace.transitions import TransitionNotAllowed
from shops import services
from shops.enums import PRODUCT_MACHINE, ModerationAction, ProductStatus, ShopStatus
from shops.models import BlockedWord, ModerationEvent, Product
from tests.kit import factories
from tests.kit.admin_forms import (
    PRODUCT_ADD,
    change_url,
    management,
    product_add_data,
    product_change_data,
    upload,
    variant_data,
)

pytestmark = pytest.mark.english

QUEUE = reverse("admin:shops_productreview_changelist")


def pending_product(shop, category, **kwargs):
    """A listing as product_submit leaves it: waiting, with a submission time."""
    kwargs.setdefault("submitted_at", timezone.now())
    kwargs.setdefault("published_at", None)
    return factories.active_product(
        shop=shop, category=category, status=ProductStatus.PENDING_REVIEW, **kwargs
    )


def events(product):
    return list(ModerationEvent.objects.filter(product=product).order_by("id").values_list("kind", "actor"))


# --- Submission and pre-screen ----------------------------------------------------------------


def test_product_created_by_seller_in_admin_waits_for_review(client, seller, shop, category):
    client.force_login(seller)
    data = product_add_data(
        shop=shop,
        category=category,
        title="Jaket Denim Levis",
        variants=[
            variant_data(sku="JKT-M", price=250_000, stock=2),
            variant_data(sku="JKT-L", price=275_000),
        ],
        images=[upload()],
    )

    response = client.post(PRODUCT_ADD, data)

    assert response.status_code == 302
    product = Product.objects.get(slug="jaket-denim-levis")
    assert product.status == ProductStatus.PENDING_REVIEW
    assert product.submitted_at is not None
    assert product.published_at is None
    assert (product.price, product.stock_total) == (250_000, 5)
    assert product.is_flagged is False
    assert events(product) == [(ModerationAction.SUBMITTED, seller.pk)]
    image = product.images.get()
    assert image.thumbnail.name.endswith(".webp")


def test_prescreen_flags_a_blocked_word_whole_word_and_any_case(shop, category, seller):
    BlockedWord.objects.create(word="Replika")
    flagged = factories.ProductFactory(
        shop=shop, category=category, title="Tas REPLIKA premium", status=ProductStatus.PENDING_REVIEW
    )
    clean = factories.ProductFactory(
        shop=shop, category=category, title="Replikasi pola batik", status=ProductStatus.PENDING_REVIEW
    )

    services.product_submit(product=flagged, actor=seller)
    services.product_submit(product=clean, actor=seller)

    flagged.refresh_from_db()
    clean.refresh_from_db()
    assert (flagged.is_flagged, flagged.flag_reasons) == (True, "Blocked word: replika")
    assert events(flagged) == [(ModerationAction.SUBMITTED, seller.pk), (ModerationAction.FLAGGED, None)]
    assert (clean.is_flagged, clean.flag_reasons) == (False, "")
    assert events(clean) == [(ModerationAction.SUBMITTED, seller.pk)]


def test_prescreen_flags_a_blocked_phrase_in_the_description(shop, category, seller):
    BlockedWord.objects.create(word="kw super")
    product = factories.ProductFactory(
        shop=shop,
        category=category,
        description="Sepatu Kw Super, mirip asli.",
        status=ProductStatus.PENDING_REVIEW,
    )

    services.product_submit(product=product, actor=seller)

    product.refresh_from_db()
    assert product.flag_reasons == "Blocked word: kw super"


@pytest.mark.parametrize(
    ("price", "is_flagged"),
    [(29_999, True), (30_000, False), (100_000, False)],
)
def test_prescreen_flags_a_price_far_below_the_typical_one(shop, seller, price, is_flagged):
    category = factories.CategoryFactory(typical_price=100_000)
    product = pending_product(shop, category, price=price, submitted_at=None)

    services.product_submit(product=product, actor=seller)

    product.refresh_from_db()
    assert product.is_flagged is is_flagged
    expected = f"Price {price} is under 30% of the typical 100000" if is_flagged else ""
    assert product.flag_reasons == expected


def test_prescreen_skips_price_when_the_category_has_no_typical_price(shop, category, seller):
    product = pending_product(shop, category, price=1_000, submitted_at=None)

    services.product_submit(product=product, actor=seller)

    product.refresh_from_db()
    assert product.is_flagged is False


# --- The queue --------------------------------------------------------------------------------


def test_queue_lists_pending_listings_flagged_first_then_oldest(client, staff_user, shop, category):
    now = timezone.now()
    old = pending_product(shop, category, title="Lama", submitted_at=now - dt.timedelta(days=2))
    new = pending_product(shop, category, title="Baru", submitted_at=now - dt.timedelta(hours=1))
    flagged = pending_product(shop, category, title="Curiga", submitted_at=now, is_flagged=True)
    factories.active_product(shop=shop, category=category, title="Sudah tayang")
    client.force_login(staff_user)

    response = client.get(QUEUE)

    assert [p.pk for p in response.context["cl"].result_list] == [flagged.pk, old.pk, new.pk]


@pytest.mark.parametrize("count", [3, 30])
def test_queue_query_count_does_not_grow_with_listings(
    client, staff_user, shop, category, django_assert_max_num_queries, count
):
    for _ in range(count):
        factories.ProductImageFactory(product=pending_product(shop, category))
    client.force_login(staff_user)

    # user, category filter, 2x count, the page
    with django_assert_max_num_queries(5):
        response = client.get(QUEUE)

    assert len(response.context["cl"].result_list) == count


def test_staff_approves_from_the_queue(client, staff_user, shop, category):
    product = pending_product(shop, category, is_flagged=True)
    client.force_login(staff_user)

    response = client.post(QUEUE, {"action": "approve_selected", "_selected_action": [product.pk]})

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE
    assert product.published_at is not None
    assert product.is_flagged is False
    assert events(product) == [(ModerationAction.APPROVED, staff_user.pk)]


def test_reapproval_keeps_the_first_publication_time(shop, category, staff_user):
    first = timezone.now() - dt.timedelta(days=30)
    product = pending_product(shop, category, published_at=first)

    services.product_approve(product=product, actor=staff_user)

    product.refresh_from_db()
    assert product.published_at == first


def test_reject_asks_for_a_reason_and_the_seller_reads_it(client, staff_user, seller, shop, category):
    product = pending_product(shop, category, title="Jaket Bekas")
    client.force_login(staff_user)

    page = client.post(QUEUE, {"action": "reject_selected", "_selected_action": [product.pk]})
    blank = client.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [product.pk], "reason": " ", "apply": "1"}
    )
    product.refresh_from_db()
    status_before_reason = product.status
    events_before_reason = events(product)
    done = client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [product.pk],
            "reason": "Foto buram, tambahkan foto label.",
            "apply": "1",
        },
    )

    assert page.status_code == 200
    assert page.templates[0].name == "admin/shops/reason_form.html"
    assert "Jaket Bekas" in page.content.decode()
    assert blank.status_code == 200
    assert blank.context["form"].errors == {"reason": ["This field is required."]}
    assert (status_before_reason, events_before_reason) == (ProductStatus.PENDING_REVIEW, [])
    assert done.status_code == 302
    product.refresh_from_db()
    assert (product.status, product.rejection_reason) == (
        ProductStatus.REJECTED,
        "Foto buram, tambahkan foto label.",
    )
    assert list(ModerationEvent.objects.values_list("kind", "actor", "reason")) == [
        (ModerationAction.REJECTED, staff_user.pk, "Foto buram, tambahkan foto label.")
    ]

    client.force_login(seller)
    seller_page = client.get(change_url(product))
    assert seller_page.status_code == 200
    assert "This listing was rejected by moderation." in seller_page.content.decode()
    assert "Foto buram, tambahkan foto label." in seller_page.content.decode()


def test_reject_page_drops_ids_outside_the_queue(client, staff_user, shop, category):
    waiting = pending_product(shop, category)
    live = factories.active_product(shop=shop, category=category)
    client.force_login(staff_user)

    client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [waiting.pk, live.pk],
            "reason": "Tidak sesuai.",
            "apply": "1",
        },
    )

    waiting.refresh_from_db()
    live.refresh_from_db()
    assert (waiting.status, live.status) == (ProductStatus.REJECTED, ProductStatus.ACTIVE)


def test_seller_editing_a_rejected_listing_resubmits_it(client, seller, shop, category, staff_user):
    product = pending_product(shop, category)
    services.product_reject(product=product, actor=staff_user, reason="Judul menyesatkan.")
    client.force_login(seller)

    response = client.post(change_url(product), product_change_data(product, title="Jaket Jeans Bekas"))

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.PENDING_REVIEW
    assert events(product)[-1] == (ModerationAction.RESUBMITTED, seller.pk)


def test_sellers_cannot_reach_the_queue_or_its_actions(client, seller, shop, category):
    product = pending_product(shop, category)
    client.force_login(seller)

    listing = client.get(QUEUE)
    approve = client.post(QUEUE, {"action": "approve_selected", "_selected_action": [product.pk]})

    assert (listing.status_code, approve.status_code) == (403, 403)
    product.refresh_from_db()
    assert product.status == ProductStatus.PENDING_REVIEW
    assert not ModerationEvent.objects.exists()


def test_a_moderator_without_superuser_rights_works_the_queue(client, shop, category):
    moderator = factories.UserFactory(username="moderator-2", is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_product"))
    product = pending_product(shop, category)
    client.force_login(moderator)

    listing = client.get(QUEUE)
    client.post(QUEUE, {"action": "approve_selected", "_selected_action": [product.pk]})

    assert [p.pk for p in listing.context["cl"].result_list] == [product.pk]
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


# --- Transitions ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ProductStatus.values)
@pytest.mark.parametrize(
    ("decide", "target"),
    [
        (lambda p, actor: services.product_approve(product=p, actor=actor), ProductStatus.ACTIVE),
        (
            lambda p, actor: services.product_reject(product=p, actor=actor, reason="Tidak sesuai."),
            ProductStatus.REJECTED,
        ),
        (lambda p, actor: services.product_archive(product=p, actor=actor), ProductStatus.ARCHIVED),
    ],
    ids=["approve", "reject", "archive"],
)
def test_every_decision_follows_the_transition_table(shop, category, staff_user, status, decide, target):
    product = factories.ProductFactory(shop=shop, category=category, status=status)

    if PRODUCT_MACHINE.allows(status, target):
        decide(product, staff_user)
        product.refresh_from_db()
        assert product.status == target
        assert ModerationEvent.objects.filter(product=product).count() == 1
    else:
        with pytest.raises(TransitionNotAllowed):
            decide(product, staff_user)
        product.refresh_from_db()
        assert product.status == status
        assert not ModerationEvent.objects.exists()


def test_reject_without_a_reason_is_refused_and_writes_nothing(shop, category, staff_user):
    product = pending_product(shop, category)

    with pytest.raises(services.ModerationReasonRequired):
        services.product_reject(product=product, actor=staff_user, reason="   ")

    product.refresh_from_db()
    assert (product.status, product.rejection_reason) == (ProductStatus.PENDING_REVIEW, "")
    assert not ModerationEvent.objects.exists()


def test_submitting_an_active_listing_is_refused(shop, category, seller):
    product = factories.active_product(shop=shop, category=category)

    with pytest.raises(TransitionNotAllowed):
        services.product_submit(product=product, actor=seller)

    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE
    assert not ModerationEvent.objects.exists()


# --- Re-review after edits --------------------------------------------------------------------


def test_editing_the_title_of_an_active_listing_sends_it_back_to_review(client, seller, shop, category):
    product = factories.active_product(shop=shop, category=category, title="Jaket Parka")
    client.force_login(seller)

    response = client.post(change_url(product), product_change_data(product, title="Jaket Parka Original"))

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Jaket Parka Original"
    assert product.status == ProductStatus.PENDING_REVIEW
    assert list(ModerationEvent.objects.values_list("kind", "actor", "reason")) == [
        (ModerationAction.RESUBMITTED, seller.pk, "Changed: title")
    ]
    assert not Product.objects.filter(status="active", shop__status="active").exists()


def test_adding_a_photo_to_an_active_listing_sends_it_back_to_review(client, seller, shop, category):
    product = factories.active_product(shop=shop, category=category)
    client.force_login(seller)
    data = product_change_data(product)
    data.update(management("images", 1, 0))
    data.update({"images-0-image": upload(), "images-0-alt_text": "", "images-0-position": "0"})

    client.post(change_url(product), data)

    product.refresh_from_db()
    assert product.status == ProductStatus.PENDING_REVIEW
    assert events(product) == [(ModerationAction.RESUBMITTED, seller.pk)]
    assert ModerationEvent.objects.get().reason == "Changed: images"


def test_editing_price_and_stock_of_an_active_listing_keeps_it_live(client, seller, shop, category):
    product = factories.active_product(shop=shop, category=category, price=125_000, stock=10)
    client.force_login(seller)
    data = product_change_data(product, **{"variants-0-price": "99000", "variants-0-stock": "4"})

    response = client.post(change_url(product), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.status, product.price, product.stock_total) == (ProductStatus.ACTIVE, 99_000, 4)
    assert not ModerationEvent.objects.exists()


def test_staff_editing_an_active_title_needs_no_review(client, staff_user, shop, category):
    product = factories.active_product(shop=shop, category=category)
    client.force_login(staff_user)

    client.post(change_url(product), product_change_data(product, title="Judul dirapikan"))

    product.refresh_from_db()
    assert (product.title, product.status) == ("Judul dirapikan", ProductStatus.ACTIVE)


# --- Shops ------------------------------------------------------------------------------------


def visible_ids():
    return set(Product.objects.filter(status="active", shop__status="active").values_list("pk", flat=True))


def test_suspending_a_shop_hides_its_products_and_reinstating_restores_them(shop, category, staff_user):
    product = factories.active_product(shop=shop, category=category)
    other = factories.active_product(category=category)

    services.shop_suspend(shop=shop, actor=staff_user, reason="Penipuan berulang.")
    hidden = visible_ids()
    services.shop_reinstate(shop=shop, actor=staff_user)

    assert hidden == {other.pk}
    assert visible_ids() == {product.pk, other.pk}
    shop.refresh_from_db()
    assert (shop.status, shop.suspension_reason) == (ShopStatus.ACTIVE, "")
    assert list(ModerationEvent.objects.order_by("id").values_list("kind", "reason")) == [
        (ModerationAction.SHOP_SUSPENDED, "Penipuan berulang."),
        (ModerationAction.SHOP_REINSTATED, ""),
    ]


def test_suspending_twice_is_refused_and_writes_nothing_more(shop, staff_user):
    services.shop_suspend(shop=shop, actor=staff_user, reason="Penipuan.")

    with pytest.raises(TransitionNotAllowed):
        services.shop_suspend(shop=shop, actor=staff_user, reason="Lagi.")

    shop.refresh_from_db()
    assert shop.suspension_reason == "Penipuan."
    assert ModerationEvent.objects.count() == 1


def test_staff_suspends_through_the_reason_page(client, staff_user, shop):
    client.force_login(staff_user)
    url = reverse("admin:shops_shop_changelist")

    page = client.post(url, {"action": "suspend_selected", "_selected_action": [shop.pk]})
    done = client.post(
        url,
        {
            "action": "suspend_selected",
            "_selected_action": [shop.pk],
            "reason": "Barang palsu.",
            "apply": "1",
        },
    )

    assert page.status_code == 200
    assert page.templates[0].name == "admin/shops/reason_form.html"
    assert done.status_code == 302
    shop.refresh_from_db()
    assert (shop.status, shop.suspension_reason) == (ShopStatus.SUSPENDED, "Barang palsu.")
