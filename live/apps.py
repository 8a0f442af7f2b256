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

        from live.models import LiveSession
        from shops.models import Shop

        # Cache invalidation only (no domain logic): the home and shop pages read their live
        # strips from the cache (live/selectors.py); a shop's suspension hides its sessions.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(_session_changed, sender=LiveSession, dispatch_uid=f"live_strip_session_{name}")
            signal.connect(_shop_changed, sender=Shop, dispatch_uid=f"live_strip_shop_{name}")
