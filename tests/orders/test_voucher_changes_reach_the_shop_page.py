"""The shop page caches its voucher strip; every way a voucher is written (the admin's save, the
expiry job, the demo seed) drops it, so the shopper's next page shows the new state."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from orders.models import Voucher
from orders.vouchers import expiry
from orders.vouchers.selectors import _shop_vouchers_key, voucher_list_offered_by_shop
from orders.vouchers.services import voucher_save
from tests.kit.factories import ShopFactory, VoucherFactory

pytestmark = pytest.mark.django_db


def offered(shop) -> list[tuple[str, str]]:
    return [(v.code, v.title) for v in voucher_list_offered_by_shop(shop=shop, user=AnonymousUser())]


def test_an_admin_save_shows_on_the_next_page(django_capture_on_commit_callbacks):
    shop = ShopFactory()
    voucher = VoucherFactory(shop=shop, code="HEMAT5", title="Hemat 5rb", is_claimable=True)
    assert offered(shop) == [("HEMAT5", "Hemat 5rb")]  # cached now

    voucher.title = "Hemat 5 ribu"
    with django_capture_on_commit_callbacks(execute=True):
        voucher_save(voucher=voucher)

    assert offered(shop) == [("HEMAT5", "Hemat 5 ribu")]


def test_the_demo_seed_shows_on_the_next_page(django_capture_on_commit_callbacks):
    shop = ShopFactory(slug="batik-pekalongan-asli")
    assert offered(shop) == []  # cached now, empty

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo_vouchers", verbosity=0)

    assert [code for code, _title in offered(shop)] == ["BATIK20"]


def test_the_expiry_job_drops_the_strip_it_changed(django_capture_on_commit_callbacks):
    shop = ShopFactory()
    VoucherFactory(shop=shop, code="LAMA", is_claimable=True, ends_at=timezone.now() + timedelta(minutes=1))
    assert [code for code, _title in offered(shop)] == ["LAMA"]
    assert cache.get(_shop_vouchers_key(shop.pk)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        assert expiry.vouchers_deactivate_expired(now=timezone.now() + timedelta(minutes=2)) == 1

    assert cache.get(_shop_vouchers_key(shop.pk)) is None
    assert Voucher.objects.get(code="LAMA").is_active is False
    assert offered(shop) == []
