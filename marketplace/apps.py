from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from marketplace import origins  # noqa: F401 - registers the check of SITE_URL
        from marketplace.notifications import unread_count_warm

        # A cache warm-up only (no domain logic): the header's unread count (notifications.py).
        user_logged_in.connect(unread_count_warm, dispatch_uid="notifications_unread_warm")
