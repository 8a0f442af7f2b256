from django.urls import path

from live import buy_views, console_views, views

urlpatterns = [
    path("live/<int:session_id>/", views.live_room, name="live_room"),
    path("live/<int:session_id>/ingatkan/", views.live_reminder_set, name="live_reminder_set"),
    path("live/<int:session_id>/batal-ingatkan/", views.live_reminder_delete, name="live_reminder_delete"),
    path("live/<int:session_id>/beli/", buy_views.live_buy, name="live_buy"),
    path("live/<int:session_id>/klaim/", console_views.live_item_claim, name="live_item_claim"),
    path(
        "live/<int:session_id>/klaim/<int:claim_id>/batal/",
        console_views.live_item_withdraw,
        name="live_item_withdraw",
    ),
    path("live/<int:session_id>/konsol/", console_views.live_console, name="live_console"),
    path("live/<int:session_id>/konsol/mulai/", console_views.live_console_start, name="live_console_start"),
    path("live/<int:session_id>/konsol/akhiri/", console_views.live_console_end, name="live_console_end"),
    path("live/<int:session_id>/konsol/sematkan/", console_views.live_console_pin, name="live_console_pin"),
    path(
        "live/<int:session_id>/konsol/flash/",
        console_views.live_console_deal_launch,
        name="live_console_deal_launch",
    ),
    path(
        "live/<int:session_id>/konsol/flash/<int:deal_id>/hentikan/",
        console_views.live_console_deal_stop,
        name="live_console_deal_stop",
    ),
]
