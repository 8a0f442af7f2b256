"""factory_boy factories for every model of the project, and builders of rows in a given state.

tests/conftest.py exposes the factories as fixtures; tests/test_kit.py fails when a model has no
factory here. Factories build plain rows (a session in any status, an order without stock held);
the builders below the factories (`active_product`, `live_session`, `make_order`...) build what a
page or service expects to find. Tests of the services themselves go through the services
(tests/kit/buying.py).
"""

import io
import itertools
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from live.enums import FlashDealEventKind, LiveSessionEventKind, LiveStatus
from live.models import (
    ChatMessage,
    FlashDeal,
    FlashDealClaim,
    FlashDealEvent,
    ItemClaim,
    LiveBan,
    LiveBlockedWord,
    LiveModerator,
    LiveMute,
    LiveOrder,
    LiveReminder,
    LiveSession,
    LiveSessionEvent,
    LiveSessionProduct,
)
from marketplace.models import Address, Notification, User
from orders.enums import OrderEventKind, OrderStatus, PaymentMethod, TrackingCode, VoucherKind
from orders.models import (
    Cart,
    CartItem,
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    Payment,
    PaymentNotification,
    ReturnPhoto,
    ReturnRequest,
    Review,
    ReviewPhoto,
    Shipment,
    TrackingEvent,
    Voucher,
    VoucherClaim,
    VoucherRedemption,
)
from shops.enums import Condition, MemberRole, ModerationAction, ProductStatus
from shops.models import (
    BlockedWord,
    Category,
    Follow,
    ModerationEvent,
    Product,
    ProductDefect,
    ProductImage,
    ProductVariant,
    Shop,
    ShopMember,
)
from shops.services import product_image_make_thumbnail, product_refresh_summary


def image_file(name: str = "photo.jpg", size=(64, 48), color=(200, 80, 40), fmt: str = "JPEG") -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return ContentFile(buffer.getvalue(), name=name)


# --- marketplace --------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.Faker("name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "lapak12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    recipient_name = factory.Faker("name", locale="id_ID")
    phone = "081234567890"
    province = "DKI Jakarta"
    city = "Jakarta Selatan"
    district = "Kebayoran Baru"
    postal_code = "12110"
    street = "Jl. Senopati No. 10"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "order_paid"
    title = factory.Sequence(lambda n: f"Pesanan {n} sudah dibayar")
    url = "/pesanan/"


# --- shops --------------------------------------------------------------------------------------


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"Toko {n}")
    slug = factory.Sequence(lambda n: f"toko-{n}")
    city = "Bandung"
    bio = "Toko kecil dengan barang pilihan."


class ShopMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopMember

    shop = factory.SubFactory(ShopFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)
    role = MemberRole.OWNER


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    shop = factory.SubFactory(ShopFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Produk {n}")
    slug = factory.Sequence(lambda n: f"produk-{n}")
    description = "Barang bagus, siap kirim."
    condition = Condition.NEW
    status = ProductStatus.ACTIVE
    published_at = factory.LazyFunction(timezone.now)


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    size = "M"
    price = 125_000
    stock = 10


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(image_file)


class ProductDefectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductDefect

    product = factory.SubFactory(ProductFactory)
    description = "Noda kecil di lengan kiri"
    photo = factory.LazyFunction(lambda: image_file("defect.jpg"))


class BlockedWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlockedWord

    word = factory.Sequence(lambda n: f"kw super {n}")


class ModerationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModerationEvent

    product = factory.SubFactory(ProductFactory)
    shop = factory.SelfAttribute("product.shop")
    actor = factory.SubFactory(UserFactory, is_staff=True)
    kind = ModerationAction.APPROVED


# --- orders -------------------------------------------------------------------------------------


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    user = factory.SubFactory(UserFactory)


class CartItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(ProductVariantFactory)
    quantity = 1
    price_when_added = factory.SelfAttribute("variant.price")


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    code = factory.Sequence(lambda n: f"HEMAT{n}")
    shop = None
    title = factory.LazyAttribute(lambda o: f"Voucher {o.code}")
    kind = VoucherKind.FIXED
    value = 10_000
    max_discount = None
    min_spend = 0
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    usage_limit = None
    per_user_limit = 1
    is_active = True
    is_claimable = False


class VoucherClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoucherClaim

    voucher = factory.SubFactory(VoucherFactory)
    user = factory.SubFactory(UserFactory)


class CheckoutFactory(factory.django.DjangoModelFactory):
    """A bare checkout row (no stock reserved): for tests of what happens to orders later."""

    class Meta:
        model = Checkout

    buyer = factory.SubFactory(UserFactory)
    idempotency_key = factory.Sequence(lambda n: f"key-{n}")
    payment_method = PaymentMethod.BANK_TRANSFER
    recipient_name = "Sari Wulandari"
    phone = "081234567890"
    province = "DKI Jakarta"
    city = "Jakarta Selatan"
    district = "Kebayoran Baru"
    postal_code = "12110"
    street = "Jl. Senopati No. 10"
    grand_total = 111_000


class OrderFactory(factory.django.DjangoModelFactory):
    """An order in any status, without items; use buying.place() for one that holds stock."""

    class Meta:
        model = Order

    checkout = factory.SubFactory(CheckoutFactory)
    shop = factory.SubFactory(ShopFactory)
    buyer = factory.SelfAttribute("checkout.buyer")
    number = factory.Sequence(lambda n: f"LPK-000000-{n:06d}")
    status = OrderStatus.AWAITING_PAYMENT
    payment_method = factory.SelfAttribute("checkout.payment_method")
    shipping_option = "Hemat"
    subtotal = 100_000
    shipping_fee = 11_000
    total = factory.LazyAttribute(lambda o: o.subtotal + o.shipping_fee - o.discount - o.shipping_discount)
    discount = 0
    shipping_discount = 0


class OrderItemFactory(factory.django.DjangoModelFactory):
    """A line of an order, of a variant of the order's shop."""

    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory(ProductVariantFactory, product__shop=factory.SelfAttribute("...order.shop"))
    product = factory.SelfAttribute("variant.product")
    title = factory.SelfAttribute("product.title")
    variant_label = factory.SelfAttribute("variant.label")
    sku = factory.SelfAttribute("variant.sku")
    unit_price = factory.SelfAttribute("variant.price")
    quantity = 1
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


class OrderEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderEvent

    order = factory.SubFactory(OrderFactory)
    kind = OrderEventKind.PLACED
    from_status = ""
    to_status = factory.SelfAttribute("order.status")
    actor = factory.SelfAttribute("order.buyer")


class VoucherRedemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoucherRedemption

    voucher = factory.SubFactory(VoucherFactory)
    checkout = factory.SubFactory(CheckoutFactory)
    user = factory.SelfAttribute("checkout.buyer")
    amount = factory.SelfAttribute("voucher.value")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory, status=OrderStatus.SHIPPED)
    carrier = "JNE"
    tracking_number = factory.Sequence(lambda n: f"JNE{n:010d}")


class TrackingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingEvent

    shipment = factory.SubFactory(ShipmentFactory)
    code = TrackingCode.PICKED_UP
    description = "Paket diambil kurir"
    location = "Bandung"
    occurred_at = factory.LazyFunction(timezone.now)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    checkout = factory.SubFactory(CheckoutFactory)
    provider = "dev"
    method = factory.SelfAttribute("checkout.payment_method")
    amount = factory.SelfAttribute("checkout.grand_total")
    gateway_order_id = factory.Sequence(lambda n: f"LPK-PAY-{n:06d}")


class PaymentNotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentNotification

    payment = factory.SubFactory(PaymentFactory)
    event_key = factory.Sequence(lambda n: f"trx-{n}:settlement:accept")
    transaction_status = "settlement"
    is_signature_valid = True
    payload = factory.LazyAttribute(lambda o: {"order_id": o.payment.gateway_order_id})


class ReturnRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnRequest

    order = factory.SubFactory(OrderFactory, status=OrderStatus.DELIVERED)
    reason = "Ukurannya tidak sesuai deskripsi"
    respond_by = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48))


class ReturnPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnPhoto

    return_request = factory.SubFactory(ReturnRequestFactory)
    image = factory.LazyFunction(lambda: image_file("rusak.jpg"))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    order_item = factory.SubFactory(OrderItemFactory, order__status=OrderStatus.DELIVERED)
    product = factory.SelfAttribute("order_item.product")
    shop = factory.SelfAttribute("order_item.order.shop")
    buyer = factory.SelfAttribute("order_item.order.buyer")
    rating = 5
    text = "Bahannya bagus, sesuai foto."


class ReviewPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewPhoto

    review = factory.SubFactory(ReviewFactory)
    image = factory.LazyFunction(lambda: image_file("ulasan.jpg"))


# --- live ---------------------------------------------------------------------------------------


def _host_of(session) -> object:
    return ShopMemberFactory(shop=session.shop, role=MemberRole.HOST).user


class LiveSessionFactory(factory.django.DjangoModelFactory):
    """A scheduled session for tomorrow, presented by a new live host of its shop."""

    class Meta:
        model = LiveSession

    shop = factory.SubFactory(ShopFactory)
    host = factory.LazyAttribute(_host_of)
    title = factory.Sequence(lambda n: f"Live Thrift {n}")
    planned_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class LiveSessionProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveSessionProduct

    session = factory.SubFactory(LiveSessionFactory)
    product = factory.SubFactory(ProductFactory, shop=factory.SelfAttribute("..session.shop"))
    position = factory.Sequence(int)


class LiveReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveReminder

    session = factory.SubFactory(LiveSessionFactory)
    user = factory.SubFactory(UserFactory)


class LiveOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveOrder

    session = factory.SubFactory(LiveSessionFactory)
    order = factory.SubFactory(OrderFactory, shop=factory.SelfAttribute("..session.shop"))


class ChatMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatMessage

    session = factory.SubFactory(LiveSessionFactory)
    user = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"halo kak {n}")


class LiveMuteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveMute

    session = factory.SubFactory(LiveSessionFactory)
    user = factory.SubFactory(UserFactory)
    muted_by = factory.SelfAttribute("session.host")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=10))


class LiveBanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveBan

    shop = factory.SubFactory(ShopFactory)
    user = factory.SubFactory(UserFactory)


class LiveBlockedWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveBlockedWord

    shop = factory.SubFactory(ShopFactory)
    word = factory.Sequence(lambda n: f"kata kasar {n}")


class LiveModeratorFactory(factory.django.DjangoModelFactory):
    """A staff member of a shop who moderates its live chats."""

    class Meta:
        model = LiveModerator

    member = factory.SubFactory(ShopMemberFactory, role=MemberRole.STAFF)


class FlashDealFactory(factory.django.DjangoModelFactory):
    """A prepared (not launched) deal on a product of the session's shop; launching goes
    through buying.host_launches."""

    class Meta:
        model = FlashDeal

    session = factory.SubFactory(LiveSessionFactory)
    product = factory.SubFactory(ProductFactory, shop=factory.SelfAttribute("..session.shop"))
    price = 50_000
    units = 5
    duration_seconds = 120


class LiveSessionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveSessionEvent

    session = factory.SubFactory(LiveSessionFactory)
    actor = factory.SelfAttribute("session.host")
    kind = LiveSessionEventKind.SCHEDULED
    from_status = ""
    to_status = factory.SelfAttribute("session.status")


class FlashDealEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlashDealEvent

    deal = factory.SubFactory(FlashDealFactory)
    session = factory.SelfAttribute("deal.session")
    actor = factory.SelfAttribute("deal.session.host")
    kind = FlashDealEventKind.STARTED
    from_status = ""
    to_status = factory.SelfAttribute("deal.status")


class FlashDealClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlashDealClaim

    deal = factory.SubFactory(FlashDealFactory)
    buyer = factory.SubFactory(UserFactory)
    variant = factory.SubFactory(ProductVariantFactory, product=factory.SelfAttribute("..deal.product"))
    quantity = 1


class ItemClaimFactory(factory.django.DjangoModelFactory):
    """A waiting claim on a one-off item of the session's shop."""

    class Meta:
        model = ItemClaim

    session = factory.SubFactory(LiveSessionFactory)
    variant = factory.SubFactory(
        ProductVariantFactory, stock=1, product__shop=factory.SelfAttribute("...session.shop")
    )
    buyer = factory.SubFactory(UserFactory)


# --- Builders: rows in the state pages and services expect --------------------------------------


def active_product(**kwargs) -> Product:
    """An active product with one variant and summaries refreshed, as the storefront sees it."""
    price = kwargs.pop("price", 125_000)
    stock = kwargs.pop("stock", 10)
    product = ProductFactory(**kwargs)
    ProductVariantFactory(product=product, price=price, stock=stock)
    return product_refresh_summary(product=product)


def listed_product(*, shop, title, slug, price, stock, color, **fields):
    """A listed product with one variant and a real photo (thumbnail made), for browser journeys."""
    product = ProductFactory(shop=shop, title=title, slug=slug, **fields)
    ProductVariantFactory(product=product, size="M", sku=f"{slug}-m", price=price, stock=stock)
    image = ProductImage.objects.create(product=product, image=image_file(f"{slug}.jpg", (480, 480), color))
    product_image_make_thumbnail(image=image)
    return product_refresh_summary(product=product)


def make_variant(*, shop=None, price: int = 100_000, stock: int = 10, weight_grams: int = 500, **product):
    """A sellable variant of an active product (summaries refreshed), as checkout sees it."""
    product = ProductFactory(shop=shop or ShopFactory(), **product)
    variant = ProductVariantFactory(product=product, price=price, stock=stock, weight_grams=weight_grams)
    product_refresh_summary(product=product)
    return ProductVariant.objects.select_related("product__shop").get(pk=variant.pk)


def make_buyers(count: int, *, prefix: str = "buyer") -> list[tuple[User, int]]:
    """`count` buyers, each with one address: [(user, address_id)]. Bulk, no password hashing."""
    users = User.objects.bulk_create([User(username=f"{prefix}{i}", password="!") for i in range(count)])
    return [(user, AddressFactory(user=user, is_default=True).pk) for user in users]


_order_numbers = itertools.count(1)


def make_order(
    *,
    shop,
    buyer,
    status: str = OrderStatus.TO_SHIP,
    payment_method: str = PaymentMethod.COD,
    items=(("Kemeja Flanel", "M / Merah", 125_000, 1),),
    shipping_fee: int = 15_000,
    recipient_name: str = "Siti Rahma",
    street: str = "Jl. Kenanga No. 5",
    city: str = "Bandung",
    variant=None,
) -> Order:
    """One order of `shop` for `buyer` in any status, straight in the database, whose money adds
    up (the DB constraints check it): for admin and buyer page tests, which need many orders in
    every status, quickly.

    `items` are (title, variant label, unit price, quantity); `variant` links the first item to a
    real variant, for tests that watch stock come back on cancel.
    """
    number = f"LPK-T-{next(_order_numbers):05d}"
    checkout = Checkout.objects.create(
        buyer=buyer,
        idempotency_key=number,
        payment_method=payment_method,
        recipient_name=recipient_name,
        phone="081234567890",
        province="Jawa Barat",
        city=city,
        district="Coblong",
        postal_code="40132",
        street=street,
        grand_total=0,
    )
    subtotal = sum(price * quantity for _title, _label, price, quantity in items)
    order = Order.objects.create(
        checkout=checkout,
        shop=shop,
        buyer=buyer,
        number=number,
        status=status,
        payment_method=payment_method,
        shipping_option="JNE REG",
        subtotal=subtotal,
        shipping_fee=shipping_fee,
        total=subtotal + shipping_fee,
    )
    Checkout.objects.filter(pk=checkout.pk).update(grand_total=order.total)
    OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                product=variant.product if variant and i == 0 else None,
                variant=variant if i == 0 else None,
                title=title,
                variant_label=label,
                sku=f"{number}-{i}",
                unit_price=price,
                quantity=quantity,
                line_total=price * quantity,
            )
            for i, (title, label, price, quantity) in enumerate(items)
        ]
    )
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.PLACED, from_status="", to_status=status, actor=buyer
    )
    if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED):
        Shipment.objects.create(order=order, carrier="JNE", tracking_number=f"JNE{number}")
    return order


def live_session(*, status: str = LiveStatus.SCHEDULED, **kwargs) -> LiveSession:
    """A session already in `status`, with the timestamps that status needs (built, not moved:
    tests of the transitions themselves go through live.services)."""
    now = timezone.now()
    if status in (LiveStatus.LIVE, LiveStatus.ENDED):
        kwargs.setdefault("planned_start", now - timedelta(hours=1))
        kwargs.setdefault("started_at", kwargs["planned_start"] + timedelta(minutes=1))
    if status == LiveStatus.ENDED:
        kwargs.setdefault("ended_at", kwargs["started_at"] + timedelta(minutes=45))
    return LiveSessionFactory(status=status, **kwargs)


def live_with_item(*, stock: int = 50, price: int = 100_000):
    """A live session and a sellable variant of its shop: (session, variant)."""
    session = live_session(status=LiveStatus.LIVE)
    variant = make_variant(shop=session.shop, stock=stock, price=price)
    return session, variant


def all_factories() -> list[type[factory.django.DjangoModelFactory]]:
    """Every model factory of this module, in the order they are written."""
    return [
        value
        for value in globals().values()
        if isinstance(value, type)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value.__module__ == __name__
    ]
