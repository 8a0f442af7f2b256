"""Cached catalog fragments: warm pages skip the database, and no change waits for a timeout."""

import pytest
from django.urls import reverse

from shops.enums import ProductStatus
from shops.services import product_approve, product_refresh_summary, shop_suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(active_product, shop_factory):
    shop = shop_factory(name="Batik Pekalongan", slug="batik-pekalongan")
    return {
        "shirt": active_product(shop=shop, title="Kemeja Batik Parang", slug="kemeja-batik", price=189_000),
        "scarf": active_product(shop=shop, title="Selendang Sutra", slug="selendang", price=250_000),
        "shop": shop,
    }


@pytest.mark.parametrize(
    "url", [reverse("home"), reverse("product_list"), reverse("product_list") + "?q=batik&sort=price_asc"]
)
def test_a_warm_page_makes_no_query_for_an_anonymous_shopper(client, catalog, url, django_assert_num_queries):
    first = client.get(url).content.decode()

    with django_assert_num_queries(0):
        second = client.get(url).content.decode()
    assert "Kemeja Batik Parang" in second
    assert second.count("product-card") == first.count("product-card")


def test_the_shop_page_caches_its_showcase_but_not_the_follow_box(
    client, catalog, buyer, django_assert_num_queries
):
    url = reverse("shop_detail", args=["batik-pekalongan"])
    client.get(url)
    client.force_login(buyer)
    client.get(url)

    # the user, the shop and whether this user follows it (the session comes from the cache);
    # no product query
    with django_assert_num_queries(3):
        html = client.get(url).content.decode()
    assert "Selendang Sutra" in html
    assert reverse("shop_follow", args=["batik-pekalongan"]) in html


def test_a_price_change_shows_at_once(client, catalog, django_capture_on_commit_callbacks):
    client.get(reverse("product_list"))
    variant = catalog["shirt"].variants.get()

    with django_capture_on_commit_callbacks(execute=True):
        variant.price = 159_000
        variant.save()
        product_refresh_summary(product=catalog["shirt"])

    html = client.get(reverse("product_list")).content.decode()
    assert "Rp 159.000" in html
    assert "Rp 189.000" not in html


def test_an_approval_and_a_suspension_show_at_once(
    client, catalog, staff_user, product_factory, variant_factory, django_capture_on_commit_callbacks
):
    pending = product_factory(
        shop=catalog["shop"], title="Kain Batik Tulis", slug="kain", status=ProductStatus.PENDING_REVIEW
    )
    variant_factory(product=pending, price=450_000)
    product_refresh_summary(product=pending)
    assert "Kain Batik Tulis" not in client.get(reverse("product_list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        product_approve(product=pending, actor=staff_user)
    assert "Kain Batik Tulis" in client.get(reverse("product_list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop=catalog["shop"], actor=staff_user, reason="Laporan penipuan")
    html = client.get(reverse("product_list")).content.decode()
    assert "Kain Batik Tulis" not in html
    assert "Kemeja Batik Parang" not in html


def test_a_change_is_not_announced_before_it_commits(client, catalog, django_capture_on_commit_callbacks):
    from shops.fragments import catalog_version

    before = catalog_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        catalog["scarf"].save()

    # until the transaction commits, readers keep the old version (and cannot cache new rows under it)
    assert catalog_version() == before
    callbacks[0]()
    assert catalog_version() != before


def test_each_language_gets_its_own_fragment(client, catalog):
    url = reverse("product_list") + "?sort=nonsense"
    assert "Beberapa filter tidak valid" in client.get(url).content.decode()

    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(url).content.decode()
    assert "Some filters were not valid and were ignored." in english  # the warning survives a cache hit
    assert "Kemeja Batik Parang" in english
    assert "Urutkan" not in english


def test_a_warm_product_page_reads_only_the_product_and_its_live_variants(
    client, catalog, django_assert_num_queries
):
    url = catalog["shirt"].get_absolute_url()
    client.get(url)
    # a checkout reserves stock with a plain UPDATE: no signal, no cache bump
    catalog["shirt"].variants.update(stock=1)

    with django_assert_num_queries(2):
        html = client.get(url).content.decode()
    assert "Stok 1" in html  # stock is never served from the cache
    assert "Selendang Sutra" in html  # "more from this shop", from the cached fragment
