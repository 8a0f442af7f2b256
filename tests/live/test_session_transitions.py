"""Live session status moves only along LIVE_TRANSITIONS, by the shop's owner or hosts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from live import errors, services
from live.enums import (
    DEFAULT_BLOCKED_WORDS,
    LIVE_TRANSITIONS,
    FlashDealStatus,
    LiveSessionEventKind,
    LiveStatus,
)
from live.models import FlashDeal, LiveBlockedWord, LiveOrder, LiveSession, LiveSessionEvent
from marketplace.transitions import TransitionNotAllowed
from orders.enums import OrderStatus
from shops.enums import MemberRole, ShopStatus
from tests.kit import factories
from tests.kit.factories import live_session, make_order

pytestmark = [pytest.mark.django_db, pytest.mark.english]

ALL_PAIRS = [(current, target) for current in LiveStatus.values for target in LiveStatus.values]
# The event each allowed move writes.
MOVE_KINDS = {
    LiveStatus.LIVE: LiveSessionEventKind.WENT_LIVE,
    LiveStatus.ENDED: LiveSessionEventKind.ENDED,
    LiveStatus.CANCELLED: LiveSessionEventKind.CANCELLED,
}


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_every_from_to_pair_follows_the_table(current, target):
    session = live_session(status=current)
    before = LiveSession.objects.values().get(pk=session.pk)

    if target in LIVE_TRANSITIONS[current]:
        services.session_transition(session=session, to=target, actor=session.host)
        session.refresh_from_db()
        assert session.status == target
        assert list(LiveSessionEvent.objects.values_list("kind", "from_status", "to_status", "actor")) == [
            (MOVE_KINDS[target], current, target, session.host.pk)
        ]
    else:
        with pytest.raises(TransitionNotAllowed):
            services.session_transition(session=session, to=target, actor=session.host)
        assert LiveSession.objects.values().get(pk=session.pk) == before
        assert not LiveSessionEvent.objects.exists()


def test_go_live_then_end_records_the_times(django_capture_on_commit_callbacks):
    session = live_session()

    with django_capture_on_commit_callbacks():
        services.session_go_live(session=session, actor=session.host)
    started = LiveSession.objects.get(pk=session.pk)
    services.session_end(session=session, actor=session.host)
    ended = LiveSession.objects.get(pk=session.pk)

    assert (started.status, started.ended_at) == (LiveStatus.LIVE, None)
    assert started.started_at is not None
    assert ended.status == LiveStatus.ENDED
    assert ended.ended_at >= ended.started_at == started.started_at
    assert session.status == LiveStatus.ENDED  # the caller's object follows


def test_ending_an_ended_session_is_refused_with_a_clear_message():
    session = live_session(status=LiveStatus.ENDED)

    with pytest.raises(TransitionNotAllowed) as refusal:
        services.session_end(session=session, actor=session.host)

    assert str(refusal.value) == "A live session cannot move from “Ended” to “Ended”."


def test_the_owner_may_run_a_session_but_shop_staff_and_buyers_may_not(seller_factory, buyer):
    session = live_session()
    owner = seller_factory(session.shop, username="pemilik")
    staff = seller_factory(session.shop, username="staf", role=MemberRole.STAFF)
    other_shops_host = factories.ShopMemberFactory(role=MemberRole.HOST).user

    for outsider in (staff, buyer, other_shops_host):
        with pytest.raises(errors.LiveHostNotAllowed):
            services.session_cancel(session=session, actor=outsider)
    assert LiveSession.objects.get(pk=session.pk).status == LiveStatus.SCHEDULED

    services.session_cancel(session=session, actor=owner)
    assert LiveSession.objects.get(pk=session.pk).status == LiveStatus.CANCELLED


def test_a_suspended_shop_cannot_go_live():
    session = live_session()
    type(session.shop).objects.filter(pk=session.shop_id).update(status=ShopStatus.SUSPENDED)

    with pytest.raises(errors.LiveShopNotActive):
        services.session_go_live(session=session, actor=session.host)

    assert LiveSession.objects.get(pk=session.pk).status == LiveStatus.SCHEDULED


def test_a_shop_is_live_in_one_session_at_a_time(django_capture_on_commit_callbacks):
    on_air = live_session(status=LiveStatus.LIVE)
    next_one = live_session(shop=on_air.shop, host=on_air.host)

    with pytest.raises(errors.ShopAlreadyLive):
        services.session_go_live(session=next_one, actor=on_air.host)

    assert LiveSession.objects.get(pk=next_one.pk).status == LiveStatus.SCHEDULED


def test_ending_stops_the_running_flash_deal_and_counts_the_sessions_orders(shop_factory, buyer):
    session = live_session(status=LiveStatus.LIVE)
    product = factories.active_product(shop=session.shop)
    now = timezone.now()
    deal = FlashDeal.objects.create(
        session=session,
        product=product,
        price=50_000,
        units=5,
        duration_seconds=120,
        status=FlashDealStatus.ACTIVE,
        started_at=now,
        ends_at=now + timedelta(minutes=2),
    )
    paid = make_order(shop=session.shop, buyer=buyer, items=(("Jaket", "L", 150_000, 2),))
    cancelled = make_order(
        shop=session.shop, buyer=buyer, status=OrderStatus.CANCELLED, items=(("Kemeja", "M", 90_000, 1),)
    )
    make_order(shop=session.shop, buyer=buyer)  # not from the live: not counted
    LiveOrder.objects.create(session=session, order=paid)
    LiveOrder.objects.create(session=session, order=cancelled)

    services.session_end(session=session, actor=session.host)

    deal.refresh_from_db()
    session.refresh_from_db()
    assert deal.status == FlashDealStatus.ENDED
    assert (session.order_count, session.revenue) == (1, 300_000)


# --- Scheduling ---------------------------------------------------------------------------------
@pytest.fixture
def host_member(db):
    return factories.ShopMemberFactory(role=MemberRole.HOST)


def _schedule(member, **overrides):
    arguments = {
        "shop": member.shop,
        "host": member.user,
        "actor": member.user,
        "title": "Flanel Jumat Malam",
        "planned_start": timezone.now() + timedelta(hours=3),
    }
    arguments.update(overrides)
    return services.session_schedule(**arguments)


def test_schedule_features_products_in_order_and_seeds_the_chat_word_list(host_member):
    first = factories.active_product(shop=host_member.shop, title="Jaket")
    second = factories.active_product(shop=host_member.shop, title="Kemeja")

    session = _schedule(host_member, products=[second, first])

    assert session.status == LiveStatus.SCHEDULED
    assert list(session.session_products.values_list("product__title", "position")) == [
        ("Kemeja", 0),
        ("Jaket", 1),
    ]
    words = set(LiveBlockedWord.objects.filter(shop=host_member.shop).values_list("word", flat=True))
    assert words == set(DEFAULT_BLOCKED_WORDS)


def test_a_shop_that_emptied_its_word_list_keeps_it_empty(host_member):
    _schedule(host_member)
    LiveBlockedWord.objects.filter(shop=host_member.shop).delete()

    _schedule(host_member, title="Sesi kedua")

    assert not LiveBlockedWord.objects.filter(shop=host_member.shop).exists()


def test_seeding_merges_into_a_shops_own_words(host_member):
    LiveBlockedWord.objects.create(shop=host_member.shop, word="COD luar")
    LiveBlockedWord.objects.create(shop=host_member.shop, word="anjing")

    added = services.shop_blocked_words_seed(shop=host_member.shop)

    assert added == len(DEFAULT_BLOCKED_WORDS) - 1
    assert LiveBlockedWord.objects.filter(shop=host_member.shop).count() == len(DEFAULT_BLOCKED_WORDS) + 1


def test_schedule_refuses_a_start_in_the_past(host_member):
    with pytest.raises(errors.LiveScheduleInvalid, match="The planned start must be in the future."):
        _schedule(host_member, planned_start=timezone.now() - timedelta(minutes=5))

    assert not LiveSession.objects.exists()


def test_schedule_refuses_a_staff_member_as_host_and_another_shops_product(host_member):
    staff = factories.ShopMemberFactory(shop=host_member.shop, role=MemberRole.STAFF).user
    foreign = factories.active_product()

    with pytest.raises(errors.LiveScheduleInvalid):
        _schedule(host_member, host=staff)
    with pytest.raises(errors.LiveHostNotAllowed):
        _schedule(host_member, actor=staff)
    with pytest.raises(errors.LiveScheduleInvalid):
        _schedule(host_member, products=[foreign])

    assert not LiveSession.objects.exists()
    assert not LiveBlockedWord.objects.exists()
