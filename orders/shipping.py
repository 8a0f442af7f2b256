"""Shipping rates: a small carrier-backend interface and the built-in rate table.

Checkout asks `rates()` for the options of one parcel (one order = one shop's parcel). The backend
is the dotted path in `settings.SHIPPING_BACKEND`, so a real aggregator (Biteship) can replace the
table later without touching checkout. Backends must not raise on unknown places: they fall back
to an assumption and still quote, because a checkout page that crashes sells nothing.

The table: provinces map to six island groups; the distance between origin and destination is a
zone (same province, same island group, neighbouring groups, far). A service (Hemat, Reguler,
Kilat) charges a per-kilogram rate by zone for every started kilogram, rounded up to Rp 500.
"""

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "orders.shipping.RateTableBackend"


@dataclass(frozen=True)
class ShippingOption:
    code: str  # stable across quotes: the checkout form posts it back
    label: str
    fee: int  # rupiah
    eta_days: tuple[int, int]  # (fastest, slowest)

    @property
    def eta_label(self) -> str:
        low, high = self.eta_days
        return str(low) if low == high else f"{low}–{high}"


class ShippingBackend(Protocol):
    def rates(
        self, *, origin_city: str, destination_province: str, weight_grams: int
    ) -> list[ShippingOption]:
        """Options cheapest first; never empty, never raises for unknown places."""
        ...


# --- Places -----------------------------------------------------------------------------------

JAWA = "jawa"
SUMATERA = "sumatera"
KALIMANTAN = "kalimantan"
SULAWESI = "sulawesi"
BALI_NUSA_TENGGARA = "bali_nusa_tenggara"
MALUKU_PAPUA = "maluku_papua"

# All 38 provinces (2024), by their official names, lower-cased.
PROVINCE_ISLAND: dict[str, str] = {
    # Sumatera
    "aceh": SUMATERA,
    "sumatera utara": SUMATERA,
    "sumatera barat": SUMATERA,
    "riau": SUMATERA,
    "kepulauan riau": SUMATERA,
    "jambi": SUMATERA,
    "sumatera selatan": SUMATERA,
    "kepulauan bangka belitung": SUMATERA,
    "bengkulu": SUMATERA,
    "lampung": SUMATERA,
    # Jawa
    "dki jakarta": JAWA,
    "jawa barat": JAWA,
    "banten": JAWA,
    "jawa tengah": JAWA,
    "di yogyakarta": JAWA,
    "jawa timur": JAWA,
    # Bali & Nusa Tenggara
    "bali": BALI_NUSA_TENGGARA,
    "nusa tenggara barat": BALI_NUSA_TENGGARA,
    "nusa tenggara timur": BALI_NUSA_TENGGARA,
    # Kalimantan
    "kalimantan barat": KALIMANTAN,
    "kalimantan tengah": KALIMANTAN,
    "kalimantan selatan": KALIMANTAN,
    "kalimantan timur": KALIMANTAN,
    "kalimantan utara": KALIMANTAN,
    # Sulawesi
    "sulawesi utara": SULAWESI,
    "gorontalo": SULAWESI,
    "sulawesi tengah": SULAWESI,
    "sulawesi barat": SULAWESI,
    "sulawesi selatan": SULAWESI,
    "sulawesi tenggara": SULAWESI,
    # Maluku & Papua
    "maluku": MALUKU_PAPUA,
    "maluku utara": MALUKU_PAPUA,
    "papua": MALUKU_PAPUA,
    "papua barat": MALUKU_PAPUA,
    "papua barat daya": MALUKU_PAPUA,
    "papua selatan": MALUKU_PAPUA,
    "papua tengah": MALUKU_PAPUA,
    "papua pegunungan": MALUKU_PAPUA,
}

# What people actually type into an address form.
PROVINCE_ALIASES: dict[str, str] = {
    "jakarta": "dki jakarta",
    "dki": "dki jakarta",
    "daerah khusus ibukota jakarta": "dki jakarta",
    "daerah khusus jakarta": "dki jakarta",
    "yogyakarta": "di yogyakarta",
    "diy": "di yogyakarta",
    "daerah istimewa yogyakarta": "di yogyakarta",
    "jogja": "di yogyakarta",
    "nanggroe aceh darussalam": "aceh",
    "nad": "aceh",
    "bangka belitung": "kepulauan bangka belitung",
    "babel": "kepulauan bangka belitung",
    "kepri": "kepulauan riau",
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
    "sumut": "sumatera utara",
    "sumbar": "sumatera barat",
    "sumsel": "sumatera selatan",
    "jabar": "jawa barat",
    "jateng": "jawa tengah",
    "jatim": "jawa timur",
    "kalbar": "kalimantan barat",
    "kalteng": "kalimantan tengah",
    "kalsel": "kalimantan selatan",
    "kaltim": "kalimantan timur",
    "kaltara": "kalimantan utara",
    "sulut": "sulawesi utara",
    "sulteng": "sulawesi tengah",
    "sulbar": "sulawesi barat",
    "sulsel": "sulawesi selatan",
    "sultra": "sulawesi tenggara",
    "malut": "maluku utara",
}

# Shop cities (a shop stores only its city) → province. Covers the demo shops and the big
# seller towns; an unknown city is assumed to be on Jawa, where most sellers are.
CITY_PROVINCE: dict[str, str] = {
    "jakarta": "dki jakarta",
    "jakarta pusat": "dki jakarta",
    "jakarta selatan": "dki jakarta",
    "jakarta barat": "dki jakarta",
    "jakarta timur": "dki jakarta",
    "jakarta utara": "dki jakarta",
    "bandung": "jawa barat",
    "bogor": "jawa barat",
    "bekasi": "jawa barat",
    "depok": "jawa barat",
    "cirebon": "jawa barat",
    "tasikmalaya": "jawa barat",
    "tangerang": "banten",
    "tangerang selatan": "banten",
    "serang": "banten",
    "semarang": "jawa tengah",
    "surakarta": "jawa tengah",
    "solo": "jawa tengah",
    "pekalongan": "jawa tengah",
    "magelang": "jawa tengah",
    "kudus": "jawa tengah",
    "jepara": "jawa tengah",
    "yogyakarta": "di yogyakarta",
    "jogja": "di yogyakarta",
    "sleman": "di yogyakarta",
    "bantul": "di yogyakarta",
    "surabaya": "jawa timur",
    "malang": "jawa timur",
    "sidoarjo": "jawa timur",
    "kediri": "jawa timur",
    "denpasar": "bali",
    "mataram": "nusa tenggara barat",
    "kupang": "nusa tenggara timur",
    "medan": "sumatera utara",
    "padang": "sumatera barat",
    "pekanbaru": "riau",
    "batam": "kepulauan riau",
    "palembang": "sumatera selatan",
    "bandar lampung": "lampung",
    "banda aceh": "aceh",
    "pontianak": "kalimantan barat",
    "banjarmasin": "kalimantan selatan",
    "balikpapan": "kalimantan timur",
    "samarinda": "kalimantan timur",
    "makassar": "sulawesi selatan",
    "manado": "sulawesi utara",
    "ambon": "maluku",
    "jayapura": "papua",
}

# Island groups with a short sea crossing or a busy direct route between them.
NEIGHBOURS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        (JAWA, SUMATERA),
        (JAWA, BALI_NUSA_TENGGARA),
        (JAWA, KALIMANTAN),
        (KALIMANTAN, SULAWESI),
        (SULAWESI, BALI_NUSA_TENGGARA),
        (SULAWESI, MALUKU_PAPUA),
    )
)

ZONE_SAME_PROVINCE, ZONE_SAME_ISLAND, ZONE_NEIGHBOUR, ZONE_FAR = 0, 1, 2, 3


def _normalize(name: str) -> str:
    name = re.sub(
        r"[.\s]+", " ", (name or "").strip().lower().replace("d.i.", "di ").replace("d.k.i.", "dki ")
    )
    name = re.sub(r"^(provinsi|prov|kota|kabupaten|kab)\s+", "", name.strip())
    return name.strip()


def province_key(name: str) -> str | None:
    """The canonical (lower-case) province for what an address says, or None when unknown."""
    key = _normalize(name)
    key = PROVINCE_ALIASES.get(key, key)
    return key if key in PROVINCE_ISLAND else None


def city_province(city: str) -> str | None:
    return CITY_PROVINCE.get(_normalize(city))


def zone(*, origin_city: str, destination_province: str) -> int:
    """How far a parcel travels: 0 same province … 3 far. Unknown places count as Jawa."""
    origin = city_province(origin_city)
    destination = province_key(destination_province)
    if origin and origin == destination:
        return ZONE_SAME_PROVINCE
    origin_island = PROVINCE_ISLAND.get(origin or "", JAWA)
    destination_island = PROVINCE_ISLAND.get(destination or "", JAWA)
    if origin_island == destination_island:
        return ZONE_SAME_ISLAND
    if frozenset((origin_island, destination_island)) in NEIGHBOURS:
        return ZONE_NEIGHBOUR
    return ZONE_FAR


# --- The rate table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    code: str
    label: str
    per_kg: tuple[int, int, int, int]  # rupiah per started kg, by zone
    eta_days: tuple[tuple[int, int], ...]  # by zone


SERVICES: tuple[Service, ...] = (
    Service("hemat", "Hemat", (7_000, 11_000, 19_000, 30_000), ((2, 4), (3, 5), (5, 7), (7, 12))),
    Service("reguler", "Reguler", (9_000, 14_000, 24_000, 38_000), ((1, 2), (2, 3), (3, 5), (5, 8))),
    Service("kilat", "Kilat", (15_000, 23_000, 39_000, 62_000), ((1, 1), (1, 2), (2, 3), (3, 4))),
)
ROUND_TO = 500


def billable_kg(weight_grams: int) -> int:
    """Every started kilogram counts; an empty or weightless parcel still costs one."""
    return max(1, math.ceil(max(0, int(weight_grams)) / 1000))


def _round_up(amount: int) -> int:
    return -(-amount // ROUND_TO) * ROUND_TO


class RateTableBackend:
    """The built-in backend: fixed per-kg rates by zone. No network, no database."""

    def rates(
        self, *, origin_city: str, destination_province: str, weight_grams: int
    ) -> list[ShippingOption]:
        distance = zone(origin_city=origin_city, destination_province=destination_province)
        kg = billable_kg(weight_grams)
        return [
            ShippingOption(
                code=service.code,
                label=service.label,
                fee=_round_up(service.per_kg[distance] * kg),
                eta_days=service.eta_days[distance],
            )
            for service in SERVICES
        ]


@cache
def _backend(path: str) -> ShippingBackend:
    return import_string(path)()


def get_backend() -> ShippingBackend:
    return _backend(getattr(settings, "SHIPPING_BACKEND", DEFAULT_BACKEND))


def rates(*, origin_city: str, destination_province: str, weight_grams: int) -> list[ShippingOption]:
    """The shipping options for one parcel, cheapest first."""
    options = get_backend().rates(
        origin_city=origin_city, destination_province=destination_province, weight_grams=weight_grams
    )
    return sorted(options, key=lambda option: (option.fee, option.code))
