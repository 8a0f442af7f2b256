"""Who is told that a session went live: its reminder holders and the shop's followers.

Run by the Celery task live.tasks.notify_session_live, which live.services.session_go_live
queues after the commit (a shop may have many followers).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from live.enums import LiveStatus
from live.models import LiveReminder, LiveSession
from marketplace.models import Notification, User
from marketplace.notifications import notify
from shops.models import Follow

NOTIFICATION_KIND_LIVE = "live_started"
# Followers are told in batches, each its own transaction, so a shop with many thousands of
# followers neither holds one huge transaction nor queues one huge on-commit list.
NOTIFY_BATCH_SIZE = 500


def session_notify_live(*, session_id: int, batch_size: int = NOTIFY_BATCH_SIZE) -> int:
    """Tell the session's reminder holders and the shop's followers that it is live.

    Safe to run twice (a retried task): reminders are marked `notified_at` in the batch that
    tells them, and a follower who already has this session's notification is skipped, so each
    shopper is told once even when they follow the shop and set a reminder too. Does nothing
    unless the session is still live. Decision: reminder holders asked for it and also get the
    email; followers get the on-site notification only (an email per live per followed shop
    would be spam). Returns how many shoppers were told.
    """
    session = LiveSession.objects.select_related("shop").filter(pk=session_id).first()
    if session is None or session.status != LiveStatus.LIVE:
        return 0
    told = 0
    while True:
        with transaction.atomic():
            reminders = list(
                LiveReminder.objects.select_for_update(skip_locked=True)
                .filter(session=session, notified_at__isnull=True)
                .select_related("user")
                .order_by("id")[:batch_size]
            )
            if not reminders:
                break
            already = _already_told(session=session, user_ids=[r.user_id for r in reminders])
            for reminder in reminders:
                if reminder.user_id not in already and reminder.user.is_active:
                    _tell(session=session, user=reminder.user, email=True)
                    told += 1
            LiveReminder.objects.filter(pk__in=[r.pk for r in reminders]).update(notified_at=timezone.now())

    last_id = 0
    while True:
        follows = list(
            Follow.objects.filter(shop_id=session.shop_id, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "user_id")[:batch_size]
        )
        if not follows:
            break
        last_id = follows[-1][0]
        user_ids = [user_id for _pk, user_id in follows]
        with transaction.atomic():
            already = _already_told(session=session, user_ids=user_ids)
            for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk__in=already):
                _tell(session=session, user=user, email=False)
                told += 1
    return told


def _already_told(*, session: LiveSession, user_ids: list[int]) -> set[int]:
    return set(
        Notification.objects.filter(
            kind=NOTIFICATION_KIND_LIVE, url=session.get_absolute_url(), user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )


def _tell(*, session: LiveSession, user, email: bool) -> None:
    notify(
        user=user,
        kind=NOTIFICATION_KIND_LIVE,
        title=_("%(shop)s is live now") % {"shop": session.shop.name},
        body=session.title,
        url=session.get_absolute_url(),
        email=email,
    )
