"""Tell a user something: an on-site notification now, an email after the transaction commits.

Every app calls `notify()`; nothing else writes Notification rows or sends these emails.
"""

from django.db import transaction

from marketplace.models import Notification, User


def notify(
    *, user: User, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Write the notification in the caller's transaction; queue its email only once that commits.

    `kind` is a short machine name ("order_paid", "order_shipped", ...); `url` a site path.
    Safe inside a transaction that rolls back: then neither the row nor the email exists.
    """
    notification = Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)
    if email and user.email:
        from marketplace.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification
