"""A buyer's orders, mounted at /pesanan/ by marketplace/urls.py."""

from django.urls import path

from orders import buyer_views

urlpatterns = [
    path("", buyer_views.order_list, name="order_list"),
    path("<str:number>/", buyer_views.order_detail, name="order_detail"),
    path("<str:number>/batalkan/", buyer_views.order_cancel_view, name="order_cancel"),
    path("<str:number>/diterima/", buyer_views.order_confirm_received_view, name="order_confirm_received"),
]
