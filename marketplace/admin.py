"""Users and addresses: platform staff only (sellers never see other people's accounts)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from marketplace.models import Address, User
from marketplace.permissions import PlatformStaffOnlyAdminMixin


@admin.register(User)
class UserAdmin(PlatformStaffOnlyAdminMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (
            _("Personal info"),
            {"fields": ("display_name", "first_name", "last_name", "email", "phone", "avatar")},
        ),
        *DjangoUserAdmin.fieldsets[2:],
    )
    list_display = ("username", "display_name", "email", "phone", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "email", "phone")


@admin.register(Address)
class AddressAdmin(PlatformStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("recipient_name", "user", "city", "province", "postal_code", "is_default")
    list_select_related = ("user",)
    list_filter = ("is_default", "province")
    search_fields = ("recipient_name", "user__username", "user__email", "phone", "city")
    raw_id_fields = ("user",)


# Sellers and staff both work here: name it for them, not for Django.
admin.site.site_header = _("Lapak Seller Center")
admin.site.site_title = _("Lapak Seller Center")
admin.site.index_title = _("Your shop")
# The admin's own login form checks passwords with no rate limit and bypasses allauth: send
# sign-ins to allauth's login, which limits failed attempts per client address and per account.
admin.site.login = secure_admin_login(admin.site.login)
