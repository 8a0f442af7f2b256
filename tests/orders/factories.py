"""Factories and helpers for order, checkout and voucher tests."""

import threading
import uuid
from datetime import timedelta

import factory
import pytest
from django.db import connection
from django.utils import timezone

from marketplace.models import User
from orders.checkout import checkout_place
from orders.enums import OrderStatus, PaymentMethod, VoucherKind
from orders.models import Checkout, Order, Voucher, VoucherClaim
from orders.selectors import Line, ShopChoice
from shops.models import ProductVariant
from shops.services import product_refresh_summary
from tests.factories import AddressFactory, ProductFactory, ProductVariantFactory, ShopFactory, UserFactory

__all__ = [
    "AddressFactory",
    "CheckoutFactory",
    "OrderFactory",
    "ShopFactory",
    "UserFactory",
    "VoucherClaimFactory",
    "VoucherFactory",
    "make_buyers",
    "make_variant",
    "fast_password_hashing",
    "place",
    "run_at_once",
]


@pytest.fixture
def fast_password_hashing(settings):
    """UserFactory hashes a password per user; the slow default hasher dominates these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    """An order in any status, without items; use place() for one that holds stock."""

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


def place(
    buyer,
    lines: list[tuple[ProductVariant | int, int]],
    *,
    address_id: int | None = None,
    key: str | None = None,
    payment_method: str = PaymentMethod.COD,
    choices: dict[int, ShopChoice] | None = None,
    platform_voucher_code: str = "",
    acknowledged_defects=frozenset(),
):
    """checkout_place with test defaults: (variant, quantity) pairs, the buyer's first address."""
    if address_id is None:
        address_id = AddressFactory(user=buyer).pk
    return checkout_place(
        buyer=buyer,
        idempotency_key=key or uuid.uuid4().hex,
        lines=[Line(getattr(variant, "pk", variant), quantity) for variant, quantity in lines],
        address_id=address_id,
        choices=choices or {},
        platform_voucher_code=platform_voucher_code,
        payment_method=payment_method,
        acknowledged_defects=acknowledged_defects,
    )


def run_at_once(count: int, work) -> list:
    """Run work(i) for i in range(count) in threads released together by a barrier.

    Each thread has its own database connection (given back to the pool at the end). Returns
    what each call returned or the exception it raised, by index.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
