"""The voucher wallet, mounted at /akun/voucher/ by marketplace/urls.py."""

from django.urls import path

from orders import buyer_views

urlpatterns = [
    path("", buyer_views.voucher_wallet, name="voucher_wallet"),
    path("<int:voucher_id>/klaim/", buyer_views.voucher_claim, name="voucher_claim"),
]
