"""What a live room shows besides the chat, as the JSON its clients receive.

One source for both paths: the `state` event a socket gets on every connect (so a client that
reconnects after a Redis restart re-reads the pinned product, the deal's price and units left
from PostgreSQL) and the pushes sent when one of them changes (live/broadcast.py). Prices go out
already formatted ("Rp 125.000"); clients never compute money.
"""

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from live.enums import FlashDealStatus, ItemClaimStatus
from live.models import FlashDeal, ItemClaim, LiveSession
from marketplace.money import format_rupiah
from shops.enums import Condition, ProductStatus
from shops.models import Product, ProductVariant
from shops.selectors import product_list_visible


def running_q(*, now) -> Q:
    """The deals whose price is honoured at `now` (the clock decides, not the job)."""
    return Q(status=FlashDealStatus.ACTIVE, ends_at__gt=now)


def buy_url(
    session_id: int,
    *,
    variant_id: int | None = None,
    deal_id: int | None = None,
    product_id: int | None = None,
) -> str:
    """The in-live checkout (live.buy_views) for a variant, a deal, or a product whose variant the
    buyer picks there."""
    pairs = (("product", product_id), ("variant", variant_id), ("deal", deal_id))
    query = "&".join(f"{name}={value}" for name, value in pairs if value)
    return reverse("live_buy", args=[session_id]) + (f"?{query}" if query else "")


def is_one_off(product: Product, variants: list[ProductVariant]) -> bool:
    """A thrift piece: second-hand, one variant, at most one unit. Bought by claiming it."""
    return product.condition != Condition.NEW and len(variants) == 1 and variants[0].stock <= 1


def variants_by_product(product_ids: list[int]) -> dict[int, list[ProductVariant]]:
    by_product: dict[int, list[ProductVariant]] = {pk: [] for pk in product_ids}
    for variant in ProductVariant.objects.filter(product_id__in=product_ids, is_active=True).order_by(
        "position", "id"
    ):
        by_product[variant.product_id].append(variant)
    return by_product


def product_payload(session_id: int, product: Product, variants: list[ProductVariant]) -> dict[str, Any]:
    """`product` must come from product_list_visible (its first image is prefetched)."""
    image = product.card_images[0] if product.card_images else None
    return {
        "id": product.pk,
        "title": product.title,
        "url": product.get_absolute_url(),
        "image": (image.thumbnail or image.image).url if image else "",
        "price": product.price,
        "price_display": format_rupiah(product.price),
        "condition": product.get_condition_display() if product.condition != Condition.NEW else "",
        "one_off": is_one_off(product, variants),
        "in_stock": any(v.stock > 0 for v in variants),
        "buy_url": buy_url(session_id, variant_id=variants[0].pk)
        if len(variants) == 1
        else buy_url(session_id, product_id=product.pk),
        "variants": [
            {
                "id": v.pk,
                "label": v.label,
                "price": v.price,
                "price_display": format_rupiah(v.price),
                "in_stock": v.stock > 0,
                "buy_url": buy_url(session_id, variant_id=v.pk),
            }
            for v in variants
        ],
    }


def pinned_payload(session: LiveSession) -> dict[str, Any] | None:
    if session.pinned_product_id is None:
        return None
    product = product_list_visible(shop=session.shop).filter(pk=session.pinned_product_id).first()
    if product is None:  # hidden by moderation since it was pinned
        return None
    return product_payload(session.pk, product, variants_by_product([product.pk])[product.pk])


def deal_payload(deal: FlashDeal, *, now=None) -> dict[str, Any]:
    """`deal` with its product and variant loaded; `seconds_left` lets a client with a wrong
    clock still count down right."""
    now = now or timezone.now()
    covered = [deal.variant] if deal.variant_id else list(deal.product.variants.filter(is_active=True))
    normal = min((v.price for v in covered), default=deal.price)
    label = deal.variant.label if deal.variant_id else ""
    title = f"{deal.product.title} · {label}" if label else deal.product.title
    return {
        "id": deal.pk,
        "product_id": deal.product_id,
        "variant_id": deal.variant_id,
        "title": title,
        "price": deal.price,
        "price_display": format_rupiah(deal.price),
        "normal_price_display": format_rupiah(normal),
        "units": deal.units,
        "units_left": max(deal.units - deal.units_claimed, 0),
        "per_buyer_limit": deal.per_buyer_limit,
        "ends_at": deal.ends_at.isoformat(),
        "seconds_left": max(int((deal.ends_at - now).total_seconds()), 0),
        "buy_url": buy_url(deal.session_id, variant_id=deal.variant_id, deal_id=deal.pk),
    }


def running_deal(session_id: int, *, now=None) -> FlashDeal | None:
    now = now or timezone.now()
    return (
        FlashDeal.objects.filter(running_q(now=now), session_id=session_id)
        .select_related("product", "variant")
        .first()
    )


def item_queues(session: LiveSession, variant_ids: list[int]) -> dict[str, dict[str, Any]]:
    """{variant id: {"held": bool, "waiting": n}} for the one-off items shown (one query)."""
    if not variant_ids:
        return {}
    rows = (
        ItemClaim.objects.filter(variant_id__in=variant_ids)
        .values("variant_id")
        .annotate(
            held=Count("pk", filter=Q(status=ItemClaimStatus.HOLDING)),
            waiting=Count("pk", filter=Q(status=ItemClaimStatus.WAITING)),
        )
    )
    queues = {str(pk): {"held": False, "waiting": 0} for pk in variant_ids}
    for row in rows:
        queues[str(row["variant_id"])] = {"held": row["held"] > 0, "waiting": row["waiting"]}
    return queues


def item_queue_payload(variant_id: int) -> dict[str, Any]:
    counts = ItemClaim.objects.filter(variant_id=variant_id).aggregate(
        held=Count("pk", filter=Q(status=ItemClaimStatus.HOLDING)),
        waiting=Count("pk", filter=Q(status=ItemClaimStatus.WAITING)),
    )
    return {
        "type": "item",
        "variant_id": variant_id,
        "held": counts["held"] > 0,
        "waiting": counts["waiting"],
    }


def room_state(session_id: int) -> dict[str, Any]:
    """The `state` event: everything a client shows apart from the chat and the counters."""
    session = LiveSession.objects.select_related("shop").get(pk=session_id)
    deal = running_deal(session_id)
    featured = list(
        Product.objects.filter(live_features__session=session, status=ProductStatus.ACTIVE).only(
            "pk", "condition"
        )
    )
    variants = variants_by_product([p.pk for p in featured])
    one_offs = [variants[p.pk][0].pk for p in featured if is_one_off(p, variants[p.pk])]
    return {
        "type": "state",
        "status": session.status,
        "slow_mode": session.slow_mode_seconds,
        "orders": session.order_count,
        "pinned": pinned_payload(session),
        "deal": deal_payload(deal) if deal else None,
        "items": item_queues(session, one_offs),
    }
