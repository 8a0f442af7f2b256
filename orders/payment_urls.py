"""Payment URLs, mounted at the site root by marketplace/urls.py."""

from django.urls import path

from orders import payment_views

urlpatterns = [
    path("checkout/<int:checkout_id>/bayar/", payment_views.payment_start_view, name="payment_start"),
    path("payments/notification/", payment_views.payment_notification, name="payment_notification"),
    path("dev-gateway/<str:gateway_order_id>/", payment_views.dev_gateway, name="dev_gateway"),
]
