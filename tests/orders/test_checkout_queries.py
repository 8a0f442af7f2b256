"""What placing a checkout costs the database, query by query (house style: exact counts)."""

import pytest

from orders.enums import PaymentMethod, VoucherKind
from orders.selectors import ShopChoice
from tests.kit.buying import place
from tests.kit.factories import AddressFactory, ShopFactory, UserFactory, VoucherFactory, make_variant

pytestmark = [pytest.mark.django_db]


def test_a_two_shop_checkout_with_a_shop_voucher_takes_25_queries(django_assert_num_queries):
    # given: two shops, a buyer with an address, and a voucher of the first shop
    buyer = UserFactory()
    address = AddressFactory(user=buyer)
    shirt = make_variant(shop=ShopFactory(city="Bandung"), price=120_000, stock=5)
    batik = make_variant(shop=ShopFactory(city="Surabaya"), price=250_000, stock=3)
    VoucherFactory(code="POTONG", shop=shirt.product.shop, kind=VoucherKind.FIXED, value=20_000)

    # when / then: the count does not grow with the number of lines or shops but for one
    # savepoint-and-insert per order and one conditional UPDATE per variant and product.
    # (Inside the test's transaction, atomic() blocks are savepoints, and count.)
    #  1  SAVEPOINT                    checkout_place's transaction
    #  2  SELECT user FOR UPDATE       one buyer's submits run one at a time
    #  3  SELECT checkout              the idempotency key placed before?
    #  4  SELECT address               the buyer's own address
    #  5  INSERT checkout              first write, so a racing duplicate blocks on the unique key
    #  6  SELECT variants              with product and shop joined, both lines at once
    #  7  SELECT defects               of both products at once (acknowledged defects)
    #  8  SELECT vouchers              the codes chosen, valid now, at once
    #  9-11  SAVEPOINT, INSERT order, RELEASE     the first shop's order (a fresh number each try)
    # 12-14  SAVEPOINT, INSERT order, RELEASE     the second shop's order
    # 15  INSERT order items          both orders' lines in one bulk insert
    # 16  INSERT order events         the initial status of both orders, in one bulk insert
    # 17  INSERT voucher redemption
    # 18  UPDATE checkout             grand total (and platform voucher)
    # 19  INSERT notification         "order placed" for the buyer
    # 20-21  UPDATE variant stock     conditional (stock >= n), one per variant
    # 22-23  UPDATE product stock     the products' stock totals
    # 24  UPDATE voucher used_count   conditional on its usage limit
    # 25  RELEASE SAVEPOINT
    with django_assert_num_queries(25):
        checkout = place(
            buyer,
            [(shirt, 2), (batik, 1)],
            address_id=address.pk,
            payment_method=PaymentMethod.BANK_TRANSFER,
            choices={shirt.product.shop_id: ShopChoice(voucher_code="POTONG")},
        )

    assert checkout.orders.count() == 2
    assert checkout.voucher_redemptions.get().amount == 20_000
