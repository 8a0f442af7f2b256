"""A user's name is shown next to every chat line and review they write (the display name, or the
username when there is none): it may not carry a way to deal outside Lapak."""

import pytest
from django.urls import reverse

from marketplace.models import User

pytestmark = pytest.mark.django_db

REFUSAL = "Detail kontak tidak boleh dicantumkan di sini"
PASSWORD = "kopi-susu-gula-aren-42"


def _signup(client, username):
    return client.post(
        reverse("account_signup"),
        {"email": "rina@example.com", "username": username, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("WA 0812 3456 7890", "Kontak WhatsApp"),
        ("ig @tokoku", "Kontak media sosial atau messenger"),
        ("Rina | IG tokoku", "Kontak media sosial atau messenger"),
        ("Rina 0812-3456-7890", "Nomor telepon"),
        ("rina at gmail dot com", "Alamat e-mail"),
    ],
)
def test_a_display_name_with_a_contact_is_refused_and_not_saved(client, buyer, name, kind):
    buyer.display_name = "Rina"
    buyer.save()
    client.force_login(buyer)

    response = client.post(reverse("profile"), {"display_name": name, "phone": ""})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["display_name"]
    assert errors["display_name"][0].startswith(f"{REFUSAL} ({kind}).")
    assert REFUSAL in response.content.decode()
    buyer.refresh_from_db()
    assert buyer.display_name == "Rina"


@pytest.mark.parametrize("name", ["Wa Ode Nurhayati", "Dimas (host)", "Ibu Dewi 2", "Toko Citra Official"])
def test_an_ordinary_display_name_saves(client, buyer, name):
    client.force_login(buyer)

    response = client.post(reverse("profile"), {"display_name": name, "phone": "081298765432"})

    assert response.status_code == 302
    buyer.refresh_from_db()
    assert (buyer.display_name, buyer.phone) == (name, "081298765432")


@pytest.mark.parametrize(
    "username",
    [
        "wa_081234567890",
        "budi.0812.3456.7890",
        "ig_tokoku",
        "tokoku_ig",
        "dm_aku",
        "wa_aja",
        "rina@gmail.com",
    ],
)
def test_signup_with_a_contact_in_the_username_is_refused_and_creates_no_one(client, username):
    response = _signup(client, username)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["username"]
    assert errors["username"][0].startswith(REFUSAL)
    assert REFUSAL in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["budi_santoso", "wa_ode", "siti_08", "andi1990", "igor.petrov"])
def test_signup_with_an_ordinary_username_creates_the_user(client, username):
    response = _signup(client, username)

    assert response.status_code == 302
    assert User.objects.get().username == username
