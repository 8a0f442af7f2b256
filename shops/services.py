"""Every write to shops and the catalog that is more than a form save.

Plain functions with keyword-only arguments, one transaction each, called by views, admin,
tasks, the demo seeder and tests alike.
"""

import re

from django.db import transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    DecimalField,
    F,
    FloatField,
    Min,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.contact_detection import find_contact
from marketplace.errors import Refusal
from marketplace.images import make_thumbnail
from marketplace.transitions import TransitionNotAllowed, transition
from shops.enums import PRODUCT_MACHINE, SHOP_MACHINE, ModerationAction, ProductStatus, ShopStatus
from shops.models import (
    BlockedWord,
    Category,
    Follow,
    ModerationEvent,
    Product,
    ProductDefect,
    ProductImage,
    Shop,
)


def product_refresh_summary(*, product: Product) -> Product:
    """Recompute the product's price-from, compare-at and stock from its available variants.

    Lists filter and sort on these columns, so every change to variants must end here.
    """
    variants = product.variants.filter(is_active=True)
    totals = variants.aggregate(price=Min("price"), stock=Sum("stock"))
    cheapest = variants.order_by("price", "id").only("compare_at_price").first()
    product.price = totals["price"] or 0
    product.stock_total = totals["stock"] or 0
    product.compare_at_price = cheapest.compare_at_price if cheapest else None
    product.save(update_fields=["price", "stock_total", "compare_at_price", "updated_at"])
    return product


def product_image_make_thumbnail(*, image: ProductImage | ProductDefect) -> None:
    """Write the WebP thumbnail of a product image or defect photo (idempotent)."""
    source = image.image if isinstance(image, ProductImage) else image.photo
    if not source:
        return
    with source.open("rb") as file:
        thumbnail = make_thumbnail(file)
    if image.thumbnail:
        image.thumbnail.delete(save=False)
    image.thumbnail.save(thumbnail.name, thumbnail, save=False)
    image.save(update_fields=["thumbnail"])


@transaction.atomic
def follow_create(*, user, shop: Shop) -> bool:
    """Follow a shop; returns False when already following. The counter moves with the row."""
    _, created = Follow.objects.get_or_create(user=user, shop=shop)
    if created:
        Shop.objects.filter(pk=shop.pk).update(follower_count=F("follower_count") + 1)
    return created


@transaction.atomic
def follow_delete(*, user, shop: Shop) -> bool:
    """Unfollow a shop; returns False when the user was not following."""
    deleted, _ = Follow.objects.filter(user=user, shop=shop).delete()
    if deleted:
        Shop.objects.filter(pk=shop.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)
    return bool(deleted)


# --- Moderation -------------------------------------------------------------------------------
#
# Every product and shop status change goes through marketplace.transitions.transition() with
# PRODUCT_MACHINE or SHOP_MACHINE: it locks the row, checks the table, saves with update_fields
# and writes the ModerationEvent in the same transaction; a refused move raises
# TransitionNotAllowed and writes nothing. Who may call what (sellers submit, staff approve/reject)
# is checked by the caller (the admin); these functions trust their actor.

# "Far below the typical price": under 30% of the category median.
LOW_PRICE_RATIO_PERCENT = 30


class ModerationReasonRequired(Refusal):
    code = "moderation_reason_required"
    default_message = _("A reason is required: the seller reads it.")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationReasonRequired()
    return reason


def product_transition(
    *,
    product: Product,
    to: str,
    actor,
    kind: str,
    reason: str = "",
    params: dict | None = None,
    changes: dict | None = None,
) -> Product:
    """Move `product` to status `to` (plus `changes`) as PRODUCT_MACHINE allows; log `kind`.

    Locks the product row; one transaction with the event. Returns the locked, saved row.
    """

    def record(locked: Product, previous: str) -> None:
        ModerationEvent.objects.create(
            product=locked,
            shop_id=locked.shop_id,
            actor=actor,
            kind=kind,
            reason=reason,
            params=params or {},
        )

    return transition(machine=PRODUCT_MACHINE, instance=product, to=to, record=record, changes=changes)


def product_prescreen_findings(*, product: Product) -> list[str]:
    """What the pre-screen finds suspicious in a listing (empty when nothing)."""
    findings = []
    text = f"{product.title}\n{product.description}"
    for word in BlockedWord.objects.values_list("word", flat=True):
        # Whole words only ("replika" flags "Tas replika", not "replikasi"); lookarounds rather
        # than \b so phrases that start or end with punctuation still match.
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE):
            findings.append(f"Blocked word: {word}")
    # The admin form refuses contacts already; this catches listings written any other way.
    # Each image's alt text and each variant's label is read on its own, as the admin form reads
    # it: a column of sizes put together would look like one long number.
    notes = "\n".join(defect.description for defect in product.defects.all())
    pieces = [f"{text}\n{product.condition_notes}\n{notes}"]
    pieces += product.images.exclude(alt_text="").values_list("alt_text", flat=True)
    pieces += [variant.label for variant in product.variants.only("size", "color")]
    kind = next(filter(None, map(find_contact, pieces)), None)
    if kind:
        findings.append(f"Off-platform contact: {kind.value}")
    typical = product.category.typical_price
    # price 0 means no sellable variant yet: nothing to compare.
    if typical and product.price and product.price * 100 < typical * LOW_PRICE_RATIO_PERCENT:
        findings.append(f"Price {product.price} is under {LOW_PRICE_RATIO_PERCENT}% of the typical {typical}")
    return findings


def _product_prescreen(*, product: Product) -> Product:
    """Set or clear the flag from fresh findings; log FLAGGED when something was found."""
    findings = product_prescreen_findings(product=product)
    product.is_flagged = bool(findings)
    product.flag_reasons = "\n".join(findings)
    product.save(update_fields=["is_flagged", "flag_reasons", "updated_at"])
    if findings:
        ModerationEvent.objects.create(
            product=product,
            shop_id=product.shop_id,
            actor=None,  # the pre-screen, not a person
            kind=ModerationAction.FLAGGED,
            reason=product.flag_reasons,
        )
    return product


@transaction.atomic
def product_submit(*, product: Product, actor) -> Product:
    """Put a new, draft or rejected listing in the moderation queue, then pre-screen it.

    A freshly created product already sits in pending_review (the model default) without a
    submission time: submitting stamps it (no status change, so no transition). Draft and
    rejected listings move by PRODUCT_MACHINE; an active one is refused here although the machine
    lets it go back to review, because only product_resubmit_after_edit sends it there.
    """
    locked = Product.objects.select_for_update().get(pk=product.pk)
    now = timezone.now()
    if locked.status == ProductStatus.PENDING_REVIEW and locked.submitted_at is None:
        locked.submitted_at = now
        locked.save(update_fields=["submitted_at", "updated_at"])
        ModerationEvent.objects.create(
            product=locked, shop_id=locked.shop_id, actor=actor, kind=ModerationAction.SUBMITTED
        )
    elif locked.status not in (ProductStatus.DRAFT, ProductStatus.REJECTED):
        raise TransitionNotAllowed(
            machine=PRODUCT_MACHINE, current=locked.status, target=ProductStatus.PENDING_REVIEW
        )
    else:
        locked = product_transition(
            product=locked,
            to=ProductStatus.PENDING_REVIEW,
            actor=actor,
            kind=ModerationAction.SUBMITTED,
            changes={"submitted_at": now},
        )
    return _product_prescreen(product=locked)


@transaction.atomic
def product_resubmit_after_edit(*, product: Product, actor, changed: list[str]) -> Product:
    """A seller changed what buyers read or see (title, description, images): review it again.

    Active and rejected listings go back to pending_review (hidden from the storefront until
    approved) with a RESUBMITTED event naming what changed. A listing already waiting is only
    pre-screened again; drafts and archived listings are left alone.
    """
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.status in (ProductStatus.ACTIVE, ProductStatus.REJECTED):
        locked = product_transition(
            product=locked,
            to=ProductStatus.PENDING_REVIEW,
            actor=actor,
            kind=ModerationAction.RESUBMITTED,
            reason="Changed: " + ", ".join(changed),
            params={"changed": ", ".join(changed)},
            changes={"submitted_at": timezone.now()},
        )
    elif locked.status != ProductStatus.PENDING_REVIEW:
        return locked
    return _product_prescreen(product=locked)


@transaction.atomic
def product_approve(*, product: Product, actor) -> Product:
    """Publish a listing. `published_at` keeps the first approval; a human decision clears the flag."""
    current = Product.objects.select_for_update().only("published_at").get(pk=product.pk)
    return product_transition(
        product=product,
        to=ProductStatus.ACTIVE,
        actor=actor,
        kind=ModerationAction.APPROVED,
        changes={
            "published_at": current.published_at or timezone.now(),
            "rejection_reason": "",
            "is_flagged": False,
        },
    )


@transaction.atomic
def product_reject(*, product: Product, actor, reason: str) -> Product:
    """Refuse a listing; `reason` is required and shown to the seller on the product page."""
    reason = _require_reason(reason)
    return product_transition(
        product=product,
        to=ProductStatus.REJECTED,
        actor=actor,
        kind=ModerationAction.REJECTED,
        reason=reason,
        changes={"rejection_reason": reason},
    )


@transaction.atomic
def product_archive(*, product: Product, actor) -> Product:
    """Take a listing off sale for good (it can come back as a draft)."""
    return product_transition(
        product=product, to=ProductStatus.ARCHIVED, actor=actor, kind=ModerationAction.ARCHIVED
    )


def _shop_transition(*, shop: Shop, to: str, actor, kind: str, reason: str) -> Shop:
    """Move `shop` to `to` as SHOP_MACHINE allows and log `kind` (locks the shop row)."""

    def record(locked: Shop, previous: str) -> None:
        ModerationEvent.objects.create(shop=locked, actor=actor, kind=kind, reason=reason)

    return transition(
        machine=SHOP_MACHINE,
        instance=shop,
        to=to,
        record=record,
        changes={"suspension_reason": reason if to == ShopStatus.SUSPENDED else ""},
    )


@transaction.atomic
def shop_suspend(*, shop: Shop, actor, reason: str) -> Shop:
    """Suspend a shop: the storefront shows only active shops, so all its products disappear."""
    return _shop_transition(
        shop=shop,
        to=ShopStatus.SUSPENDED,
        actor=actor,
        kind=ModerationAction.SHOP_SUSPENDED,
        reason=_require_reason(reason),
    )


@transaction.atomic
def shop_reinstate(*, shop: Shop, actor, reason: str = "") -> Shop:
    """Lift a suspension; the shop's active products are visible again."""
    return _shop_transition(
        shop=shop,
        to=ShopStatus.ACTIVE,
        actor=actor,
        kind=ModerationAction.SHOP_REINSTATED,
        reason=(reason or "").strip(),
    )


class Median(Aggregate):
    """PostgreSQL's continuous median, an ordered-set aggregate Django does not ship."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def category_refresh_typical_prices() -> int:
    """Store each category's median active price (whole rupiah, halves rounded up) in one UPDATE.

    Categories without priced active products get NULL, which the pre-screen skips. The result
    depends only on the data, so running it twice changes nothing. Returns rows updated.
    """
    # percentile_cont works in double precision; a median of whole rupiah ends in .0 or .5, exact
    # there. Rounding in numeric makes .5 go up (double precision would round half to even).
    median = Cast(Median("price", output_field=FloatField()), DecimalField(max_digits=20, decimal_places=1))
    medians = (
        Product.objects.filter(category=OuterRef("pk"), status=ProductStatus.ACTIVE, price__gt=0)
        .order_by()
        .values("category")
        .annotate(median=Cast(Round(median), BigIntegerField()))
        .values("median")
    )
    return Category.objects.update(typical_price=Subquery(medians))
