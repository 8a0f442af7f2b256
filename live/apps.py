from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _session_changed(sender, instance, **kwargs):
    from live.selectors import live_strips_changed

    live_strips_changed(shop_id=instance.shop_id)


def _shop_changed(sender, instance, **kwargs):
    from live.selectors import live_strips_changed

    live_strips_changed(shop_id=instance.pk)


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live selling")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from live.claims import item_claims_close_for_order, item_claims_release_for_order
        from live.deals import deal_claims_release_for_order
        from live.models import LiveSession
        from orders.lifecycle import order_paid_hook_register, order_release_hook_register
        from shops.models import Shop

        # An order cancelled or expired unpaid gives back what it held here too: flash deal
        # units, and the one-off item it held (passed to the next in line). A registry in
        # `orders` rather than an import of `live` there (the dependency runs live → orders).
        order_release_hook_register(deal_claims_release_for_order)
        order_release_hook_register(item_claims_release_for_order)
        # Paid: the one-off item is sold, and whoever waited behind the buyer is told at once.
        order_paid_hook_register(item_claims_close_for_order)

        # Cache invalidation only (no domain logic): the home and shop pages read their live
        # strips from the cache (live/selectors.py); a shop's suspension hides its sessions.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(_session_changed, sender=LiveSession, dispatch_uid=f"live_strip_session_{name}")
            signal.connect(_shop_changed, sender=Shop, dispatch_uid=f"live_strip_shop_{name}")
