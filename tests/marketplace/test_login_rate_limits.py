"""Login rate limits count per client, also behind the documented nginx proxy, and the admin's
login (where sellers sign in) is limited the same way.

Behind nginx every request reaches gunicorn from 127.0.0.1; nginx appends the address it saw to
X-Forwarded-For (`$proxy_add_x_forwarded_for`), so whatever a client writes there itself comes
first and the last entry is the one to trust.
"""

import runpy
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "marketplace" / "settings.py"

ATTACKER = "203.0.113.7"
SELLER = "198.51.100.20"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The defaults (10 failures a minute per address) with smaller numbers, to keep the test short.
    settings.ACCOUNT_RATE_LIMITS = {"login": "5/m/ip", "login_failed": "3/m/ip,5/5m/key"}


def through_nginx(client_address: str, *, forged: str = "") -> Client:
    """A browser at `client_address`, seen by Django through one nginx (as REMOTE_ADDR 127.0.0.1)."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)


def log_in(client: Client, username: str, password: str, path: str | None = None):
    return client.post(path or reverse("account_login"), {"login": username, "password": password})


def test_the_trusted_proxy_count_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ALLAUTH_TRUSTED_PROXY_COUNT", "1")
    assert runpy.run_path(str(SETTINGS_FILE))["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1

    # Unset, X-Forwarded-For is trusted not at all: without a proxy, clients write it themselves.
    monkeypatch.delenv("ALLAUTH_TRUSTED_PROXY_COUNT")
    assert runpy.run_path(str(SETTINGS_FILE))["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0


def test_one_clients_failed_logins_do_not_lock_out_another_behind_the_proxy(user_factory):
    user_factory(username="siti")
    attacker = through_nginx(ATTACKER)

    # when an attacker sprays wrong passwords over several accounts, forging a new X-Forwarded-For
    # each time
    answers = []
    for attempt in range(6):
        attacker.defaults["HTTP_X_FORWARDED_FOR"] = f"10.0.0.{attempt}, {ATTACKER}"
        answers.append(log_in(attacker, f"korban{attempt}", "tebakan-salah"))

    # then he is refused: a form error after three failures, then 429 for every request
    errors = [
        answer.context["form"].non_field_errors() if answer.status_code == 200 else None for answer in answers
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 200, 429]
    assert all("tidak benar" in str(error) for error in errors[:3]), errors
    assert "Terlalu banyak" in str(errors[3]), errors[3]
    assert "_auth_user_id" not in attacker.session

    # and a buyer at another address still signs in with her right password
    buyer = through_nginx("198.51.100.7")
    response = log_in(buyer, "siti", "lapak12345")

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert buyer.session["_auth_user_id"] == str(user_factory._meta.model.objects.get(username="siti").pk)


def test_the_admin_login_form_no_longer_checks_passwords_itself(seller_factory):
    seller_factory(username="batik")
    seller = through_nginx(SELLER)

    # Django's own admin form has no rate limit: a right password posted to it must not log in,
    # or an attacker would guess there without limit.
    response = seller.post("/admin/login/?next=/admin/", {"username": "batik", "password": "lapak12345"})

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert "_auth_user_id" not in seller.session


def test_the_admin_sign_in_is_rate_limited_per_client(seller_factory):
    seller_factory(username="batik")
    attacker = through_nginx(ATTACKER)

    # when an attacker opens the admin's login and guesses the seller's password there
    login_page = attacker.get("/admin/login/?next=/admin/", follow=True)
    assert login_page.redirect_chain == [(f"{reverse('account_login')}?next=%2Fadmin%2F", 302)]
    login_url = login_page.redirect_chain[-1][0]
    answers = [log_in(attacker, f"batik{attempt}", "tebakan-salah", login_url) for attempt in range(6)]

    # then he is limited like any other sign-in
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 200, 429]
    assert log_in(attacker, "batik", "lapak12345", login_url).status_code == 429

    # and the seller, at another address, signs in the same way and reaches the admin
    seller = through_nginx(SELLER)
    response = log_in(seller, "batik", "lapak12345", login_url)

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert seller.get("/admin/").status_code == 200


def test_a_signed_in_shopper_opening_the_admin_is_told_why_not(client, buyer):
    # The admin's login no longer shows its own form to a signed-in account without admin access.
    client.force_login(buyer)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert response.status_code == 403
    html = response.content.decode()
    assert '<a class="logo" href="/">Lapak</a>' in html  # the site's layout, with its "Keluar" button
    assert "Anda masuk sebagai buyer, yang tidak punya akses ke halaman ini." in html
