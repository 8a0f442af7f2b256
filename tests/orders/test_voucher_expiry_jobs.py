"""Voucher expiry jobs: one warning per holder a day before the end; ended vouchers retired."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.models import Notification
from orders import tasks
from orders.models import Voucher, VoucherRedemption
from tests.kit.factories import CheckoutFactory, VoucherClaimFactory, VoucherFactory

pytestmark = pytest.mark.django_db


def test_holders_of_a_voucher_ending_within_a_day_are_warned_once(user_factory):
    voucher = VoucherFactory(ends_at=timezone.now() + timedelta(hours=20), is_claimable=True)
    later = VoucherFactory(ends_at=timezone.now() + timedelta(days=3), is_claimable=True)
    holders = [user_factory(username=f"pemegang{i}") for i in range(2)]
    for holder in holders:
        VoucherClaimFactory(voucher=voucher, user=holder)
        VoucherClaimFactory(voucher=later, user=holder)

    assert tasks.warn_expiring_vouchers() == 2
    assert tasks.warn_expiring_vouchers() == 0

    warnings = Notification.objects.filter(kind="voucher_expiring")
    assert sorted(warnings.values_list("user_id", flat=True)) == sorted(h.pk for h in holders)
    assert {n.url for n in warnings} == {f"/akun/voucher/?voucher={voucher.pk}"}


def test_holders_who_used_it_up_are_not_warned(user_factory):
    voucher = VoucherFactory(ends_at=timezone.now() + timedelta(hours=5), is_claimable=True, per_user_limit=1)
    used, unused = user_factory(username="sudahpakai"), user_factory(username="belumpakai")
    for holder in (used, unused):
        VoucherClaimFactory(voucher=voucher, user=holder)
    VoucherRedemption.objects.create(
        voucher=voucher, user=used, checkout=CheckoutFactory(buyer=used), amount=10_000
    )

    assert tasks.warn_expiring_vouchers() == 1

    assert list(Notification.objects.values_list("user_id", flat=True)) == [unused.pk]


def test_expired_vouchers_are_deactivated_safely_twice():
    ended = VoucherFactory(
        starts_at=timezone.now() - timedelta(days=10), ends_at=timezone.now() - timedelta(minutes=1)
    )
    running = VoucherFactory()

    assert tasks.deactivate_expired_vouchers() == 1
    assert tasks.deactivate_expired_vouchers() == 0

    assert dict(Voucher.objects.values_list("pk", "is_active")) == {ended.pk: False, running.pk: True}
