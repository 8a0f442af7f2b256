"""Ids and quantities that are not plain ASCII numbers, on every live parameter (the buy page, a
claim, the console's pin and flash deal, the room socket's query): a 400, a 404 or a form error,
never a 500, and nothing written.

"²" passes str.isdigit() and fails int(); "١٢" and the fullwidth "１２" are read by int() as 12.
"""

from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from live.enums import LiveStatus
from live.models import FlashDeal, ItemClaim
from orders.models import Checkout
from tests.kit import factories
from tests.kit.factories import (
    AddressFactory,
    LiveSessionProductFactory,
    live_session,
    live_with_item,
    make_variant,
)
from tests.kit.logins import logged_in
from tests.kit.realtime import channel_layers_for_test, communicator, receive_type

pytestmark = [pytest.mark.django_db, pytest.mark.english]

BAD = ["²", "١٢", "１２", "-1", "1e3", "99999999999999999999999", ""]
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def shopper():
    user = factories.UserFactory()
    AddressFactory(user=user, is_default=True)
    return logged_in(user)


@pytest.mark.parametrize("name", ["variant", "deal", "product"])
@pytest.mark.parametrize("raw", [value for value in BAD if value])
def test_the_buy_page_answers_a_bad_item_id_as_an_item_not_sold(shopper, name, raw):
    session, _variant = live_with_item()

    response = shopper.get(reverse("live_buy", args=[session.pk]), {name: raw})

    assert response.status_code == 404
    assert "data-live-buy" in response.content.decode()


@pytest.mark.parametrize("raw", BAD)
def test_the_buy_page_shows_a_bad_quantity_as_the_range_and_places_nothing(shopper, raw):
    session, variant = live_with_item()

    page = shopper.get(reverse("live_buy", args=[session.pk]), {"variant": variant.pk, "quantity": raw})
    assert page.status_code == 200
    assert "Choose a quantity from 1 to 10." in page.content.decode()

    placed = shopper.post(
        reverse("live_buy", args=[session.pk]),
        {"variant": variant.pk, "quantity": raw, "action": "place", "payment_method": "bank_transfer"},
    )
    assert placed.status_code == 200
    assert not Checkout.objects.exists()


@pytest.mark.parametrize("raw", BAD)
def test_claiming_a_piece_with_a_bad_variant_id_is_refused(shopper, raw):
    session = live_session(status=LiveStatus.LIVE)
    make_variant(shop=session.shop, stock=1)

    response = shopper.post(reverse("live_item_claim", args=[session.pk]), {"variant": raw}, **JSON)

    assert (response.status_code, response.json()) == (400, {"ok": False, "error": "Choose an item."})
    assert not ItemClaim.objects.exists()


@pytest.mark.parametrize("raw", [value for value in BAD if value])
def test_pinning_a_bad_product_id_is_refused(raw):
    session = live_session(status=LiveStatus.LIVE)

    response = logged_in(session.host).post(
        reverse("live_console_pin", args=[session.pk]), {"product": raw}, **JSON
    )

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "This product is not on sale in your shop."}
    session.refresh_from_db()
    assert session.pinned_product is None


@pytest.mark.parametrize("field", ["product", "variant", "price", "units", "minutes", "per_buyer_limit"])
@pytest.mark.parametrize("raw", [value for value in BAD if value])
def test_a_flash_deal_with_a_bad_number_is_refused(field, raw):
    session = live_session(status=LiveStatus.LIVE)
    product = factories.ProductFactory(shop=session.shop)
    factories.ProductVariantFactory(product=product, price=100_000)
    LiveSessionProductFactory(session=session, product=product)
    data = {
        "product": product.pk,
        "variant": "",
        "price": 49_000,
        "units": 5,
        "minutes": 3,
        "per_buyer_limit": 1,
    }
    data[field] = raw

    response = logged_in(session.host).post(
        reverse("live_console_deal_launch", args=[session.pk]), data, **JSON
    )

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert not FlashDeal.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("raw", ["²", "١٢", "１２", "-1", "99999999999999999999999"])
def test_the_room_socket_takes_a_bad_last_seen_id_as_none(settings, raw):
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    settings.LIVE_TICK_SECONDS = 30
    session = live_session(status=LiveStatus.LIVE)

    async def scenario():
        # Percent-encoded, as a browser sends it.
        comm = communicator(session.pk, query=f"last_id={quote(raw)}")
        connected, _code = await comm.connect(timeout=5)
        history = await receive_type(comm, "history") if connected else None
        await comm.disconnect()
        return connected, history

    connected, history = async_to_sync(scenario)()
    assert connected
    assert history == {"type": "history", "messages": [], "complete": True}


@pytest.mark.django_db(transaction=True)
def test_the_room_socket_of_an_id_past_bigint_is_refused(settings):
    settings.CHANNEL_LAYERS = channel_layers_for_test()

    async def scenario():
        comm = communicator(99999999999999999999999)
        connected, _code = await comm.connect(timeout=5)
        await comm.disconnect()
        return connected

    assert async_to_sync(scenario)() is False
