"""`manage.py seed_demo_live`: the thrift shop's demo lives, created once."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from live.enums import LiveStatus
from live.management.commands import seed_demo_live
from live.models import LiveBlockedWord, LiveSession
from shops.enums import MemberRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def thrift():
    shop = factories.ShopFactory(slug="lemari-thrift-jogja", name="Lemari Thrift Jogja")
    factories.ShopMemberFactory(shop=shop, role=MemberRole.OWNER, user__username="thrift")
    factories.ShopMemberFactory(shop=shop, role=MemberRole.HOST, user__username="host_thrift")
    for i in range(5):
        factories.active_product(shop=shop, title=f"Jaket {i}")
    return shop


def test_running_twice_creates_one_upcoming_and_one_past_session(thrift):
    call_command("seed_demo_live", verbosity=0)
    call_command("seed_demo_live", verbosity=0)

    sessions = {s.status: s for s in LiveSession.objects.filter(shop=thrift)}
    assert LiveSession.objects.count() == 2
    upcoming, past = sessions[LiveStatus.SCHEDULED], sessions[LiveStatus.ENDED]
    assert upcoming.host.username == past.host.username == "host_thrift"
    assert upcoming.planned_start > timezone.now()
    assert (past.peak_viewers, past.order_count, past.revenue) == (148, 23, 2_875_000)
    assert past.started_at < past.ended_at < timezone.now()
    assert upcoming.session_products.count() == past.session_products.count() == 4
    assert LiveBlockedWord.objects.filter(shop=thrift).exists()


def test_a_passed_demo_session_moves_to_tomorrow(thrift):
    call_command("seed_demo_live", verbosity=0)
    upcoming = LiveSession.objects.get(title=seed_demo_live.UPCOMING_TITLE)
    LiveSession.objects.filter(pk=upcoming.pk).update(
        planned_start=timezone.now() - timezone.timedelta(days=2)
    )

    call_command("seed_demo_live", verbosity=0)

    upcoming.refresh_from_db()
    assert upcoming.planned_start > timezone.now()
    assert LiveSession.objects.count() == 2


def test_after_the_demo_live_has_ended_the_next_start_schedules_a_fresh_one(thrift):
    call_command("seed_demo_live", verbosity=0)
    LiveSession.objects.filter(title=seed_demo_live.UPCOMING_TITLE).update(
        status=LiveStatus.ENDED, started_at=timezone.now(), ended_at=timezone.now()
    )

    call_command("seed_demo_live", verbosity=0)

    fresh = LiveSession.objects.get(title=seed_demo_live.UPCOMING_TITLE, status=LiveStatus.SCHEDULED)
    assert fresh.planned_start > timezone.now()
    assert fresh.session_products.count() == 4
    assert LiveSession.objects.filter(status=LiveStatus.ENDED).count() == 2


def test_a_missing_thrift_shop_is_skipped():
    factories.ShopFactory(slug="toko-lain")

    call_command("seed_demo_live", verbosity=0)

    assert not LiveSession.objects.exists()
