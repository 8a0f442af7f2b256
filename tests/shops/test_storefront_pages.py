"""What each shopper page shows, in which order, and how many queries it costs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shops.enums import Condition
from shops.models import Follow, Shop
from shops.services import product_refresh_summary
from tests.kit import factories
from tests.kit.pages import page_html as _content

pytestmark = pytest.mark.django_db


def _titles(response):
    assert response.status_code == 200
    return [product.title for product in response.context["page"].object_list]


# --- Product detail ----------------------------------------------------------------------------
@pytest.fixture
def flannel(shop_factory, category_factory):
    shop = shop_factory(
        name="Toko Preloved Bandung", slug="preloved-bandung", city="Bandung", is_verified=True
    )
    Shop.objects.filter(pk=shop.pk).update(follower_count=1234)
    product = factories.ProductFactory(
        shop=shop,
        category=category_factory(name="Kemeja", slug="kemeja"),
        title="Kemeja Flanel Uniqlo",
        slug="kemeja-flanel-uniqlo",
        condition=Condition.GOOD,
        condition_notes="Warna sedikit pudar di kerah.",
        chest_cm=Decimal("52.5"),
        length_cm=Decimal("71.0"),
    )
    factories.ProductVariantFactory(
        product=product, size="M", price=125_000, compare_at_price=250_000, stock=3
    )
    factories.ProductVariantFactory(product=product, size="L", price=140_000, stock=0)
    factories.ProductVariantFactory(product=product, size="XL", price=99_000, stock=5, is_active=False)
    factories.ProductImageFactory(product=product, position=2, alt_text="Foto belakang")
    factories.ProductImageFactory(product=product, position=1, alt_text="Foto depan")
    factories.ProductDefectFactory(product=product, description="Kancing kedua hilang")
    return product_refresh_summary(product=product)


def test_product_detail_shows_price_variants_condition_measurements_defects_and_shop(client, flannel):
    response = client.get(reverse("product_detail", args=["preloved-bandung", "kemeja-flanel-uniqlo"]))
    html = _content(response)

    assert "Kemeja Flanel Uniqlo" in html
    assert '<span class="price price-large" data-price>Rp 125.000</span>' in html
    assert '<s class="compare-at" data-compare-at>Rp 250.000</s>' in html
    assert "-50%" in html
    # Each active variant with its stock; the inactive XL is not offered.
    assert "Stok 3" in html
    assert "Habis" in html
    assert 'data-price="Rp 140.000"' in html
    assert "XL" not in html
    assert html.count('type="radio"') == 2
    # Condition badge and notes.
    assert "Kondisi: Baik" in html
    assert "Warna sedikit pudar di kerah." in html
    # Measurements: only those given, decimal comma in Indonesian.
    assert "Lebar dada (ketiak ke ketiak)" in html
    assert "52,5 cm" in html
    assert "71 cm" in html
    assert "Lengan" not in html
    # Defects with their photo.
    assert "Kancing kedua hilang" in html
    assert "products/defects/" in html
    # Shop card.
    assert "Toko Preloved Bandung" in html
    assert "Terverifikasi" in html
    assert "1234 pengikut" in html
    assert reverse("shop_detail", args=["preloved-bandung"]) in html
    # Gallery in position order: the first is the main photo, and the thumbnails follow in order.
    assert html.index('alt="Foto depan"') < html.index('data-alt="Foto belakang"')
    assert html.index('data-alt="Foto depan"') < html.index('data-alt="Foto belakang"')


def test_product_detail_without_measurements_has_no_table(client, active_product):
    product = active_product(title="Tas Rotan")

    html = _content(client.get(reverse("product_detail", args=[product.shop.slug, product.slug])))

    assert "Rp 125.000" in html
    assert '<table class="measurements">' not in html
    assert "Cacat yang diungkapkan" not in html
    assert "data-compare-at hidden" in html


def test_product_detail_more_from_this_shop_lists_up_to_six_others(client, active_product, shop_factory):
    shop = shop_factory()
    product = active_product(shop=shop, title="Produk Utama")
    for number in range(7):
        active_product(shop=shop, title=f"Lainnya {number}")
    active_product(title="Toko Lain")

    response = client.get(reverse("product_detail", args=[shop.slug, product.slug]))

    more = [p.title for p in response.context["more_from_shop"]]
    assert more == [f"Lainnya {n}" for n in (6, 5, 4, 3, 2, 1)]


# --- Product list: filters and sorts ----------------------------------------------------------
@pytest.fixture
def catalog(active_product, category_factory, shop_factory):
    fashion = category_factory(name="Fashion", slug="fashion")
    tops = category_factory(name="Atasan", slug="atasan", parent=fashion)
    shirts = category_factory(name="Kemeja", slug="kemeja-cat", parent=tops)
    crafts = category_factory(name="Kerajinan", slug="kerajinan")
    shop = shop_factory(slug="toko-satu")
    products = {
        "a": active_product(
            title="A Kemeja", category=shirts, price=150_000, condition=Condition.GOOD, shop=shop
        ),
        "b": active_product(title="B Atasan", category=tops, price=50_000, condition=Condition.NEW),
        "c": active_product(title="C Fashion", category=fashion, price=300_000, condition=Condition.LIKE_NEW),
        "d": active_product(
            title="D Anyaman", category=crafts, price=75_000, condition=Condition.FAIR, shop=shop
        ),
    }
    # sold_count is maintained by orders; set it directly for the "popular" sort.
    for key, sold in {"a": 5, "b": 20, "c": 0, "d": 5}.items():
        type(products[key]).objects.filter(pk=products[key].pk).update(sold_count=sold)
    return products


def test_default_sort_is_newest_first(client, catalog):
    assert _titles(client.get(reverse("product_list"))) == ["D Anyaman", "C Fashion", "B Atasan", "A Kemeja"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["D Anyaman", "C Fashion", "B Atasan", "A Kemeja"]),
        ("popular", ["B Atasan", "D Anyaman", "A Kemeja", "C Fashion"]),
        ("price_asc", ["B Atasan", "D Anyaman", "A Kemeja", "C Fashion"]),
        ("price_desc", ["C Fashion", "A Kemeja", "D Anyaman", "B Atasan"]),
    ],
)
def test_sorts(client, catalog, sort, expected):
    assert _titles(client.get(reverse("product_list"), {"sort": sort})) == expected


def test_category_filter_includes_descendants(client, catalog):
    assert _titles(client.get(reverse("product_list"), {"category": "fashion", "sort": "price_asc"})) == [
        "B Atasan",
        "A Kemeja",
        "C Fashion",
    ]
    assert _titles(client.get(reverse("product_list"), {"category": "atasan", "sort": "price_asc"})) == [
        "B Atasan",
        "A Kemeja",
    ]
    assert _titles(client.get(reverse("product_list"), {"category": "kemeja-cat"})) == ["A Kemeja"]


def test_price_range_condition_and_shop_filters(client, catalog):
    url = reverse("product_list")
    assert _titles(client.get(url, {"min_price": "75000", "max_price": "150000", "sort": "price_asc"})) == [
        "D Anyaman",
        "A Kemeja",
    ]
    assert _titles(client.get(url, {"condition": ["good", "fair"], "sort": "price_asc"})) == [
        "D Anyaman",
        "A Kemeja",
    ]
    assert _titles(client.get(url, {"shop": "toko-satu", "sort": "price_desc"})) == ["A Kemeja", "D Anyaman"]
    assert _titles(client.get(url, {"shop": "toko-satu", "condition": "good"})) == ["A Kemeja"]


def test_category_tree_cache_is_dropped_when_a_category_changes(client, catalog, category_factory):
    client.get(reverse("product_list"))  # fills the cache
    category_factory(name="Elektronik", slug="elektronik")

    html = _content(client.get(reverse("home")))

    assert "Elektronik" in html


def test_list_cards_show_price_discount_and_pagination(client, active_product):
    for number in range(25):
        active_product(title=f"Kaos {number:02d}")
    product = factories.ProductFactory(title="Diskon")
    factories.ProductVariantFactory(product=product, price=125_000, compare_at_price=250_000)
    product_refresh_summary(product=product)

    first = client.get(reverse("product_list"))
    html = _content(first)
    second = client.get(reverse("product_list"), {"page": "2"})

    assert len(first.context["page"].object_list) == 24
    assert "<s>Rp 250.000</s>" in html
    assert "-50%" in html
    assert "26 produk" in html
    assert "Halaman 1 dari 2" in html
    assert "?page=2" in html
    assert _titles(second) == ["Kaos 01", "Kaos 00"]


# --- Home --------------------------------------------------------------------------------------
def test_home_shows_categories_trending_new_shops_and_empty_live_strip(
    client, active_product, category_factory, shop_factory
):
    parent = category_factory(name="Fashion Wanita", slug="fashion-wanita")
    category_factory(name="Sub Kategori", slug="sub", parent=parent)
    top = active_product(title="Paling Laku")
    type(top).objects.filter(pk=top.pk).update(sold_count=50)
    active_product(title="Biasa Saja")
    shop_factory(name="Toko Terbaru")

    response = client.get(reverse("home"))
    html = _content(response)

    assert "Fashion Wanita" in html
    assert "Sub Kategori" not in html  # tiles are top level only
    assert "Belum ada siaran langsung." in html
    assert [p.title for p in response.context["trending"]] == ["Paling Laku", "Biasa Saja"]
    assert "Toko Terbaru" in html
    assert response.context["new_shops"][0].name == "Toko Terbaru"


# --- Shop page and follow ----------------------------------------------------------------------
def test_shop_page_shows_identity_and_its_own_products(client, active_product, shop_factory):
    shop = shop_factory(name="Batik Bu Sri", city="Solo", bio="Batik tulis asli.", is_verified=True)
    Shop.objects.filter(pk=shop.pk).update(follower_count=7)
    active_product(shop=shop, title="Batik Parang", price=90_000)
    active_product(shop=shop, title="Batik Kawung", price=60_000)
    active_product(title="Produk Toko Lain")

    response = client.get(reverse("shop_detail", args=[shop.slug]), {"sort": "price_asc"})
    html = _content(response)

    assert "Batik Bu Sri" in html
    assert "Solo" in html
    assert "Batik tulis asli." in html
    assert "Terverifikasi" in html
    assert "7 pengikut" in html
    assert "+ Ikuti" in html
    assert _titles(response) == ["Batik Kawung", "Batik Parang"]
    assert "Produk Toko Lain" not in html
    # The shop filter is not offered on the shop's own page.
    assert 'name="shop"' not in html


def test_follow_and_unfollow_move_the_count(client, buyer, shop_factory):
    shop = shop_factory()
    client.force_login(buyer)

    response = client.post(reverse("shop_follow", args=[shop.slug]))
    assert response.status_code == 302
    assert response.url == reverse("shop_detail", args=[shop.slug])
    shop.refresh_from_db()
    assert shop.follower_count == 1
    assert Follow.objects.filter(user=buyer, shop=shop).count() == 1
    assert "Mengikuti" in _content(client.get(reverse("shop_detail", args=[shop.slug])))

    # Following twice changes nothing.
    client.post(reverse("shop_follow", args=[shop.slug]))
    shop.refresh_from_db()
    assert shop.follower_count == 1

    client.post(reverse("shop_unfollow", args=[shop.slug]))
    shop.refresh_from_db()
    assert shop.follower_count == 0
    assert not Follow.objects.exists()


def test_follow_with_htmx_returns_the_follow_box(client, buyer, shop_factory):
    shop = shop_factory()
    client.force_login(buyer)

    response = client.post(reverse("shop_follow", args=[shop.slug]), headers={"HX-Request": "true"})

    html = _content(response)
    assert html.strip().startswith('<div id="follow-box"')
    assert "1 pengikut" in html
    assert "Mengikuti" in html


def test_follow_requires_login_and_comes_back_to_the_shop(client, shop_factory):
    shop = shop_factory()

    response = client.post(reverse("shop_follow", args=[shop.slug]))

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + reverse("shop_detail", args=[shop.slug])
    shop.refresh_from_db()
    assert shop.follower_count == 0
    assert not Follow.objects.exists()


def test_follow_by_get_changes_nothing(client, buyer, shop_factory):
    shop = shop_factory()
    client.force_login(buyer)

    assert client.get(reverse("shop_follow", args=[shop.slug])).status_code == 405
    assert client.get(reverse("shop_unfollow", args=[shop.slug])).status_code == 405
    shop.refresh_from_db()
    assert shop.follower_count == 0
    assert not Follow.objects.exists()


def test_follow_post_without_csrf_token_is_refused(buyer, shop_factory):
    from django.test import Client

    shop = shop_factory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)

    assert client.post(reverse("shop_follow", args=[shop.slug])).status_code == 403
    assert not Follow.objects.exists()


# --- Query counts ------------------------------------------------------------------------------
# The same bound with 3 and with 30 products proves no query per product. Cold cache each time
# (tests/conftest.py clears it), so the category tree read is counted.
def _make_products(count, *, shop=None, with_images=True):
    shop = shop or factories.ShopFactory()
    category = factories.CategoryFactory()
    products = []
    for number in range(count):
        product = factories.active_product(shop=shop, category=category, title=f"Barang {number}")
        if with_images:
            factories.ProductImageFactory(product=product, position=0)
            factories.ProductImageFactory(product=product, position=1)
        products.append(product)
    return products


# home: category tree, trending products, their first images, newest shops, the live strip
# (live/selectors.py: live now and upcoming in one query).
HOME_QUERIES = 5
# list: category tree, COUNT, the page, first images.
LIST_QUERIES = 4
# search adds the EXISTS that decides between full text and the fuzzy fallback.
SEARCH_QUERIES = 5
# detail: product+shop+category, images, variants, defects, category tree, more-from-shop, their images.
DETAIL_QUERIES = 7
# shop page: shop, category tree, COUNT, the page, first images, the shop's vouchers
# (orders_tags.shop_vouchers, claimed-or-not in the same query), the shop's current and past
# lives (live_tags.shop_lives).
SHOP_QUERIES = 8
# logged in adds the user and "am I following" (the cached_db session is read from the cache).
SHOP_QUERIES_LOGGED_IN = 10


@pytest.mark.parametrize("count", [3, 30])
def test_home_query_count(client, django_assert_num_queries, count):
    _make_products(count)
    with django_assert_num_queries(HOME_QUERIES):
        client.get(reverse("home"))


@pytest.mark.parametrize("count", [3, 30])
def test_product_list_query_count(client, django_assert_num_queries, count):
    _make_products(count)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("product_list"))
    assert len(response.context["page"].object_list) == min(count, 24)


@pytest.mark.parametrize("count", [3, 30])
def test_product_search_query_count(client, django_assert_num_queries, count):
    _make_products(count)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(reverse("product_list"), {"q": "barang"})
    assert len(response.context["page"].object_list) == min(count, 24)


@pytest.mark.parametrize("count", [3, 30])
def test_product_detail_query_count(client, django_assert_num_queries, count):
    products = _make_products(count)
    product = products[0]
    for _ in range(count):
        factories.ProductVariantFactory(product=product, stock=2)
        factories.ProductDefectFactory(product=product)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("product_detail", args=[product.shop.slug, product.slug]))
    assert len(response.context["more_from_shop"]) == min(count - 1, 6)


@pytest.mark.parametrize("count", [3, 30])
def test_shop_page_query_count(client, django_assert_num_queries, count):
    shop = factories.ShopFactory()
    _make_products(count, shop=shop)
    with django_assert_num_queries(SHOP_QUERIES):
        client.get(reverse("shop_detail", args=[shop.slug]))


@pytest.mark.parametrize("count", [3, 30])
def test_shop_page_query_count_logged_in(client, buyer, django_assert_num_queries, count):
    shop = factories.ShopFactory()
    _make_products(count, shop=shop)
    client.force_login(buyer)
    with django_assert_num_queries(SHOP_QUERIES_LOGGED_IN):
        client.get(reverse("shop_detail", args=[shop.slug]))
