"""Who is platform staff. Lives in `marketplace` so every app (and the user admin) can ask.

Platform staff are superusers and holders of `shops.moderate_product`; everyone else who logs
into /admin is a seller, whose access comes from shop membership (shops/permissions.py).
"""

MODERATE_PRODUCT = "shops.moderate_product"


def is_platform_staff(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    # The permission is checked by name, so this module needs nothing from `shops`.
    return user.is_superuser or user.has_perm(MODERATE_PRODUCT)


class PlatformStaffOnlyAdminMixin:
    """For ModelAdmins no seller may see, whatever model permissions they were given by mistake."""

    def has_module_permission(self, request):
        return is_platform_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_platform_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_platform_staff(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_platform_staff(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_platform_staff(request.user) and super().has_delete_permission(request, obj)


class ReadOnlyAdminMixin:
    """For records only services write (orders, returns, their inlines): the admin reads and acts."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
