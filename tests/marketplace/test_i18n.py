"""Indonesian by default; English one POST to set_language away."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_default_language_is_indonesian(client):
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="id">' in html
    assert "Belum ada siaran langsung." in html
    assert ">Produk</a>" in html
    assert 'action="/i18n/setlang/"' in html


def test_switching_to_english_through_set_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("product_list")})

    assert response.status_code == 302
    assert response.url == reverse("product_list")
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "No live sales right now." in html
    assert "Belum ada siaran langsung." not in html


def test_switching_back_to_indonesian(client):
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("set_language"), {"language": "id"})

    assert "Belum ada siaran langsung." in client.get(reverse("home")).content.decode()


def test_enum_labels_are_translated(client, active_product):
    product = active_product(condition="like_new")

    html = client.get(reverse("product_detail", args=[product.shop.slug, product.slug])).content.decode()

    assert "Seperti baru" in html
    assert "Terbaru" in client.get(reverse("product_list")).content.decode()  # ProductSort.NEWEST


def test_language_switcher_has_a_no_js_submit_button(client):
    html = client.get(reverse("home")).content.decode()

    assert 'name="language"' in html
    assert '<button type="submit" class="button button-small button-outline js-hide">Ubah</button>' in html


def test_an_english_browser_still_gets_indonesian_until_it_switches(client):
    # Many Indonesian phones are set to English; the site stays Indonesian until the shopper picks.
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="id">' in html
    client.post(reverse("set_language"), {"language": "en"})
    assert '<html lang="en">' in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="id").content.decode()


def test_the_seller_admin_speaks_indonesian_and_names_itself(client, seller_factory):
    client.force_login(seller_factory())

    html = client.get(reverse("admin:index")).content.decode()

    assert "Pusat Penjual Lapak" in html
    assert "Catatan moderasi" in html
    assert "Django" not in html.split("<body", 1)[1].split("</header>", 1)[0]
