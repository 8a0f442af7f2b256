"""A 400 (and a 404) is a page of the site, in its layout and the visitor's language, whatever refused the
request: a NUL in a parameter (RejectNullCharactersMiddleware renders templates/400.html), a
form body Django cannot parse or a redirect too long (Django's handler400 renders the same
template, with the request, since Django 5.x)."""

import pytest
from django.conf import settings

from tests.kit.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE_ID = "Permintaan tidak valid"


def test_a_nul_in_the_query_is_the_sites_400_page_in_indonesian(client):
    response = client.get("/produk/?q=kemeja%00")

    assert response.status_code == 400
    assert [t.name for t in response.templates][:2] == ["400.html", "base.html"]
    page = response.content.decode()
    assert f"<h1>{TITLE_ID}</h1>" in page
    assert 'href="/keranjang/"' in page  # the layout's header


def test_the_400_page_speaks_the_language_the_visitor_chose(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/produk/?q=%00")

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_a_form_body_django_cannot_parse_is_the_sites_400_page_for_a_signed_in_buyer(client):
    client.force_login(UserFactory(username="sari", display_name="Sari"))

    response = client.post(
        "/keranjang/tambah/", b"no boundary at all", content_type="multipart/form-data; boundary="
    )

    assert response.status_code == 400
    assert response.templates[0].name == "400.html"
    assert 'action="/akun/logout/"' in response.content.decode()  # the layout, signed in


def test_a_host_the_site_does_not_serve_is_a_400_page_too(client):
    # Refused before the session and the user are read: the layout must render without them.
    response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert f"<h1>{TITLE_ID}</h1>" in response.content.decode()


def test_a_redirect_too_long_to_follow_is_a_400_page(client):
    # Django refuses to redirect to a URL of more than 16 kB (the login page's ?next= here).
    response = client.get("/pesanan/?q=" + "x" * 17_000)

    assert response.status_code == 400
    assert f"<h1>{TITLE_ID}</h1>" in response.content.decode()


@pytest.mark.parametrize("url", ["/tidak-ada/", "/toko/tidak-ada/", "/pesanan/LPK-0/", "/live/424242/"])
def test_a_page_that_does_not_exist_is_the_sites_404_page_in_indonesian(client, url):
    # Django's own was a bare English "Not Found".
    client.force_login(UserFactory(username="sari"))

    response = client.get(url)

    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    assert "<h1>Halaman tidak ditemukan</h1>" in response.content.decode()
