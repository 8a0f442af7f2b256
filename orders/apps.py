from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from orders import checks  # noqa: F401 - registers the deploy checks
        from orders.cart import merge_cart_on_login
        from orders.payments import gateway_check_configured

        gateway_check_configured()

        # Glue, not domain logic: login happens in allauth's views (and the admin's), which we
        # don't own, and the signal is the one hook they all share. The merge itself is the
        # plain service orders.cart.cart_merge.
        user_logged_in.connect(merge_cart_on_login, dispatch_uid="orders.merge_cart_on_login")
