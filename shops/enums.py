from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")
    HOST = "host", _("Live host")


class Condition(models.TextChoices):
    NEW = "new", _("New")
    LIKE_NEW = "like_new", _("Like new")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Pending review")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


# Who may move a product where. Sellers submit and archive; staff approve and reject.
PRODUCT_TRANSITIONS: dict[str, set[str]] = {
    ProductStatus.DRAFT: {ProductStatus.PENDING_REVIEW, ProductStatus.ARCHIVED},
    ProductStatus.PENDING_REVIEW: {
        ProductStatus.ACTIVE,
        ProductStatus.REJECTED,
        ProductStatus.DRAFT,
        ProductStatus.ARCHIVED,
    },
    ProductStatus.ACTIVE: {ProductStatus.PENDING_REVIEW, ProductStatus.ARCHIVED},
    ProductStatus.REJECTED: {ProductStatus.PENDING_REVIEW, ProductStatus.ARCHIVED},
    ProductStatus.ARCHIVED: {ProductStatus.DRAFT},
}


class ModerationAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    RESUBMITTED = "resubmitted", _("Edited, back to review")
    FLAGGED = "flagged", _("Flagged by pre-screen")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")
    SHOP_SUSPENDED = "shop_suspended", _("Shop suspended")
    SHOP_REINSTATED = "shop_reinstated", _("Shop reinstated")


class ProductSort(models.TextChoices):
    NEWEST = "newest", _("Newest")
    POPULAR = "popular", _("Most popular")
    PRICE_ASC = "price_asc", _("Price: low to high")
    PRICE_DESC = "price_desc", _("Price: high to low")
