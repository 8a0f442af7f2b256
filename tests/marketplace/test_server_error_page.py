"""A server error is a plain page of the site in both languages, never Django's bare English one
or a traceback, and it renders with nothing but the template (no request, no database)."""

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.urls_server_error")
def test_a_server_error_shows_the_sites_page_without_the_error(settings, django_assert_num_queries):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    with django_assert_num_queries(0):
        response = client.get("/rusak/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Maaf, terjadi kesalahan di pihak kami" in page
    assert "Sorry, something went wrong on our side" in page
    assert "RuntimeError" not in page
    assert "a bug the visitor" not in page
