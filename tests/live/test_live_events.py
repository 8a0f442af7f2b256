"""Every move of a live session or a flash deal writes one typed event, read in each reader's language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from live import deals, services
from live.enums import (
    FLASH_DEAL_TRANSITIONS,
    FlashClaimStatus,
    FlashDealEventKind,
    FlashDealStatus,
    LiveStatus,
)
from live.models import FlashDeal, FlashDealClaim, FlashDealEvent, LiveSessionEvent
from marketplace.transitions import TransitionNotAllowed
from shops.enums import MemberRole
from shops.models import Product
from tests.kit import factories
from tests.kit.buying import buy, host_launches
from tests.kit.factories import AddressFactory, UserFactory, live_session, live_with_item

pytestmark = pytest.mark.django_db

DEAL_PAIRS = [(current, target) for current in FlashDealStatus.values for target in FlashDealStatus.values]
# The event each allowed move writes when no cause says otherwise.
DEAL_MOVE_KINDS = {
    FlashDealStatus.ACTIVE: FlashDealEventKind.STARTED,
    FlashDealStatus.STOPPED: FlashDealEventKind.STOPPED,
    FlashDealStatus.ENDED: FlashDealEventKind.EXPIRED,
}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def deal_in(status: str) -> FlashDeal:
    session, variant = live_with_item()
    now = timezone.now()
    return FlashDeal.objects.create(
        session=session,
        product=variant.product,
        variant=variant,
        price=49_000,
        units=5,
        duration_seconds=120,
        status=status,
        started_at=now - timedelta(seconds=10),
        ends_at=now + timedelta(seconds=110),
    )


def live_with_jacket():
    session, variant = live_with_item()
    Product.objects.filter(pk=variant.product_id).update(title="Jaket Denim")
    variant.product.title = "Jaket Denim"
    return session, variant


def launch(session, variant, **overrides):
    fields = {"price": 49_000, "units": 5, "duration_seconds": 120, "per_buyer_limit": 2}
    fields.update(overrides)
    return host_launches(session, variant, **fields)


def deal_events(deal):
    return list(
        FlashDealEvent.objects.filter(deal=deal).values_list(
            "kind", "from_status", "to_status", "actor", "session", "params"
        )
    )


@pytest.mark.parametrize(("current", "target"), DEAL_PAIRS)
def test_every_flash_deal_pair_follows_the_table(current, target):
    deal = deal_in(current)
    host = deal.session.host
    before = FlashDeal.objects.values().get(pk=deal.pk)

    if target in FLASH_DEAL_TRANSITIONS[current]:
        deals.deal_transition(deal=deal, to=target, actor=host)
        assert FlashDeal.objects.get(pk=deal.pk).status == target
        assert [event[:5] for event in deal_events(deal)] == [
            (DEAL_MOVE_KINDS[target], current, target, host.pk, deal.session_id)
        ]
    else:
        with pytest.raises(TransitionNotAllowed):
            deals.deal_transition(deal=deal, to=target, actor=host)
        assert FlashDeal.objects.values().get(pk=deal.pk) == before
        assert not FlashDealEvent.objects.exists()


def test_a_launch_writes_started_with_the_product_and_units(english):
    session, variant = live_with_jacket()

    deal = launch(session, variant, units=7)

    assert deal_events(deal) == [
        (
            FlashDealEventKind.STARTED,
            "",
            FlashDealStatus.ACTIVE,
            session.host.pk,
            session.pk,
            {"product": "Jaket Denim", "units": 7},
        )
    ]
    assert FlashDealEvent.objects.get().message == "Flash deal on “Jaket Denim” started with 7 units."


def test_stopping_early_counts_the_units_ordered_not_the_ones_given_back(english):
    session, variant = live_with_jacket()
    deal = launch(session, variant)
    ordering, holding = UserFactory(), UserFactory()
    buy(ordering, AddressFactory(user=ordering).pk, session, deal=deal, quantity=2)
    held = deals.deal_claim(buyer=holding, deal=deal)

    deals.deal_stop(deal=deal, actor=session.host)

    stopped = FlashDealEvent.objects.get(kind=FlashDealEventKind.STOPPED)
    assert (stopped.from_status, stopped.to_status, stopped.actor) == (
        FlashDealStatus.ACTIVE,
        FlashDealStatus.STOPPED,
        session.host,
    )
    assert stopped.params == {"product": "Jaket Denim", "units": 5, "ordered": 2}
    assert stopped.message == "Flash deal on “Jaket Denim” stopped early: 2 of 5 units ordered."
    held.refresh_from_db()
    assert held.status == FlashClaimStatus.RELEASED
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 2


def test_a_refused_stop_writes_no_event_and_says_stop(english):
    session, variant = live_with_item()
    deal = launch(session, variant)
    deals.deal_stop(deal=deal, actor=session.host)

    with pytest.raises(TransitionNotAllowed) as refusal:
        deals.deal_stop(deal=deal, actor=session.host)

    assert str(refusal.value) == "A flash deal cannot move from “Stopped early” to “Stopped early”."
    assert FlashDealEvent.objects.filter(deal=deal).count() == 2  # started, stopped


def test_the_job_ends_a_deal_whose_time_is_up_with_no_actor():
    session, variant = live_with_item()
    deal = launch(session, variant)
    past = timezone.now() - timedelta(seconds=1)
    FlashDeal.objects.filter(pk=deal.pk).update(started_at=past - timedelta(minutes=2), ends_at=past)

    assert deals.deals_end_due() == 1
    assert deals.deals_end_due() == 0

    ended = FlashDealEvent.objects.exclude(kind=FlashDealEventKind.STARTED)
    assert [(e.kind, e.from_status, e.to_status, e.actor_id) for e in ended] == [
        (FlashDealEventKind.EXPIRED, FlashDealStatus.ACTIVE, FlashDealStatus.ENDED, None)
    ]


def test_a_host_stopping_a_deal_past_its_time_records_that_its_time_was_up():
    session, variant = live_with_item()
    deal = launch(session, variant)
    past = timezone.now() - timedelta(seconds=1)
    FlashDeal.objects.filter(pk=deal.pk).update(started_at=past - timedelta(minutes=2), ends_at=past)

    deals.deal_stop(deal=deal, actor=session.host)

    assert FlashDealEvent.objects.order_by("id").last().kind == FlashDealEventKind.EXPIRED
    assert FlashDeal.objects.get(pk=deal.pk).status == FlashDealStatus.ENDED


def test_ending_the_session_writes_its_event_and_the_running_deals(django_capture_on_commit_callbacks):
    session, variant = live_with_item()
    deal = launch(session, variant)

    services.session_end(session=session, actor=session.host)

    assert list(LiveSessionEvent.objects.values_list("kind", "from_status", "to_status", "actor")) == [
        ("ended", LiveStatus.LIVE, LiveStatus.ENDED, session.host.pk)
    ]
    closed = FlashDealEvent.objects.get(deal=deal, kind=FlashDealEventKind.ENDED_WITH_SESSION)
    assert (closed.to_status, closed.actor, closed.params["ordered"]) == (
        FlashDealStatus.ENDED,
        session.host,
        0,
    )


def test_scheduling_writes_the_first_event():
    member = factories.ShopMemberFactory(role=MemberRole.HOST)

    session = services.session_schedule(
        shop=member.shop,
        host=member.user,
        actor=member.user,
        title="Flanel Jumat Malam",
        planned_start=timezone.now() + timedelta(hours=3),
    )

    assert list(
        LiveSessionEvent.objects.values_list("session", "kind", "from_status", "to_status", "actor")
    ) == [(session.pk, "scheduled", "", LiveStatus.SCHEDULED, member.user.pk)]


def test_a_refused_move_of_a_session_writes_no_event(english):
    session = live_session(status=LiveStatus.ENDED)

    with pytest.raises(TransitionNotAllowed):
        services.session_end(session=session, actor=session.host)

    assert not LiveSessionEvent.objects.exists()
    assert not FlashDealEvent.objects.exists()


def test_the_sellers_admin_shows_the_history_in_indonesian(
    client, seller_factory, django_capture_on_commit_callbacks
):
    session, variant = live_with_jacket()
    deal = launch(session, variant)
    deals.deal_stop(deal=deal, actor=session.host)
    services.session_end(session=session, actor=session.host)
    other = live_session(status=LiveStatus.LIVE)
    services.session_end(session=other, actor=other.host)
    client.force_login(seller_factory(session.shop, username="pemilik"))

    page = client.get(reverse("admin:live_livesession_change", args=[session.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    assert "riwayat sesi" in content.lower()
    assert "Sesi live selesai." in content
    assert "Flash deal “Jaket Denim” dimulai dengan 5 unit." in content
    assert "Flash deal “Jaket Denim” dihentikan lebih awal: 0 dari 5 unit dipesan." in content
    sessions_events = [
        formset.formset.queryset
        for formset in page.context["inline_admin_formsets"]
        if formset.formset.model is LiveSessionEvent
    ]
    assert [list(events.values_list("session", flat=True)) for events in sessions_events] == [[session.pk]]


def test_the_history_is_read_only_and_absent_from_the_add_form(client, seller_factory):
    session = live_session()
    services.session_go_live(session=session, actor=session.host)
    client.force_login(seller_factory(session.shop, username="pemilik"))

    change = client.get(reverse("admin:live_livesession_change", args=[session.pk]))
    add = client.get(reverse("admin:live_livesession_add"))

    history = next(f for f in change.context["inline_admin_formsets"] if f.formset.model is LiveSessionEvent)
    assert (history.has_add_permission, history.has_change_permission, history.has_delete_permission) == (
        False,
        False,
        False,
    )
    assert "Sesi live mulai tayang." in change.content.decode()
    assert all(f.formset.model is not LiveSessionEvent for f in add.context["inline_admin_formsets"])


def test_claims_are_left_alone_by_a_refused_deal_move():
    deal = deal_in(FlashDealStatus.ENDED)
    claim = FlashDealClaim.objects.create(
        deal=deal, buyer=UserFactory(), variant=deal.variant, quantity=1, status=FlashClaimStatus.HELD
    )

    with pytest.raises(TransitionNotAllowed):
        deals.deal_transition(deal=deal, to=FlashDealStatus.STOPPED, actor=None)

    claim.refresh_from_db()
    assert claim.status == FlashClaimStatus.HELD
