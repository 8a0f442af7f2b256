from django.urls import path

from marketplace import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("alamat/tambah/", views.address_create, name="address_create"),
    path("alamat/<int:address_id>/ubah/", views.address_update, name="address_update"),
    path("alamat/<int:address_id>/hapus/", views.address_delete, name="address_delete"),
    path("alamat/<int:address_id>/utama/", views.address_set_default, name="address_set_default"),
]
