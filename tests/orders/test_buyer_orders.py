"""A buyer's order pages: status tabs, detail with timeline, cancel and confirm-received."""

import datetime as dt

import pytest
from django.urls import reverse

from orders.enums import OrderStatus, PaymentMethod
from orders.models import Order, OrderEvent
from shops.models import ProductVariant
from tests.kit import factories
from tests.kit.buying import place
from tests.kit.factories import make_order, make_variant
from tests.kit.pages import messages_of

pytestmark = pytest.mark.english

ORDER_LIST = reverse("order_list")


def detail_url(order):
    return reverse("order_detail", args=[order.number])


@pytest.fixture
def shop(db):
    return factories.ShopFactory(name="Toko Andalas", slug="andalas")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def one_of_each(shop, buyer):
    """{status: order} with one order of the buyer in every status, and another buyer's order."""
    orders = {status: make_order(shop=shop, buyer=buyer, status=status) for status in OrderStatus.values}
    make_order(shop=shop, buyer=factories.UserFactory(username="orang-lain"))
    return orders


@pytest.mark.parametrize(
    ("tab", "statuses"),
    [
        ("semua", list(OrderStatus.values)),
        ("belum-bayar", [OrderStatus.AWAITING_PAYMENT]),
        ("dikemas", [OrderStatus.TO_SHIP]),
        ("dikirim", [OrderStatus.SHIPPED]),
        ("selesai", [OrderStatus.DELIVERED, OrderStatus.COMPLETED]),
        ("dibatalkan", [OrderStatus.CANCELLED]),
        ("pengembalian", [OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED]),
    ],
)
def test_tabs_filter_exactly(buyer_client, one_of_each, tab, statuses):
    response = buyer_client.get(ORDER_LIST, {"tab": tab})

    assert response.status_code == 200
    assert response.context["current_tab"] == tab
    assert {order.number for order in response.context["page"].object_list} == {
        one_of_each[status].number for status in statuses
    }


def test_unknown_tab_shows_all(buyer_client, one_of_each):
    response = buyer_client.get(ORDER_LIST, {"tab": "<script>"})

    assert response.context["current_tab"] == "semua"
    assert len(response.context["page"].object_list) == len(OrderStatus.values)


def test_order_card_shows_shop_first_items_total_and_status(buyer_client, shop, buyer):
    items = (("Kemeja", "M", 100_000, 1), ("Celana", "32", 80_000, 2), ("Topi", "", 30_000, 1))
    order = make_order(shop=shop, buyer=buyer, items=items, status=OrderStatus.SHIPPED)

    content = buyer_client.get(ORDER_LIST).content.decode()

    for text in (
        "Toko Andalas",
        "Kemeja",
        "Celana",
        "and 1 more item",
        "Rp 305.000",
        "Shipped",
        order.number,
    ):
        assert text in content, text
    assert "Topi" not in content


def test_order_pages_need_login(client, shop, buyer):
    order = make_order(shop=shop, buyer=buyer)

    listing = client.get(ORDER_LIST)
    cancel = client.post(reverse("order_cancel", args=[order.number]))

    assert listing.status_code == 302
    assert listing.url.startswith(reverse("account_login"))
    assert cancel.url == f"{reverse('account_login')}?next={detail_url(order)}"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.TO_SHIP


def test_another_buyers_order_is_not_found(client, shop, buyer):
    order = make_order(shop=shop, buyer=buyer)
    client.force_login(factories.UserFactory(username="budi"))

    page = client.get(detail_url(order))
    cancel = client.post(reverse("order_cancel", args=[order.number]))
    confirm = client.post(reverse("order_confirm_received", args=[order.number]))

    assert (page.status_code, cancel.status_code, confirm.status_code) == (404, 404, 404)
    order.refresh_from_db()
    assert order.status == OrderStatus.TO_SHIP
    assert order.events.count() == 1


def test_detail_shows_items_totals_address_payment_shipment_and_timeline_in_jakarta(
    buyer_client, shop, buyer
):
    order = make_order(
        shop=shop,
        buyer=buyer,
        status=OrderStatus.SHIPPED,
        recipient_name="Siti Rahma",
        street="Jl. Kenanga 5",
    )
    OrderEvent.objects.filter(order=order).update(created_at=dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC))

    response = buyer_client.get(detail_url(order))

    content = response.content.decode()
    for text in (
        "Kemeja Flanel",
        "M / Merah",
        "Rp 125.000",
        "Shipping (JNE REG)",
        "Rp 15.000",
        "Rp 140.000",
        "Siti Rahma",
        "Jl. Kenanga 5",
        "Cash on delivery",
        f"JNE{order.number}",
        "20 Nov 2026 10:00",  # 03:00 UTC is 10:00 in Jakarta
    ):
        assert text in content, text
    # Shipped: neither cancel nor confirm yet.
    assert reverse("order_cancel", args=[order.number]) not in content
    assert reverse("order_confirm_received", args=[order.number]) not in content


def test_unpaid_order_shows_the_payment_deadline_and_a_cancel_button(buyer_client, shop, buyer):
    order = make_order(
        shop=shop,
        buyer=buyer,
        status=OrderStatus.AWAITING_PAYMENT,
        payment_method=PaymentMethod.BANK_TRANSFER,
    )
    Order.objects.filter(pk=order.pk).update(payment_due_at=dt.datetime(2026, 11, 21, 5, 30, tzinfo=dt.UTC))

    content = buyer_client.get(detail_url(order)).content.decode()

    assert "Pay before 21 Nov 2026 12:30 WIB" in content
    assert reverse("order_cancel", args=[order.number]) in content


def test_buyer_cancels_before_shipping_and_stock_comes_back(buyer_client, shop, buyer):
    variant = make_variant(shop=shop, price=90_000, stock=10)
    order = place(buyer, [(variant, 3)]).orders.get()
    assert ProductVariant.objects.get(pk=variant.pk).stock == 7

    response = buyer_client.post(reverse("order_cancel", args=[order.number]), {"reason": "Salah ukuran"})

    assert response.status_code == 302
    assert response.url == detail_url(order)
    assert messages_of(response) == [f"Order {order.number} is cancelled."]
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "Salah ukuran")
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    event = order.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        OrderStatus.TO_SHIP,
        OrderStatus.CANCELLED,
        buyer,
    )


def test_buyer_may_cancel_without_a_reason(buyer_client, shop, buyer):
    order = make_order(shop=shop, buyer=buyer, status=OrderStatus.AWAITING_PAYMENT)

    buyer_client.post(reverse("order_cancel", args=[order.number]))

    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "")


def test_cancel_after_shipping_is_refused_with_a_message(buyer_client, shop, buyer):
    order = make_order(shop=shop, buyer=buyer, status=OrderStatus.SHIPPED)

    response = buyer_client.post(reverse("order_cancel", args=[order.number]), {"reason": "Lama"})

    assert response.status_code == 302
    assert messages_of(response) == ["This order can no longer be cancelled."]
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.SHIPPED, "")
    assert order.events.count() == 1


def test_cancel_by_get_changes_nothing(buyer_client, shop, buyer):
    order = make_order(shop=shop, buyer=buyer)

    response = buyer_client.get(reverse("order_cancel", args=[order.number]))

    assert response.status_code == 405
    assert Order.objects.get(pk=order.pk).status == OrderStatus.TO_SHIP


def test_buyer_confirms_a_delivered_order(buyer_client, shop, buyer):
    order = make_order(shop=shop, buyer=buyer, status=OrderStatus.DELIVERED)
    assert reverse("order_confirm_received", args=[order.number]) in (
        buyer_client.get(detail_url(order)).content.decode()
    )

    response = buyer_client.post(reverse("order_confirm_received", args=[order.number]))

    assert messages_of(response) == [f"Thank you! Order {order.number} is completed."]
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    event = order.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
        buyer,
    )


def test_confirming_an_order_not_yet_delivered_is_refused(buyer_client, shop, buyer):
    order = make_order(shop=shop, buyer=buyer, status=OrderStatus.SHIPPED)

    response = buyer_client.post(reverse("order_confirm_received", args=[order.number]))

    assert response.status_code == 302
    assert messages_of(response) == ["This order cannot be confirmed as received now."]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED


# --- Query counts ------------------------------------------------------------------------------
# list: session user, COUNT, the page (shop, shipment, checkout joined), its items.
LIST_QUERIES = 4
# detail: session user, the order (shop, shipment, checkout joined), items, events, their actors.
DETAIL_QUERIES = 5


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_does_not_grow_with_orders(
    buyer_client, shop, buyer, django_assert_num_queries, count
):
    for _ in range(count):
        make_order(shop=factories.ShopFactory(), buyer=buyer, items=(("Kaos", "L", 50_000, 1),) * 3)

    with django_assert_num_queries(LIST_QUERIES):
        response = buyer_client.get(ORDER_LIST)

    assert len(response.context["page"].object_list) == min(count, 10)


@pytest.mark.parametrize("count", [2, 20])
def test_detail_query_count_does_not_grow_with_items(
    buyer_client, shop, buyer, django_assert_num_queries, count
):
    order = make_order(shop=shop, buyer=buyer, items=(("Kaos", "L", 50_000, 1),) * count)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = buyer_client.get(detail_url(order))

    assert response.status_code == 200
