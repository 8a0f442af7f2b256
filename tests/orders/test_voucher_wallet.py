"""Claiming vouchers from the shop page into the wallet, and what the wallet lists."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from orders.enums import VoucherKind
from orders.models import VoucherClaim
from tests.kit import factories
from tests.kit.factories import VoucherFactory

pytestmark = pytest.mark.english

WALLET = reverse("voucher_wallet")


def claim_url(voucher):
    return reverse("voucher_claim", args=[voucher.pk])


def shop_url(shop):
    return reverse("shop_detail", args=[shop.slug])


def offered(response) -> list[str]:
    return [voucher.code for voucher in response.context["vouchers"]]


@pytest.fixture
def shop(db):
    return factories.ShopFactory(name="Toko Andalas", slug="andalas")


@pytest.fixture
def percent(shop):
    return VoucherFactory(
        code="ANDALAS10",
        shop=shop,
        kind=VoucherKind.PERCENT,
        value=10,
        max_discount=20_000,
        min_spend=100_000,
        ends_at=timezone.make_aware(timezone.datetime(2099, 11, 30, 12, 0)),
        is_claimable=True,
    )


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def test_shop_page_offers_the_voucher_with_its_terms_and_a_claim_button(client, shop, percent):
    response = client.get(shop_url(shop))

    content = response.content.decode()
    assert offered(response) == ["ANDALAS10"]
    assert "10% off up to Rp 20.000" in content
    assert "min. spend Rp 100.000" in content
    assert "valid until 30 Nov" in content
    assert f'action="{claim_url(percent)}"' in content


def test_claim_from_the_shop_page_goes_back_to_it(buyer_client, buyer, shop, percent):
    response = buyer_client.post(claim_url(percent), {"next": shop_url(shop)})

    assert response.status_code == 302
    assert response.url == shop_url(shop)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Voucher ANDALAS10 saved to your wallet."
    ]
    assert list(VoucherClaim.objects.values_list("voucher_id", "user_id")) == [(percent.pk, buyer.pk)]
    page = buyer_client.get(shop_url(shop)).content.decode()
    assert "Already claimed" in page
    assert f'action="{claim_url(percent)}"' not in page


def test_claiming_twice_keeps_one_claim(buyer_client, buyer, shop, percent):
    buyer_client.post(claim_url(percent), {"next": shop_url(shop)})
    second = buyer_client.post(claim_url(percent), {"next": shop_url(shop)})

    assert second.status_code == 302
    # The first claim's message is still queued (no page shown in between): read the last one.
    assert [str(m) for m in get_messages(second.wsgi_request)][-1] == "You already have voucher ANDALAS10."
    assert VoucherClaim.objects.filter(user=buyer).count() == 1


def test_claim_never_redirects_off_site(buyer_client, percent):
    response = buyer_client.post(claim_url(percent), {"next": "https://evil.example/"})

    assert response.url == WALLET


def test_anonymous_claim_goes_to_login_and_back_to_the_shop(client, shop, percent):
    response = client.post(claim_url(percent), {"next": shop_url(shop)})
    wallet = client.get(WALLET)

    assert response.url == f"{reverse('account_login')}?next={shop_url(shop)}"
    assert wallet.url == f"{reverse('account_login')}?next={WALLET}"
    assert not VoucherClaim.objects.exists()


def test_claim_by_get_changes_nothing(buyer_client, percent):
    assert buyer_client.get(claim_url(percent)).status_code == 405
    assert not VoucherClaim.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"is_active": False},
        {"is_claimable": False},
        {"ends_at": timezone.now() - timedelta(hours=1), "starts_at": timezone.now() - timedelta(days=2)},
        {"starts_at": timezone.now() + timedelta(days=1), "ends_at": timezone.now() + timedelta(days=5)},
        {"usage_limit": 5, "used_count": 5},
    ],
    ids=["inactive", "not-claimable", "expired", "not-started", "used-up"],
)
def test_unavailable_vouchers_are_neither_offered_nor_claimable(buyer_client, shop, overrides):
    voucher = VoucherFactory(code="TIDAKADA", shop=shop, **{"is_claimable": True, **overrides})

    page = buyer_client.get(shop_url(shop))
    claim = buyer_client.post(claim_url(voucher), {"next": shop_url(shop)})

    assert offered(page) == []
    assert "TIDAKADA" not in page.content.decode()
    assert [str(m) for m in get_messages(claim.wsgi_request)] == ["This voucher can no longer be claimed."]
    assert not VoucherClaim.objects.exists()


def test_shop_page_offers_only_its_own_vouchers(client, shop, percent):
    VoucherFactory(code="LAINTOKO", shop=factories.ShopFactory(), is_claimable=True)
    VoucherFactory(code="LAPAKSEMUA", is_claimable=True)

    assert offered(client.get(shop_url(shop))) == ["ANDALAS10"]


def test_wallet_lists_claimed_vouchers_still_valid_and_platform_ones_to_claim(
    buyer_client, buyer, shop, percent
):
    expired = VoucherFactory(
        code="KADALUARSA",
        shop=shop,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=1),
    )
    VoucherClaim.objects.create(voucher=percent, user=buyer)
    VoucherClaim.objects.create(voucher=expired, user=buyer)
    platform = VoucherFactory(
        code="LAPAKONGKIR", kind=VoucherKind.FREE_SHIPPING, value=0, max_discount=10_000, is_claimable=True
    )
    VoucherFactory(code="RAHASIA", is_claimable=False)

    response = buyer_client.get(WALLET)

    assert [v.code for v in response.context["held"]] == ["ANDALAS10"]
    assert [v.code for v in response.context["platform"]] == ["LAPAKONGKIR"]
    content = response.content.decode()
    assert "Toko Andalas" in content
    assert "Free shipping up to Rp 10.000" in content
    assert f'action="{claim_url(platform)}"' in content
    assert "KADALUARSA" not in content
    assert "RAHASIA" not in content


def test_claiming_a_platform_voucher_moves_it_into_the_wallet(buyer_client, buyer):
    platform = VoucherFactory(code="LAPAK20", is_claimable=True)

    buyer_client.post(claim_url(platform), {"next": WALLET})
    response = buyer_client.get(WALLET)

    assert [v.code for v in response.context["held"]] == ["LAPAK20"]
    assert response.context["platform"] == []


# shop page without products: shop, category tree, COUNT, the vouchers with "claimed", and the
# shop's current and past lives (live_tags.shop_lives, cached once read).
SHOP_QUERIES = 6


@pytest.mark.parametrize("count", [1, 10])
def test_shop_page_vouchers_cost_one_query_whatever_their_number(
    client, shop, buyer, django_assert_num_queries, count
):
    # Claimed by someone else: the anonymous viewer still sees Klaim buttons.
    for number in range(count):
        voucher = VoucherFactory(code=f"VC{number:04d}", shop=shop, is_claimable=True)
        VoucherClaim.objects.create(voucher=voucher, user=buyer)

    with django_assert_num_queries(SHOP_QUERIES):
        response = client.get(shop_url(shop))

    assert len(response.context["vouchers"]) == count


@pytest.mark.parametrize("count", [1, 10])
def test_warm_shop_page_pays_one_query_for_the_viewers_claims(
    client, shop, buyer, django_assert_num_queries, count
):
    for number in range(count):
        voucher = VoucherFactory(code=f"VC{number:04d}", shop=shop, is_claimable=True)
        if number % 2 == 0:
            VoucherClaim.objects.create(voucher=voucher, user=buyer)
    client.force_login(buyer)
    client.get(shop_url(shop))

    # the user, the shop, "am I following", my claims (the voucher list comes from the cache)
    with django_assert_num_queries(4):
        response = client.get(shop_url(shop))

    vouchers = response.context["vouchers"]
    assert [voucher.is_claimed for voucher in vouchers] == [number % 2 == 0 for number in range(count)]


def test_a_voucher_switched_off_in_the_admin_leaves_the_shop_page_at_once(
    client, shop, percent, seller_factory, django_capture_on_commit_callbacks
):
    assert offered(client.get(shop_url(shop))) == ["ANDALAS10"]  # now cached
    client.force_login(seller_factory(shop, username="ani"))
    data = {
        "code": "ANDALAS10",
        "title": "Andalas 10%",
        "kind": VoucherKind.PERCENT,
        "value": "10",
        "max_discount": "20000",
        "min_spend": "100000",
        "starts_at_0": "2026-01-01",
        "starts_at_1": "00:00:00",
        "ends_at_0": "2099-11-30",
        "ends_at_1": "12:00:00",
        "per_user_limit": "1",
        "is_claimable": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:orders_voucher_change", args=[percent.pk]), data)

    assert response.status_code == 302
    client.logout()
    assert offered(client.get(shop_url(shop))) == []
