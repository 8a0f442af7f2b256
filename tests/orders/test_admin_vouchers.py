"""Sellers make vouchers for their own shop; platform vouchers (no shop) are platform staff's."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from orders.enums import VoucherKind
from orders.models import Voucher
from shops.enums import MemberRole
from tests.kit import factories
from tests.kit.factories import VoucherFactory
from tests.kit.pages import admin_form_errors as errors

pytestmark = pytest.mark.english

VOUCHERS = reverse("admin:orders_voucher_changelist")
VOUCHER_ADD = reverse("admin:orders_voucher_add")
NOT_A_CHOICE = ["Select a valid choice. That choice is not one of the available choices."]


def voucher_data(*, shop, **overrides) -> dict:
    """The add form as the browser posts it (split date and time widgets)."""
    data = {
        "shop": str(shop.pk) if shop else "",
        "code": "hemat10",
        "title": "Hemat 10%",
        "kind": VoucherKind.PERCENT,
        "value": "10",
        "max_discount": "20000",
        "min_spend": "100000",
        "starts_at_0": "2026-11-01",
        "starts_at_1": "00:00:00",
        "ends_at_0": "2026-11-30",
        "ends_at_1": "23:59:00",
        "usage_limit": "100",
        "per_user_limit": "1",
        "is_active": "on",
        "is_claimable": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def market(db, seller_factory):
    shop_a = factories.ShopFactory(name="Toko Andalas", slug="andalas")
    shop_b = factories.ShopFactory(name="Toko Bromo", slug="bromo")
    return SimpleNamespace(
        shop_a=shop_a,
        shop_b=shop_b,
        seller_a=seller_factory(shop_a, username="ani"),
        a_voucher=VoucherFactory(code="ANDALAS5", shop=shop_a, value=5_000),
        b_voucher=VoucherFactory(code="BROMO15", shop=shop_b, value=15_000),
        platform=VoucherFactory(
            code="LAPAKONGKIR", kind=VoucherKind.FREE_SHIPPING, value=0, max_discount=10_000
        ),
    )


@pytest.fixture
def client_a(client, market):
    client.force_login(market.seller_a)
    return client


def test_seller_creates_a_voucher_for_own_shop(client_a, market):
    response = client_a.post(VOUCHER_ADD, voucher_data(shop=market.shop_a))

    assert response.status_code == 302
    voucher = Voucher.objects.get(code="HEMAT10")
    assert (voucher.shop, voucher.kind, voucher.value, voucher.max_discount, voucher.used_count) == (
        market.shop_a,
        VoucherKind.PERCENT,
        10,
        20_000,
        0,
    )


def test_add_form_preselects_the_sellers_only_shop(client_a, market):
    response = client_a.get(VOUCHER_ADD)

    assert response.context["adminform"].form.initial["shop"] == market.shop_a.pk
    assert list(response.context["adminform"].form.fields["shop"].queryset) == [market.shop_a]


def test_voucher_for_another_shop_is_a_form_error(client_a, market):
    before = Voucher.objects.count()

    response = client_a.post(VOUCHER_ADD, voucher_data(shop=market.shop_b))

    assert response.status_code == 200
    assert errors(response)["shop"] == NOT_A_CHOICE
    assert Voucher.objects.count() == before


def test_seller_cannot_create_a_platform_voucher(client_a, market):
    before = Voucher.objects.count()

    response = client_a.post(VOUCHER_ADD, voucher_data(shop=None))

    assert response.status_code == 200
    assert errors(response)["shop"] == ["This field is required."]
    assert Voucher.objects.count() == before


def test_seller_sees_only_own_shops_vouchers(client_a, market):
    listing = client_a.get(VOUCHERS)
    platform_page = client_a.get(reverse("admin:orders_voucher_change", args=[market.platform.pk]))
    b_page = client_a.get(reverse("admin:orders_voucher_change", args=[market.b_voucher.pk]))

    assert [v.pk for v in listing.context["cl"].result_list] == [market.a_voucher.pk]
    content = listing.content.decode()
    assert "LAPAKONGKIR" not in content
    assert "BROMO15" not in content
    assert (platform_page.status_code, b_page.status_code) == (302, 302)


def test_seller_cannot_edit_another_shops_voucher(client_a, market):
    url = reverse("admin:orders_voucher_change", args=[market.b_voucher.pk])

    response = client_a.post(url, voucher_data(shop=market.shop_b, code="BROMO15", value="99"))

    assert response.status_code == 302
    market.b_voucher.refresh_from_db()
    assert market.b_voucher.value == 15_000


def test_live_host_sees_no_vouchers(client, market, seller_factory):
    host = seller_factory(market.shop_a, username="hana-host", role=MemberRole.HOST)
    client.force_login(host)

    assert client.get(VOUCHERS).status_code == 403


def test_list_shows_kind_value_window_and_usage(client_a, market):
    VoucherFactory(
        code="PERSEN10",
        shop=market.shop_a,
        kind=VoucherKind.PERCENT,
        value=10,
        max_discount=20_000,
        usage_limit=100,
    )
    VoucherFactory(code="ONGKIR", shop=market.shop_a, kind=VoucherKind.FREE_SHIPPING, max_discount=10_000)
    Voucher.objects.filter(code="PERSEN10").update(used_count=3)

    content = client_a.get(VOUCHERS).content.decode()

    assert "10% up to Rp 20.000" in content
    assert "Rp 5.000" in content
    assert "Free shipping up to Rp 10.000" in content
    assert "3 / 100" in content
    assert "0 / ∞" in content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "ab"}, "code", "Use 4 to 32 letters (A–Z) and digits (0–9), no spaces."),
        ({"code": "HEMAT-10"}, "code", "Use 4 to 32 letters (A–Z) and digits (0–9), no spaces."),
        ({"value": "0"}, "value", "A percentage is between 1 and 100."),
        ({"value": "101"}, "value", "A percentage is between 1 and 100."),
        ({"max_discount": ""}, "max_discount", "A percentage voucher needs a maximum discount."),
        ({"kind": VoucherKind.FIXED, "value": "0"}, "value", "Enter the amount off, in rupiah."),
        (
            {"kind": VoucherKind.FREE_SHIPPING, "max_discount": ""},
            "max_discount",
            "A free-shipping voucher needs a maximum discount.",
        ),
        ({"max_discount": "0"}, "max_discount", "The maximum discount must be more than zero."),
        ({"ends_at_0": "2026-10-01"}, "ends_at", "The end must be after the start."),
    ],
)
def test_validation_per_kind(client_a, market, overrides, field, message):
    before = Voucher.objects.count()

    response = client_a.post(VOUCHER_ADD, voucher_data(shop=market.shop_a, **overrides))

    assert response.status_code == 200
    assert errors(response)[field] == [message]
    assert Voucher.objects.count() == before


def test_fixed_and_free_shipping_vouchers_are_saved(client_a, market):
    fixed = client_a.post(
        VOUCHER_ADD,
        voucher_data(
            shop=market.shop_a, code="POTONG15", kind=VoucherKind.FIXED, value="15000", max_discount=""
        ),
    )
    free = client_a.post(
        VOUCHER_ADD,
        voucher_data(shop=market.shop_a, code="ONGKIR10", kind=VoucherKind.FREE_SHIPPING, value="5"),
    )

    assert (fixed.status_code, free.status_code) == (302, 302)
    assert Voucher.objects.get(code="POTONG15").value == 15_000
    # Free shipping has no value of its own: only its cap counts.
    assert (
        Voucher.objects.get(code="ONGKIR10").value,
        Voucher.objects.get(code="ONGKIR10").max_discount,
    ) == (
        0,
        20_000,
    )


def test_used_count_cannot_be_set_by_the_form(client_a, market):
    url = reverse("admin:orders_voucher_change", args=[market.a_voucher.pk])
    data = voucher_data(
        shop=market.shop_a, code="ANDALAS5", kind=VoucherKind.FIXED, value="5000", used_count="50"
    )

    response = client_a.post(url, data)

    assert response.status_code == 302
    market.a_voucher.refresh_from_db()
    assert (market.a_voucher.used_count, market.a_voucher.shop) == (0, market.shop_a)


def test_staff_sees_all_and_creates_platform_vouchers(client, market, staff_user):
    client.force_login(staff_user)

    listing = client.get(VOUCHERS)
    response = client.post(VOUCHER_ADD, voucher_data(shop=None, code="LAPAK1111"))

    assert {v.pk for v in listing.context["cl"].result_list} == {
        market.a_voucher.pk,
        market.b_voucher.pk,
        market.platform.pk,
    }
    assert "Platform" in listing.content.decode()
    assert response.status_code == 302
    assert Voucher.objects.get(code="LAPAK1111").shop is None


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("code", "WA081234567890"),
        ("title", "Diskon 10%, klaim via WA aja"),
        ("title", "Follow ig @toko.andalas dulu"),
    ],
)
def test_a_voucher_shoppers_would_read_a_contact_in_is_refused(client_a, market, field, text):
    # Shoppers see the code on the voucher card and the title in their reminder that it ends.
    response = client_a.post(VOUCHER_ADD, voucher_data(shop=market.shop_a, **{field: text}))

    assert response.status_code == 200
    assert list(errors(response)) == [field]
    assert errors(response)[field][0].startswith("Contact details are not allowed here")
    assert not Voucher.objects.filter(shop=market.shop_a).exclude(pk=market.a_voucher.pk).exists()


@pytest.mark.parametrize(
    ("code", "title"), [("GAJIAN2026", "Gajian 25.12"), ("LEBARAN25", "Lebaran: 25rb off")]
)
def test_ordinary_voucher_codes_and_titles_save(client_a, market, code, title):
    response = client_a.post(VOUCHER_ADD, voucher_data(shop=market.shop_a, code=code, title=title))

    assert response.status_code == 302
    assert Voucher.objects.get(code=code).title == title
