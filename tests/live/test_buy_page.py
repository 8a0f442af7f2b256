"""The in-live checkout page (/live/<id>/beli/): one item at its normal price, a running flash
deal's price, or the one-off item the buyer holds, with the cart checkout's vouchers, shipping
and payment; as a full page and as the fragment the room's dialog swaps in (htmx).

Shops are in Bandung and buyers in DKI Jakarta: Hemat shipping is Rp 11.000 up to 1 kg.
Assertions read prices, numbers and data-* hooks, never translated copy.
"""

import re
from urllib.parse import quote as urlquote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from live import claims, deals
from live.enums import FlashClaimStatus, ItemClaimStatus, LiveStatus
from live.models import FlashDeal, FlashDealClaim, LiveOrder, LiveSession
from orders.enums import OrderStatus, PaymentMethod
from orders.models import Checkout, Order
from shops.enums import Condition
from shops.models import ProductVariant
from tests.kit import factories
from tests.kit.buying import DEAL_PRICE, expire, launch
from tests.kit.factories import AddressFactory, UserFactory, VoucherFactory, live_with_item, make_variant
from tests.kit.pages import html

pytestmark = pytest.mark.django_db

NORMAL = 100_000
HEMAT = 11_000


@pytest.fixture
def shopper(client):
    """A logged-in buyer with a default address: (client, user, address)."""
    user = UserFactory()
    address = AddressFactory(user=user, is_default=True)
    client.force_login(user)
    return client, user, address


def buy_url(session, **params) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("live_buy", args=[session.pk]) + (f"?{query}" if query else "")


def form_fields(response) -> dict:
    """The hidden fields the page's form carries (what the browser would post back)."""
    page = html(response)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def place(client, session, page, address, **extra):
    data = {
        **form_fields(page),
        "action": "place",
        "address": address.pk,
        "payment_method": PaymentMethod.BANK_TRANSFER,
        **extra,
    }
    return client.post(reverse("live_buy", args=[session.pk]), data)


def price_box(response) -> str:
    return re.search(r"data-live-buy-price>(.*?)</p>", html(response), re.S).group(1)


# --- Flash deal price -------------------------------------------------------------------------


def test_the_page_shows_the_deal_price_while_the_deal_runs(shopper):
    client, _user, _address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant, per_buyer_limit=2)

    response = client.get(buy_url(session, variant=variant.pk, deal=deal.pk))

    assert response.status_code == 200
    assert "Rp 49.000" in price_box(response)
    assert f'data-live-buy-deal="{deal.pk}"' in html(response)
    assert form_fields(response)["deal"] == str(deal.pk)
    quote = response.context["quote"]
    assert [(i.unit_price, i.quantity) for i in quote.items] == [(DEAL_PRICE, 1)]
    assert quote.grand_total == DEAL_PRICE + HEMAT
    # Up to the per-buyer limit (2), not the stock.
    assert list(response.context["quantities"]) == [1, 2]


def test_a_deal_for_one_variant_needs_only_the_deal_id(shopper):
    client, _user, _address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant)

    response = client.get(buy_url(session, deal=deal.pk))

    assert response.context["item"].variant == variant
    assert response.context["quote"].items[0].unit_price == DEAL_PRICE


@pytest.mark.parametrize("ending", ["time_up", "stopped"])
def test_after_the_deal_ends_the_page_shows_the_normal_price_and_the_deal_price_is_refused(shopper, ending):
    client, user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant)
    page = client.get(buy_url(session, variant=variant.pk, deal=deal.pk))
    assert "Rp 49.000" in price_box(page)

    if ending == "time_up":
        expire(deal)
    else:
        deals.deal_stop(deal=deal, actor=session.host)
    response = place(client, session, page, address)

    # Refused with the reason, nothing written, the buyer's choices kept.
    assert response.status_code == 200
    assert "data-checkout-error" in html(response)
    assert (Checkout.objects.count(), Order.objects.count(), FlashDealClaim.objects.count()) == (0, 0, 0)
    assert ProductVariant.objects.get(pk=variant.pk).stock == 50
    assert f'name="payment_method" value="{PaymentMethod.BANK_TRANSFER}" checked' in html(response)
    # Now at the normal price, without the deal in the form: the next "Place order" pays it.
    assert "Rp 100.000" in price_box(response)
    assert "Rp 49.000" not in price_box(response)
    assert "deal" not in form_fields(response)
    assert "data-live-buy-notice" in html(response)
    again = client.get(buy_url(session, variant=variant.pk, deal=deal.pk))
    assert again.context["quote"].items[0].unit_price == NORMAL


def test_placing_at_the_deal_price_creates_the_order_and_records_the_live(shopper):
    client, user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant, per_buyer_limit=2)
    page = client.get(buy_url(session, variant=variant.pk, deal=deal.pk))

    response = place(client, session, page, address, quantity="2")

    placed = Checkout.objects.get(buyer=user)
    assert response.status_code == 302
    assert response.url == reverse("checkout_done", args=[placed.pk])
    order = placed.orders.get()
    item = order.items.get()
    assert (item.unit_price, item.quantity) == (DEAL_PRICE, 2)
    assert order.total == 2 * DEAL_PRICE + HEMAT
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert LiveOrder.objects.get(order=order).session == session
    claim = FlashDealClaim.objects.get()
    assert (claim.buyer, claim.status, claim.quantity) == (user, FlashClaimStatus.ORDERED, 2)
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 2


def test_more_than_the_per_buyer_limit_is_refused(shopper):
    client, _user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant, per_buyer_limit=2)
    page = client.get(buy_url(session, deal=deal.pk))

    response = place(client, session, page, address, quantity="3")

    assert "data-checkout-error" in html(response)
    assert Order.objects.count() == 0
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 0


def test_a_buyer_who_took_the_limit_sees_the_normal_price(shopper):
    client, user, _address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant, per_buyer_limit=1)
    deals.deal_claim(buyer=user, deal=deal)

    response = client.get(buy_url(session, deal=deal.pk))

    assert response.context["quote"].items[0].unit_price == NORMAL
    assert "deal" not in form_fields(response)
    assert "data-live-buy-notice" in html(response)


# --- Vouchers ---------------------------------------------------------------------------------


def test_a_shop_voucher_code_applies_to_the_deal_price(shopper):
    client, _user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant)
    VoucherFactory(code="LIVE10", shop=session.shop, value=10_000)
    page = client.get(buy_url(session, deal=deal.pk))
    voucher_field = f"voucher-{session.shop_id}"

    quoted = client.post(
        reverse("live_buy", args=[session.pk]),
        {**form_fields(page), "action": "quote", "address": address.pk, voucher_field: "live10"},
    )
    assert quoted.context["quote"].grand_total == DEAL_PRICE + HEMAT - 10_000
    assert "Rp 50.000" in html(quoted)
    response = place(client, session, page, address, **{voucher_field: "live10"})

    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.shop_voucher.code, order.discount, order.total) == ("LIVE10", 10_000, 50_000)


def test_a_platform_voucher_code_applies_in_the_live_checkout(shopper):
    client, _user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    voucher = VoucherFactory(code="LAPAK5", shop=None, value=5_000)
    page = client.get(buy_url(session, variant=variant.pk))

    response = place(client, session, page, address, platform_voucher="lapak5")

    placed = Checkout.objects.get()
    assert response.status_code == 302
    assert placed.platform_voucher == voucher
    assert placed.grand_total == NORMAL + HEMAT - 5_000
    assert LiveOrder.objects.filter(session=session).count() == 1


def test_a_voucher_problem_is_shown_and_nothing_is_written(shopper):
    client, _user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    page = client.get(buy_url(session, variant=variant.pk))

    response = place(client, session, page, address, **{f"voucher-{session.shop_id}": "NOPE"})

    assert "data-checkout-error" in html(response)
    assert 'value="NOPE"' in html(response)
    assert Checkout.objects.count() == 0


# --- One-off items ----------------------------------------------------------------------------


@pytest.fixture
def thrift_jacket():
    """A live selling one pre-loved jacket with a disclosed defect: (session, variant)."""
    session, variant = live_with_item(stock=1, price=150_000)
    product = variant.product
    product.condition, product.condition_notes = Condition.GOOD, "Sedikit pudar di kerah."
    product.save(update_fields=["condition", "condition_notes"])
    factories.ProductDefectFactory(product=product, description="Kancing kedua hilang")
    return session, variant


def test_the_holder_buys_the_one_off_item_after_acknowledging_its_defect(shopper, thrift_jacket):
    client, user, address = shopper
    session, variant = thrift_jacket
    hold = claims.item_claim(buyer=user, session=session, variant=variant)

    page = client.get(buy_url(session, variant=variant.pk))

    assert f'data-live-buy-hold="{hold.pk}"' in html(page)
    assert hold.hold_expires_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M") in html(page)
    assert "Kancing kedua hilang" in html(page)
    assert "Sedikit pudar di kerah." in html(page)
    assert page.context["quote"].can_place
    assert list(page.context["quantities"]) == [1]
    unticked = place(client, session, page, address)
    assert "data-checkout-error" in html(unticked)
    assert Order.objects.count() == 0

    response = place(client, session, page, address, defect=variant.product_id)

    order = Order.objects.get()
    assert response.status_code == 302
    assert order.items.get().unit_price == 150_000
    hold.refresh_from_db()
    assert (hold.status, hold.order) == (ItemClaimStatus.ORDERED, order)
    assert LiveOrder.objects.get(order=order).session == session


def test_someone_else_cannot_buy_the_held_item(shopper, thrift_jacket):
    client, _user, address = shopper
    session, variant = thrift_jacket
    holder = UserFactory()
    claims.item_claim(buyer=holder, session=session, variant=variant)

    page = client.get(buy_url(session, variant=variant.pk))
    assert "data-live-buy-notice" in html(page)
    response = place(client, session, page, address, defect=variant.product_id)

    assert "data-checkout-error" in html(response)
    assert Order.objects.count() == 0


# --- Access, sessions, ids --------------------------------------------------------------------


def test_anonymous_buyers_log_in_first_and_come_back_here(client):
    session, variant = live_with_item()
    url = buy_url(session, variant=variant.pk)

    response = client.get(url)
    in_dialog = client.get(url, headers={"HX-Request": "true"})

    login = f"{reverse('account_login')}?next={urlquote(url, safe='/')}"
    assert response.status_code == 302
    assert response.url == login
    assert in_dialog["HX-Redirect"] == login


@pytest.mark.parametrize("status", [LiveStatus.ENDED, LiveStatus.SCHEDULED])
def test_a_session_not_on_air_sells_nothing(shopper, status):
    client, _user, address = shopper
    session, variant = live_with_item()
    LiveSession.objects.filter(pk=session.pk).update(
        status=status,
        ended_at=timezone.now() if status == LiveStatus.ENDED else None,
        started_at=session.started_at if status == LiveStatus.ENDED else None,
    )

    page = client.get(buy_url(session, variant=variant.pk))
    posted = client.post(
        reverse("live_buy", args=[session.pk]),
        {
            "action": "place",
            "variant": variant.pk,
            "address": address.pk,
            "idempotency_key": "c" * 32,
            "payment_method": PaymentMethod.COD,
        },
    )

    for response in (page, posted):
        assert 'data-live-buy="closed"' in html(response)
        assert f'href="{session.get_absolute_url()}"' in html(response)
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {"variant": "999999"},
        {"variant": "abc"},
        {"deal": "999999"},
        {"variant": "1' OR 1=1"},
    ],
)
def test_unknown_ids_get_a_clear_answer_not_an_error(shopper, params):
    client, _user, _address = shopper
    session, _variant = live_with_item()

    response = client.get(buy_url(session, **{k: urlquote(v) for k, v in params.items()}))

    assert response.status_code == 404
    assert 'data-live-buy="unavailable"' in html(response)


def test_another_shops_item_is_not_sold_in_this_live(shopper):
    client, _user, _address = shopper
    session, _variant = live_with_item()
    elsewhere = make_variant(stock=5)

    response = client.get(buy_url(session, variant=elsewhere.pk))

    assert response.status_code == 404
    assert 'data-live-buy="unavailable"' in html(response)


def test_an_unknown_session_is_404(shopper):
    client, _user, _address = shopper

    assert client.get(reverse("live_buy", args=[987654])).status_code == 404


def test_a_product_with_several_variants_asks_which_one_in_stock(shopper):
    client, _user, _address = shopper
    session, small = live_with_item(price=NORMAL)
    large = factories.ProductVariantFactory(product=small.product, size="L", stock=3, price=110_000)
    gone = factories.ProductVariantFactory(product=small.product, size="XL", stock=0)

    response = client.get(buy_url(session, product=small.product_id))

    assert 'data-live-buy="choose"' in html(response)
    offered = {int(pk) for pk in re.findall(r'name="variant" value="(\d+)"', html(response))}
    assert offered == {small.pk, large.pk}
    assert gone.pk not in offered


# --- Idempotency, htmx, CSRF, queries ----------------------------------------------------------


def test_a_double_submit_places_one_checkout(shopper):
    client, user, address = shopper
    session, variant = live_with_item()
    page = client.get(buy_url(session, variant=variant.pk))

    first = place(client, session, page, address)
    second = place(client, session, page, address)

    placed = Checkout.objects.get(buyer=user)
    assert first.url == second.url == reverse("checkout_done", args=[placed.pk])
    assert Order.objects.count() == LiveOrder.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 49


def test_the_room_dialog_gets_the_fragment_and_the_done_fragment(shopper):
    client, _user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    deal = launch(session, variant)
    htmx = {"HX-Request": "true"}

    page = client.get(buy_url(session, deal=deal.pk), headers=htmx)

    assert "<html" not in html(page)
    assert html(page).lstrip().startswith('<div class="live-buy" id="live-buy" data-live-buy="form">')
    assert f'hx-post="{reverse("live_buy", args=[session.pk])}"' in html(page)
    assert form_fields(page)["in_dialog"] == "1"
    done = client.post(
        reverse("live_buy", args=[session.pk]),
        {**form_fields(page), "action": "place", "address": address.pk, "payment_method": "bank_transfer"},
        headers=htmx,
    )

    order = Order.objects.get()
    assert done.status_code == 200
    assert "<html" not in html(done)
    assert 'data-live-buy="done"' in html(done)
    assert f'data-order="{order.number}"' in html(done)
    assert "Rp 60.000" in html(done)  # 49.000 + 11.000 shipping
    assert f"status-badge is-{OrderStatus.AWAITING_PAYMENT}" in html(done)
    assert f'href="{reverse("order_detail", args=[order.number])}"' in html(done)
    assert "data-pay-now" in html(done)


def test_a_refusal_in_the_dialog_swaps_the_form_back_with_the_reason(shopper):
    client, _user, address = shopper
    session, variant = live_with_item()
    htmx = {"HX-Request": "true"}
    page = client.get(buy_url(session, variant=variant.pk), headers=htmx)

    response = client.post(
        reverse("live_buy", args=[session.pk]),
        {**form_fields(page), "action": "place", "payment_method": "bank_transfer"},  # no address
        headers=htmx,
    )

    assert response.status_code == 200
    assert "<html" not in html(response)
    assert 'data-live-buy="form"' in html(response)
    assert "data-checkout-error" in html(response)
    assert form_fields(response)["in_dialog"] == "1"
    assert Checkout.objects.count() == 0


def test_on_the_full_page_htmx_only_requotes_and_placing_opens_the_order_page(shopper):
    client, user, address = shopper
    session, variant = live_with_item(price=NORMAL)
    htmx = {"HX-Request": "true"}
    page = client.get(buy_url(session, variant=variant.pk))
    assert "in_dialog" not in form_fields(page)

    quoted = client.post(
        reverse("live_buy", args=[session.pk]),
        {**form_fields(page), "action": "quote", "address": address.pk, "quantity": "3"},
        headers=htmx,
    )
    placed = client.post(
        reverse("live_buy", args=[session.pk]),
        {
            **form_fields(page),
            "action": "place",
            "address": address.pk,
            "quantity": "3",
            "payment_method": "cod",
        },
        headers=htmx,
    )

    assert "<html" not in html(quoted)
    assert "in_dialog" not in form_fields(quoted)
    assert quoted.context["quote"].grand_total == 3 * NORMAL + 2 * HEMAT  # 1.5 kg: Hemat per started kg
    checkout = Checkout.objects.get(buyer=user)
    assert placed["HX-Redirect"] == reverse("checkout_done", args=[checkout.pk])
    assert checkout.orders.get().status == OrderStatus.TO_SHIP


def test_a_buyer_without_an_address_is_sent_to_add_one_and_back_here(client):
    user = UserFactory()
    client.force_login(user)
    session, variant = live_with_item()
    deal = launch(session, variant)
    here = buy_url(session, variant=variant.pk, deal=deal.pk)

    page = client.get(here)
    added = client.post(
        f"{reverse('address_create')}?next={urlquote(here, safe='/')}",
        {
            "recipient_name": "Sari",
            "phone": "081234567890",
            "province": "DKI Jakarta",
            "city": "Jakarta Selatan",
            "district": "Kebayoran Baru",
            "postal_code": "12110",
            "street": "Jl. Senopati No. 10",
        },
    )

    assert f'href="{reverse("address_create")}?next={urlquote(here, safe="/")}"' in html(page)
    assert not page.context["quote"].can_place
    assert added.status_code == 302
    assert added.url == here


def test_placing_needs_the_csrf_token(shopper):
    _client, user, address = shopper
    session, variant = live_with_item()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    page = strict.get(buy_url(session, variant=variant.pk))

    response = strict.post(
        reverse("live_buy", args=[session.pk]),
        {**form_fields(page), "action": "place", "address": address.pk, "payment_method": "cod"},
    )

    assert response.status_code == 403
    assert Order.objects.count() == 0


def test_the_page_and_a_refusal_cost_a_bounded_number_of_queries(shopper, django_assert_max_num_queries):
    client, _user, address = shopper
    session, variant = live_with_item()
    deal = launch(session, variant)
    factories.ProductImageFactory(product=variant.product)
    VoucherFactory(code="LIVE10", shop=session.shop)

    with django_assert_max_num_queries(12):
        page = client.get(buy_url(session, deal=deal.pk))
    expire(deal)
    with django_assert_max_num_queries(24):
        refused = place(client, session, page, address, **{f"voucher-{session.shop_id}": "LIVE10"})

    assert "data-checkout-error" in html(refused)
    assert Order.objects.count() == 0
