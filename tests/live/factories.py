"""factory_boy factories and builders for live selling (tests/factories.py style)."""

from datetime import timedelta

import factory
from django.utils import timezone

from live.enums import LiveStatus
from live.models import LiveReminder, LiveSession, LiveSessionProduct
from shops.enums import MemberRole
from tests.factories import ShopFactory, ShopMemberFactory, UserFactory


def _host_of(session) -> object:
    return ShopMemberFactory(shop=session.shop, role=MemberRole.HOST).user


class LiveSessionFactory(factory.django.DjangoModelFactory):
    """A scheduled session for tomorrow, presented by a new live host of its shop."""

    class Meta:
        model = LiveSession

    shop = factory.SubFactory(ShopFactory)
    host = factory.LazyAttribute(_host_of)
    title = factory.Sequence(lambda n: f"Live Thrift {n}")
    planned_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class LiveSessionProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveSessionProduct

    session = factory.SubFactory(LiveSessionFactory)
    position = factory.Sequence(int)


class LiveReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveReminder

    session = factory.SubFactory(LiveSessionFactory)
    user = factory.SubFactory(UserFactory)


def live_session(*, status: str = LiveStatus.SCHEDULED, **kwargs) -> LiveSession:
    """A session already in `status`, with the timestamps that status needs (built, not moved:
    tests of the transitions themselves go through live.services)."""
    now = timezone.now()
    if status in (LiveStatus.LIVE, LiveStatus.ENDED):
        kwargs.setdefault("planned_start", now - timedelta(hours=1))
        kwargs.setdefault("started_at", kwargs["planned_start"] + timedelta(minutes=1))
    if status == LiveStatus.ENDED:
        kwargs.setdefault("ended_at", kwargs["started_at"] + timedelta(minutes=45))
    return LiveSessionFactory(status=status, **kwargs)
