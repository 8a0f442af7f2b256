"""Orders built straight in the database, in any status, for admin and buyer page tests.

Checkout-engine tests place orders through orders.checkout (tests/orders/factories.py: place);
page tests need orders in every status, and many of them, quickly.
"""

import itertools

from orders.enums import OrderEventKind, OrderStatus, PaymentMethod
from orders.models import Checkout, Order, OrderEvent, OrderItem, Shipment

_numbers = itertools.count(1)


def make_order(
    *,
    shop,
    buyer,
    status: str = OrderStatus.TO_SHIP,
    payment_method: str = PaymentMethod.COD,
    items=(("Kemeja Flanel", "M / Merah", 125_000, 1),),
    shipping_fee: int = 15_000,
    recipient_name: str = "Siti Rahma",
    street: str = "Jl. Kenanga No. 5",
    city: str = "Bandung",
    variant=None,
) -> Order:
    """One order of `shop` for `buyer` whose money adds up (the DB constraints check it).

    `items` are (title, variant label, unit price, quantity); `variant` links the first item to a
    real variant, for tests that watch stock come back on cancel.
    """
    number = f"LPK-T-{next(_numbers):05d}"
    checkout = Checkout.objects.create(
        buyer=buyer,
        idempotency_key=number,
        payment_method=payment_method,
        recipient_name=recipient_name,
        phone="081234567890",
        province="Jawa Barat",
        city=city,
        district="Coblong",
        postal_code="40132",
        street=street,
        grand_total=0,
    )
    subtotal = sum(price * quantity for _title, _label, price, quantity in items)
    order = Order.objects.create(
        checkout=checkout,
        shop=shop,
        buyer=buyer,
        number=number,
        status=status,
        payment_method=payment_method,
        shipping_option="JNE REG",
        subtotal=subtotal,
        shipping_fee=shipping_fee,
        total=subtotal + shipping_fee,
    )
    Checkout.objects.filter(pk=checkout.pk).update(grand_total=order.total)
    OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                product=variant.product if variant and i == 0 else None,
                variant=variant if i == 0 else None,
                title=title,
                variant_label=label,
                sku=f"{number}-{i}",
                unit_price=price,
                quantity=quantity,
                line_total=price * quantity,
            )
            for i, (title, label, price, quantity) in enumerate(items)
        ]
    )
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.PLACED, from_status="", to_status=status, actor=buyer
    )
    if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED):
        Shipment.objects.create(order=order, carrier="JNE", tracking_number=f"JNE{number}")
    return order
