"""The cart: adding, changing, removing, refusing garbage, re-checking prices and stock, merging at login.

Pages are read in English (the language cookie) so these assertions hold whatever the translations say.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from orders.cart import CART_COUNT_KEY
from orders.models import Cart, CartItem
from shops.enums import ProductStatus, ShopStatus
from shops.models import ProductVariant
from tests.kit import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _variant(*, shop=None, price=125_000, stock=10, title="Kemeja Flanel", size="M") -> ProductVariant:
    product = factories.ProductFactory(shop=shop or factories.ShopFactory(), title=title)
    return factories.ProductVariantFactory(product=product, price=price, stock=stock, size=size)


def _add(client, variant, quantity=1, **extra):
    return client.post(reverse("cart_add"), {"variant": variant.pk, "quantity": quantity, **extra})


def _given_in_cart(client, variant, quantity=1):
    """Add, then read the messages that add left so each test sees only its own."""
    _add(client, variant, quantity)
    client.get(reverse("cart"))


def _lines() -> list[tuple[int, int]]:
    return list(CartItem.objects.order_by("id").values_list("variant_id", "quantity"))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _follow_messages(client, response) -> list[str]:
    assert response.status_code == 302
    return _messages(client.get(response.url))


# --- Adding -----------------------------------------------------------------------------------
def test_anonymous_visitor_adds_to_cart_and_sees_it_grouped_by_shop(client):
    shop_a = factories.ShopFactory(name="Toko A")
    shop_b = factories.ShopFactory(name="Toko B")
    shirt = _variant(shop=shop_a, title="Kemeja", price=125_000)
    skirt = _variant(shop=shop_b, title="Rok", price=80_000)
    scarf = _variant(shop=shop_a, title="Syal", price=30_000)

    for variant, quantity in ((shirt, 2), (skirt, 1), (scarf, 1)):
        response = _add(client, variant, quantity, next=f"/toko/x/{variant.pk}/")
        assert response.status_code == 302
        assert response.url == f"/toko/x/{variant.pk}/"

    cart = Cart.objects.get()
    assert cart.user is None
    assert _lines() == [(shirt.pk, 2), (skirt.pk, 1), (scarf.pk, 1)]
    assert client.session[CART_COUNT_KEY] == 3
    response = client.get(reverse("cart"))
    groups = response.context["summary"].groups
    assert [group.shop.name for group in groups] == ["Toko A", "Toko B"]
    assert [[line.product.title for line in group.lines] for group in groups] == [["Kemeja", "Syal"], ["Rok"]]
    assert [group.subtotal for group in groups] == [280_000, 80_000]
    assert response.context["summary"].total == 360_000
    html = response.content.decode()
    assert "Rp 360.000" in html
    assert '<span class="cart-count" data-cart-count>3</span>' in html


def test_add_shows_a_success_message_and_updates_the_header_count(client):
    variant = _variant(title="Kemeja Flanel", size="L")

    response = _add(client, variant)

    assert _follow_messages(client, response) == ["Kemeja Flanel — L was added to your cart."]
    html = client.get(reverse("home")).content.decode()
    assert '<span class="cart-count" data-cart-count>1</span>' in html


def test_adding_the_same_variant_again_sums_into_one_line(client):
    variant = _variant(stock=10)

    _add(client, variant, 2)
    _add(client, variant, 3)

    assert _lines() == [(variant.pk, 5)]


def test_adding_again_is_capped_by_stock_with_a_message(client):
    variant = _variant(stock=4, title="Kaos", size="S")
    _given_in_cart(client, variant, 3)

    response = _add(client, variant, 3)

    assert _lines() == [(variant.pk, 4)]
    assert _follow_messages(client, response) == [
        "You can have at most 4 of Kaos — S: your cart now holds 4."
    ]


def test_buy_now_adds_and_goes_to_checkout_with_only_that_item(client):
    variant = _variant()

    response = _add(client, variant, 1, action="buy")

    assert response.status_code == 302
    assert response.url == f"{reverse('checkout')}?variant={variant.pk}"
    assert _lines() == [(variant.pk, 1)]


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "abc", "", "100000", "11"])
def test_garbage_quantities_are_refused_and_the_cart_is_unchanged(client, quantity):
    variant = _variant(stock=10, title="Kaos", size="S")
    _given_in_cart(client, variant, 2)

    response = _add(client, variant, quantity)

    assert _lines() == [(variant.pk, 2)]
    expected = (
        "Only 10 of Kaos — S left: choose 10 or fewer."
        if quantity == "11"
        else "Enter a whole number of items from 1 to 99."
    )
    assert _follow_messages(client, response) == [expected]


def test_a_missing_variant_is_refused(client):
    response = client.post(reverse("cart_add"), {"quantity": 1})

    assert _lines() == []
    assert _follow_messages(client, response) == ["Choose a variant first."]


@pytest.mark.parametrize(
    "hide",
    [
        lambda v: ProductVariant.objects.filter(pk=v.pk).update(is_active=False),
        lambda v: type(v.product).objects.filter(pk=v.product_id).update(status=ProductStatus.ARCHIVED),
        lambda v: type(v.shop).objects.filter(pk=v.shop_id).update(status=ShopStatus.SUSPENDED),
        lambda v: ProductVariant.objects.filter(pk=v.pk).delete(),
    ],
    ids=["inactive-variant", "hidden-product", "suspended-shop", "deleted"],
)
def test_unavailable_variants_cannot_be_added(client, hide):
    variant = _variant()
    hide(variant)

    response = _add(client, variant)

    assert response.status_code == 404
    assert Cart.objects.count() == 0
    assert _lines() == []


def test_a_sold_out_variant_cannot_be_added(client):
    variant = _variant(stock=0, title="Kaos", size="S")

    response = _add(client, variant)

    assert _lines() == []
    assert _follow_messages(client, response) == ["Kaos — S is sold out."]


def test_add_needs_a_csrf_token(buyer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    variant = _variant()

    response = _add(strict, variant)

    assert response.status_code == 403
    assert _lines() == []


def test_add_and_update_only_take_post(client):
    variant = _variant()
    assert client.get(reverse("cart_add"), {"variant": variant.pk, "quantity": 1}).status_code == 405
    assert _lines() == []


# --- Updating and removing --------------------------------------------------------------------
@pytest.fixture
def cart_line(client):
    variant = _variant(stock=10, title="Kaos", size="S")
    _given_in_cart(client, variant, 2)
    return CartItem.objects.get()


def test_update_sets_the_quantity(client, cart_line):
    response = client.post(reverse("cart_update", args=[cart_line.pk]), {"quantity": "7"})

    assert response.status_code == 302
    assert response.url == reverse("cart")
    assert _lines() == [(cart_line.variant_id, 7)]


def test_update_with_htmx_returns_the_cart_body_and_the_header_count(client, cart_line):
    response = client.post(
        reverse("cart_update", args=[cart_line.pk]), {"quantity": "3"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="cart-link" hx-swap-oob="true"' in html
    assert "Rp 375.000" in html
    assert _lines() == [(cart_line.variant_id, 3)]


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "abc", "", "100000", "11"])
def test_update_refuses_garbage_and_leaves_the_cart_unchanged(client, cart_line, quantity):
    response = client.post(
        reverse("cart_update", args=[cart_line.pk]), {"quantity": quantity}, headers={"HX-Request": "true"}
    )

    assert _lines() == [(cart_line.variant_id, 2)]
    expected = (
        "Only 10 of Kaos — S left: choose 10 or fewer."
        if quantity == "11"
        else "Enter a whole number of items from 1 to 99."
    )
    assert expected in response.content.decode()


def test_remove_deletes_the_line(client, cart_line):
    response = client.post(reverse("cart_remove", args=[cart_line.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert _lines() == []
    assert "Your cart is empty." in response.content.decode()
    assert client.session[CART_COUNT_KEY] == 0


def test_nobody_can_touch_another_cart(client, cart_line, buyer):
    client.force_login(buyer)  # the visitor's cart merges into the buyer's …
    other = factories.UserFactory(username="other")
    intruder = type(client)()
    intruder.force_login(other)

    assert intruder.post(reverse("cart_update", args=[cart_line.pk]), {"quantity": 1}).status_code == 404
    assert intruder.post(reverse("cart_remove", args=[cart_line.pk])).status_code == 404
    assert _lines() == [(cart_line.variant_id, 2)]


# --- Re-checked on every view -----------------------------------------------------------------
def test_a_price_change_is_shown_once_then_taken_as_seen(client, cart_line):
    ProductVariant.objects.filter(pk=cart_line.variant_id).update(price=119_000)

    html = client.get(reverse("cart")).content.decode()

    assert "Price changed from Rp 125.000 to Rp 119.000" in html
    assert "Rp 238.000" in html  # 2 × the new price: that is what checkout will charge
    cart_line.refresh_from_db()
    assert cart_line.price_when_added == 119_000
    assert "Price changed" not in client.get(reverse("cart")).content.decode()


def test_sold_out_and_hidden_lines_are_shown_unavailable_and_left_out_of_the_total(client):
    kept = _variant(price=50_000, title="Topi")
    sold_out = _variant(price=70_000, title="Tas")
    hidden = _variant(price=90_000, title="Sepatu")
    too_many = _variant(price=20_000, title="Kaus kaki", stock=5)
    for variant in (kept, sold_out, hidden, too_many):
        _add(client, variant, 3)
    ProductVariant.objects.filter(pk=sold_out.pk).update(stock=0)
    type(hidden.product).objects.filter(pk=hidden.product_id).update(status=ProductStatus.ARCHIVED)
    ProductVariant.objects.filter(pk=too_many.pk).update(stock=2)

    response = client.get(reverse("cart"))

    summary = response.context["summary"]
    assert [(line.product.title, line.problem) for line in summary.lines] == [
        ("Topi", ""),
        ("Tas", "Sold out"),
        ("Sepatu", "No longer available"),
        ("Kaus kaki", "Only 2 left: lower the quantity to buy it."),
    ]
    assert summary.total == 150_000
    assert [line.product.title for line in summary.available_lines] == ["Topi"]


# --- Merge at login ---------------------------------------------------------------------------
def test_the_visitor_cart_merges_into_the_user_cart_at_login(client, buyer):
    both = _variant(stock=5, title="Kaos", size="S")
    only_anonymous = _variant(stock=5, title="Topi", size="")
    only_user = _variant(stock=5, title="Tas", size="")
    user_cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=user_cart, variant=both, quantity=3, price_when_added=125_000)
    CartItem.objects.create(cart=user_cart, variant=only_user, quantity=1, price_when_added=125_000)
    _add(client, both, 4)
    _add(client, only_anonymous, 2)

    response = client.post(reverse("account_login"), {"login": "buyer", "password": "lapak12345"})

    assert response.status_code == 302
    assert Cart.objects.count() == 1
    assert sorted(CartItem.objects.filter(cart=user_cart).values_list("variant_id", "quantity")) == sorted(
        [(both.pk, 5), (only_user.pk, 1), (only_anonymous.pk, 2)]
    )
    assert client.session[CART_COUNT_KEY] == 3
    assert "Kaos — S: only 5 in stock, so your cart holds 5." in _messages(client.get(reverse("cart")))


def test_login_without_a_visitor_cart_sets_the_header_count(client, buyer):
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, variant=_variant(), quantity=1, price_when_added=125_000)

    client.post(reverse("account_login"), {"login": "buyer", "password": "lapak12345"})

    assert client.session[CART_COUNT_KEY] == 1
    assert '<span class="cart-count" data-cart-count>1</span>' in client.get(reverse("home")).content.decode()


# --- Query counts -----------------------------------------------------------------------------
# The cart lines with variant, product and shop; each product's first image. Logged in adds the
# user (the cached_db session is read from the cache).
CART_QUERIES = 2
CART_QUERIES_LOGGED_IN = 3


def _fill(cart, count):
    shops = [factories.ShopFactory(), factories.ShopFactory()]
    for number in range(count):
        variant = _variant(shop=shops[number % 2])
        factories.ProductImageFactory(product=variant.product)
        CartItem.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=variant.price)


@pytest.mark.parametrize("count", [1, 5])
def test_cart_page_query_count_anonymous(client, django_assert_num_queries, count):
    _add(client, _variant())
    _fill(Cart.objects.get(), count - 1)
    client.get(reverse("cart"))  # the session's count catches up with the lines added behind its back

    with django_assert_num_queries(CART_QUERIES):
        response = client.get(reverse("cart"))
    assert response.context["summary"].line_count == count


@pytest.mark.parametrize("count", [1, 5])
def test_cart_page_query_count_logged_in(client, buyer, django_assert_num_queries, count):
    _fill(Cart.objects.create(user=buyer), count)
    client.force_login(buyer)

    with django_assert_num_queries(CART_QUERIES_LOGGED_IN):
        response = client.get(reverse("cart"))
    assert response.context["summary"].line_count == count
