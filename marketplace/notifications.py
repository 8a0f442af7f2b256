"""Tell a user something: an on-site notification now, an email after the transaction commits.

Every app calls `notify()`; nothing else writes Notification rows or sends these emails.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from marketplace.models import Notification, User

logger = logging.getLogger(__name__)


def notify(
    *, user: User, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Write the notification in the caller's transaction; queue its email only once that commits.

    `kind` is a short machine name ("order_paid", "order_shipped", ...); `url` a site path.
    Safe inside a transaction that rolls back: then neither the row nor the email exists.
    """
    notification = Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)
    # Forgotten now rather than on commit (which would queue a callback per notification); a page
    # that recounts before the commit caches the old number for at most UNREAD_TTL.
    unread_count_forget(user_id=user.pk)
    if email and user.email:
        from marketplace.tasks import send_notification_email

        # robust: with the broker (Redis) down the caller's write (an order, a payment) is
        # committed all the same and must not fail for an email; the error is logged.
        transaction.on_commit(lambda: send_notification_email.delay(notification.pk), robust=True)
    return notification


# --- The header's unread count ------------------------------------------------------------------
# Cached per user so logged-in pages make no query for it: computed at login (user_logged_in,
# marketplace/apps.py) or on a miss with one COUNT over the (user, read_at) index, and forgotten
# by every notify() and whenever the list marks rows read. The TTL bounds what a recount racing
# an uncommitted notify() could leave behind.

UNREAD_TTL = 2 * 60


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user) -> int:
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_TTL)
    return count


def unread_count_forget(*, user_id: int) -> None:
    # Runs inside callers' transactions (a checkout's): a Redis outage must not roll them back.
    # Redis down has nothing cached to forget; a count it kept comes back at most UNREAD_TTL old.
    try:
        cache.delete(_unread_key(user_id))
    except Exception:
        logger.warning("could not forget the unread count of user %s", user_id, exc_info=True)


def unread_count_warm(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver (a cache warm-up only): the first page after login reads the cache."""
    unread_count_forget(user_id=user.pk)
    unread_count(user=user)


def notifications_mark_read(*, user) -> int:
    """Mark all of the user's unread notifications read (one UPDATE); returns how many."""
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    unread_count_forget(user_id=user.pk)
    return marked
