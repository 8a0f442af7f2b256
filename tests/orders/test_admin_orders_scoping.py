"""Two competing sellers fulfil orders in one admin: each sees and touches only their own shop's."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from orders.enums import OrderStatus
from orders.models import Order, OrderEvent, Shipment
from shops.enums import MemberRole
from shops.models import ProductVariant
from tests.kit import factories
from tests.kit.buying import place
from tests.kit.factories import make_order, make_variant
from tests.kit.pages import messages_of

pytestmark = pytest.mark.english

ORDERS = reverse("admin:orders_order_changelist")


def change_url(order):
    return reverse("admin:orders_order_change", args=[order.pk])


def listed(response) -> list[int]:
    return [obj.pk for obj in response.context["cl"].result_list]


def ship_data(*orders, carrier="JNE", apply=True) -> dict:
    data = {"action": "ship_selected", "_selected_action": [order.pk for order in orders]}
    if apply:
        data["apply"] = "1"
        for i, order in enumerate(orders):
            data[f"order-{order.pk}-carrier"] = carrier
            data[f"order-{order.pk}-tracking_number"] = f"JN{order.pk:04d}00{i}77"
    return data


@pytest.fixture
def market(db, seller_factory):
    """Seller A (Toko Andalas) with an order to ship and a shipped one; seller B with one to ship."""
    shop_a = factories.ShopFactory(name="Toko Andalas", slug="andalas")
    shop_b = factories.ShopFactory(name="Toko Bromo", slug="bromo")
    seller_a = seller_factory(shop_a, username="ani")
    seller_b = seller_factory(shop_b, username="budi")
    buyer = factories.UserFactory(username="dewi", display_name="Dewi Lestari")
    a_to_ship = make_order(shop=shop_a, buyer=buyer, recipient_name="Siti Andalas", street="Jl. Andalas 1")
    a_shipped = make_order(shop=shop_a, buyer=buyer, status=OrderStatus.SHIPPED)
    b_to_ship = make_order(
        shop=shop_b,
        buyer=buyer,
        recipient_name="Bambang Bromo",
        street="Jl. Bromo 9",
        items=(("Kebaya Bromo", "L", 300_000, 1),),
    )
    return SimpleNamespace(
        shop_a=shop_a,
        shop_b=shop_b,
        seller_a=seller_a,
        seller_b=seller_b,
        buyer=buyer,
        a_to_ship=a_to_ship,
        a_shipped=a_shipped,
        b_to_ship=b_to_ship,
    )


@pytest.fixture
def client_a(client, market):
    client.force_login(market.seller_a)
    return client


def b_untouched(market) -> None:
    order = Order.objects.get(pk=market.b_to_ship.pk)
    assert order.status == OrderStatus.TO_SHIP
    assert order.cancel_reason == ""
    assert not Shipment.objects.filter(order=order).exists()
    assert list(order.events.values_list("to_status", flat=True)) == [OrderStatus.TO_SHIP]


# --- Seeing ------------------------------------------------------------------------------------


def test_changelist_lists_only_own_orders_with_formatted_columns(client_a, market):
    response = client_a.get(ORDERS)

    assert response.status_code == 200
    assert set(listed(response)) == {market.a_to_ship.pk, market.a_shipped.pk}
    content = response.content.decode()
    assert market.a_to_ship.number in content
    assert "Dewi Lestari" in content
    assert "Rp 140.000" in content
    assert "Cash on delivery" in content
    assert market.b_to_ship.number not in content
    assert "Rp 315.000" not in content


def test_to_ship_queue_lists_orders_waiting_oldest_first(client_a, market):
    newer = make_order(shop=market.shop_a, buyer=market.buyer)

    response = client_a.get(ORDERS, {"status": "to_ship"})

    assert listed(response) == [market.a_to_ship.pk, newer.pk]
    assert 'href="?status=to_ship"' in client_a.get(ORDERS).content.decode()


def test_search_by_buyer_stays_inside_own_shop(client_a, market):
    response = client_a.get(ORDERS, {"q": market.b_to_ship.number})
    by_buyer = client_a.get(ORDERS, {"q": "Dewi"})

    assert listed(response) == []
    assert set(listed(by_buyer)) == {market.a_to_ship.pk, market.a_shipped.pk}


def test_other_shops_order_page_and_history_show_nothing(client_a, market):
    page = client_a.get(change_url(market.b_to_ship), follow=True)
    history = client_a.get(reverse("admin:orders_order_history", args=[market.b_to_ship.pk]))

    assert page.redirect_chain == [(reverse("admin:index"), 302)]
    content = page.content.decode()
    assert "doesn’t exist" in content
    assert "Bambang Bromo" not in content
    assert market.b_to_ship.number not in content
    assert (history.status_code, history.url) == (302, reverse("admin:index"))


def test_own_order_page_shows_items_money_address_and_timeline_read_only(client_a, market):
    response = client_a.get(change_url(market.a_to_ship))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    content = response.content.decode()
    for text in ("Kemeja Flanel", "M / Merah", "Rp 125.000", "Rp 140.000", "Siti Andalas", "Jl. Andalas 1"):
        assert text in content
    assert 'name="total"' not in content


# --- Refusing ----------------------------------------------------------------------------------


def test_seller_cannot_change_totals_by_posting_the_form(client_a, market):
    response = client_a.post(
        change_url(market.a_to_ship), {"total": "1", "subtotal": "1", "status": OrderStatus.COMPLETED}
    )

    assert response.status_code == 403
    order = Order.objects.get(pk=market.a_to_ship.pk)
    assert (order.total, order.subtotal, order.status) == (140_000, 125_000, OrderStatus.TO_SHIP)


def test_seller_cannot_add_or_delete_orders(client_a, market):
    add = client_a.get(reverse("admin:orders_order_add"))
    delete = client_a.post(reverse("admin:orders_order_delete", args=[market.a_to_ship.pk]), {"post": "yes"})

    assert (add.status_code, delete.status_code) == (403, 403)
    assert Order.objects.filter(pk=market.a_to_ship.pk).exists()


def test_ship_action_with_other_shops_ids_touches_nothing(client_a, market):
    response = client_a.post(ORDERS, ship_data(market.b_to_ship))

    assert response.status_code == 302
    assert messages_of(response) == ["None of the selected orders is waiting to be shipped."]
    b_untouched(market)


def test_cancel_action_with_other_shops_ids_touches_nothing(client_a, market):
    response = client_a.post(
        ORDERS,
        {
            "action": "cancel_selected",
            "_selected_action": [market.b_to_ship.pk],
            "apply": "1",
            "reason": "Dibajak",
        },
    )

    assert response.status_code == 302
    assert messages_of(response) == ["0 orders cancelled."]
    b_untouched(market)


def test_packing_slips_with_other_shops_ids_show_nothing_of_them(client_a, market):
    response = client_a.post(
        ORDERS, {"action": "print_packing_slips", "_selected_action": [market.b_to_ship.pk]}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "No orders of your shops were selected." in content
    assert market.b_to_ship.number not in content
    assert "Bambang Bromo" not in content


def test_live_host_reads_orders_but_has_no_fulfilment_actions(client, market, seller_factory):
    host = seller_factory(market.shop_a, username="hana-host", role=MemberRole.HOST)
    client.force_login(host)

    listing = client.get(ORDERS)
    ship = client.post(ORDERS, ship_data(market.a_to_ship))

    assert set(listed(listing)) == {market.a_to_ship.pk, market.a_shipped.pk}
    assert listing.context["action_form"] is None
    assert ship.status_code == 200  # no such action for a host: just the list again
    assert Order.objects.get(pk=market.a_to_ship.pk).status == OrderStatus.TO_SHIP


# --- Packing slips -----------------------------------------------------------------------------


def test_packing_slip_lists_own_orders_with_address_items_and_cod_amount(client_a, market):
    response = client_a.post(
        ORDERS,
        {"action": "print_packing_slips", "_selected_action": [market.a_to_ship.pk, market.b_to_ship.pk]},
    )

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        market.a_to_ship.number,
        "Siti Andalas",
        "081234567890",
        "Jl. Andalas 1",
        "Coblong, Bandung, Jawa Barat 40132",
        "Kemeja Flanel",
        "M / Merah",
        "JNE REG",
        "Cash on delivery: collect Rp 140.000",
        "orders/css/packing-slips.css",
    ):
        assert text in content, text
    assert "Bambang Bromo" not in content
    assert "Jl. Bromo 9" not in content
    assert "Kebaya Bromo" not in content
    # The CSP allows no inline style or script.
    assert "style=" not in content
    assert "<style" not in content
    assert "<script" not in content


# --- Shipping ----------------------------------------------------------------------------------


def test_ship_action_first_asks_carrier_and_tracking_number_per_order(client_a, market):
    second = make_order(shop=market.shop_a, buyer=market.buyer)

    response = client_a.post(ORDERS, ship_data(market.a_to_ship, second, market.a_shipped, apply=False))

    assert response.status_code == 200
    assert [order.pk for order, _form in response.context["rows"]] == [market.a_to_ship.pk, second.pk]
    assert [order.pk for order in response.context["skipped"]] == [market.a_shipped.pk]
    content = response.content.decode()
    assert f'name="order-{second.pk}-tracking_number"' in content
    # JNE preselected from the buyer's "JNE REG".
    assert response.context["rows"][0][1]["carrier"].value() == "JNE"
    assert Order.objects.get(pk=market.a_to_ship.pk).status == OrderStatus.TO_SHIP


def test_ship_action_ships_with_a_shipment_and_an_event_by_the_seller(client_a, market):
    data = ship_data(market.a_to_ship)
    data[f"order-{market.a_to_ship.pk}-carrier"] = "SiCepat"
    data[f"order-{market.a_to_ship.pk}-tracking_number"] = " 0041 2345 6789 "

    response = client_a.post(ORDERS, data)

    assert response.status_code == 302
    assert messages_of(response) == ["1 order shipped."]
    order = Order.objects.get(pk=market.a_to_ship.pk)
    assert order.status == OrderStatus.SHIPPED
    assert (order.shipment.carrier, order.shipment.tracking_number) == ("SiCepat", "004123456789")
    event = order.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        OrderStatus.TO_SHIP,
        OrderStatus.SHIPPED,
        market.seller_a,
    )


def test_ship_action_with_a_bad_or_repeated_tracking_number_ships_nothing(client_a, market):
    second = make_order(shop=market.shop_a, buyer=market.buyer)
    data = ship_data(market.a_to_ship, second)
    data[f"order-{market.a_to_ship.pk}-tracking_number"] = "AB1"
    data[f"order-{second.pk}-tracking_number"] = market.a_shipped.shipment.tracking_number

    response = client_a.post(ORDERS, data)

    assert response.status_code == 200
    forms = [form for _order, form in response.context["rows"]]
    assert forms[0].errors["tracking_number"] == ["Use 6 to 64 letters, digits or dashes."]
    assert forms[1].errors["tracking_number"] == ["This tracking number is already used for another parcel."]
    assert set(
        Order.objects.filter(pk__in=[market.a_to_ship.pk, second.pk]).values_list("status", flat=True)
    ) == {OrderStatus.TO_SHIP}


def test_ship_action_on_mixed_orders_ships_only_own_waiting_ones(client_a, market):
    response = client_a.post(ORDERS, ship_data(market.a_to_ship, market.a_shipped, market.b_to_ship))

    assert messages_of(response) == [
        "1 order shipped.",
        "1 order was not shipped: it is not waiting to be shipped.",
    ]
    assert Order.objects.get(pk=market.a_to_ship.pk).status == OrderStatus.SHIPPED
    assert Order.objects.get(pk=market.a_shipped.pk).events.count() == 1
    b_untouched(market)


# --- Cancelling --------------------------------------------------------------------------------


def test_cancel_with_reason_releases_stock(client_a, market):
    variant = make_variant(shop=market.shop_a, price=90_000, stock=10)
    checkout = place(market.buyer, [(variant, 2)])
    order = checkout.orders.get()
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8

    page = client_a.post(ORDERS, {"action": "cancel_selected", "_selected_action": [order.pk]})
    response = client_a.post(
        ORDERS,
        {"action": "cancel_selected", "_selected_action": [order.pk], "apply": "1", "reason": "Stok habis"},
    )

    assert page.status_code == 200  # the reason page first
    assert messages_of(response) == ["1 order cancelled."]
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "Stok habis")
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    event = order.events.last()
    assert (event.to_status, event.actor, event.note) == (
        OrderStatus.CANCELLED,
        market.seller_a,
        "Stok habis",
    )


def test_shipped_order_cannot_be_cancelled(client_a, market):
    response = client_a.post(
        ORDERS,
        {
            "action": "cancel_selected",
            "_selected_action": [market.a_shipped.pk],
            "apply": "1",
            "reason": "Berubah pikiran",
        },
    )

    assert messages_of(response) == [
        "0 orders cancelled.",
        "1 order was not cancelled: it has already been shipped or closed.",
    ]
    order = Order.objects.get(pk=market.a_shipped.pk)
    assert (order.status, order.cancel_reason) == (OrderStatus.SHIPPED, "")
    assert not OrderEvent.objects.filter(order=order, to_status=OrderStatus.CANCELLED).exists()


# --- Staff and query counts --------------------------------------------------------------------


def test_staff_sees_every_shops_orders(client, market, staff_user):
    client.force_login(staff_user)

    listing = client.get(ORDERS)
    page = client.get(change_url(market.b_to_ship))

    assert set(listed(listing)) == {market.a_to_ship.pk, market.a_shipped.pk, market.b_to_ship.pk}
    assert "Toko Bromo" in listing.content.decode()
    assert page.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_changelist_query_count_does_not_grow_with_orders(client_a, market, django_assert_num_queries, count):
    for _ in range(count):
        make_order(shop=market.shop_a, buyer=market.buyer, items=(("Kaos", "L", 50_000, 2),) * 3)

    # user, 2× permissions, memberships, 2× count, the page (buyer and shop joined, units a subquery)
    with django_assert_num_queries(7):
        response = client_a.get(ORDERS)

    assert len(listed(response)) == count + 2
