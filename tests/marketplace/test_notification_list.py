"""/notifikasi/: own notifications only, newest first, read on opening; the bell's count."""

import pytest
from django.urls import reverse

from marketplace.models import Notification
from marketplace.notifications import notify

pytestmark = pytest.mark.django_db

URL = reverse("notification_list")


def test_the_list_shows_only_my_notifications_newest_first(client, buyer, user_factory):
    notify(user=buyer, kind="order_placed", title="Pesanan dibuat", email=False)
    notify(user=buyer, kind="order_shipped", title="Pesanan dikirim", email=False)
    notify(user=user_factory(username="lain"), kind="order_placed", title="Milik orang lain", email=False)
    client.force_login(buyer)

    response = client.get(URL)

    assert [n.title for n in response.context["notifications"]] == ["Pesanan dikirim", "Pesanan dibuat"]
    html = response.content.decode()
    assert "Milik orang lain" not in html
    assert html.count("is-unread") == 2  # highlighted as they were when opened


def test_opening_the_list_marks_them_read(client, buyer):
    notify(user=buyer, kind="order_placed", title="Pesanan dibuat", email=False)
    client.force_login(buyer)

    client.get(URL)
    second = client.get(URL).content.decode()

    assert Notification.objects.filter(user=buyer, read_at__isnull=True).count() == 0
    assert "is-unread" not in second


def test_the_header_shows_the_unread_count_without_a_query(client, buyer, django_assert_num_queries):
    for index in range(3):
        notify(user=buyer, kind="order_placed", title=f"Pesanan {index}", email=False)
    client.force_login(buyer)  # the count is cached at login

    with django_assert_num_queries(2):  # the user and their (empty) cart: none for the bell
        html = client.get(reverse("cart")).content.decode()
    assert '<span class="notification-count" data-unread-count>3</span>' in html

    client.get(URL)
    notify(user=buyer, kind="order_shipped", title="Baru", email=False)
    html = client.get(reverse("cart")).content.decode()
    assert '<span class="notification-count" data-unread-count>1</span>' in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
