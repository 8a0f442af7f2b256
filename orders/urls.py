from django.urls import path

from orders import views

urlpatterns = [
    path("keranjang/", views.cart, name="cart"),
    path("keranjang/tambah/", views.cart_add, name="cart_add"),
    path("keranjang/<int:item_id>/ubah/", views.cart_update, name="cart_update"),
    path("keranjang/<int:item_id>/hapus/", views.cart_remove, name="cart_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/<int:checkout_id>/selesai/", views.checkout_done, name="checkout_done"),
]
