"""Home's live strip, the shop page's lives and the live room: who sees what, at what cost."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from live import services
from live.enums import LiveStatus
from live.models import LiveReminder
from live.presence import viewer_count_set
from shops.enums import ProductStatus, ShopStatus
from tests.kit import factories
from tests.kit.factories import LiveReminderFactory, LiveSessionProductFactory, live_session
from tests.kit.pages import page_html as _html

pytestmark = pytest.mark.django_db


def _suspend(shop):
    shop.status = ShopStatus.SUSPENDED
    shop.save()


# --- Home ---------------------------------------------------------------------------------------
def test_home_shows_live_now_with_viewers_and_upcoming_with_a_reminder_button(client):
    on_air = live_session(status=LiveStatus.LIVE, title="Bongkar Karung Jaket")
    viewer_count_set(session_id=on_air.pk, count=37)
    soon = live_session(title="Flanel Jumat Malam", planned_start=timezone.now() + timedelta(hours=5))
    later = live_session(title="Batik Minggu Pagi", planned_start=timezone.now() + timedelta(days=2))
    live_session(title="Bulan Depan", planned_start=timezone.now() + timedelta(days=30))
    live_session(status=LiveStatus.ENDED, title="Sudah Selesai")
    live_session(status=LiveStatus.CANCELLED, title="Dibatalkan")

    response = client.get(reverse("home"))
    html = _html(response)

    assert [s.title for s in response.context["live"].live_now] == ["Bongkar Karung Jaket"]
    assert [s.title for s in response.context["live"].upcoming] == ["Flanel Jumat Malam", "Batik Minggu Pagi"]
    assert "37 watching" in html or "37 menonton" in html
    assert "Belum ada siaran langsung." not in html
    assert reverse("live_reminder_set", args=[soon.pk]) in html
    assert reverse("live_reminder_set", args=[later.pk]) in html
    for hidden in ("Bulan Depan", "Sudah Selesai", "Dibatalkan"):
        assert hidden not in html


def test_home_hides_the_sessions_of_a_suspended_shop(client, django_capture_on_commit_callbacks):
    session = live_session(status=LiveStatus.LIVE, title="Toko Ditangguhkan Live")
    assert "Toko Ditangguhkan Live" in _html(client.get(reverse("home")))  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        _suspend(session.shop)

    assert "Toko Ditangguhkan Live" not in _html(client.get(reverse("home")))


def test_going_live_shows_on_the_home_page_at_once(client, django_capture_on_commit_callbacks, monkeypatch):
    from live import tasks

    monkeypatch.setattr(tasks.notify_session_live, "delay", lambda session_id: None)
    session = live_session(title="Segera Mulai")
    client.get(reverse("home"))  # caches the strip with the session upcoming

    with django_capture_on_commit_callbacks(execute=True):
        services.session_go_live(session=session, actor=session.host)

    response = client.get(reverse("home"))
    assert [s.title for s in response.context["live"].live_now] == ["Segera Mulai"]


def test_home_shows_which_reminders_the_shopper_set(client, buyer):
    reminded = live_session(title="Sudah Diingatkan")
    other = live_session(title="Belum Diingatkan")
    LiveReminderFactory(session=reminded, user=buyer)
    client.force_login(buyer)

    html = _html(client.get(reverse("home")))

    assert reverse("live_reminder_delete", args=[reminded.pk]) in html
    assert reverse("live_reminder_set", args=[other.pk]) in html
    assert reverse("live_reminder_set", args=[reminded.pk]) not in html


@pytest.mark.parametrize("count", [3, 30])
def test_home_query_count_does_not_grow_with_sessions(client, django_assert_num_queries, count):
    for i in range(count):
        live_session(status=LiveStatus.LIVE if i % 3 == 0 else LiveStatus.SCHEDULED)

    # category tree, trending (no products: no image query), newest shops, the live strip.
    with django_assert_num_queries(4):
        client.get(reverse("home"))
    # Warm: nothing from the database (viewer counts come from Redis).
    with django_assert_num_queries(0):
        client.get(reverse("home"))


@pytest.mark.parametrize("count", [3, 30])
def test_home_logged_in_adds_one_query_for_reminders(client, buyer, django_assert_num_queries, count):
    for _ in range(count):
        live_session()
    client.force_login(buyer)
    client.get(reverse("home"))

    # the user, and which of the upcoming sessions they asked to be reminded of
    with django_assert_num_queries(2):
        client.get(reverse("home"))


# --- Shop page ----------------------------------------------------------------------------------
def test_shop_page_lists_its_own_lives(client, shop_factory):
    shop = shop_factory()
    live_session(shop=shop, status=LiveStatus.LIVE, title="Sedang Tayang")
    live_session(shop=shop, title="Akan Datang")
    live_session(shop=shop, status=LiveStatus.ENDED, title="Tayangan Lalu")
    live_session(shop=shop, status=LiveStatus.CANCELLED, title="Tidak Jadi")
    live_session(title="Toko Lain Live")

    html = _html(client.get(reverse("shop_detail", args=[shop.slug])))

    assert html.index("Sedang Tayang") < html.index("Akan Datang") < html.index("Tayangan Lalu")
    assert "Tidak Jadi" not in html
    assert "Toko Lain Live" not in html


def test_shop_page_without_lives_has_no_live_section(client, shop_factory):
    shop = shop_factory()

    html = _html(client.get(reverse("shop_detail", args=[shop.slug])))

    assert 'id="shop-lives-title"' not in html


@pytest.mark.parametrize("count", [3, 30])
def test_shop_page_query_count_does_not_grow_with_sessions(client, django_assert_num_queries, count):
    shop = factories.ShopFactory()
    for i in range(count):
        live_session(shop=shop, status=[LiveStatus.SCHEDULED, LiveStatus.ENDED, LiveStatus.SCHEDULED][i % 3])

    # shop, category tree, COUNT (no products: no page query), vouchers, current lives, past lives
    with django_assert_num_queries(6):
        client.get(reverse("shop_detail", args=[shop.slug]))


# --- The room -----------------------------------------------------------------------------------
def test_room_renders_title_shop_status_and_visible_featured_products(client):
    session = live_session(status=LiveStatus.LIVE, title="Bongkar Karung Jaket")
    shown = factories.active_product(shop=session.shop, title="Jaket Levis")
    hidden = factories.active_product(shop=session.shop, title="Belum Disetujui")
    type(hidden).objects.filter(pk=hidden.pk).update(status=ProductStatus.PENDING_REVIEW)
    LiveSessionProductFactory(session=session, product=shown)
    LiveSessionProductFactory(session=session, product=hidden)

    html = _html(client.get(reverse("live_room", args=[session.pk])))

    assert "Bongkar Karung Jaket" in html
    assert session.shop.name in html
    assert "data-live-stage" in html
    assert "Jaket Levis" in html
    assert "Belum Disetujui" not in html


def test_room_of_an_upcoming_session_offers_a_reminder(client):
    session = live_session(title="Nanti Malam")

    html = _html(client.get(reverse("live_room", args=[session.pk])))

    assert reverse("live_reminder_set", args=[session.pk]) in html


@pytest.mark.parametrize("case", ["cancelled", "suspended", "unknown"])
def test_room_answers_404_for_what_shoppers_may_not_see(client, case):
    session = live_session(status=LiveStatus.CANCELLED if case == "cancelled" else LiveStatus.LIVE)
    if case == "suspended":
        _suspend(session.shop)
    session_id = session.pk + 1000 if case == "unknown" else session.pk

    assert client.get(reverse("live_room", args=[session_id])).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_room_query_count_does_not_grow_with_products(client, django_assert_num_queries, count):
    session = live_session(status=LiveStatus.LIVE)
    for i in range(count):
        product = factories.active_product(shop=session.shop, title=f"Barang {i}")
        factories.ProductImageFactory(product=product)
        LiveSessionProductFactory(session=session, product=product)

    # session with shop, featured products, their first images, their variants (the tray's buy
    # links), the latest chat (with authors), the running flash deal
    with django_assert_num_queries(6):
        response = client.get(reverse("live_room", args=[session.pk]))
    assert len(response.context["products"]) == count


# --- Reminder POST ------------------------------------------------------------------------------
def test_reminder_post_sets_it_and_returns_to_the_page(client, buyer):
    session = live_session()
    client.force_login(buyer)

    response = client.post(reverse("live_reminder_set", args=[session.pk]), {"next": reverse("home")})
    again = client.post(reverse("live_reminder_set", args=[session.pk]))

    assert (response.status_code, response.url) == (302, reverse("home"))
    assert again.url == reverse("live_room", args=[session.pk])
    assert LiveReminder.objects.filter(session=session, user=buyer).count() == 1
    html = _html(client.get(reverse("live_room", args=[session.pk])))
    assert reverse("live_reminder_delete", args=[session.pk]) in html

    client.post(reverse("live_reminder_delete", args=[session.pk]))
    assert not LiveReminder.objects.exists()


def test_reminder_requires_login(client):
    session = live_session()

    response = client.post(reverse("live_reminder_set", args=[session.pk]))

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + reverse("live_room", args=[session.pk])
    assert not LiveReminder.objects.exists()


def test_reminder_refuses_get_offsite_next_and_missing_csrf(client, buyer):
    session = live_session()
    client.force_login(buyer)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer)

    assert client.get(reverse("live_reminder_set", args=[session.pk])).status_code == 405
    assert strict.post(reverse("live_reminder_set", args=[session.pk])).status_code == 403
    assert not LiveReminder.objects.exists()
    offsite = client.post(reverse("live_reminder_set", args=[session.pk]), {"next": "https://jahat.example/"})
    assert offsite.url == reverse("live_room", args=[session.pk])


def test_reminder_for_an_ended_session_is_refused_with_a_message(client, buyer):
    session = live_session(status=LiveStatus.ENDED)
    client.force_login(buyer)

    response = client.post(reverse("live_reminder_set", args=[session.pk]), follow=True)

    assert response.status_code == 200
    assert not LiveReminder.objects.exists()
    assert len(list(response.context["messages"])) == 1
