"""How each seller-facing orders model reaches its shop, for the admin's scoping (shops.permissions).

Imported by orders/admin.py, so the paths are in place before any ModelAdmin asks for them.
A platform voucher has no shop, so `shop__in=[...]` never puts it in a seller's scope.
"""

from orders.models import (
    Order,
    OrderEvent,
    OrderItem,
    ReturnPhoto,
    ReturnRequest,
    Review,
    ReviewPhoto,
    Shipment,
    Voucher,
)
from shops.permissions import register_shop_path

register_shop_path(Order, "shop")
register_shop_path(OrderItem, "order__shop")
register_shop_path(OrderEvent, "order__shop")
register_shop_path(Shipment, "order__shop")
register_shop_path(Voucher, "shop")
# Reviews (orders/reviews.py)
register_shop_path(Review, "shop")
register_shop_path(ReviewPhoto, "review__shop")
# Returns (orders/returns.py)
register_shop_path(ReturnRequest, "order__shop")
register_shop_path(ReturnPhoto, "return_request__order__shop")
