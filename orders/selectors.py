"""Reads of the orders app: the checkout quote, a buyer's orders and checkouts.

The quote is what the checkout page shows and what checkout_place recomputes inside its
transaction: one function, `checkout_quote_build`, so the page and the placement can never
disagree about a price, a fee or a discount. It costs a fixed number of queries whatever the
number of items and shops (variants, their defects, the vouchers in play).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Address
from marketplace.money import format_rupiah
from orders import shipping
from orders.models import Checkout, Order, Payment, Voucher, VoucherClaim, VoucherRedemption
from orders.shipping import ShippingOption
from orders.vouchers import rules as vouchers
from orders.vouchers.rules import Problem
from shops.enums import ProductStatus, ShopStatus
from shops.models import Product, ProductDefect, ProductVariant, Shop

# More than this of one variant in one checkout is a reseller or a typo: refuse either way.
MAX_QUANTITY_PER_LINE = 99


@dataclass(frozen=True)
class Line:
    """What the cart hands over: never prices, never shops (those come from the database)."""

    variant_id: int
    quantity: int


@dataclass(frozen=True)
class ShopChoice:
    """The buyer's choices for one shop, from the checkout form."""

    shipping_option: str = ""  # a ShippingOption.code; "" = the cheapest
    voucher_code: str = ""


@dataclass
class QuoteItem:
    variant: ProductVariant  # with product and product.shop loaded
    quantity: int
    unit_price: int
    line_total: int
    available: bool = True
    problem: str = ""
    defects: list[ProductDefect] = field(default_factory=list)

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def weight_grams(self) -> int:
        return self.variant.weight_grams * self.quantity


@dataclass
class ShopQuote:
    """One shop's part of the checkout: becomes one Order.

    `discount`/`shipping_discount` are the shop voucher's; `platform_discount`/
    `platform_shipping_discount` this shop's share of the platform voucher. `total` is before the
    platform voucher (what the shop block shows), `order_total` after it (what the Order holds).
    """

    shop: Shop
    items: list[QuoteItem] = field(default_factory=list)
    subtotal: int = 0
    weight_grams: int = 0
    shipping_options: list[ShippingOption] = field(default_factory=list)
    shipping_option: ShippingOption | None = None
    shipping_fee: int = 0
    voucher: Voucher | None = None
    voucher_code: str = ""  # as entered
    voucher_problem: str = ""
    voucher_refusal: Problem | None = None
    discount: int = 0
    shipping_discount: int = 0
    platform_discount: int = 0
    platform_shipping_discount: int = 0
    total: int = 0
    suggested_vouchers: list[tuple[Voucher, int]] = field(default_factory=list)
    # Whether this shop takes cash on delivery for these items at this total, and why not.
    cod_allowed: bool = True
    cod_reason: str = ""

    @property
    def has_defects(self) -> list[Product]:
        """The products in this shop's part with disclosed defects (empty list when none)."""
        seen: dict[int, Product] = {}
        for item in self.items:
            if item.defects:
                seen.setdefault(item.product.pk, item.product)
        return list(seen.values())

    @property
    def order_discount(self) -> int:
        return self.discount + self.platform_discount

    @property
    def order_shipping_discount(self) -> int:
        return self.shipping_discount + self.platform_shipping_discount

    @property
    def order_total(self) -> int:
        return self.subtotal + self.shipping_fee - self.order_discount - self.order_shipping_discount

    @property
    def item_count(self) -> int:
        return sum(item.quantity for item in self.items)


@dataclass
class Quote:
    shops: list[ShopQuote] = field(default_factory=list)
    platform_voucher: Voucher | None = None
    platform_voucher_code: str = ""  # as entered
    platform_voucher_problem: str = ""
    platform_voucher_refusal: Problem | None = None
    platform_discount: int = 0  # items and shipping together
    suggested_platform_vouchers: list[tuple[Voucher, int]] = field(default_factory=list)
    grand_total: int = 0
    # Blocking: the checkout cannot be placed while any is present.
    blocking: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [problem.message for problem in self.blocking]

    @property
    def can_place(self) -> bool:
        return bool(self.shops) and not self.blocking

    @property
    def items(self) -> list[QuoteItem]:
        return [item for shop in self.shops for item in shop.items]

    @property
    def item_count(self) -> int:
        return sum(shop.item_count for shop in self.shops)

    @property
    def subtotal(self) -> int:
        return sum(shop.subtotal for shop in self.shops)

    @property
    def shipping_total(self) -> int:
        return sum(shop.shipping_fee for shop in self.shops)

    @property
    def discount_total(self) -> int:
        return sum(shop.order_discount + shop.order_shipping_discount for shop in self.shops)

    @property
    def products_with_defects(self) -> list[Product]:
        return [product for shop in self.shops for product in shop.has_defects]

    @property
    def cod_allowed(self) -> bool:
        """COD is offered only when every shop of the checkout takes it."""
        return all(part.cod_allowed for part in self.shops)

    @property
    def cod_reason(self) -> str:
        return next((part.cod_reason for part in self.shops if not part.cod_allowed), "")

    def shop_quote(self, shop_id: int) -> ShopQuote | None:
        return next((part for part in self.shops if part.shop.pk == shop_id), None)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _merge_lines(lines: list[Line], blocking: list[Problem]) -> dict[int, int]:
    """variant id → total quantity, in first-seen order; bad lines become blocking problems."""
    merged: dict[int, int] = {}
    for line in lines:
        if not _is_int(line.variant_id) or not _is_int(line.quantity) or not line.quantity >= 1:
            blocking.append(Problem("invalid_quantity", _("Each quantity must be at least 1.")))
            continue
        merged[line.variant_id] = merged.get(line.variant_id, 0) + line.quantity
    for quantity in merged.values():
        if quantity > MAX_QUANTITY_PER_LINE:
            blocking.append(
                Problem(
                    "invalid_quantity",
                    _("At most %(max)d of one item per order.") % {"max": MAX_QUANTITY_PER_LINE},
                )
            )
            break
    return merged


def _vouchers_in_play(*, buyer_id: int | None, codes: set[str], shop_ids: list[int], now: datetime):
    """One query: the entered codes (case-insensitive) plus the buyer's claimed, currently valid
    vouchers for these shops and the platform, annotated with `is_claimed` and `buyer_uses`."""
    entered = Q(pk__in=[])
    for code in codes:
        entered |= Q(code__iexact=code)
    claimed = VoucherClaim.objects.filter(voucher=OuterRef("pk"), user_id=buyer_id)
    uses = (
        VoucherRedemption.objects.filter(voucher=OuterRef("pk"), user_id=buyer_id, released_at__isnull=True)
        .order_by()
        .values("voucher")
        .annotate(n=Count("pk"))
        .values("n")
    )
    wanted = entered
    if buyer_id is not None:
        wanted |= Q(
            Exists(claimed),
            Q(shop_id__in=shop_ids) | Q(shop__isnull=True),
            is_active=True,
            starts_at__lte=now,
            ends_at__gt=now,
        )
    return list(
        Voucher.objects.filter(wanted)
        .select_related("shop")
        .annotate(
            is_claimed=Exists(claimed) if buyer_id is not None else Value(False),
            buyer_uses=Coalesce(Subquery(uses), 0) if buyer_id is not None else Value(0),
        )
        .order_by("pk")
    )


def _find_code(candidates: list[Voucher], code: str) -> Voucher | None:
    matches = [voucher for voucher in candidates if voucher.code.upper() == code.upper()]
    exact = [voucher for voucher in matches if voucher.code == code]
    return (exact or matches or [None])[0]


def _check(voucher: Voucher, *, shop: Shop | None, subtotal: int, now: datetime) -> Problem | None:
    return vouchers.voucher_check(
        voucher,
        shop=shop,
        subtotal=subtotal,
        now=now,
        is_claimed=voucher.is_claimed,
        buyer_uses=voucher.buyer_uses,
    )


def checkout_quote_build(
    *,
    buyer,
    lines: list[Line],
    address: Address | None,
    choices: dict[int, ShopChoice],
    platform_voucher_code: str = "",
    now: datetime | None = None,
    unit_price_overrides: Mapping[int, int] | None = None,
) -> Quote:
    """Price `lines` from the database for `buyer` shipping to `address`.

    Never raises for anything the buyer did: problems are reported on the quote (blocking ones in
    `blocking`/`problems`, voucher ones in `voucher_problem`, where the voucher is then simply not
    applied). checkout_place turns them into refusals.

    `unit_price_overrides` (variant id → price) is for services of apps above `orders` that have
    already decided a lower price under their own locks (live flash deals); it never comes from a
    request. An override may only lower a price: anything but a whole rupiah amount between 1
    and the variant's own price blocks the quote.
    """
    now = now or timezone.now()
    buyer_id = buyer.pk if buyer is not None and getattr(buyer, "is_authenticated", False) else None
    quote = Quote(platform_voucher_code=(platform_voucher_code or "").strip())
    if not lines:
        quote.blocking.append(Problem("empty", _("Your cart is empty.")))
        return quote
    quantities = _merge_lines(lines, quote.blocking)

    variants = {
        variant.pk: variant
        for variant in ProductVariant.objects.filter(pk__in=list(quantities))
        .select_related("product__shop")
        .defer("product__search_vector")
        .prefetch_related(Prefetch("product__defects", queryset=ProductDefect.objects.order_by("id")))
    }
    by_shop: dict[int, ShopQuote] = {}
    for variant_id, quantity in quantities.items():
        variant = variants.get(variant_id)
        if variant is None:
            quote.blocking.append(Problem("unavailable", _("An item in your cart no longer exists.")))
            continue
        product, shop = variant.product, variant.product.shop
        unit_price = (unit_price_overrides or {}).get(variant_id, variant.price)
        if not (_is_int(unit_price) and 0 < unit_price <= variant.price):
            quote.blocking.append(Problem("price_invalid", _("This price is no longer available.")))
            unit_price = variant.price
        item = QuoteItem(
            variant=variant,
            quantity=quantity,
            unit_price=unit_price,
            line_total=unit_price * quantity,
            defects=list(product.defects.all()),
        )
        if not (
            variant.is_active and product.status == ProductStatus.ACTIVE and shop.status == ShopStatus.ACTIVE
        ):
            item.available = False
            item.problem = _("No longer available.")
            quote.blocking.append(
                Problem("unavailable", _("%(title)s is no longer available.") % {"title": product.title})
            )
        elif variant.stock < quantity:
            item.available = False
            item.problem = (
                _("Only %(count)d left.") % {"count": variant.stock} if variant.stock else _("Sold out.")
            )
            quote.blocking.append(Problem("sold_out", _("%(title)s is sold out.") % {"title": product.title}))
        part = by_shop.setdefault(shop.pk, ShopQuote(shop=shop))
        part.items.append(item)
        part.subtotal += item.line_total
        part.weight_grams += item.weight_grams
    quote.shops = list(by_shop.values())
    if address is None:
        quote.blocking.append(Problem("address_missing", _("Choose a shipping address.")))

    codes = {quote.platform_voucher_code} if quote.platform_voucher_code else set()
    for part in quote.shops:
        part.voucher_code = (choices.get(part.shop.pk, ShopChoice()).voucher_code or "").strip()
        if part.voucher_code:
            codes.add(part.voucher_code)
    candidates = (
        _vouchers_in_play(buyer_id=buyer_id, codes=codes, shop_ids=list(by_shop), now=now)
        if codes or buyer_id is not None
        else []
    )

    for part in quote.shops:
        _price_shop(part, quote=quote, address=address, choice=choices.get(part.shop.pk, ShopChoice()))
        _apply_shop_voucher(part, candidates=candidates, now=now)
    _apply_platform_voucher(quote, candidates=candidates, now=now)
    for part in quote.shops:
        _check_cod(part)
    quote.grand_total = sum(part.order_total for part in quote.shops)
    return quote


def _check_cod(part: ShopQuote) -> None:
    """The seller's COD rules: per shop, per product, and a maximum order total (after discounts)."""
    shop = part.shop
    refused = next((item.product for item in part.items if not item.product.allows_cod), None)
    if not shop.accepts_cod:
        part.cod_reason = _("%(shop)s does not accept cash on delivery.") % {"shop": shop.name}
    elif refused is not None:
        part.cod_reason = _("%(title)s cannot be paid by cash on delivery.") % {"title": refused.title}
    elif shop.cod_max_total is not None and part.order_total > shop.cod_max_total:
        part.cod_reason = _("%(shop)s does not accept cash on delivery above %(amount)s.") % {
            "shop": shop.name,
            "amount": format_rupiah(shop.cod_max_total),
        }
    part.cod_allowed = not part.cod_reason


def _price_shop(part: ShopQuote, *, quote: Quote, address: Address | None, choice: ShopChoice) -> None:
    if address is None:
        return
    part.shipping_options = shipping.rates(
        origin_city=part.shop.city, destination_province=address.province, weight_grams=part.weight_grams
    )
    wanted = (choice.shipping_option or "").strip()
    if not wanted:
        part.shipping_option = part.shipping_options[0] if part.shipping_options else None
    else:
        part.shipping_option = next((o for o in part.shipping_options if o.code == wanted), None)
    if part.shipping_option is None:
        quote.blocking.append(
            Problem(
                "shipping_invalid", _("Choose a shipping option for %(shop)s.") % {"shop": part.shop.name}
            )
        )
        return
    part.shipping_fee = part.shipping_option.fee


def _apply_shop_voucher(part: ShopQuote, *, candidates: list[Voucher], now: datetime) -> None:
    for voucher in candidates:
        if voucher.shop_id != part.shop.pk or not voucher.is_claimed:
            continue
        if _check(voucher, shop=part.shop, subtotal=part.subtotal, now=now) is None:
            saving = sum(
                vouchers.voucher_savings(voucher, items_amount=part.subtotal, shipping_fee=part.shipping_fee)
            )
            if saving > 0:
                part.suggested_vouchers.append((voucher, saving))
    part.suggested_vouchers.sort(key=lambda pair: (-pair[1], pair[0].pk))

    if not part.voucher_code:
        return
    voucher = _find_code(candidates, part.voucher_code)
    problem = (
        vouchers.voucher_not_found()
        if voucher is None
        else _check(voucher, shop=part.shop, subtotal=part.subtotal, now=now)
    )
    if problem is not None:
        part.voucher_refusal, part.voucher_problem = problem, problem.message
        return
    part.voucher = voucher
    part.discount, part.shipping_discount = vouchers.voucher_savings(
        voucher, items_amount=part.subtotal, shipping_fee=part.shipping_fee
    )
    part.total = part.subtotal + part.shipping_fee - part.discount - part.shipping_discount


def _platform_base(quote: Quote) -> tuple[list[int], list[int]]:
    """What the platform voucher may still take off each shop: items, shipping."""
    items = [part.subtotal - part.discount for part in quote.shops]
    fees = [part.shipping_fee - part.shipping_discount for part in quote.shops]
    return items, fees


def _apply_platform_voucher(quote: Quote, *, candidates: list[Voucher], now: datetime) -> None:
    for part in quote.shops:
        part.total = part.subtotal + part.shipping_fee - part.discount - part.shipping_discount
    subtotal = quote.subtotal
    items, fees = _platform_base(quote)

    for voucher in candidates:
        if not voucher.is_platform or not voucher.is_claimed:
            continue
        if _check(voucher, shop=None, subtotal=subtotal, now=now) is None:
            saving = sum(vouchers.voucher_savings(voucher, items_amount=sum(items), shipping_fee=sum(fees)))
            if saving > 0:
                quote.suggested_platform_vouchers.append((voucher, saving))
    quote.suggested_platform_vouchers.sort(key=lambda pair: (-pair[1], pair[0].pk))

    if not quote.platform_voucher_code:
        return
    voucher = _find_code(candidates, quote.platform_voucher_code)
    problem = (
        vouchers.voucher_not_found()
        if voucher is None
        else _check(voucher, shop=None, subtotal=subtotal, now=now)
    )
    if problem is not None:
        quote.platform_voucher_refusal, quote.platform_voucher_problem = problem, problem.message
        return
    quote.platform_voucher = voucher
    discount, shipping_discount = vouchers.voucher_savings(
        voucher, items_amount=sum(items), shipping_fee=sum(fees)
    )
    for part, share in zip(quote.shops, vouchers.allocate(discount, items), strict=True):
        part.platform_discount = share
    for part, share in zip(quote.shops, vouchers.allocate(shipping_discount, fees), strict=True):
        part.platform_shipping_discount = share
    quote.platform_discount = discount + shipping_discount


# --- Orders and checkouts ---------------------------------------------------------------------


def _orders_with_items() -> QuerySet[Order]:
    return Order.objects.select_related("shop", "shipment", "checkout").prefetch_related("items")


def order_list_for_buyer(*, buyer, status: str | None = None) -> QuerySet[Order]:
    """The buyer's orders, newest first, with shop, shipment and items loaded (3 queries)."""
    orders = _orders_with_items().filter(buyer=buyer)
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-id")


def order_get_for_buyer(*, buyer, number: str) -> Order:
    """One of the buyer's orders by number, with its events; Order.DoesNotExist for anyone else's."""
    return _orders_with_items().prefetch_related("events__actor").get(buyer=buyer, number=number)


def checkout_get_for_buyer(*, buyer, checkout_id: int) -> Checkout:
    """One of the buyer's checkouts with its orders; Checkout.DoesNotExist for anyone else's."""
    return (
        Checkout.objects.select_related("platform_voucher")
        .prefetch_related(Prefetch("orders", queryset=_orders_with_items().order_by("id")))
        .get(buyer=buyer, pk=checkout_id)
    )


def payment_get_for_buyer(*, buyer, gateway_order_id: str, provider: str) -> Payment:
    """One of the buyer's payments at `provider`; Payment.DoesNotExist for anyone else's."""
    return Payment.objects.select_related("checkout").get(
        checkout__buyer=buyer, gateway_order_id=gateway_order_id, provider=provider
    )
