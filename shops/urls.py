from django.urls import path

from shops import views

urlpatterns = [
    path("produk/", views.product_list, name="product_list"),
    # Follow URLs sit outside /toko/<slug>/ so no product slug can shadow them.
    path("ikuti/<slug:slug>/", views.shop_follow, name="shop_follow"),
    path("berhenti-ikuti/<slug:slug>/", views.shop_unfollow, name="shop_unfollow"),
    path("toko/<slug:slug>/", views.shop_detail, name="shop_detail"),
    path("toko/<slug:shop_slug>/<slug:product_slug>/", views.product_detail, name="product_detail"),
]
