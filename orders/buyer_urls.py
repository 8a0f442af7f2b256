"""A buyer's orders, mounted at /pesanan/ by marketplace/urls.py."""

from django.urls import path

from orders import buyer_views, review_views

urlpatterns = [
    path("", buyer_views.order_list, name="order_list"),
    path("<str:number>/", buyer_views.order_detail, name="order_detail"),
    path("<str:number>/batalkan/", buyer_views.order_cancel_view, name="order_cancel"),
    path("<str:number>/diterima/", buyer_views.order_confirm_received_view, name="order_confirm_received"),
    path("<str:number>/pengembalian/", buyer_views.order_return_request_view, name="order_return_request"),
    # Reviews (orders/review_views.py)
    path("ulasan/<int:item_id>/", review_views.review_create_view, name="review_create"),
]
