"""What the database itself refuses, whatever a service or a race might try."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from live.enums import FlashDealStatus, ItemClaimStatus, LiveStatus
from live.models import FlashDeal, ItemClaim, LiveBlockedWord, LiveSession, LiveSessionProduct
from tests.kit import factories
from tests.kit.factories import live_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal():
    session = live_session(status=LiveStatus.LIVE)
    product = factories.active_product(shop=session.shop)
    now = timezone.now()
    return FlashDeal.objects.create(
        session=session,
        product=product,
        price=49_000,
        units=3,
        duration_seconds=60,
        status=FlashDealStatus.ACTIVE,
        started_at=now,
        ends_at=now + timedelta(minutes=1),
    )


def test_a_flash_deal_cannot_be_over_claimed(deal):
    with pytest.raises(IntegrityError, match="flashdeal_claimed_within_units"), transaction.atomic():
        FlashDeal.objects.filter(pk=deal.pk).update(units_claimed=F("units_claimed") + 4)

    deal.refresh_from_db()
    assert deal.units_claimed == 0


def test_the_conditional_claim_takes_the_last_units_and_then_nothing(deal):
    def claim(n: int) -> int:
        return FlashDeal.objects.filter(pk=deal.pk, units_claimed__lte=F("units") - n).update(
            units_claimed=F("units_claimed") + n
        )

    assert (claim(2), claim(2), claim(1), claim(1)) == (1, 0, 1, 0)
    deal.refresh_from_db()
    assert (deal.units_claimed, deal.units_left) == (3, 0)


def test_one_running_flash_deal_per_session(deal):
    with pytest.raises(IntegrityError, match="one_active_flash_deal"), transaction.atomic():
        FlashDeal.objects.create(
            session=deal.session,
            product=deal.product,
            price=10_000,
            units=1,
            duration_seconds=30,
            status=FlashDealStatus.ACTIVE,
            started_at=deal.started_at,
            ends_at=deal.ends_at,
        )


def test_a_one_off_item_has_one_holder_and_a_buyer_queues_once(buyer):
    session = live_session(status=LiveStatus.LIVE)
    variant = factories.active_product(shop=session.shop, stock=1).variants.get()
    hold = timezone.now() + timedelta(minutes=10)
    ItemClaim.objects.create(
        session=session, variant=variant, buyer=buyer, status=ItemClaimStatus.HOLDING, hold_expires_at=hold
    )
    waiting = ItemClaim.objects.create(session=session, variant=variant, buyer=factories.UserFactory())

    with pytest.raises(IntegrityError, match="one_holder_per_item"), transaction.atomic():
        ItemClaim.objects.filter(pk=waiting.pk).update(status=ItemClaimStatus.HOLDING, hold_expires_at=hold)
    with pytest.raises(IntegrityError, match="one_open_claim_per_buyer_per_item"), transaction.atomic():
        ItemClaim.objects.create(session=session, variant=variant, buyer=buyer)


def test_one_live_session_per_shop_and_ended_needs_its_times():
    on_air = live_session(status=LiveStatus.LIVE)

    with pytest.raises(IntegrityError, match="one_live_session_per_shop"), transaction.atomic():
        live_session(shop=on_air.shop, host=on_air.host, status=LiveStatus.LIVE)
    with pytest.raises(IntegrityError, match="livesession_ended_after_start"), transaction.atomic():
        LiveSession.objects.filter(pk=on_air.pk).update(status=LiveStatus.ENDED)
    with pytest.raises(IntegrityError, match="livesession_slow_mode_bounded"), transaction.atomic():
        LiveSession.objects.filter(pk=on_air.pk).update(slow_mode_seconds=3600)


def test_a_product_is_featured_once_per_session_and_words_once_per_shop():
    session = live_session()
    product = factories.active_product(shop=session.shop)
    LiveSessionProduct.objects.create(session=session, product=product)
    LiveBlockedWord.objects.create(shop=session.shop, word="Tolol ")

    with pytest.raises(IntegrityError), transaction.atomic():
        LiveSessionProduct.objects.create(session=session, product=product, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveBlockedWord.objects.create(shop=session.shop, word="tolol")
