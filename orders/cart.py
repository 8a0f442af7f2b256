"""The shopping cart: who owns it, what may go in, and what it looks like now.

Writes (`cart_add`, `cart_update`, `cart_remove`, `cart_merge`) lock the cart row, so two tabs adding
the same variant at once serialise instead of tripping the one-line-per-variant constraint. They
refuse with `CartError` (its message is shown to the buyer) and then change nothing.

The read (`cart_summary`) re-checks stock, visibility and price on every call: the cart stores the
price the buyer saw (`price_when_added`) so a change is shown ("price changed from … to …"), never
applied silently; `cart_acknowledge_prices` records that the buyer has now seen the new price.
"""

import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from marketplace.errors import Refusal
from marketplace.money import format_rupiah
from orders.models import Cart, CartItem
from shops.enums import ProductStatus, ShopStatus
from shops.models import ProductImage, ProductVariant, Shop

# Session keys. The visitor's cart is found by a random token kept in the session data, not by the
# session key itself: login cycles the session key (but keeps the data), and the cart must survive
# that to be merged. The count feeds the header on every page without a query.
CART_TOKEN_KEY = "cart_token"  # noqa: S105 (a session key name, not a secret)
CART_COUNT_KEY = "cart_count"

# A cart line is for a person, not a wholesaler: anything above this is a typo or a bot.
MAX_QUANTITY = 99


class CartError(Refusal):
    code = "cart_refused"


# --- Ownership --------------------------------------------------------------------------------
def cart_owner_filter(*, user, token: str | None) -> dict | None:
    """Cart lookup keywords for a logged-in user (by user) or a visitor (by the token in their
    session); None when a visitor has no cart yet, so callers can skip the query altogether."""
    if user is not None and user.is_authenticated:
        return {"user": user}
    if token:
        return {"session_key": token, "user__isnull": True}
    return None


def cart_get_or_create(*, user, token: str | None) -> Cart:
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    if not token:
        raise ValueError("An anonymous cart needs a session token.")
    cart, _created = Cart.objects.get_or_create(session_key=token, user=None)
    return cart


# --- Reads ------------------------------------------------------------------------------------
def variant_get_addable(*, variant_id: int) -> ProductVariant:
    """The variant if a shopper may put it in a cart (active, of a visible product); raises
    ProductVariant.DoesNotExist otherwise (hidden products look exactly like missing ones)."""
    return ProductVariant.objects.select_related("product__shop").get(
        pk=variant_id,
        is_active=True,
        product__status=ProductStatus.ACTIVE,
        product__shop__status=ShopStatus.ACTIVE,
    )


@dataclass
class CartLine:
    item: CartItem
    unit_price: int
    # The price the buyer last saw, when it differs from today's; None when unchanged.
    previous_price: int | None
    # Why the line cannot be bought now ("" when it can).
    problem: str

    @property
    def variant(self) -> ProductVariant:
        return self.item.variant

    @property
    def product(self):
        return self.item.variant.product

    @property
    def quantity(self) -> int:
        return self.item.quantity

    @property
    def is_available(self) -> bool:
        return not self.problem

    @property
    def line_total(self) -> int:
        return self.unit_price * self.item.quantity

    @property
    def image(self) -> ProductImage | None:
        images = self.product.card_images
        return images[0] if images else None

    @property
    def price_change(self) -> str:
        if self.previous_price is None:
            return ""
        return _("Price changed from %(before)s to %(after)s") % {
            "before": format_rupiah(self.previous_price),
            "after": format_rupiah(self.unit_price),
        }

    @property
    def max_quantity(self) -> int:
        return max(1, min(self.variant.stock, MAX_QUANTITY))


@dataclass
class CartGroup:
    shop: Shop
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines if line.is_available)

    @property
    def available_count(self) -> int:
        return sum(1 for line in self.lines if line.is_available)


@dataclass
class CartSummary:
    groups: list[CartGroup]

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def available_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.is_available]

    @property
    def total(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def price_changes(self) -> list[CartLine]:
        return [line for line in self.lines if line.previous_price is not None]


def _line_problem(item: CartItem) -> str:
    variant = item.variant
    product = variant.product
    if not (variant.is_active and product.status == ProductStatus.ACTIVE and product.shop.is_active):
        return _("No longer available")
    if variant.stock == 0:
        return _("Sold out")
    if item.quantity > variant.stock:
        return _("Only %(stock)d left: lower the quantity to buy it.") % {"stock": variant.stock}
    return ""


def cart_summary(*, user, token: str | None) -> CartSummary:
    """The cart grouped by shop (in the order shops were first added to), each line re-checked
    against today's stock, visibility and price. Two queries whatever the size: the lines with
    their variant, product and shop, and each product's first image."""
    owner = cart_owner_filter(user=user, token=token)
    if owner is None:
        return CartSummary(groups=[])
    items = (
        CartItem.objects.filter(**{f"cart__{key}": value for key, value in owner.items()})
        .select_related("variant__product__shop")
        .defer("variant__product__search_vector")  # large, and only ever searched in SQL
        .prefetch_related(
            Prefetch(
                "variant__product__images",
                queryset=ProductImage.objects.order_by("position", "id")[:1],
                to_attr="card_images",
            )
        )
        .order_by("added_at", "id")
    )
    groups: dict[int, CartGroup] = {}
    for item in items:
        variant = item.variant
        previous = item.price_when_added if item.price_when_added != variant.price else None
        line = CartLine(
            item=item, unit_price=variant.price, previous_price=previous, problem=_line_problem(item)
        )
        groups.setdefault(variant.shop_id, CartGroup(shop=variant.product.shop)).lines.append(line)
    return CartSummary(groups=list(groups.values()))


# --- Writes -----------------------------------------------------------------------------------
def _check_quantity(quantity: int) -> None:
    # Forms already refuse these; the service refuses them too, for callers that skip the form.
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise CartError(_("Enter a whole number of items from 1 to %(max)d.") % {"max": MAX_QUANTITY})


def _check_stock(*, variant: ProductVariant, quantity: int) -> None:
    if variant.stock == 0:
        raise CartError(_("%(item)s is sold out.") % {"item": variant})
    if quantity > variant.stock:
        raise CartError(
            _("Only %(stock)d of %(item)s left: choose %(stock)d or fewer.")
            % {"stock": variant.stock, "item": variant}
        )


@dataclass
class CartAddResult:
    item: CartItem
    # Set when the sum with what was already in the cart went over the stock and was capped.
    capped_message: str = ""


def cart_add(*, cart: Cart, variant: ProductVariant, quantity: int) -> CartAddResult:
    """Put `quantity` of `variant` in the cart, summing with a line already there (capped at the
    stock and MAX_QUANTITY, with a message). Refuses a quantity that alone exceeds the stock.
    Also records today's price as the one the buyer saw: they are looking at it on the page."""
    _check_quantity(quantity)
    _check_stock(variant=variant, quantity=quantity)
    with transaction.atomic():
        Cart.objects.select_for_update().filter(pk=cart.pk).first()
        item = CartItem.objects.filter(cart=cart, variant=variant).first()
        if item is None:
            item = CartItem.objects.create(
                cart=cart, variant=variant, quantity=quantity, price_when_added=variant.price
            )
            return CartAddResult(item=item)
        limit = min(variant.stock, MAX_QUANTITY)
        wanted = item.quantity + quantity
        item.quantity = min(wanted, limit)
        item.price_when_added = variant.price
        item.save(update_fields=["quantity", "price_when_added"])
    capped = ""
    if wanted > limit:
        capped = _("You can have at most %(limit)d of %(item)s: your cart now holds %(limit)d.") % {
            "limit": limit,
            "item": variant,
        }
    return CartAddResult(item=item, capped_message=capped)


def cart_update(*, cart: Cart, item_id: int, quantity: int) -> CartItem:
    """Set a line's quantity. Raises CartItem.DoesNotExist for a line of another cart."""
    _check_quantity(quantity)
    with transaction.atomic():
        Cart.objects.select_for_update().filter(pk=cart.pk).first()
        item = CartItem.objects.select_related("variant__product").get(pk=item_id, cart=cart)
        _check_stock(variant=item.variant, quantity=quantity)
        item.quantity = quantity
        item.save(update_fields=["quantity"])
    return item


def cart_remove(*, cart: Cart, item_id: int) -> None:
    """Remove a line. Raises CartItem.DoesNotExist for a line of another cart."""
    deleted, _detail = CartItem.objects.filter(pk=item_id, cart=cart).delete()
    if not deleted:
        raise CartItem.DoesNotExist


def cart_remove_variants(*, user, variant_ids: set[int]) -> int:
    """Drop the lines a checkout just bought; returns how many lines the cart still has."""
    CartItem.objects.filter(cart__user=user, variant_id__in=variant_ids).delete()
    return CartItem.objects.filter(cart__user=user).count()


def cart_acknowledge_prices(*, lines: list[CartLine]) -> None:
    """The buyer has now been shown these price changes: the next view shows the new price only."""
    items = []
    for line in lines:
        line.item.price_when_added = line.unit_price
        items.append(line.item)
    if items:
        CartItem.objects.bulk_update(items, ["price_when_added"])


def cart_merge(*, user, token: str) -> tuple[int, list[str]]:
    """Move a visitor's cart into the user's at login. Lines for the same variant are summed and
    capped at the stock (and MAX_QUANTITY), each cap explained in a message. Returns the user's
    line count and those messages; the anonymous cart is gone afterwards."""
    messages: list[str] = []
    with transaction.atomic():
        anonymous = Cart.objects.select_for_update().filter(session_key=token, user__isnull=True).first()
        if anonymous is None:
            return CartItem.objects.filter(cart__user=user).count(), messages
        cart, _created = Cart.objects.get_or_create(user=user)
        Cart.objects.select_for_update().filter(pk=cart.pk).first()
        existing = {item.variant_id: item for item in cart.items.select_for_update()}
        for item in anonymous.items.select_related("variant__product"):
            mine = existing.get(item.variant_id)
            if mine is None:
                item.cart = cart
                item.save(update_fields=["cart"])
                continue
            limit = min(item.variant.stock, MAX_QUANTITY)
            wanted = mine.quantity + item.quantity
            # Never lower what the user already had (it is shown as over stock if it is).
            mine.quantity = max(mine.quantity, min(wanted, limit))
            mine.save(update_fields=["quantity"])
            if wanted > mine.quantity:
                messages.append(
                    _("%(item)s: only %(stock)d in stock, so your cart holds %(quantity)d.")
                    % {"item": item.variant, "stock": item.variant.stock, "quantity": mine.quantity}
                )
        anonymous.delete()
        count = CartItem.objects.filter(cart=cart).count()
    return count, messages


# --- Session glue -----------------------------------------------------------------------------
def session_cart_token(session, *, create: bool = False) -> str | None:
    token = session.get(CART_TOKEN_KEY)
    if token is None and create:
        token = session[CART_TOKEN_KEY] = uuid.uuid4().hex
    return token


def session_set_count(session, count: int) -> None:
    if session.get(CART_COUNT_KEY) != count:
        session[CART_COUNT_KEY] = count


def merge_cart_on_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver (connected in OrdersConfig.ready): the visitor's cart joins the
    user's, and the header count follows. Login may come from allauth, the admin or a test client,
    so it only relies on the session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    token = session.pop(CART_TOKEN_KEY, None)
    if token:
        count, notes = cart_merge(user=user, token=token)
        for note in notes:
            messages.warning(request, note, fail_silently=True)
    else:
        count = CartItem.objects.filter(cart__user=user).count()
    session_set_count(session, count)
