"""A URL that answers htmx with a fragment and a browser with a whole page says so in `Vary`.

Without `Vary: HX-Request` a browser's cache (or a proxy's) may hand the fragment it stored for
htmx to someone opening the same URL as a page, or the page to htmx: the back button then shows a
bare fragment. django_htmx's middleware sets `request.htmx` from the same header.
"""

import pytest
from django.urls import reverse

from live.enums import LiveStatus
from orders.models import Cart, CartItem
from tests.kit import factories
from tests.kit.factories import live_session

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def vary(response) -> set[str]:
    return {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}


def is_whole_page(response) -> bool:
    return "<html" in response.content.decode()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def cart_line(buyer):
    factories.AddressFactory(user=buyer, is_default=True)
    variant = factories.ProductVariantFactory(product=factories.ProductFactory(), price=50_000, stock=5)
    cart = Cart.objects.create(user=buyer)
    return CartItem.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=50_000)


def test_the_checkout_page_and_its_htmx_form_vary_on_hx_request(logged_in, cart_line):
    page = logged_in.get(reverse("checkout"))
    form = logged_in.get(reverse("checkout"), headers=HTMX)

    assert (page.status_code, form.status_code) == (200, 200)
    assert (is_whole_page(page), is_whole_page(form)) == (True, False)
    assert "hx-request" in vary(page)
    assert "hx-request" in vary(form)


def test_a_cart_change_answers_htmx_with_the_cart_body_and_a_browser_with_a_redirect(logged_in, cart_line):
    url = reverse("cart_update", args=[cart_line.pk])

    redirected = logged_in.post(url, {"quantity": "2"})
    swapped = logged_in.post(url, {"quantity": "3"}, headers=HTMX)
    removed = logged_in.post(reverse("cart_remove", args=[cart_line.pk]), headers=HTMX)

    assert (redirected.status_code, swapped.status_code, removed.status_code) == (302, 200, 200)
    assert is_whole_page(swapped) is False
    assert all("hx-request" in vary(response) for response in (redirected, swapped, removed))


def test_following_a_shop_answers_htmx_with_the_follow_box_and_a_browser_with_a_redirect(logged_in):
    shop = factories.ShopFactory()

    swapped = logged_in.post(reverse("shop_follow", args=[shop.slug]), headers=HTMX)
    redirected = logged_in.post(reverse("shop_unfollow", args=[shop.slug]))

    assert (swapped.status_code, redirected.status_code) == (200, 302)
    assert swapped.content.decode().strip().startswith('<div id="follow-box"')
    assert "hx-request" in vary(swapped)
    assert "hx-request" in vary(redirected)


def test_the_live_buy_page_and_its_dialog_vary_on_hx_request(logged_in):
    session = live_session(status=LiveStatus.LIVE)
    url = reverse("live_buy", args=[session.pk])

    page = logged_in.get(url)
    dialog = logged_in.get(url, headers=HTMX)

    assert (is_whole_page(page), is_whole_page(dialog)) == (True, False)
    assert "hx-request" in vary(page)
    assert "hx-request" in vary(dialog)


def test_an_anonymous_visitor_is_sent_to_the_login_both_ways_and_the_answer_varies(client):
    session = live_session(status=LiveStatus.LIVE)
    url = reverse("live_buy", args=[session.pk])

    page = client.get(url)
    dialog = client.get(url, headers=HTMX)

    assert (page.status_code, dialog.status_code) == (302, 204)
    assert dialog["HX-Redirect"] == page.url
    assert "hx-request" in vary(page)
    assert "hx-request" in vary(dialog)
