"""Keyword search: PostgreSQL full text (Indonesian + English stemming), ranked, with a trigram
fallback for typos, combined with the list's filters; bad input never errors the page."""

import pytest
from django.urls import reverse

from shops.enums import Condition
from shops.models import Product
from shops.selectors import product_list_visible, product_search

pytestmark = pytest.mark.django_db


def _titles(client, params):
    response = client.get(reverse("product_list"), params)
    assert response.status_code == 200
    return [product.title for product in response.context["page"].object_list], response


def test_title_match_ranks_above_description_only_match(client, active_product):
    active_product(title="Tas Anyaman Rotan", description="Cocok dipadukan dengan kemeja flanel.")
    active_product(title="Kemeja Flanel Kotak", description="Bahan katun tebal.")
    active_product(title="Celana Jeans", description="Biru tua.")

    titles, response = _titles(client, {"q": "flanel"})

    assert titles == ["Kemeja Flanel Kotak", "Tas Anyaman Rotan"]
    assert response.context["is_fuzzy"] is False


def test_indonesian_word_is_found(client, active_product):
    active_product(title="Sepatu Lari Ringan")
    active_product(title="Kaos Polos")

    titles, _ = _titles(client, {"q": "sepatu"})

    assert titles == ["Sepatu Lari Ringan"]


def test_indonesian_stemming_strips_suffixes_and_prefixes(client, active_product):
    # to_tsvector('indonesian', 'batiknya') = 'batik'; 'berlari' = 'lari'.
    active_product(title="Kain Batik Tulis Solo")
    active_product(title="Sepatu Lari Ringan")
    active_product(title="Kaos Polos")

    assert _titles(client, {"q": "batiknya"})[0] == ["Kain Batik Tulis Solo"]
    assert _titles(client, {"q": "berlari"})[0] == ["Sepatu Lari Ringan"]


def test_english_words_are_found_by_english_stemming(client, active_product):
    active_product(title="Flannel Shirt Red")
    active_product(title="Running Shoes Blue")
    active_product(title="Kaos Polos")

    assert _titles(client, {"q": "shirt"})[0] == ["Flannel Shirt Red"]
    # "shoes" → 'shoe' and "run" matches "Running" only through the english config.
    assert _titles(client, {"q": "shoes"})[0] == ["Running Shoes Blue"]
    assert _titles(client, {"q": "run"})[0] == ["Running Shoes Blue"]


def test_typo_falls_back_to_trigram_similarity_and_says_so(client, active_product):
    active_product(title="Kemeja Flanel Pria")
    active_product(title="Celana Jeans")

    titles, response = _titles(client, {"q": "kemja flanel"})

    assert titles == ["Kemeja Flanel Pria"]
    assert response.context["is_fuzzy"] is True
    assert "Menampilkan hasil yang mirip" in response.content.decode()


def test_nothing_close_finds_nothing(client, active_product):
    active_product(title="Kemeja Flanel Pria")

    titles, response = _titles(client, {"q": "xyzzyq"})

    assert titles == []
    assert "Tidak ada produk yang cocok" in response.content.decode()


def test_search_combines_with_filters(client, active_product, category_factory, shop_factory):
    fashion = category_factory(name="Fashion", slug="fashion")
    tops = category_factory(name="Atasan", slug="atasan", parent=fashion)
    home = category_factory(name="Rumah", slug="rumah")
    shop = shop_factory(slug="toko-flanel")
    active_product(title="Kemeja Flanel Murah", category=tops, price=90_000, shop=shop)
    active_product(title="Kemeja Flanel Mahal", category=tops, price=300_000, condition=Condition.GOOD)
    active_product(title="Selimut Flanel", category=home, price=90_000)

    assert _titles(client, {"q": "flanel", "category": "fashion", "sort": "price_asc"})[0] == [
        "Kemeja Flanel Murah",
        "Kemeja Flanel Mahal",
    ]
    assert _titles(client, {"q": "flanel", "max_price": "100000", "sort": "price_asc"})[0] == [
        "Kemeja Flanel Murah",
        "Selimut Flanel",
    ]
    assert _titles(client, {"q": "flanel", "condition": "good"})[0] == ["Kemeja Flanel Mahal"]
    assert _titles(client, {"q": "flanel", "shop": "toko-flanel"})[0] == ["Kemeja Flanel Murah"]
    # The fuzzy fallback respects the filters too.
    assert _titles(client, {"q": "kemja", "category": "rumah"})[0] == []


def test_product_search_selector_reports_fallback(active_product):
    active_product(title="Kemeja Flanel Pria")

    exact = product_search(products=product_list_visible(), query="kemeja")
    fuzzy = product_search(products=product_list_visible(), query="kemja")

    assert [p.title for p in exact.products] == ["Kemeja Flanel Pria"]
    assert exact.is_fuzzy is False
    assert [p.title for p in fuzzy.products] == ["Kemeja Flanel Pria"]
    assert fuzzy.is_fuzzy is True


@pytest.mark.parametrize(
    "params",
    [
        "q=&&&'\"",
        "q=%27%22%3B--%20DROP%20TABLE",
        "q=!!!%20%7C%7C%20%26%26%20(",
        "q=-",
        "q=" + "a" * 500,
        "min_price=abc",
        "max_price=-5",
        "min_price=1e400",
        "min_price=99999999999999999999999",
        "page=999",
        "page=abc",
        "page=-1",
        "sort=nope",
        "category=does-not-exist",
        "condition=broken",
        "condition=new&condition=",
        "min_price=%C2%B2",  # "²": isdigit() but not int()
        "page=%C2%B2",
        "page=%D9%A1%D9%A2",  # Arabic-Indic 12
        "q=%ED%A0%BD",  # half an emoji: decoded as U+FFFD
    ],
)
def test_garbage_input_never_errors(client, active_product, params):
    active_product(title="Kemeja Flanel Pria")

    response = client.get(reverse("product_list") + "?" + params)

    assert response.status_code == 200


@pytest.mark.parametrize("params", ["shop=%00", "q=%00", "q=kemeja%00flanel"])
def test_a_nul_character_is_a_bad_request(client, params):
    # Never typed by a person, refused by PostgreSQL: every page answers it 400
    # (marketplace.middleware.RejectNullCharactersMiddleware).
    assert client.get(reverse("product_list") + "?" + params).status_code == 400


def test_invalid_filter_is_ignored_with_a_message(client, active_product):
    active_product(title="Kemeja Flanel Pria", price=125_000)
    active_product(title="Celana Jeans", price=200_000)

    titles, response = _titles(client, {"min_price": "abc", "max_price": "150000"})

    # The bad min_price is dropped; the valid max_price still applies.
    assert titles == ["Kemeja Flanel Pria"]
    assert "Beberapa filter tidak valid dan diabaikan." in response.content.decode()


def test_page_past_the_end_shows_the_last_page(client, active_product):
    for number in range(26):
        active_product(title=f"Kaos {number}")

    response = client.get(reverse("product_list"), {"page": "999"})

    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 2
    assert Product.objects.count() == 26
