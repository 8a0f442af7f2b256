from django.urls import path

from live import views

urlpatterns = [
    path("live/<int:session_id>/", views.live_room, name="live_room"),
    path("live/<int:session_id>/ingatkan/", views.live_reminder_set, name="live_reminder_set"),
    path("live/<int:session_id>/batal-ingatkan/", views.live_reminder_delete, name="live_reminder_delete"),
]
