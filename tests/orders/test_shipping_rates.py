"""The built-in rate table: zones by island group, every started kilogram, Rp 500 steps."""

import pytest

from orders import shipping
from orders.shipping import PROVINCE_ISLAND, RateTableBackend, ShippingOption, rates, zone


def fees(origin_city, destination_province, weight_grams):
    options = rates(
        origin_city=origin_city, destination_province=destination_province, weight_grams=weight_grams
    )
    return {option.code: option.fee for option in options}


@pytest.mark.parametrize(
    ("origin", "destination", "grams", "expected"),
    [
        # same province: Bandung → Jawa Barat, 1 kg
        ("Bandung", "Jawa Barat", 1000, {"hemat": 7_000, "reguler": 9_000, "kilat": 15_000}),
        # same island: Yogyakarta → DKI Jakarta, 1.2 kg is 2 started kg
        ("Yogyakarta", "DKI Jakarta", 1200, {"hemat": 22_000, "reguler": 28_000, "kilat": 46_000}),
        # neighbouring islands: Surabaya → Bali, 500 g
        ("Surabaya", "Bali", 500, {"hemat": 19_000, "reguler": 24_000, "kilat": 39_000}),
        # far: Pekalongan → Papua, 3 kg
        ("Pekalongan", "Papua", 3000, {"hemat": 90_000, "reguler": 114_000, "kilat": 186_000}),
        # neighbouring islands: Malang → Sumatera Utara (Jawa–Sumatera)
        ("Malang", "Sumatera Utara", 1000, {"hemat": 19_000, "reguler": 24_000, "kilat": 39_000}),
    ],
)
def test_exact_fees(origin, destination, grams, expected):
    assert fees(origin, destination, grams) == expected


def test_options_come_cheapest_first_with_their_delivery_time():
    options = rates(origin_city="Jakarta", destination_province="Jawa Tengah", weight_grams=800)

    assert options == [
        ShippingOption("hemat", "Hemat", 11_000, (3, 5)),
        ShippingOption("reguler", "Reguler", 14_000, (2, 3)),
        ShippingOption("kilat", "Kilat", 23_000, (1, 2)),
    ]
    assert options[1].eta_label == "2–3"


def test_all_38_provinces_are_mapped():
    assert len(PROVINCE_ISLAND) == 38
    assert set(PROVINCE_ISLAND.values()) == {
        "jawa",
        "sumatera",
        "kalimantan",
        "sulawesi",
        "bali_nusa_tenggara",
        "maluku_papua",
    }


@pytest.mark.parametrize(
    ("province", "expected_zone"),
    [
        ("DKI Jakarta", 1),
        ("jakarta", 1),
        ("Provinsi Jawa Barat", 0),
        ("  jawa   barat ", 0),
        ("D.I. Yogyakarta", 1),
        ("Daerah Istimewa Yogyakarta", 1),
        ("NTT", 2),
        ("Kalimantan Timur", 2),
        ("Sulawesi Selatan", 3),
        ("Maluku Utara", 3),
    ],
)
def test_provinces_are_recognised_as_people_write_them(province, expected_zone):
    assert zone(origin_city="Bandung", destination_province=province) == expected_zone


@pytest.mark.parametrize(
    ("origin", "destination", "grams"),
    [("Atlantis", "Narnia", 500), ("", "", 0), ("Bandung", "", -5), ("???", "Papua", 10**9)],
)
def test_unknown_inputs_are_quoted_as_if_on_jawa_and_never_crash(origin, destination, grams):
    options = rates(origin_city=origin, destination_province=destination, weight_grams=grams)

    assert [option.code for option in options] == ["hemat", "reguler", "kilat"]
    assert all(option.fee > 0 and option.fee % 500 == 0 for option in options)


def test_unknown_places_count_as_the_same_island():
    assert zone(origin_city="Desa Entah", destination_province="Jawa Timur") == shipping.ZONE_SAME_ISLAND
    assert fees("Desa Entah", "Tempat Entah", 1) == fees("Bandung", "Jawa Timur", 1)


def test_the_backend_is_a_setting(settings):
    class Flat:
        def rates(self, *, origin_city, destination_province, weight_grams):
            return [ShippingOption("flat", "Flat", 5_000, (1, 1))]

    shipping._backend.cache_clear()
    settings.SHIPPING_BACKEND = f"{__name__}.FlatBackend"
    globals()["FlatBackend"] = Flat
    try:
        assert fees("Bandung", "Bali", 1000) == {"flat": 5_000}
    finally:
        settings.SHIPPING_BACKEND = shipping.DEFAULT_BACKEND
        shipping._backend.cache_clear()
        del globals()["FlatBackend"]
    assert isinstance(shipping.get_backend(), RateTableBackend)
