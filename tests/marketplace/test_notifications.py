"""notify(): the row at once, the email once and only after commit."""

import pytest
from django.core import mail

from marketplace.models import Notification
from marketplace.notifications import notify
from marketplace.tasks import send_notification_email

pytestmark = pytest.mark.django_db


def test_notify_writes_the_row_and_emails_once_after_commit(buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(user=buyer, kind="order_shipped", title="Pesanan dikirim", url="/pesanan/X/")

    assert Notification.objects.filter(user=buyer, kind="order_shipped").count() == 1
    assert len(callbacks) == 1  # the email waits for the commit
    assert mail.outbox == []

    # the task itself, run twice as a retry would: one email
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Lapak: Pesanan dikirim"
    assert mail.outbox[0].to == [buyer.email]
    assert "/pesanan/X/" in mail.outbox[0].body


def test_the_email_links_to_the_site_at_its_configured_address(buyer, settings):
    # `make run` on PORT=9000 sets this (scripts/devstack.py run_environment; tests/test_devstack.py)
    settings.SITE_URL = "http://127.0.0.1:9000/"
    notification = notify(user=buyer, kind="order_shipped", title="Pesanan dikirim", url="/pesanan/X/")

    send_notification_email(notification.pk)

    assert mail.outbox[0].body == "http://127.0.0.1:9000/pesanan/X/"


def test_no_email_address_means_no_email(user_factory, django_capture_on_commit_callbacks):
    user = user_factory(username="noemail", email="")
    with django_capture_on_commit_callbacks() as callbacks:
        notify(user=user, kind="order_paid", title="Dibayar")
    assert callbacks == []
