"""Sign-up, login and logout through allauth in our layout; profile and the address book."""

import pytest
from django.urls import reverse

from marketplace.models import Address, User
from marketplace.services import address_save, address_set_default
from tests.kit.factories import AddressFactory, image_file

pytestmark = pytest.mark.django_db

ADDRESS = {
    "label": "Rumah",
    "recipient_name": "Siti Rahayu",
    "phone": "0812 3456 7890",
    "province": "Jawa Barat",
    "city": "Kota Bandung",
    "district": "Coblong",
    "postal_code": "40132",
    "street": "Jl. Dago No. 5",
}


# --- allauth ---------------------------------------------------------------------------------
def test_signup_page_uses_our_layout(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert '<a class="logo" href="/">Lapak</a>' in html
    assert '<html lang="id">' in html
    assert 'class="container auth-page"' in html


def test_signup_creates_the_user_and_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "rina@example.com",
            "username": "rina",
            "password1": "kopi-susu-gula-aren-42",
            "password2": "kopi-susu-gula-aren-42",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(username="rina")
    assert user.email == "rina@example.com"
    assert client.get(reverse("profile")).status_code == 200


def test_login_and_logout(client, buyer):
    response = client.post(reverse("account_login"), {"login": "buyer", "password": "lapak12345"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert "Keluar" in html  # the logout button, a POST form
    assert f'action="{reverse("account_logout")}"' in html

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 302


def test_wrong_password_re_renders_the_login_form(client, buyer):
    response = client.post(reverse("account_login"), {"login": "buyer", "password": "salah"})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_staff_sees_the_seller_admin_link(client, staff_user, buyer):
    client.force_login(buyer)
    assert "Admin penjual" not in client.get(reverse("home")).content.decode()

    client.force_login(staff_user)
    assert "Admin penjual" in client.get(reverse("home")).content.decode()


# --- Profile ---------------------------------------------------------------------------------
def test_profile_requires_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + reverse("profile")


def test_profile_edit_saves_name_phone_and_avatar(client, buyer):
    client.force_login(buyer)

    response = client.post(
        reverse("profile"),
        {"display_name": "Budi Santoso", "phone": "081298765432", "avatar": image_file("me.png", fmt="PNG")},
    )

    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.display_name == "Budi Santoso"
    assert buyer.phone == "081298765432"
    assert buyer.avatar.name.startswith("avatars/")
    assert buyer.avatar.name.endswith(".png")
    assert "me.png" not in buyer.avatar.name  # re-encoded under a server-made name


def test_profile_rejects_a_file_that_is_not_an_image(client, buyer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(buyer)
    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")

    response = client.post(reverse("profile"), {"display_name": "X", "phone": "", "avatar": fake})

    assert response.status_code == 200
    assert response.context["form"].errors["avatar"]
    buyer.refresh_from_db()
    assert buyer.display_name != "X"
    assert not buyer.avatar


# --- Address book ----------------------------------------------------------------------------
def test_first_address_becomes_the_default(client, buyer):
    client.force_login(buyer)

    response = client.post(reverse("address_create"), ADDRESS)

    assert response.status_code == 302
    address = Address.objects.get(user=buyer)
    assert address.recipient_name == "Siti Rahayu"
    assert address.postal_code == "40132"
    assert address.is_default is True
    assert "Siti Rahayu" in client.get(reverse("profile")).content.decode()


def test_an_address_added_from_checkout_leads_back_to_checkout(client, buyer):
    client.force_login(buyer)
    form = client.get(reverse("address_create") + "?next=/checkout/")
    assert 'name="next" value="/checkout/"' in form.content.decode()

    response = client.post(reverse("address_create"), {**ADDRESS, "next": "/checkout/"})

    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    assert buyer.addresses.count() == 1


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/checkout/"])
def test_a_next_address_on_another_site_is_ignored(client, buyer, target):
    client.force_login(buyer)

    response = client.post(reverse("address_create"), {**ADDRESS, "next": target})

    assert response["Location"] == reverse("profile")


def test_adding_a_default_address_moves_the_default(client, buyer):
    first = AddressFactory(user=buyer, is_default=True)
    client.force_login(buyer)

    client.post(reverse("address_create"), {**ADDRESS, "is_default": "on"})

    first.refresh_from_db()
    assert first.is_default is False
    assert Address.objects.filter(user=buyer, is_default=True).get().recipient_name == "Siti Rahayu"


def test_edit_address(client, buyer):
    address = AddressFactory(user=buyer, is_default=True)
    client.force_login(buyer)

    response = client.post(reverse("address_update", args=[address.pk]), {**ADDRESS, "city": "Kota Cimahi"})

    assert response.status_code == 302
    address.refresh_from_db()
    assert address.city == "Kota Cimahi"
    assert address.is_default is True  # unticking the box on the only default keeps it default


def test_set_default_leaves_exactly_one_default(client, buyer):
    first = AddressFactory(user=buyer, is_default=True)
    second = AddressFactory(user=buyer)
    client.force_login(buyer)

    response = client.post(reverse("address_set_default", args=[second.pk]))

    assert response.status_code == 302
    assert list(Address.objects.filter(user=buyer, is_default=True)) == [second]
    first.refresh_from_db()
    assert first.is_default is False


def test_set_default_by_get_changes_nothing(client, buyer):
    AddressFactory(user=buyer, is_default=True)
    second = AddressFactory(user=buyer)
    client.force_login(buyer)

    assert client.get(reverse("address_set_default", args=[second.pk])).status_code == 405
    second.refresh_from_db()
    assert second.is_default is False


def test_delete_address_hands_the_default_to_the_newest_remaining(client, buyer):
    older = AddressFactory(user=buyer)
    default = AddressFactory(user=buyer, is_default=True)
    client.force_login(buyer)

    assert client.get(reverse("address_delete", args=[default.pk])).status_code == 200  # confirm page
    assert Address.objects.filter(pk=default.pk).exists()
    response = client.post(reverse("address_delete", args=[default.pk]))

    assert response.status_code == 302
    assert not Address.objects.filter(pk=default.pk).exists()
    older.refresh_from_db()
    assert older.is_default is True


@pytest.mark.parametrize("name", ["address_update", "address_delete", "address_set_default"])
def test_another_users_address_is_404(client, buyer, user_factory, name):
    other = AddressFactory(user=user_factory(username="other"), is_default=True, city="Surabaya")
    client.force_login(buyer)

    assert client.get(reverse(name, args=[other.pk])).status_code in (404, 405)
    assert client.post(reverse(name, args=[other.pk]), {**ADDRESS, "city": "Diubah"}).status_code == 404
    other.refresh_from_db()
    assert other.city == "Surabaya"
    assert other.is_default is True


def test_another_users_address_is_not_listed(client, buyer, user_factory):
    AddressFactory(user=user_factory(username="other"), recipient_name="Rahasia Orang Lain")
    client.force_login(buyer)

    assert "Rahasia Orang Lain" not in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize("postal_code", ["4013", "401322", "40I32", "abcde", ""])
def test_invalid_postal_code_re_renders_with_an_error_and_writes_nothing(client, buyer, postal_code):
    client.force_login(buyer)

    response = client.post(reverse("address_create"), {**ADDRESS, "postal_code": postal_code})

    assert response.status_code == 200
    assert response.context["form"].errors["postal_code"]
    assert "Silakan perbaiki kesalahan di bawah ini." in response.content.decode()
    assert not Address.objects.exists()


def test_invalid_phone_re_renders_with_an_error(client, buyer):
    client.force_login(buyer)

    response = client.post(reverse("address_create"), {**ADDRESS, "phone": "call me"})

    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Address.objects.exists()


def test_address_services_keep_one_default(buyer):
    first = address_save(user=buyer, **{**ADDRESS, "recipient_name": "Satu"})
    second = address_save(user=buyer, **{**ADDRESS, "recipient_name": "Dua"}, is_default=True)
    third = address_save(user=buyer, **{**ADDRESS, "recipient_name": "Tiga"})

    assert list(Address.objects.filter(user=buyer, is_default=True)) == [second]
    address_set_default(user=buyer, address_id=third.pk)
    assert list(Address.objects.filter(user=buyer, is_default=True)) == [third]
    first.refresh_from_db()
    assert first.is_default is False


def test_address_set_default_refuses_another_users_address(buyer, user_factory):
    other = AddressFactory(user=user_factory(username="other"))

    with pytest.raises(Address.DoesNotExist):
        address_set_default(user=buyer, address_id=other.pk)
    other.refresh_from_db()
    assert other.is_default is False
