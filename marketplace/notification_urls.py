"""The notification list, mounted at /notifikasi/ by marketplace/urls.py."""

from django.urls import path

from marketplace import notification_views

urlpatterns = [
    path("", notification_views.notification_list, name="notification_list"),
]
