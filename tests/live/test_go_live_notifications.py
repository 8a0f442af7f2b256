"""Going live tells the shop's followers and the shoppers who asked for a reminder, once each."""

import pytest
from django.urls import reverse
from django.utils import translation

from live import errors, notifications, services, tasks
from live.enums import LiveStatus
from live.models import LiveReminder
from marketplace.models import Notification
from shops.services import follow_create
from tests.kit import factories
from tests.kit.factories import LiveReminderFactory, live_session

pytestmark = pytest.mark.django_db


def told(session) -> dict[str, int]:
    """{username: notifications about this session}."""
    rows = Notification.objects.filter(kind="live_started", url=reverse("live_room", args=[session.pk]))
    counts: dict[str, int] = {}
    for username in rows.values_list("user__username", flat=True):
        counts[username] = counts.get(username, 0) + 1
    return counts


def test_go_live_queues_the_notice_task_only_after_commit(monkeypatch, django_capture_on_commit_callbacks):
    session = live_session()
    queued = []
    monkeypatch.setattr(tasks.notify_session_live, "delay", queued.append)

    with django_capture_on_commit_callbacks() as callbacks:
        services.session_go_live(session=session, actor=session.host)
        assert queued == []

    for callback in callbacks:  # the task, and dropping the cached live strips
        callback()
    assert queued == [session.pk]
    assert Notification.objects.count() == 0  # the task, not the request, tells the shoppers


def test_followers_and_reminder_holders_are_told_once_each(django_capture_on_commit_callbacks):
    session = live_session(status=LiveStatus.LIVE)
    follower, both, reminded = (factories.UserFactory(username=name) for name in ("ani", "budi", "citra"))
    follow_create(user=follower, shop=session.shop)
    follow_create(user=both, shop=session.shop)
    LiveReminderFactory(session=session, user=both)
    LiveReminderFactory(session=session, user=reminded)
    follow_create(user=factories.UserFactory(username="lain"), shop=factories.ShopFactory())

    with django_capture_on_commit_callbacks() as emails, translation.override("en"):
        count = notifications.session_notify_live(session_id=session.pk, batch_size=1)

    assert count == 3
    assert told(session) == {"ani": 1, "budi": 1, "citra": 1}
    # Reminder holders asked for it and get the email too; followers only the bell.
    assert len(emails) == 2
    notice = Notification.objects.get(user=follower)
    assert notice.title == f"{session.shop.name} is live now"
    assert notice.body == session.title
    assert not LiveReminder.objects.filter(notified_at__isnull=True).exists()


def test_running_the_task_twice_tells_nobody_twice():
    session = live_session(status=LiveStatus.LIVE)
    follower = factories.UserFactory()
    follow_create(user=follower, shop=session.shop)
    LiveReminderFactory(session=session)

    first = tasks.notify_session_live(session.pk)
    second = tasks.notify_session_live(session.pk)

    assert (first, second) == (2, 0)
    assert Notification.objects.count() == 2


@pytest.mark.parametrize("status", [LiveStatus.SCHEDULED, LiveStatus.ENDED, LiveStatus.CANCELLED])
def test_a_session_no_longer_live_tells_nobody(status):
    session = live_session(status=status)
    follow_create(user=factories.UserFactory(), shop=session.shop)

    assert notifications.session_notify_live(session_id=session.pk) == 0
    assert not Notification.objects.exists()


def test_inactive_accounts_are_skipped():
    session = live_session(status=LiveStatus.LIVE)
    follow_create(user=factories.UserFactory(is_active=False), shop=session.shop)

    assert notifications.session_notify_live(session_id=session.pk) == 0


# --- Reminders ----------------------------------------------------------------------------------
def test_a_reminder_is_set_once_and_only_for_upcoming_sessions(buyer):
    upcoming = live_session()
    ended = live_session(status=LiveStatus.ENDED)

    assert services.live_reminder_set(user=buyer, session=upcoming) is True
    assert services.live_reminder_set(user=buyer, session=upcoming) is False
    with pytest.raises(errors.ReminderNotAllowed):
        services.live_reminder_set(user=buyer, session=ended)

    assert list(LiveReminder.objects.values_list("session_id", flat=True)) == [upcoming.pk]
    assert services.live_reminder_delete(user=buyer, session=upcoming) is True
    assert not LiveReminder.objects.exists()
