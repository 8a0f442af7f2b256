"""The demo shops' past: orders placed, paid, shipped, delivered, reviewed, returned and
cancelled over the last weeks, so a seller's first look at the admin shows a shop that trades.

Every row is written by the service that writes it for real orders: `checkout_place`, the dev
gateway's signed notifications, `order_ship`, the simulated courier through `shipment_track`,
`order_confirm_received`, the returns and reviews services. So stock, sold counts, ratings, the
OrderEvent trail and the notifications hold exactly as they would. Those services stamp "now";
each step's rows are then moved to the story's own time (Asia/Jakarta hours), and the order
number to the day it was placed. Nothing is left due for a job: no order awaits payment or
confirmation, an open return's deadline is still ahead, and the parcels still on their way are
where the simulated courier says they are at its own pace (`SIMULATED_COURIER_SPEED`, 720×
under `make run`: they arrive a few minutes after the start, like the tour's own parcels).
The notifications of the past are marked read (bar the last day's) and their emails sent, so
the email tasks queued on commit find nothing to send.

Idempotent: a story's checkout carries the idempotency key `demo-history:<key>`, and a story
whose checkout exists is skipped, whatever became of its order since.

Used by `manage.py seed_demo_orders` (the five shops) and `manage.py seed_demo_live` (the thrift
shop's past live, whose orders it places through live checkout and then hands to `follow`).
"""

import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from marketplace.demo import data as demo_data
from marketplace.demo import images
from marketplace.images import sanitize_image
from marketplace.models import Address, Notification, User
from orders.checkout import checkout_place
from orders.enums import OrderStatus, PaymentMethod
from orders.lifecycle import order_cancel, order_confirm_received, order_ship
from orders.models import (
    Checkout,
    Order,
    OrderEvent,
    Payment,
    PaymentNotification,
    ReturnRequest,
    Review,
    Shipment,
)
from orders.payments import dev_gateway_is_active, provider_get
from orders.payments.services import payment_handle_notification, payment_start
from orders.returns import return_approve, return_request_create
from orders.reviews import review_create, review_reply
from orders.selectors import Line
from orders.tracking.services import shipment_track
from orders.tracking.simulated import SimulatedCourier
from shops.enums import MemberRole, ProductStatus
from shops.models import Category, Product, ProductImage, ProductVariant, Shop, ShopMember
from shops.services import product_image_make_thumbnail, product_refresh_summary

KEY_PREFIX = "demo-history:"
# A story leaves at least this many units of the variant it buys, so the tour never finds the
# demo catalog sold out by its own past.
STOCK_KEPT = 2
# Parcels that have arrived leave the same journey behind, told at the courier's real pace.
REAL_PACE = 1

# How each story ends.
COMPLETED = "completed"  # delivered, confirmed by the buyer (and usually reviewed)
SHIPPED = "shipped"  # still on its way
TO_SHIP = "to_ship"  # paid (or cash on delivery), waiting for the seller: "Dikemas"
RETURN_REQUESTED = "return_requested"  # delivered, the buyer asked to return it; the seller decides
RETURNED = "returned"  # returned and refunded
CANCELLED = "cancelled"  # cancelled by the buyer before shipping
EXPIRED = "expired"  # never paid: the payment window closed


@dataclass(frozen=True)
class StoryReview:
    rating: int
    text: str
    photo: bool = False
    reply: str = ""  # the shop's public answer


@dataclass(frozen=True)
class Story:
    """One past order: who bought what, when, and how it ended."""

    key: str
    buyer: str
    ending: str
    days_ago: float  # when it was placed (for a live order: ignored, the live's time counts)
    hour: int = 20  # local hour it was placed
    payment: str = PaymentMethod.EWALLET
    review: StoryReview | None = None
    note: str = ""  # why it was returned or cancelled
    piece: str = ""  # a thrift piece of demo_data.PAST_PIECES (its SKU suffix)
    quantity: int = 1


@dataclass(frozen=True)
class Timing:
    paid_after: timedelta = timedelta(minutes=9)
    shipped_after: timedelta = timedelta(hours=15)  # after payment: packed the next morning
    confirmed_after: timedelta = timedelta(hours=5)  # after delivery
    reviewed_after: timedelta = timedelta(minutes=40)  # after confirming
    replied_after: timedelta = timedelta(hours=3)
    return_asked_after: timedelta = timedelta(hours=4)  # after delivery
    return_decided_after: timedelta = timedelta(hours=10)
    # A parcel still on its way left this long ago (at the courier's real pace).
    in_transit_for: timedelta = timedelta(hours=14)
    # An open return was asked this long after delivery, delivered this long ago: the seller's
    # deadline (RETURN_RESPONSE_HOURS after asking) is still well ahead.
    open_return_delivered: timedelta = timedelta(hours=20)


TIMING = Timing()
CARRIERS = ("JNE", "SiCepat", "J&T Express", "AnterAja")


class History:
    """Plays stories through the services, then dates their rows. One instance per run."""

    def __init__(self, *, now: datetime | None = None):
        self.now = now or timezone.now()
        self.counts = {"orders": 0, "reviews": 0, "skipped": 0, "pieces": 0}
        self.stored_files: list[str] = []  # for the caller to remove if its transaction rolls back

    # --- whole stories ------------------------------------------------------------------------

    def is_played(self, story: Story) -> bool:
        return Checkout.objects.filter(idempotency_key=KEY_PREFIX + story.key).exists()

    def play(self, *, shop: Shop, story: Story, index: int = 0) -> Order | None:
        """Place and follow one story's order; None when already played or it cannot be told."""
        buyer = User.objects.filter(username=story.buyer).first()
        address = Address.objects.filter(user=buyer).order_by("-is_default", "id").first() if buyer else None
        if address is None or self.is_played(story):
            self.counts["skipped"] += 1
            return None
        variant = self.variant_for(shop=shop, story=story, index=index)
        if variant is None:
            self.counts["skipped"] += 1
            return None
        placed_at = self.local_time(days_ago=story.days_ago, hour=story.hour)
        since = self.mark()
        with self.step(placed_at):
            checkout = checkout_place(
                buyer=buyer,
                idempotency_key=KEY_PREFIX + story.key,
                lines=[Line(variant.pk, story.quantity)],
                address_id=address.pk,
                choices={},
                payment_method=self.payment_method(story),
                acknowledged_defects={variant.product_id},
            )
        order = checkout.orders.get()
        return self.follow(order=order, story=story, placed_at=placed_at, since=since)

    def follow(self, *, order: Order, story: Story, placed_at: datetime, since: int) -> Order:
        """Take a just-placed order to the story's ending, then date all of its rows.

        `since` is `mark()` taken before the order was placed: the notifications after it that
        name the order get its new number.
        """
        buyer, shop = order.buyer, order.shop
        seller = self.seller_of(shop)
        OrderEvent.objects.filter(order=order, from_status="").update(created_at=placed_at)
        at = placed_at
        if story.ending == EXPIRED and order.status == OrderStatus.AWAITING_PAYMENT:
            at = placed_at + timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
            self._gateway(order, outcome="expire", started_at=placed_at + timedelta(minutes=3), at=at)
        elif story.ending in (CANCELLED, EXPIRED):
            at = placed_at + timedelta(minutes=40)
            with self.step(at):
                order_cancel(order=order, actor=buyer, reason=story.note)
            self._event_at(order, OrderStatus.CANCELLED, at)
        else:
            if order.status == OrderStatus.AWAITING_PAYMENT:
                at = placed_at + TIMING.paid_after
                self._gateway(order, outcome="pay", started_at=placed_at + timedelta(minutes=2), at=at)
            if story.ending != TO_SHIP:
                at = self._ship_and_deliver(order=order, story=story, seller=seller, paid_at=at)
        self._date_order(order, placed_at=placed_at, last_at=at, since=since)
        self.counts["orders"] += 1
        return order

    # --- the steps ----------------------------------------------------------------------------

    def _gateway(self, order: Order, *, outcome: str, started_at: datetime, at: datetime) -> None:
        """The buyer pays (or lets the window close) at the dev gateway: signed notifications."""
        with self.step(at):
            payment = payment_start(checkout=order.checkout)
            payload = provider_get("dev").notification_build(payment=payment, outcome=outcome)
            payload["transaction_time"] = timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
            payment_handle_notification(payload=payload)
        Payment.objects.filter(pk=payment.pk).update(
            created_at=started_at, paid_at=at if outcome == "pay" else None
        )
        PaymentNotification.objects.filter(payment=payment).update(received_at=at)
        self._event_at(order, OrderStatus.TO_SHIP if outcome == "pay" else OrderStatus.CANCELLED, at)

    def _ship_and_deliver(self, *, order: Order, story: Story, seller: User, paid_at: datetime) -> datetime:
        """Ship, deliver and end the order as the story says; returns when its status last moved."""
        carrier = CARRIERS[zlib.crc32(story.key.encode()) % len(CARRIERS)]
        checkout = order.checkout
        if story.ending == SHIPPED:
            # Where the courier says it is now, at the pace the tracking poll will keep moving it.
            tracking = self._tracking_number(story, carrier, attempt=0)
            shipped_at = self.now - TIMING.in_transit_for / max(1, settings.SIMULATED_COURIER_SPEED)
            self._ship(order, carrier=carrier, tracking=tracking, seller=seller, at=shipped_at)
            if settings.TRACKING_BACKEND == "simulated":
                with self.step(shipped_at + (self.now - shipped_at) / 2):
                    shipment_track(shipment_id=order.shipment.pk, now=self.now)
            return shipped_at

        tracking, shipped_at = self._delivery_plan(order, story=story, carrier=carrier, paid_at=paid_at)
        self._ship(order, carrier=carrier, tracking=tracking, seller=seller, at=shipped_at)
        delivered_at = self._arrival(order, tracking=tracking, shipped_at=shipped_at, city=checkout.city)
        # The past is told at the courier's real pace and by the simulated courier, whatever the
        # demo's pace or the configured carrier backend.
        with (
            override_settings(TRACKING_BACKEND="simulated", SIMULATED_COURIER_SPEED=REAL_PACE),
            self.step(delivered_at),
        ):
            shipment_track(shipment_id=order.shipment.pk, now=self.now)
        self._event_at(order, OrderStatus.DELIVERED, delivered_at)
        buyer = order.buyer
        if story.ending == COMPLETED:
            at = delivered_at + TIMING.confirmed_after
            with self.step(at):
                order_confirm_received(order=order, actor=buyer)
            self._event_at(order, OrderStatus.COMPLETED, at)
        else:
            at = delivered_at + TIMING.return_asked_after
            with self.step(at):
                request = return_request_create(order=order, buyer=buyer, reason=story.note, now=at)
            ReturnRequest.objects.filter(pk=request.pk).update(created_at=at)
            self._event_at(order, OrderStatus.RETURN_REQUESTED, at)
            if story.ending == RETURNED:
                at += TIMING.return_decided_after
                with self.step(at):
                    return_approve(return_request=request, actor=seller, now=at)
                self._event_at(order, OrderStatus.RETURNED, at)
        if story.review:
            self._review(order, review=story.review, seller=seller, after=at)
        return at  # the order's last change: a review does not change the order

    def _delivery_plan(
        self, order: Order, *, story: Story, carrier: str, paid_at: datetime
    ) -> tuple[str, datetime]:
        """A tracking number whose (seeded) journey arrives in time for what follows it."""
        city = order.checkout.city
        if story.ending == RETURN_REQUESTED:
            arrive = self.now - TIMING.open_return_delivered
            for attempt in range(50):
                tracking = self._tracking_number(story, carrier, attempt=attempt)
                journey = self._journey_length(order, tracking=tracking, city=city)
                if arrive - journey >= paid_at + timedelta(hours=1):
                    return tracking, arrive - journey
        else:
            shipped_at = paid_at + TIMING.shipped_after
            after = (
                (
                    TIMING.confirmed_after
                    if story.ending == COMPLETED
                    else TIMING.return_asked_after + TIMING.return_decided_after
                )
                + TIMING.reviewed_after
                + TIMING.replied_after
            )
            for attempt in range(50):
                tracking = self._tracking_number(story, carrier, attempt=attempt)
                if shipped_at + self._journey_length(order, tracking=tracking, city=city) + after < self.now:
                    return tracking, shipped_at
        raise ValueError(f"Demo story {story.key} cannot end by now: place it earlier.")

    def _journey_length(self, order: Order, *, tracking: str, city: str) -> timedelta:
        start = self.now.replace(microsecond=0)
        courier = SimulatedCourier(
            shipped_at=start, origin_city=order.shop.city, destination_city=city, speed=REAL_PACE
        )
        return courier.journey(tracking)[-1].occurred_at - start

    def _arrival(self, order: Order, *, tracking: str, shipped_at: datetime, city: str) -> datetime:
        courier = SimulatedCourier(
            shipped_at=shipped_at, origin_city=order.shop.city, destination_city=city, speed=REAL_PACE
        )
        return courier.journey(tracking)[-1].occurred_at

    def _tracking_number(self, story: Story, carrier: str, *, attempt: int) -> str:
        for extra in range(attempt, attempt + 100):
            digits = zlib.crc32(f"{story.key}:{extra}".encode()) % 10**10
            number = f"{carrier[:2].upper().replace('&', 'T')}{digits:010d}"
            if not Shipment.objects.filter(carrier__iexact=carrier, tracking_number=number).exists():
                return number
        raise AssertionError("unreachable")

    def _ship(self, order: Order, *, carrier: str, tracking: str, seller: User, at: datetime) -> None:
        with self.step(at):
            order_ship(order=order, carrier=carrier, tracking_number=tracking, actor=seller)
        # The courier's journey starts from shipped_at, so it is dated before tracking runs.
        Shipment.objects.filter(order=order).update(shipped_at=at)
        order.shipment.refresh_from_db()
        self._event_at(order, OrderStatus.SHIPPED, at)

    def _review(self, order: Order, *, review: StoryReview, seller: User, after: datetime) -> datetime:
        at = after + TIMING.reviewed_after
        item = order.items.select_related("product").first()
        photos = [self._buyer_photo(item.product)] if review.photo and item.product else []
        with self.step(at):
            written = review_create(
                buyer=order.buyer,
                order_item=item,
                rating=review.rating,
                text=review.text,
                photos=[photo for photo in photos if photo is not None],
            )
        Review.objects.filter(pk=written.pk).update(created_at=at)
        self.stored_files += [
            name for photo in written.photos.all() for name in (photo.image.name, photo.thumbnail.name)
        ]
        self.counts["reviews"] += 1
        if review.reply:
            at += TIMING.replied_after
            review_reply(review=written, seller=seller, text=review.reply)
            Review.objects.filter(pk=written.pk).update(replied_at=at)
        return at

    def _buyer_photo(self, product: Product):
        """The buyer's photo of what arrived: the listing's own picture, as an upload would be."""
        image = product.images.order_by("position", "id").first()
        if image is None or not image.image:
            return None
        with image.image.open("rb") as file:
            return sanitize_image(ContentFile(file.read(), name="foto.jpg"))

    # --- dating the rows ----------------------------------------------------------------------

    @contextmanager
    def step(self, at: datetime) -> Iterator[None]:
        """Date the notifications a step writes: they were read (bar the last day's) and emailed
        back then, so the email tasks queued on commit send nothing."""
        last = self.mark()
        yield
        read_at = at + timedelta(hours=1) if at < self.now - timedelta(days=1) else None
        Notification.objects.filter(pk__gt=last).update(created_at=at, emailed_at=at, read_at=read_at)

    def mark(self) -> int:
        """The last notification written so far (see `step` and `follow`)."""
        return Notification.objects.aggregate(last=Max("pk"))["last"] or 0

    def _event_at(self, order: Order, status: str, at: datetime) -> None:
        OrderEvent.objects.filter(order=order, to_status=status).update(created_at=at)

    def _date_order(self, order: Order, *, placed_at: datetime, last_at: datetime, since: int) -> None:
        """Placed on `placed_at`, numbered for that day, last changed at `last_at`."""
        old = order.number
        number = f"LPK-{timezone.localtime(placed_at):%y%m%d}-{old.rsplit('-', 1)[1]}"
        Checkout.objects.filter(pk=order.checkout_id).update(created_at=placed_at)
        due = placed_at + timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
        Order.objects.filter(pk=order.pk).update(
            number=number,
            created_at=placed_at,
            updated_at=last_at,
            payment_due_at=due if order.payment_method != PaymentMethod.COD else None,
        )
        # The notifications name the order (title, body, link): the number they knew moves too.
        for notification in Notification.objects.filter(pk__gt=since):
            if old in notification.title + notification.body + notification.url:
                notification.title = notification.title.replace(old, number)
                notification.body = notification.body.replace(old, number)
                notification.url = notification.url.replace(old, number)
                notification.save(update_fields=["title", "body", "url"])
        order.number = number

    # --- who and what -------------------------------------------------------------------------

    def local_time(self, *, days_ago: float, hour: int) -> datetime:
        """`days_ago` days before now at `hour` local time (minutes from the fraction)."""
        day = timezone.localtime(self.now) - timedelta(days=int(days_ago))
        minute = round((days_ago % 1) * 60) % 60
        at = day.replace(hour=hour, minute=minute, second=0, microsecond=0)
        # "Today at 20:00" seen in the morning is still to come: it was yesterday evening then.
        return at - timedelta(days=1) if at > self.now - timedelta(hours=1) else at

    def payment_method(self, story: Story) -> str:
        # Without the dev gateway (real Midtrans keys), nobody can settle a demo payment.
        if story.payment != PaymentMethod.COD and not dev_gateway_is_active():
            return PaymentMethod.COD
        return story.payment

    def seller_of(self, shop: Shop) -> User:
        member = (
            ShopMember.objects.filter(shop=shop, role=MemberRole.OWNER).select_related("user").order_by("id")
        ).first()
        return member.user

    def variant_for(self, *, shop: Shop, story: Story, index: int) -> ProductVariant | None:
        """A thrift story's own past piece; otherwise one of the shop's best-stocked variants, in
        turn, never taking one below STOCK_KEPT units."""
        if story.piece:
            variant = past_piece_ensure(shop=shop, suffix=story.piece, history=self)
            return variant if variant is not None and variant.stock >= story.quantity else None
        candidates = list(
            ProductVariant.objects.filter(
                product__shop=shop,
                product__status=ProductStatus.ACTIVE,
                is_active=True,
                stock__gte=STOCK_KEPT + story.quantity,
            )
            .exclude(sku__startswith=demo_data.PAST_PIECE_SKU_PREFIX)
            .order_by("-stock", "id")[:5]
        )
        return candidates[index % len(candidates)] if candidates else None


# --- The thrift shop's past pieces ------------------------------------------------------------------


def past_piece_ensure(*, shop: Shop, suffix: str, history: History) -> ProductVariant | None:
    """The one-off piece `suffix` of demo_data.PAST_PIECES in `shop`, listed weeks ago.

    Created like the demo catalog's listings (seed_demo) when missing, with its photo;
    None when its category is missing (a database not seeded by seed_demo).
    """
    sku = f"{demo_data.PAST_PIECE_SKU_PREFIX}{suffix}-01"
    existing = ProductVariant.objects.filter(product__shop=shop, sku=sku).select_related("product").first()
    if existing is not None:
        return existing
    _suffix, noun, title, condition, size, color, price, measurements = next(
        piece for piece in demo_data.PAST_PIECES if piece[0] == suffix
    )
    kind = next(kind for kind in demo_data.THRIFT.kinds if kind.noun == noun)
    category = Category.objects.filter(slug=kind.category).first()
    if category is None:
        return None
    brand = next((brand for brand in kind.brands if title.endswith(brand)), "")
    notes = demo_data.CONDITION_NOTES[condition][0]
    measured = ", ".join(f"{name.removesuffix('_cm')} {value} cm" for name, value in measurements.items())
    published = history.now - timedelta(days=40 + int(suffix))
    slug = slugify(title)[:130]
    if Product.objects.filter(shop=shop, slug=slug).exists():
        slug = f"{slug}-p{suffix}"
    product = Product.objects.create(
        shop=shop,
        category=category,
        title=title,
        slug=slug,
        description=(
            f"{title}.\n\nUkuran di label: {size}. Diukur flat: {measured}.\n\n"
            f"Kondisi: {demo_data.CONDITION_LABELS[condition]}. {notes}\n\n"
            f"Bahan: {kind.material}. Barang thrift hanya 1 pcs dan tidak restock."
        ),
        brand=brand,
        condition=condition,
        condition_notes=notes,
        status=ProductStatus.ACTIVE,
        submitted_at=published - timedelta(hours=3),
        published_at=published,
        **measurements,
    )
    Product.objects.filter(pk=product.pk).update(created_at=product.submitted_at)
    variant = ProductVariant.objects.create(
        product=product, sku=sku, size=size, color=color, price=price, stock=1, weight_grams=kind.weight_grams
    )
    product_refresh_summary(product=product)
    picture = images.product_photo(
        title=title,
        shop_name=shop.name,
        shop_color=demo_data.THRIFT.color,
        palette="fashion",
        shape=kind.shape,
        color=color,
        pattern=kind.pattern,
        brand=brand,
        long_sleeve=kind.long_sleeve,
    )
    image = ProductImage(product=product, position=0, alt_text=title[:120])
    image.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(picture), save=False)
    image.save()
    product_image_make_thumbnail(image=image)
    history.stored_files += [image.image.name, image.thumbnail.name]
    history.counts["pieces"] += 1
    return ProductVariant.objects.select_related("product").get(pk=variant.pk)
