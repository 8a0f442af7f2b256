from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.images import SafeImageField


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    avatar = SafeImageField(_("avatar"), upload_to="avatars/", blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


class Address(models.Model):
    """A buyer's shipping address, in the Indonesian format couriers expect."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("e.g. Rumah, Kantor"))
    recipient_name = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    province = models.CharField(_("province"), max_length=60)
    city = models.CharField(_("city / regency"), max_length=60)
    district = models.CharField(_("district"), max_length=60)
    postal_code = models.CharField(_("postal code"), max_length=5)
    street = models.TextField(_("street address"))
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="one_default_address_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(postal_code__regex=r"^[0-9]{5}$"), name="address_postal_code_5_digits"
            ),
        ]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.recipient_name}, {self.district}, {self.city}"


class Notification(models.Model):
    """An on-site notification (the bell); emails go out beside it (marketplace/notifications.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=140)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by the email task when it sends, so a retried or duplicated task sends once.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"
