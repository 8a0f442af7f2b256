from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
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


class LapakAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the site every ModelAdmin is registered on guarded against
    hostile ids (marketplace/admin_site.py)."""

    default = False  # marketplace's own config stays MarketplaceConfig
    default_site = "marketplace.admin_site.LapakAdminSite"
