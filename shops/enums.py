from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.transitions import StateMachine


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
PRODUCT_MACHINE = StateMachine(
    name="product",
    table={
        ProductStatus.DRAFT: frozenset({ProductStatus.PENDING_REVIEW, ProductStatus.ARCHIVED}),
        ProductStatus.PENDING_REVIEW: frozenset(
            {ProductStatus.ACTIVE, ProductStatus.REJECTED, ProductStatus.DRAFT, ProductStatus.ARCHIVED}
        ),
        ProductStatus.ACTIVE: frozenset({ProductStatus.PENDING_REVIEW, ProductStatus.ARCHIVED}),
        ProductStatus.REJECTED: frozenset({ProductStatus.PENDING_REVIEW, ProductStatus.ARCHIVED}),
        ProductStatus.ARCHIVED: frozenset({ProductStatus.DRAFT}),
    },
    choices=ProductStatus,
    refusal_message=_("A listing cannot move from “%(current)s” to “%(target)s”."),
)

# Platform staff suspend a shop and reinstate it; a shop is opened active.
SHOP_MACHINE = StateMachine(
    name="shop",
    table={
        ShopStatus.ACTIVE: frozenset({ShopStatus.SUSPENDED}),
        ShopStatus.SUSPENDED: frozenset({ShopStatus.ACTIVE}),
    },
    choices=ShopStatus,
    refusal_message=_("A shop cannot move from “%(current)s” to “%(target)s”."),
)


class ModerationAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    RESUBMITTED = "resubmitted", _("Edited, back to review")
    FLAGGED = "flagged", _("Flagged by pre-screen")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")
    DRAFTED = "drafted", _("Back to draft")
    SHOP_SUSPENDED = "shop_suspended", _("Shop suspended")
    SHOP_REINSTATED = "shop_reinstated", _("Shop reinstated")


class ProductSort(models.TextChoices):
    NEWEST = "newest", _("Newest")
    POPULAR = "popular", _("Most popular")
    PRICE_ASC = "price_asc", _("Price: low to high")
    PRICE_DESC = "price_desc", _("Price: high to low")
