"""Every product and shop status move follows its machine; each move writes one typed event."""

import itertools

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from marketplace.transitions import TransitionNotAllowed
from shops import services
from shops.enums import PRODUCT_MACHINE, SHOP_MACHINE, ModerationAction, ProductStatus, ShopStatus
from shops.models import ModerationEvent, Product, Shop
from tests.kit import factories

P = ProductStatus
PRODUCT_MOVES = {
    (P.DRAFT, P.PENDING_REVIEW),
    (P.DRAFT, P.ARCHIVED),
    (P.PENDING_REVIEW, P.ACTIVE),
    (P.PENDING_REVIEW, P.REJECTED),
    (P.PENDING_REVIEW, P.DRAFT),
    (P.PENDING_REVIEW, P.ARCHIVED),
    (P.ACTIVE, P.PENDING_REVIEW),
    (P.ACTIVE, P.ARCHIVED),
    (P.REJECTED, P.PENDING_REVIEW),
    (P.REJECTED, P.ARCHIVED),
    (P.ARCHIVED, P.DRAFT),
}
# The event each target writes when a service moves a listing there.
PRODUCT_KIND = {
    P.DRAFT: ModerationAction.DRAFTED,
    P.PENDING_REVIEW: ModerationAction.SUBMITTED,
    P.ACTIVE: ModerationAction.APPROVED,
    P.REJECTED: ModerationAction.REJECTED,
    P.ARCHIVED: ModerationAction.ARCHIVED,
}
SHOP_MOVES = {(ShopStatus.ACTIVE, ShopStatus.SUSPENDED), (ShopStatus.SUSPENDED, ShopStatus.ACTIVE)}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(P.values, repeat=2)))
def test_every_product_move_follows_the_machine(db, staff_user, current, target):
    product = factories.ProductFactory(status=current)
    allowed = (current, target) in PRODUCT_MOVES
    assert PRODUCT_MACHINE.allows(current, target) is allowed

    if allowed:
        services.product_transition(product=product, to=target, actor=staff_user, kind=PRODUCT_KIND[target])
        assert Product.objects.get(pk=product.pk).status == target
        assert list(ModerationEvent.objects.values_list("product", "shop", "actor", "kind")) == [
            (product.pk, product.shop_id, staff_user.pk, PRODUCT_KIND[target])
        ]
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            services.product_transition(
                product=product, to=target, actor=staff_user, kind=PRODUCT_KIND[target]
            )
        assert (refused.value.current, refused.value.target) == (current, target)
        assert Product.objects.get(pk=product.pk).status == current
        assert not ModerationEvent.objects.exists()


def move_shop(shop, target, actor):
    if target == ShopStatus.SUSPENDED:
        return services.shop_suspend(shop=shop, actor=actor, reason="Laporan penipuan.")
    return services.shop_reinstate(shop=shop, actor=actor)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ShopStatus.values, repeat=2)))
def test_every_shop_move_follows_the_machine(db, staff_user, current, target):
    shop = factories.ShopFactory(status=current)
    allowed = (current, target) in SHOP_MOVES
    assert SHOP_MACHINE.allows(current, target) is allowed
    kind = {
        ShopStatus.SUSPENDED: ModerationAction.SHOP_SUSPENDED,
        ShopStatus.ACTIVE: ModerationAction.SHOP_REINSTATED,
    }

    if allowed:
        move_shop(shop, target, staff_user)
        assert Shop.objects.get(pk=shop.pk).status == target
        assert list(ModerationEvent.objects.values_list("product", "shop", "actor", "kind")) == [
            (None, shop.pk, staff_user.pk, kind[target])
        ]
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            move_shop(shop, target, staff_user)
        assert (refused.value.current, refused.value.target) == (current, target)
        assert Shop.objects.get(pk=shop.pk).status == current
        assert not ModerationEvent.objects.exists()


def test_a_refused_move_names_both_statuses_in_the_readers_language(db, staff_user):
    shop = factories.ShopFactory(status=ShopStatus.SUSPENDED)

    with translation.override("en"), pytest.raises(TransitionNotAllowed) as english:
        services.shop_suspend(shop=shop, actor=staff_user, reason="Lagi.")
    with translation.override("id"), pytest.raises(TransitionNotAllowed) as indonesian:
        services.shop_suspend(shop=shop, actor=staff_user, reason="Lagi.")

    assert english.value.message == "A shop cannot move from “Suspended” to “Suspended”."
    assert indonesian.value.message == "Toko tidak dapat berpindah dari “Ditangguhkan” ke “Ditangguhkan”."
    assert english.value.code == "transition_not_allowed"


def test_a_reason_is_a_refusal_with_a_code(db, staff_user):
    shop = factories.ShopFactory()

    with translation.override("en"), pytest.raises(services.ModerationReasonRequired) as refused:
        services.shop_suspend(shop=shop, actor=staff_user, reason=" ")

    assert (refused.value.code, refused.value.message) == (
        "moderation_reason_required",
        "A reason is required: the seller reads it.",
    )
    assert not ModerationEvent.objects.exists()


def test_an_edit_event_names_what_changed_in_either_language(db, seller_factory):
    product = factories.active_product()
    seller = seller_factory(product.shop, username="citra")

    services.product_resubmit_after_edit(product=product, actor=seller, changed=["title", "images"])

    event = ModerationEvent.objects.get()
    assert (event.kind, event.params) == (ModerationAction.RESUBMITTED, {"changed": "title, images"})
    with translation.override("en"):
        assert event.message == "Edited (title, images), back to review"
    with translation.override("id"):
        assert event.message == "Diubah (title, images), kembali ditinjau"


@pytest.mark.parametrize(("language", "sentence"), [("en", "Shop suspended"), ("id", "Toko ditangguhkan")])
def test_the_seller_reads_the_trail_in_their_language(client, seller_factory, staff_user, language, sentence):
    shop = factories.ShopFactory()
    seller = seller_factory(shop, username="citra")
    services.shop_suspend(shop=shop, actor=staff_user, reason="Barang palsu.")
    client.force_login(seller)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    listing = client.get(reverse("admin:shops_moderationevent_changelist"))
    page = client.get(reverse("admin:shops_moderationevent_change", args=[ModerationEvent.objects.get().pk]))

    assert f'<td class="field-message">{sentence}</td>' in listing.content.decode()
    assert sentence in page.content.decode()
    assert "Barang palsu." in page.content.decode()
