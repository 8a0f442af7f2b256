"""`manage.py seed_demo_vouchers`: the vouchers the README's tour uses, usable at checkout."""

import pytest
from django.core.management import call_command

from orders.models import Voucher, VoucherClaim
from orders.selectors import ShopChoice
from orders.vouchers.services import voucher_claim
from tests.kit.buying import place
from tests.kit.factories import AddressFactory, ShopFactory, UserFactory, make_variant

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def demo_shops():
    return ShopFactory(slug="batik-pekalongan-asli"), ShopFactory(slug="lemari-thrift-jogja")


def test_running_twice_creates_each_voucher_once_and_andi_holds_the_platform_one(demo_shops):
    batik, thrift = demo_shops
    andi = UserFactory(username="andi")

    call_command("seed_demo_vouchers", verbosity=0)
    call_command("seed_demo_vouchers", verbosity=0)

    assert Voucher.objects.filter(shop=None).count() == 2
    assert Voucher.objects.get(code="BATIK20").shop == batik
    assert Voucher.objects.get(code="THRIFT15").shop == thrift
    assert list(VoucherClaim.objects.filter(user=andi).values_list("voucher__code", flat=True)) == [
        "LAPAKHEMAT"
    ]


def test_a_missing_demo_shop_only_skips_its_voucher():
    call_command("seed_demo_vouchers", verbosity=0)

    assert set(Voucher.objects.values_list("code", flat=True)) == {"LAPAKHEMAT", "GRATISONGKIR"}


def test_the_tour_vouchers_discount_a_real_checkout(demo_shops):
    batik, _ = demo_shops
    call_command("seed_demo_vouchers", verbosity=0)
    buyer = UserFactory()
    AddressFactory(user=buyer, is_default=True)
    variant = make_variant(shop=batik, price=200_000)
    voucher_claim(user=buyer, voucher=Voucher.objects.get(code="BATIK20"))  # from the shop page
    voucher_claim(user=buyer, voucher=Voucher.objects.get(code="LAPAKHEMAT"))

    checkout = place(
        buyer,
        [(variant, 1)],
        platform_voucher_code="LAPAKHEMAT",
        choices={batik.pk: ShopChoice(voucher_code="BATIK20")},
    )

    order = checkout.orders.get()
    # Rp 20.000 off from the shop, then 10% of the rest from the platform (Rp 18.000, under its cap).
    assert order.discount == 20_000 + 18_000


def test_the_free_shipping_code_is_typed_without_claiming(demo_shops):
    batik, _ = demo_shops
    call_command("seed_demo_vouchers", verbosity=0)
    buyer = UserFactory()
    AddressFactory(user=buyer, is_default=True)
    variant = make_variant(shop=batik, price=60_000)

    order = place(buyer, [(variant, 1)], platform_voucher_code="GRATISONGKIR").orders.get()

    assert order.shipping_discount == min(order.shipping_fee, 20_000) > 0
