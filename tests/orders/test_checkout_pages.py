"""The checkout page and its confirmation: what the quote shows, placing, refusing, idempotency.

Read in English (the language cookie) so assertions hold whatever the translations say. Shops are
in Bandung and the buyer in DKI Jakarta: the rate table quotes Hemat Rp 11.000, Reguler Rp 14.000
and Kilat Rp 23.000 per parcel up to 1 kg.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from orders.cart import CART_COUNT_KEY
from orders.enums import OrderStatus, PaymentMethod
from orders.models import Cart, CartItem, Checkout, Order
from shops.models import ProductVariant
from tests.kit import factories
from tests.kit.factories import VoucherClaimFactory, VoucherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def address(buyer):
    return factories.AddressFactory(user=buyer, is_default=True, recipient_name="Siti Rahma")


@pytest.fixture
def shirt():
    shop = factories.ShopFactory(name="Toko Kemeja", city="Bandung")
    product = factories.ProductFactory(shop=shop, title="Kemeja Flanel")
    return factories.ProductVariantFactory(product=product, price=125_000, stock=5, size="M")


@pytest.fixture
def jacket():
    """A pre-loved jacket with a disclosed defect (and its photo): the buyer must tick to buy it."""
    shop = factories.ShopFactory(name="Lemari Thrift", city="Bandung")
    product = factories.ProductFactory(shop=shop, title="Jaket Denim")
    factories.ProductDefectFactory(product=product, description="Noda kecil di lengan kiri")
    return factories.ProductVariantFactory(product=product, price=200_000, stock=1, size="L")


@pytest.fixture
def cart(buyer, address, shirt, jacket):
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, variant=shirt, quantity=2, price_when_added=125_000)
    CartItem.objects.create(cart=cart, variant=jacket, quantity=1, price_when_added=200_000)
    return cart


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def _key(response) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', response.content.decode()).group(1)


def _place(client, *, page, address, jacket, **extra):
    """Submit "Place order" as the browser would from `page` (the GET of the checkout)."""
    html = page.content.decode()
    data = {
        "action": "place",
        "idempotency_key": _key(page),
        "line": re.findall(r'name="line" value="(\d+)"', html),
        "variant": re.findall(r'name="variant" value="(\d+)"', html),
        "address": address.pk,
        "payment_method": PaymentMethod.COD,
        f"shipping-{jacket.shop_id}": "reguler",
        "defect": [jacket.product_id],
        **extra,
    }
    return client.post(reverse("checkout"), data)


def test_checkout_requires_login(client, cart):
    response = client.get(reverse("checkout"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse('checkout')}"


def test_checkout_shows_the_quote_per_shop_with_shipping_totals_and_the_defect_tick(logged_in, cart, jacket):
    response = logged_in.get(reverse("checkout"))

    assert response.status_code == 200
    html = response.content.decode()
    quote = response.context["quote"]
    assert [part.shop.name for part in quote.shops] == ["Toko Kemeja", "Lemari Thrift"]
    assert [(o.code, o.fee) for o in quote.shops[0].shipping_options] == [
        ("hemat", 11_000),
        ("reguler", 14_000),
        ("kilat", 23_000),
    ]
    # The cheapest option is pre-selected per shop; totals are items + shipping.
    assert [part.total for part in quote.shops] == [261_000, 211_000]
    assert quote.grand_total == 472_000
    assert "Rp 472.000" in html
    assert "Rp 11.000" in html
    assert f'name="shipping-{jacket.shop_id}" value="hemat" data-requote checked' in html
    # The default address is pre-selected; COD is the default payment.
    assert "Siti Rahma" in html
    assert 'name="payment_method" value="cod" checked' in html
    # The defect, its photo and the tick to confirm it.
    assert "Noda kecil di lengan kiri" in html
    assert "products/defects/" in html
    assert f'name="defect" value="{jacket.product_id}"' in html
    assert "I have seen the defects of this item" in html
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)


def test_checkout_shows_voucher_suggestions_and_why_a_code_does_not_apply(logged_in, buyer, cart, shirt):
    # Suggestions come from the buyer's wallet (claimed vouchers).
    VoucherClaimFactory(user=buyer, voucher=VoucherFactory(code="HEMAT10", shop=shirt.shop, value=10_000))
    VoucherFactory(code="BESAR", shop=shirt.shop, value=50_000, min_spend=1_000_000)

    response = logged_in.post(
        reverse("checkout"),
        {"action": "refresh", "idempotency_key": "a" * 32, f"voucher-{shirt.shop_id}": "besar"},
    )

    html = response.content.decode()
    assert "Best voucher: HEMAT10 — save Rp 10.000" in html
    assert "Minimum spend Rp 1.000.000." in html


def test_refresh_with_htmx_returns_only_the_form_and_keeps_the_choices(logged_in, cart, address, jacket):
    response = logged_in.post(
        reverse("checkout"),
        {
            "action": "refresh",
            "idempotency_key": "b" * 32,
            "address": address.pk,
            "payment_method": PaymentMethod.EWALLET,
            f"shipping-{jacket.shop_id}": "kilat",
            "defect": [jacket.product_id],
        },
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'value="bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"' in html
    assert f'name="shipping-{jacket.shop_id}" value="kilat" data-requote checked' in html
    assert 'name="payment_method" value="ewallet" checked' in html
    assert f'name="defect" value="{jacket.product_id}" checked' in html
    assert response.context["quote"].grand_total == 261_000 + 223_000
    assert Checkout.objects.count() == 0


def test_placing_a_cod_checkout_creates_orders_to_ship_and_empties_those_cart_lines(
    logged_in, buyer, cart, address, jacket, shirt
):
    page = logged_in.get(reverse("checkout"))

    response = _place(logged_in, page=page, address=address, jacket=jacket)

    placed = Checkout.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("checkout_done", args=[placed.pk])
    orders = list(placed.orders.order_by("shop__name"))
    assert [(o.shop.name, o.status, o.shipping_option, o.total) for o in orders] == [
        ("Lemari Thrift", OrderStatus.TO_SHIP, "Reguler", 214_000),
        ("Toko Kemeja", OrderStatus.TO_SHIP, "Hemat", 261_000),
    ]
    assert placed.grand_total == 475_000
    assert CartItem.objects.filter(cart=cart).count() == 0
    assert logged_in.session[CART_COUNT_KEY] == 0
    assert ProductVariant.objects.get(pk=shirt.pk).stock == 3

    done = logged_in.get(response.url).content.decode()
    for order in orders:
        assert order.number in done
    assert "Rp 475.000" in done
    assert "To ship" in done
    assert 'href="/pesanan/"' in done


def test_awaiting_payment_orders_show_the_due_time_in_jakarta(logged_in, cart, address, jacket):
    page = logged_in.get(reverse("checkout"))

    response = _place(
        logged_in, page=page, address=address, jacket=jacket, payment_method=PaymentMethod.EWALLET
    )

    order = Order.objects.first()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    done = logged_in.get(response.url).content.decode()
    due = timezone.localtime(order.payment_due_at).strftime("%H:%M")
    assert "Awaiting payment: pay before" in done
    assert f"{due} WIB" in done


def test_buy_now_checks_out_only_that_item(logged_in, cart, address, shirt, jacket):
    response = logged_in.get(reverse("checkout"), {"variant": shirt.pk})
    assert [part.shop.name for part in response.context["quote"].shops] == ["Toko Kemeja"]

    _place(logged_in, page=response, address=address, jacket=jacket)

    assert list(Order.objects.values_list("shop__name", flat=True)) == ["Toko Kemeja"]
    assert list(CartItem.objects.values_list("variant_id", flat=True)) == [jacket.pk]
    assert logged_in.session[CART_COUNT_KEY] == 1


def test_a_double_submit_with_the_same_key_places_one_checkout(logged_in, cart, address, jacket):
    page = logged_in.get(reverse("checkout"))

    first = _place(logged_in, page=page, address=address, jacket=jacket)
    second = _place(logged_in, page=page, address=address, jacket=jacket)

    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 2
    assert first.url == second.url == reverse("checkout_done", args=[Checkout.objects.get().pk])


def test_stock_sold_out_between_view_and_submit_rerenders_with_the_message(logged_in, cart, address, jacket):
    page = logged_in.get(reverse("checkout"))
    key = _key(page)
    ProductVariant.objects.filter(pk=jacket.pk).update(stock=0)  # someone else bought it meanwhile

    response = _place(logged_in, page=page, address=address, jacket=jacket)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="checkout-error" role="alert" data-checkout-error>' in html
    assert "Jaket Denim is sold out." in html
    assert f'value="{key}"' in html
    assert Checkout.objects.count() == 0
    assert CartItem.objects.filter(cart=cart).count() == 2


def test_an_unticked_defect_is_refused_and_nothing_is_written(logged_in, cart, address, jacket):
    page = logged_in.get(reverse("checkout"))

    response = _place(logged_in, page=page, address=address, jacket=jacket, defect=[])

    assert "Please confirm you have seen the defects of Jaket Denim." in response.content.decode()
    assert Checkout.objects.count() == 0
    assert CartItem.objects.filter(cart=cart).count() == 2


def test_another_users_address_is_refused_and_nothing_is_written(logged_in, cart, jacket, shirt):
    stranger = factories.AddressFactory(user=factories.UserFactory(username="stranger"))
    page = logged_in.get(reverse("checkout"))

    response = _place(logged_in, page=page, address=stranger, jacket=jacket)

    assert response.status_code == 200
    assert "Choose one of your own addresses." in response.content.decode()
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert ProductVariant.objects.get(pk=shirt.pk).stock == 5
    assert CartItem.objects.filter(cart=cart).count() == 2


def test_an_empty_cart_goes_back_to_the_cart_page(logged_in, buyer):
    response = logged_in.get(reverse("checkout"))

    assert response.status_code == 302
    assert response.url == reverse("cart")


def test_nobody_sees_another_buyers_confirmation(logged_in, cart, address, jacket):
    response = _place(logged_in, page=logged_in.get(reverse("checkout")), address=address, jacket=jacket)
    intruder = type(logged_in)()
    intruder.force_login(factories.UserFactory(username="intruder"))

    assert intruder.get(response.url).status_code == 404


# --- Query counts -----------------------------------------------------------------------------
# user; cart lines with variant, product and shop; their first images; addresses; the quote's
# variants with product and shop; their defects; the vouchers in play.
CHECKOUT_QUERIES = 7


def _fill(buyer, count):
    cart = Cart.objects.create(user=buyer)
    shops = [factories.ShopFactory(city="Bandung"), factories.ShopFactory(city="Bandung")]
    for number in range(count):
        product = factories.ProductFactory(shop=shops[number % 2])
        factories.ProductImageFactory(product=product)
        factories.ProductDefectFactory(product=product)
        variant = factories.ProductVariantFactory(product=product, stock=5)
        CartItem.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=variant.price)


@pytest.mark.parametrize("count", [1, 5])
def test_checkout_page_query_count(logged_in, buyer, address, django_assert_num_queries, count):
    _fill(buyer, count)

    with django_assert_num_queries(CHECKOUT_QUERIES):
        response = logged_in.get(reverse("checkout"))
    assert len(response.context["quote"].items) == count
