"""Verified-purchase reviews: the buyer of a delivered order reviews each of its items once.

Writes live here (`review_create`, `review_reply`); reads that pages share too (`review_list_for_product`,
`reviewed_item_ids`). Ratings on Product and Shop are counters moved with F() in the review's
transaction, so cards and headers show them without a query; the cached catalog fragments are
retired on commit (shops.fragments.catalog_changed), because `update()` sends no post_save.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.contact_detection import contact_refusal_message, find_contact
from marketplace.errors import Refusal
from marketplace.images import make_thumbnail
from orders.enums import OrderStatus
from orders.models import OrderItem, Review, ReviewPhoto
from shops.fragments import catalog_changed
from shops.models import Product, Shop
from shops.permissions import EDITOR_ROLES, is_platform_staff, member_shop_ids

MAX_PHOTOS = 5
MAX_TEXT_LENGTH = 2000
# Every status an order reaches only after the parcel arrived: the buyer has held the item.
# A return keeps the right to review: why it went back is what the next buyer wants to read.
REVIEWABLE_STATUSES = frozenset(
    {OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED}
)
# How many reviews the product page shows (a bounded list, inside the cached details fragment).
LATEST_REVIEWS = 5


class ReviewRefused(Refusal):
    """A review or reply that may not be written; each raise names its precise `code`."""

    code = "review_refused"


def can_review(*, order_item: OrderItem, buyer) -> bool:
    """Whether `buyer` may review this item now (the caller loaded the item with its order)."""
    order = order_item.order
    return (
        buyer is not None
        and buyer.pk == order.buyer_id
        and order.status in REVIEWABLE_STATUSES
        and order_item.product_id is not None
    )


def review_create(*, buyer, order_item: OrderItem, rating, text: str = "", photos=()) -> Review:
    """Write the review of `order_item` by `buyer`, or raise ReviewRefused and write nothing.

    Invariants: only the order's buyer, only after delivery, one review per item (the
    OneToOne on order_item, with the item row locked so two submits serialize), rating 1-5, at
    most MAX_PHOTOS photos. `photos` are already sanitized images (SafeImageFormField output).
    Product and shop rating counters move in the same transaction; locks: the item row, then
    the product row, then the shop row.
    """
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ReviewRefused(_("Give a rating from 1 to 5 stars."), code="rating_invalid")
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ReviewRefused(
            _("Add at most %(count)d photos.") % {"count": MAX_PHOTOS}, code="too_many_photos"
        )
    text = _check_public_text(text, too_long=_("The review is too long."))
    try:
        with transaction.atomic():
            item = (
                OrderItem.objects.select_for_update(of=("self",))
                .select_related("order")
                .get(pk=order_item.pk)
            )
            if not can_review(order_item=item, buyer=buyer):
                raise ReviewRefused(_("You can review this item once it has arrived."), code="not_allowed")
            if Review.objects.filter(order_item=item).exists():
                raise _already_reviewed()
            review = Review.objects.create(
                order_item=item,
                product_id=item.product_id,
                shop_id=item.order.shop_id,
                buyer=buyer,
                rating=rating,
                text=text,
            )
            for photo in photos:
                _photo_create(review=review, image=photo)
            Product.objects.filter(pk=item.product_id).update(
                rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + rating
            )
            Shop.objects.filter(pk=item.order.shop_id).update(
                rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + rating
            )
            catalog_changed()
    except IntegrityError as error:  # the OneToOne caught a review the lock did not see
        raise _already_reviewed() from error
    return review


def _already_reviewed() -> ReviewRefused:
    return ReviewRefused(_("You have already reviewed this item."), code="already_reviewed")


def _photo_create(*, review: Review, image) -> ReviewPhoto:
    photo = ReviewPhoto(review=review)
    photo.image.save(image.name, image, save=False)
    with photo.image.open("rb") as file:
        thumbnail = make_thumbnail(file)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save()
    return photo


def check_reply_text(text: str) -> str:
    """The reply as it will be shown, or ReviewRefused."""
    return _check_public_text(text, too_long=_("The reply is too long."))


def _check_public_text(text: str, *, too_long) -> str:
    """Review and reply text as shown, or ReviewRefused: not too long, and no way to deal outside
    Lapak in it (every shopper reads it; marketplace.contact_detection decides)."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ReviewRefused(too_long, code="text_too_long")
    kind = find_contact(text)
    if kind:
        raise ReviewRefused(contact_refusal_message(kind), code="off_platform_contact")
    return text


@transaction.atomic
def review_reply(*, review: Review, seller, text: str) -> Review:
    """The shop's public answer to a review; replying again replaces it. Only the shop's
    owners and staff (or platform staff) may; the text passes check_reply_text or nothing is
    written. Refreshes the cached product page on commit."""
    if not (is_platform_staff(seller) or review.shop_id in member_shop_ids(seller, EDITOR_ROLES)):
        raise PermissionDenied("Only the shop replies to its reviews.")
    text = check_reply_text(text)
    review.seller_reply = text
    review.replied_at = timezone.now() if text else None
    review.save(update_fields=["seller_reply", "replied_at"])
    catalog_changed()
    return review


# --- Reads ----------------------------------------------------------------------------------------


def review_list_for_product(*, product: Product, limit: int = LATEST_REVIEWS) -> list[Review]:
    """The latest reviews of a product with buyer and photos: two queries, none when there are
    no reviews (the product's rating_count says so without asking)."""
    if not product.rating_count:
        return []
    return list(
        Review.objects.filter(product=product)
        .select_related("buyer")
        .prefetch_related("photos")
        .order_by("-created_at", "-id")[:limit]
    )


def reviewed_item_ids(*, items: QuerySet[OrderItem] | list[OrderItem]) -> set[int]:
    """Which of these order items already have a review (one query)."""
    ids = [item.pk for item in items]
    if not ids:
        return set()
    return set(Review.objects.filter(order_item_id__in=ids).values_list("order_item_id", flat=True))
