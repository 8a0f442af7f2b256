"""What `manage.py seed_demo` creates: categories, people, shops and the word lists their products
are composed from. Data only; the command (marketplace/management/commands/seed_demo.py) builds rows
from it and marketplace/demo/images.py draws the pictures.

Titles are composed as real sellers write them ("Kemeja Flanel Kotak Vintage Uniqlo", "Somethinc
Serum Niacinamide 10% + Zinc 30ml"), so each kind of product lists only qualifiers and brands that
fit it.
"""

from dataclasses import dataclass, field

PASSWORD = "lapak12345"  # noqa: S105 - documented demo password, printed by `make run`

# (slug, name, children); slugs are global, so a child repeats enough of its parent to be unique.
CATEGORIES = [
    (
        "fashion",
        "Fashion",
        [
            (
                "fashion-wanita",
                "Wanita",
                [
                    ("wanita-atasan", "Atasan", []),
                    ("wanita-dress", "Dress", []),
                    ("wanita-bawahan", "Bawahan", []),
                ],
            ),
            (
                "fashion-pria",
                "Pria",
                [
                    ("pria-kemeja", "Kemeja", []),
                    ("pria-kaos", "Kaos", []),
                    ("pria-celana", "Celana", []),
                    ("pria-jaket", "Jaket", []),
                ],
            ),
            (
                "batik",
                "Batik",
                [
                    ("batik-kemeja", "Kemeja Batik", []),
                    ("batik-dress", "Dress & Blouse Batik", []),
                    ("batik-kain", "Kain Batik", []),
                    ("batik-outer", "Outer Batik", []),
                ],
            ),
        ],
    ),
    (
        "kecantikan",
        "Kecantikan",
        [
            ("perawatan-wajah", "Perawatan Wajah", []),
            ("perawatan-tubuh", "Perawatan Tubuh", []),
            ("makeup", "Makeup", []),
        ],
    ),
    (
        "elektronik",
        "Elektronik",
        [
            ("aksesoris-hp", "Aksesoris HP", []),
            ("audio", "Audio", []),
            ("aksesoris-komputer", "Aksesoris Komputer", []),
        ],
    ),
    (
        "makanan-minuman",
        "Makanan & Minuman",
        [
            ("camilan", "Camilan", []),
            ("minuman", "Minuman", []),
            ("bumbu-sambal", "Bumbu & Sambal", []),
        ],
    ),
]

# Background gradients (top, bottom) per top-level category, for generated photos.
CATEGORY_PALETTES = {
    "fashion": ((250, 236, 222), (226, 196, 172)),
    "batik": ((244, 232, 210), (198, 160, 112)),
    "kecantikan": ((253, 234, 240), (236, 190, 206)),
    "elektronik": ((226, 236, 248), (150, 172, 204)),
    "makanan-minuman": ((255, 243, 210), (240, 190, 120)),
}

COLORS = {
    "Hitam": (38, 38, 42),
    "Putih": (240, 240, 236),
    "Abu-abu": (140, 144, 150),
    "Biru Navy": (34, 52, 96),
    "Biru Muda": (120, 170, 214),
    "Biru Indigo": (44, 60, 120),
    "Merah": (196, 40, 44),
    "Merah Marun": (120, 28, 40),
    "Hijau Army": (86, 98, 62),
    "Hijau Botol": (22, 84, 58),
    "Coklat": (122, 84, 54),
    "Coklat Sogan": (140, 92, 46),
    "Krem": (226, 208, 176),
    "Kuning Mustard": (214, 162, 40),
    "Pink": (232, 150, 176),
    "Ungu": (112, 76, 150),
    "Oranye": (232, 120, 40),
    "Tosca": (40, 150, 150),
}


@dataclass(frozen=True)
class Size:
    label: str
    price_factor: float = 1.0
    weight_grams: int | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of product a shop sells, and the words its listings are made of."""

    noun: str
    category: str
    qualifiers: tuple[str, ...]
    brands: tuple[str, ...]
    price: tuple[int, int]  # rupiah, for the base size
    shape: str  # drawn by marketplace/demo/images.py
    weight_grams: int = 300
    sizes: tuple[Size, ...] = ()
    colors: tuple[str, ...] = ("Hitam",)
    styles: tuple[str, ...] = ("",)  # thrift only: "Vintage", "Oversize"
    pattern: str | None = None  # drawn on fabric: plaid, stripe, batik, floral, denim
    material: str = ""
    # Thrift measurements: "top" (chest, length, sleeve), "bottom" (waist, length), "dress", "skirt"
    fit: str = ""
    long_sleeve: bool = True
    color_variants: bool | None = None  # colours offered as variants; None: the shop's default


@dataclass(frozen=True)
class ShopSpec:
    slug: str
    name: str
    city: str
    bio: str
    tagline: str
    is_verified: bool
    sku_prefix: str
    color: tuple[int, int, int]
    title_format: str  # from noun, qualifier, brand, style
    kinds: tuple[Kind, ...]
    color_variants: bool = False
    owner: dict = field(default_factory=dict)


SIZES_CLOTHING = (Size("S"), Size("M"), Size("L"), Size("XL", 1.07))
GADGET_COLORS = ("Hitam", "Putih", "Biru Navy", "Abu-abu", "Pink")

THRIFT = ShopSpec(
    slug="lemari-thrift-jogja",
    name="Lemari Thrift Jogja",
    city="Yogyakarta",
    bio=(
        "Pakaian pre-loved pilihan dari Jogja. Semua barang sudah dicuci, disetrika dan dicek satu "
        "per satu; cacat sekecil apa pun kami foto dan tulis. Barang hanya satu per model — "
        "siapa cepat dia dapat! Live tiap Rabu & Sabtu jam 19.00 WIB."
    ),
    tagline="Pre-loved pilihan, jujur soal kondisi",
    is_verified=True,
    sku_prefix="LTJ",
    color=(120, 84, 54),
    title_format="{noun} {qualifier} {style} {brand}",
    owner={"username": "thrift", "display_name": "Rara Pramesti"},
    kinds=(
        Kind(
            "Kemeja Flanel",
            "pria-kemeja",
            ("Kotak", "Kotak Besar", "Tartan"),
            ("Uniqlo", "GAP", "Eddie Bauer", "L.L.Bean", "Muji"),
            (65_000, 150_000),
            "shirt",
            weight_grams=400,
            colors=("Merah", "Hijau Botol", "Biru Navy", "Coklat"),
            styles=("Vintage", "Oversize", ""),
            pattern="plaid",
            material="Katun flanel tebal",
            fit="top",
        ),
        Kind(
            "Kemeja Denim",
            "pria-kemeja",
            ("Chambray", "Washed", "Western"),
            ("Levi's", "Lee", "Wrangler", "GAP"),
            (75_000, 160_000),
            "shirt",
            weight_grams=450,
            colors=("Biru Muda", "Biru Indigo"),
            styles=("Vintage", ""),
            pattern="denim",
            material="Denim katun",
            fit="top",
        ),
        Kind(
            "Kemeja Hawaii",
            "pria-kemeja",
            ("Motif Bunga", "Motif Daun Palem", "Rayon"),
            ("Uniqlo", "Zara", "H&M", "Giordano"),
            (45_000, 95_000),
            "shirt",
            weight_grams=250,
            colors=("Tosca", "Kuning Mustard", "Hitam", "Biru Navy"),
            styles=("Retro", ""),
            pattern="floral",
            material="Rayon adem",
            fit="top",
            long_sleeve=False,
        ),
        Kind(
            "Kaos",
            "pria-kaos",
            ("Polos Pocket", "Grafis Retro", "Ringer", "Garis-garis"),
            ("Champion", "Uniqlo", "Nike", "Adidas", "Hanes"),
            (35_000, 90_000),
            "tee",
            weight_grams=200,
            colors=("Putih", "Hitam", "Abu-abu", "Krem", "Hijau Army"),
            styles=("Vintage", "Oversize", ""),
            material="Katun combed",
            fit="top",
            long_sleeve=False,
        ),
        Kind(
            "Jaket Denim",
            "pria-jaket",
            ("Trucker", "Washed Biru Muda", "Sherpa"),
            ("Levi's", "Lee", "Wrangler"),
            (150_000, 350_000),
            "jacket",
            weight_grams=800,
            colors=("Biru Muda", "Biru Indigo", "Hitam"),
            styles=("Vintage", ""),
            pattern="denim",
            material="Denim tebal",
            fit="top",
        ),
        Kind(
            "Jaket Windbreaker",
            "pria-jaket",
            ("Colorblock", "Parasut", "Hoodie"),
            ("Nike", "Adidas", "Columbia", "The North Face"),
            (120_000, 280_000),
            "jacket",
            weight_grams=450,
            colors=("Biru Navy", "Hijau Army", "Hitam", "Oranye"),
            styles=("Retro 90an", ""),
            material="Parasut waterproof, furing jaring",
            fit="top",
        ),
        Kind(
            "Sweater Rajut",
            "pria-kaos",
            ("Motif Kabel", "Polos Crewneck", "Turtleneck"),
            ("Uniqlo", "Muji", "Zara", "GAP"),
            (70_000, 160_000),
            "sweater",
            weight_grams=500,
            colors=("Krem", "Abu-abu", "Coklat", "Hijau Botol"),
            styles=("Vintage", "Oversize", ""),
            material="Rajut akrilik-wol",
            fit="top",
        ),
        Kind(
            "Celana Chino",
            "pria-celana",
            ("Slim Fit", "Regular Fit", "Pleated"),
            ("Uniqlo", "Dockers", "GAP", "Zara"),
            (70_000, 150_000),
            "pants",
            weight_grams=450,
            colors=("Krem", "Hijau Army", "Biru Navy", "Hitam"),
            material="Katun twill stretch",
            fit="bottom",
        ),
        Kind(
            "Celana Jeans",
            "pria-celana",
            ("Straight Cut", "Tapered", "Bootcut"),
            ("Levi's", "Lee", "Wrangler"),
            (120_000, 300_000),
            "pants",
            weight_grams=650,
            colors=("Biru Indigo", "Biru Muda", "Hitam"),
            styles=("Vintage", ""),
            pattern="denim",
            material="Denim 13 oz",
            fit="bottom",
        ),
        Kind(
            "Blouse",
            "wanita-atasan",
            ("Sifon Motif Bunga", "Lengan Balon", "Polkadot"),
            ("Zara", "H&M", "Mango", "Cotton On"),
            (45_000, 110_000),
            "blouse",
            weight_grams=200,
            colors=("Putih", "Pink", "Krem", "Biru Muda"),
            styles=("Vintage", ""),
            pattern="floral",
            material="Sifon, ada furing",
            fit="top",
        ),
        Kind(
            "Cardigan Rajut",
            "wanita-atasan",
            ("Crop", "Kancing Mutiara", "Panjang"),
            ("Uniqlo", "H&M", "Pull&Bear"),
            (60_000, 140_000),
            "sweater",
            weight_grams=350,
            colors=("Krem", "Pink", "Ungu", "Hijau Botol"),
            styles=("Oversize", "Korean Style", ""),
            material="Rajut halus",
            fit="top",
        ),
        Kind(
            "Dress Midi",
            "wanita-dress",
            ("Floral", "Plisket", "Linen Tali"),
            ("Zara", "Mango", "H&M", "Uniqlo"),
            (85_000, 190_000),
            "dress",
            weight_grams=350,
            colors=("Kuning Mustard", "Hijau Botol", "Krem", "Biru Navy"),
            styles=("Vintage", ""),
            pattern="floral",
            material="Katun rayon",
            fit="dress",
        ),
        Kind(
            "Rok Plisket",
            "wanita-bawahan",
            ("Midi", "Panjang", "Satin"),
            ("Zara", "H&M", "Uniqlo"),
            (55_000, 120_000),
            "skirt",
            weight_grams=300,
            colors=("Krem", "Hitam", "Coklat", "Pink"),
            material="Poliester plisket",
            fit="skirt",
        ),
    ),
)

BATIK_MOTIFS = ("Parang", "Mega Mendung", "Jlamprang", "Sekar Jagad", "Kawung", "Truntum", "Buketan")
BATIK_COLORS = ("Biru Indigo", "Coklat Sogan", "Merah Marun", "Hijau Botol", "Hitam")

BATIK = ShopSpec(
    slug="batik-pekalongan-asli",
    name="Batik Pekalongan Asli",
    city="Pekalongan",
    bio=(
        "Batik cap dan tulis langsung dari pengrajin di Kauman, Pekalongan, sejak 1998. Bahan katun "
        "primisima, pewarna tidak luntur, jahitan rapi. Terima pesanan seragam kantor dan keluarga."
    ),
    tagline="Langsung dari pengrajin Pekalongan",
    is_verified=True,
    sku_prefix="BPA",
    color=(140, 92, 46),
    title_format="{noun} Motif {qualifier}",
    color_variants=True,
    owner={"username": "batik", "display_name": "Pak Slamet Riyadi"},
    kinds=(
        Kind(
            "Kemeja Batik Pria Lengan Panjang",
            "batik-kemeja",
            BATIK_MOTIFS,
            ("Kusuma Batik",),
            (145_000, 320_000),
            "shirt",
            weight_grams=350,
            sizes=SIZES_CLOTHING,
            colors=BATIK_COLORS,
            pattern="batik",
            material="Katun primisima, full furing",
        ),
        Kind(
            "Kemeja Batik Pria Lengan Pendek",
            "batik-kemeja",
            BATIK_MOTIFS,
            ("Kusuma Batik",),
            (110_000, 220_000),
            "shirt",
            weight_grams=280,
            sizes=SIZES_CLOTHING,
            colors=BATIK_COLORS,
            pattern="batik",
            material="Katun primisima",
            long_sleeve=False,
        ),
        Kind(
            "Dress Batik Wanita",
            "batik-dress",
            BATIK_MOTIFS,
            ("Kusuma Batik",),
            (150_000, 340_000),
            "dress",
            weight_grams=350,
            sizes=SIZES_CLOTHING,
            colors=BATIK_COLORS,
            pattern="batik",
            material="Katun primisima, resleting belakang",
        ),
        Kind(
            "Blouse Batik Wanita",
            "batik-dress",
            BATIK_MOTIFS,
            ("Kusuma Batik",),
            (95_000, 190_000),
            "blouse",
            weight_grams=250,
            sizes=SIZES_CLOTHING,
            colors=BATIK_COLORS,
            pattern="batik",
            material="Katun santung",
        ),
        Kind(
            "Kain Batik Tulis",
            "batik-kain",
            BATIK_MOTIFS,
            ("Kusuma Batik",),
            (350_000, 750_000),
            "cloth",
            weight_grams=350,
            sizes=(Size("2 x 1,15 m"),),
            colors=BATIK_COLORS,
            pattern="batik",
            material="Katun primisima, pewarna alam",
        ),
        Kind(
            "Kain Batik Cap",
            "batik-kain",
            BATIK_MOTIFS,
            ("Kusuma Batik",),
            (95_000, 185_000),
            "cloth",
            weight_grams=300,
            sizes=(Size("2 x 1,15 m"),),
            colors=BATIK_COLORS,
            pattern="batik",
            material="Katun prima",
        ),
        Kind(
            "Outer Batik Kimono",
            "batik-outer",
            BATIK_MOTIFS,
            ("Kusuma Batik",),
            (130_000, 260_000),
            "jacket",
            weight_grams=300,
            sizes=(Size("All Size"),),
            colors=BATIK_COLORS,
            pattern="batik",
            material="Katun rayon",
        ),
    ),
)

SKINCARE_BRANDS = ("Glow Lokal", "Somethinc", "Avoskin", "Skintific", "Whitelab", "Azarine")

SKINCARE = ShopSpec(
    slug="glow-lokal",
    name="Glow Lokal",
    city="Bandung",
    bio=(
        "Skincare lokal original, BPOM semua, dari distributor resmi. Bingung pilih produk? Konsultasi "
        "jenis kulit gratis lewat chat. Pengiriman pakai bubble wrap tebal."
    ),
    tagline="Skincare lokal, 100% original BPOM",
    is_verified=True,
    sku_prefix="GLW",
    color=(214, 108, 140),
    title_format="{brand} {noun} {qualifier}",
    owner={"username": "skincare", "display_name": "Nadia Kusumawardani"},
    kinds=(
        Kind(
            "Serum",
            "perawatan-wajah",
            (
                "Niacinamide 10% + Zinc",
                "Vitamin C 15%",
                "Hyaluronic Acid 2%",
                "Retinol 0,5%",
                "Centella Calming",
                "AHA BHA Exfoliating",
            ),
            SKINCARE_BRANDS,
            (65_000, 140_000),
            "dropper",
            sizes=(Size("20ml", 1.0, 80), Size("30ml", 1.35, 110)),
            colors=("Oranye", "Putih", "Tosca", "Ungu"),
        ),
        Kind(
            "Sunscreen",
            "perawatan-wajah",
            ("SPF 50 PA++++ Gel", "Tone Up SPF 50", "Hydrasoothe SPF 45", "Matte Fluid SPF 50"),
            SKINCARE_BRANDS,
            (45_000, 95_000),
            "tube",
            sizes=(Size("30ml", 1.0, 60), Size("50ml", 1.45, 90)),
            colors=("Kuning Mustard", "Putih", "Biru Muda"),
        ),
        Kind(
            "Toner",
            "perawatan-wajah",
            ("Centella Asiatica", "Rice Water Brightening", "BHA 2% Exfoliating", "Rose Water Hydrating"),
            SKINCARE_BRANDS,
            (45_000, 110_000),
            "bottle",
            sizes=(Size("100ml", 1.0, 160), Size("200ml", 1.7, 280)),
            colors=("Tosca", "Pink", "Biru Muda"),
        ),
        Kind(
            "Moisturizer",
            "perawatan-wajah",
            ("Ceramide Barrier Gel", "Oat Soothing Cream", "Mugwort Water Gel", "Niacinamide Brightening"),
            SKINCARE_BRANDS,
            (60_000, 150_000),
            "jar",
            sizes=(Size("30g", 1.0, 90), Size("50g", 1.4, 130)),
            colors=("Putih", "Hijau Botol", "Pink"),
        ),
        Kind(
            "Facial Wash",
            "perawatan-wajah",
            ("Low pH Gentle", "Salicylic Acid Acne", "Amino Acid Foam"),
            SKINCARE_BRANDS,
            (35_000, 85_000),
            "tube",
            sizes=(Size("100ml", 1.0, 130),),
            colors=("Biru Muda", "Hijau Botol", "Putih"),
        ),
        Kind(
            "Clay Mask",
            "perawatan-wajah",
            ("Kaolin Green Tea", "Charcoal Detox", "Bentonite Pore Care"),
            SKINCARE_BRANDS,
            (45_000, 110_000),
            "jar",
            sizes=(Size("40g", 1.0, 80), Size("100g", 1.9, 160)),
            colors=("Hijau Army", "Hitam", "Abu-abu"),
        ),
        Kind(
            "Lip Tint",
            "makeup",
            ("Glossy Water Tint", "Velvet Matte", "Lip Serum Tint"),
            SKINCARE_BRANDS,
            (35_000, 75_000),
            "tube",
            sizes=(Size("4ml", 1.0, 30),),
            colors=("Merah", "Pink", "Oranye", "Merah Marun"),
            color_variants=True,
        ),
        Kind(
            "Body Lotion",
            "perawatan-tubuh",
            ("Bengkoang Brightening", "Shea Butter Nourishing", "Niacinamide SPF 30"),
            ("Glow Lokal", "Scarlett", "Whitelab", "Azarine"),
            (35_000, 95_000),
            "pump",
            sizes=(Size("250ml", 1.0, 300), Size("400ml", 1.45, 460)),
            colors=("Putih", "Pink", "Kuning Mustard"),
        ),
        Kind(
            "Body Scrub",
            "perawatan-tubuh",
            ("Lulur Kopi Arabika", "Lulur Bengkoang", "Brown Sugar"),
            ("Glow Lokal", "Scarlett", "Mustika Ratu"),
            (30_000, 85_000),
            "jar",
            sizes=(Size("200g", 1.0, 250), Size("500g", 2.0, 580)),
            colors=("Coklat", "Krem", "Oranye"),
        ),
    ),
)

GADGET = ShopSpec(
    slug="gadget-corner-surabaya",
    name="Gadget Corner Surabaya",
    city="Surabaya",
    bio=(
        "Aksesoris HP dan audio original bergaransi resmi. Toko fisik di WTC Surabaya lantai 2. "
        "Pesanan sebelum jam 15.00 dikirim hari yang sama."
    ),
    tagline="Aksesoris original, garansi resmi",
    is_verified=False,
    sku_prefix="GCS",
    color=(36, 84, 160),
    title_format="{brand} {noun} {qualifier}",
    color_variants=True,
    owner={"username": "gadget", "display_name": "Kevin Hartono"},
    kinds=(
        Kind(
            "Kabel Data",
            "aksesoris-hp",
            ("USB-C to USB-C 60W 1m", "USB-C to Lightning 20W 1m", "USB-A to USB-C 3A 2m", "Magnetic 3 in 1"),
            ("Baseus", "Ugreen", "Anker", "Robot", "Vivan"),
            (25_000, 150_000),
            "cable",
            weight_grams=80,
            colors=("Hitam", "Putih"),
        ),
        Kind(
            "Charger",
            "aksesoris-hp",
            ("GaN 65W 3 Port", "20W PD USB-C", "33W Fast Charging", "Dual Port 30W"),
            ("Anker", "Baseus", "Ugreen", "Xiaomi"),
            (85_000, 480_000),
            "charger",
            weight_grams=150,
            colors=("Putih", "Hitam"),
        ),
        Kind(
            "Powerbank",
            "aksesoris-hp",
            ("10000mAh PD 20W", "20000mAh 22.5W", "Magnetic 5000mAh"),
            ("Anker", "Baseus", "Xiaomi", "Robot"),
            (150_000, 550_000),
            "powerbank",
            weight_grams=350,
            colors=GADGET_COLORS,
        ),
        Kind(
            "TWS Earbuds",
            "audio",
            ("Bluetooth 5.3 ANC", "Low Latency Gaming", "Open Ear Sport"),
            ("Baseus", "Soundcore", "QCY", "Lenovo"),
            (150_000, 750_000),
            "earbuds",
            weight_grams=120,
            colors=GADGET_COLORS,
        ),
        Kind(
            "Headphone",
            "audio",
            ("Bluetooth Over Ear", "Gaming RGB 7.1", "Wireless Lipat"),
            ("JBL", "Rexus", "Fantech", "Soundcore"),
            (180_000, 750_000),
            "headphone",
            weight_grams=450,
            colors=("Hitam", "Putih", "Biru Navy"),
        ),
        Kind(
            "Speaker Bluetooth",
            "audio",
            ("Mini Portable", "Waterproof IPX7", "Karaoke + Mic"),
            ("JBL", "Tronsmart", "Xiaomi", "Robot"),
            (150_000, 750_000),
            "speaker",
            weight_grams=600,
            colors=("Hitam", "Biru Navy", "Merah", "Tosca"),
        ),
        Kind(
            "Case",
            "aksesoris-hp",
            (
                "iPhone 15 Pro MagSafe Clear",
                "Samsung A55 Armor",
                "Redmi Note 13 Soft Case",
                "iPhone 13 Silikon",
            ),
            ("Spigen", "Nillkin", "Baseus"),
            (25_000, 250_000),
            "phone",
            weight_grams=60,
            colors=GADGET_COLORS,
        ),
        Kind(
            "Tempered Glass",
            "aksesoris-hp",
            ("Samsung A54 Full Cover", "iPhone 14 Anti Spy", "Redmi Note 12 Matte"),
            ("Nillkin", "Baseus", "Vmax"),
            (15_000, 95_000),
            "phone",
            weight_grams=50,
            colors=("Hitam",),
        ),
        Kind(
            "Holder HP",
            "aksesoris-hp",
            ("Motor Anti Getar", "Mobil Magnetic", "Meja Lipat Aluminium"),
            ("Baseus", "Ugreen", "Robot"),
            (35_000, 180_000),
            "phone",
            weight_grams=250,
            colors=("Hitam", "Abu-abu"),
        ),
        Kind(
            "Mouse Wireless",
            "aksesoris-komputer",
            ("Silent Click", "Bluetooth Dual Mode", "Ergonomis Vertikal"),
            ("Logitech", "Rexus", "Fantech", "Robot"),
            (60_000, 350_000),
            "mouse",
            weight_grams=150,
            colors=("Hitam", "Putih", "Pink", "Abu-abu"),
        ),
    ),
)

SNACK_WEIGHTS = (Size("100g", 1.0, 130), Size("250g", 2.2, 300), Size("500g", 4.0, 560))

SNACK = ShopSpec(
    slug="camilan-nusantara",
    name="Camilan Nusantara",
    city="Malang",
    bio=(
        "Oleh-oleh dan camilan khas dari seluruh Nusantara, langsung dari UMKM pembuatnya. Semua "
        "produk ber-PIRT/BPOM dan halal. Dikemas ulang kedap udara, dikirim dengan kardus."
    ),
    tagline="Camilan khas daerah, langsung dari UMKM",
    is_verified=False,
    sku_prefix="CNU",
    color=(206, 96, 30),
    title_format="{noun} {qualifier}",
    owner={"username": "snack", "display_name": "Bu Sri Wahyuni"},
    kinds=(
        Kind(
            "Keripik Tempe",
            "camilan",
            ("Pedas Manis", "Original Gurih", "Daun Jeruk"),
            ("Kripik Mbok Darmi", "Camilan Nusantara"),
            (15_000, 22_000),
            "pouch",
            sizes=SNACK_WEIGHTS,
            colors=("Kuning Mustard", "Oranye"),
        ),
        Kind(
            "Keripik Singkong",
            "camilan",
            ("Balado", "Pedas Level 5", "Original Asin"),
            ("Kripik Mbok Darmi", "Camilan Nusantara", "Sanjai Bundo"),
            (15_000, 20_000),
            "pouch",
            sizes=SNACK_WEIGHTS,
            colors=("Merah", "Kuning Mustard"),
        ),
        Kind(
            "Basreng",
            "camilan",
            ("Pedas Daun Jeruk", "Original", "Stik Extra Pedas"),
            ("Camilan Nusantara", "Dapur Teh Euis"),
            (15_000, 21_000),
            "pouch",
            sizes=SNACK_WEIGHTS,
            colors=("Oranye", "Merah"),
        ),
        Kind(
            "Makaroni Bantet",
            "camilan",
            ("Balado", "Pedas Jeruk", "Asin Gurih"),
            ("Camilan Nusantara", "Dapur Teh Euis"),
            (15_000, 18_000),
            "pouch",
            sizes=SNACK_WEIGHTS,
            colors=("Kuning Mustard", "Merah"),
        ),
        Kind(
            "Kacang Mete",
            "camilan",
            ("Goreng Bawang", "Madu", "Panggang Tanpa Minyak"),
            ("Mete Wonogiri", "Camilan Nusantara"),
            (45_000, 60_000),
            "jar",
            sizes=(Size("250g", 1.0, 300), Size("500g", 1.9, 560)),
            colors=("Krem", "Coklat"),
        ),
        Kind(
            "Kerupuk Rambak",
            "camilan",
            ("Kulit Sapi Original", "Kulit Sapi Pedas", "Kulit Ikan Salmon"),
            ("Rambak Mbak Yuli", "Camilan Nusantara"),
            (20_000, 35_000),
            "pouch",
            sizes=(Size("100g", 1.0, 130), Size("200g", 1.85, 240)),
            colors=("Krem", "Oranye"),
        ),
        Kind(
            "Sambal",
            "bumbu-sambal",
            ("Roa Manado", "Cumi Pedas", "Teri Medan", "Bawang Pedas", "Ijo Padang"),
            ("Rumah Sambal Mama Ina", "Dapur Bu Sri"),
            (25_000, 45_000),
            "jar",
            sizes=(Size("150g", 1.0, 250), Size("250g", 1.55, 380)),
            colors=("Merah", "Merah Marun", "Hijau Botol"),
        ),
        Kind(
            "Kopi Bubuk",
            "minuman",
            ("Arabika Gayo", "Robusta Temanggung", "Arabika Toraja Kalosi", "Robusta Lampung"),
            ("Kopi Kebun Kita", "Camilan Nusantara"),
            (45_000, 85_000),
            "pouch",
            sizes=(Size("200g", 1.0, 230), Size("500g", 2.3, 540), Size("1kg", 4.2, 1050)),
            colors=("Coklat", "Hitam"),
        ),
        Kind(
            "Teh",
            "minuman",
            ("Tubruk Melati", "Hijau Kayu Aro", "Rosella Kering"),
            ("Teh Kebun Kita", "Camilan Nusantara"),
            (18_000, 45_000),
            "box",
            sizes=(Size("100g", 1.0, 150), Size("250g", 2.1, 320)),
            colors=("Hijau Botol", "Merah Marun"),
        ),
        Kind(
            "Minuman Instan",
            "minuman",
            ("Wedang Uwuh", "Jahe Merah", "Beras Kencur"),
            ("Jamu Mbok Sari", "Camilan Nusantara"),
            (20_000, 38_000),
            "box",
            sizes=(Size("isi 10 sachet", 1.0, 250),),
            colors=("Merah Marun", "Kuning Mustard", "Oranye"),
        ),
        Kind(
            "Bakpia Pathok",
            "camilan",
            ("Kacang Hijau isi 20", "Keju isi 15", "Coklat isi 20", "Kumbu Hitam isi 20"),
            ("Bakpia Djogja", "Camilan Nusantara"),
            (35_000, 65_000),
            "box",
            colors=("Krem", "Coklat"),
            weight_grams=550,
        ),
    ),
)

SHOPS = (THRIFT, BATIK, SKINCARE, GADGET, SNACK)

ADMIN = {"username": "admin", "email": "admin@lapak.local", "display_name": "Admin Lapak"}
HOST = {"username": "host_thrift", "display_name": "Dimas Anggara", "shop": THRIFT.slug}

BUYERS = (
    {
        "username": "andi",
        "display_name": "Andi Pratama",
        "phone": "081227345610",
        "follows": (THRIFT.slug, BATIK.slug, SNACK.slug),
        "address": {
            "label": "Kos",
            "province": "DI Yogyakarta",
            "city": "Kabupaten Sleman",
            "district": "Depok",
            "postal_code": "55281",
            "street": "Jl. Kaliurang Km 5, Gg. Pandega Marta No. 12, Caturtunggal",
        },
    },
    {
        "username": "siti",
        "display_name": "Siti Rahmawati",
        "phone": "081398120447",
        "follows": (SKINCARE.slug, THRIFT.slug, BATIK.slug),
        "address": {
            "label": "Kantor",
            "province": "DKI Jakarta",
            "city": "Jakarta Selatan",
            "district": "Kebayoran Baru",
            "postal_code": "12190",
            "street": "Jl. Jend. Sudirman Kav. 52-53, Gedung Artha Graha Lt. 9, Senayan",
        },
    },
    {
        "username": "budi",
        "display_name": "Budi Santoso",
        "phone": "085733019982",
        "follows": (GADGET.slug, SNACK.slug),
        "address": {
            "label": "Rumah",
            "province": "Jawa Timur",
            "city": "Surabaya",
            "district": "Mulyorejo",
            "postal_code": "60115",
            "street": "Jl. Dharmahusada Indah Timur III No. 21, RT 04/RW 07, Kel. Mulyorejo",
        },
    },
)

# Extra buyers who only follow shops, so follower counts look like a real marketplace's.
FIRST_NAMES = (
    "Agus", "Ayu", "Bayu", "Citra", "Dewi", "Dimas", "Eka", "Fajar", "Fitri", "Galih", "Hendra",
    "Indah", "Joko", "Kartika", "Lestari", "Maya", "Nur", "Putri", "Rizky", "Sari", "Teguh",
    "Wulan", "Yoga", "Zahra",
)  # fmt: skip
LAST_NAMES = (
    "Saputra", "Wijaya", "Lestari", "Hidayat", "Nugroho", "Kurniawan", "Permata", "Setiawan",
    "Rahayu", "Susanto", "Wibowo", "Handayani",
)  # fmt: skip
EXTRA_FOLLOWERS = 36
# How likely an extra buyer follows each shop.
FOLLOW_ODDS = {THRIFT.slug: 0.7, BATIK.slug: 0.45, SKINCARE.slug: 0.6, GADGET.slug: 0.35, SNACK.slug: 0.5}

BLOCKED_WORDS = ("replika", "kw", "ori kw", "kw super", "super copy", "transfer langsung", "wa saya")

# --- Thrift honesty -----------------------------------------------------------------------------
CONDITION_NOTES = {
    "like_new": (
        "Seperti baru, baru dipakai 1–2 kali. Warna masih tajam, tidak ada noda, lubang atau bulu-bulu.",
        "Kondisi mulus seperti baru, label dalam masih jelas. Tidak ada cacat yang kami temukan.",
    ),
    "good": (
        "Kondisi bagus dengan tanda pemakaian wajar: warna sedikit pudar setelah dicuci. Tidak ada noda.",
        "Bagus dan layak pakai. Sedikit bulu-bulu halus di bagian samping, tidak mengganggu.",
    ),
    "fair": (
        "Layak pakai, warna sudah pudar dan ada cacat kecil yang kami foto di bawah. Cek foto cacat ya.",
        "Masih kuat dipakai, tapi ada cacat yang terlihat (lihat foto cacat). Harga sudah kami sesuaikan.",
    ),
}
DEFECTS = {
    "top": (
        ("Noda kecil kekuningan di kerah bagian dalam", "stain"),
        ("Kancing kedua dari atas diganti kancing serupa", "button"),
        ("Jahitan ketiak kiri lepas ±2 cm, mudah dijahit ulang", "seam"),
        ("Lubang kecil seukuran jarum di lengan kanan", "hole"),
        ("Warna pudar di bagian bahu", "fade"),
    ),
    "bottom": (
        ("Ujung kaki celana sedikit belel", "fade"),
        ("Resleting agak seret, masih berfungsi", "seam"),
        ("Noda samar di paha kiri, tidak hilang dicuci", "stain"),
        ("Lubang kecil di saku belakang", "hole"),
    ),
}
DEFECTS["dress"] = DEFECTS["top"][:1] + DEFECTS["top"][3:] + DEFECTS["bottom"][2:3]
DEFECTS["skirt"] = DEFECTS["bottom"]

REJECTED_LISTING = {
    "title": "TWS Earbuds Pro 2 Replika AirPods Super Copy 1:1",
    "description": (
        "Kualitas KW super, mirip 99% dengan aslinya. Bisa pop-up, ganti nama, dan deteksi telinga. "
        "Untuk harga grosir transfer langsung ke rekening, chat WA saya."
    ),
    "reason": (
        "Produk replika/KW tidak boleh dijual di Lapak, dan transaksi di luar aplikasi tidak "
        "diperbolehkan. Silakan jual produk original dengan deskripsi dan foto milik sendiri."
    ),
}
# Appended to one waiting listing so the pre-screen has something to flag.
SUSPICIOUS_SENTENCE = "Untuk pembelian grosir di atas 1 lusin, chat WA saya saja biar lebih murah."

# One or two sentences per kind of product, for descriptions that say something specific.
BLURBS = {
    "Serum": "Bertekstur ringan dan cepat meresap. Membantu mencerahkan, menyamarkan noda bekas "
    "jerawat dan menjaga skin barrier. Pakai 2–3 tetes setelah toner, pagi dan malam.",
    "Sunscreen": "Ringan, tidak lengket dan tidak meninggalkan white cast, cocok untuk iklim tropis. "
    "Pakai dua ruas jari 15 menit sebelum keluar rumah, ulangi setiap 3 jam.",
    "Toner": "Menyegarkan dan menyiapkan kulit agar serum lebih mudah meresap. Tuang ke kapas atau "
    "tepuk-tepuk langsung dengan tangan setelah cuci muka.",
    "Moisturizer": "Melembapkan tanpa rasa berat dan memperkuat skin barrier, aman untuk kulit "
    "berminyak maupun kering. Pakai sebagai langkah terakhir sebelum sunscreen.",
    "Facial Wash": "Membersihkan kotoran dan minyak tanpa membuat kulit terasa ketarik. Busa lembut, "
    "pH seimbang, bisa dipakai pagi dan malam.",
    "Clay Mask": "Menyerap minyak berlebih dan membantu membersihkan pori-pori. Oles tipis, diamkan "
    "10–15 menit, bilas dengan air hangat. Pakai 2 kali seminggu.",
    "Lip Tint": "Warna tahan lama, tidak bikin bibir kering, bisa juga dipakai sebagai blush on. "
    "Oles tipis lalu ratakan dengan jari untuk hasil gradasi.",
    "Body Lotion": "Melembapkan kulit kering dan membantu meratakan warna kulit. Cepat meresap, tidak "
    "lengket, wangi lembut seharian.",
    "Body Scrub": "Mengangkat sel kulit mati sehingga kulit terasa halus dan cerah. Gosok lembut saat "
    "kulit basah, 2–3 kali seminggu.",
    "Kabel Data": "Mendukung fast charging dan transfer data, selubung nilon kepang yang awet ditekuk "
    "ribuan kali. Isi paket: 1 kabel.",
    "Charger": "Mengisi daya HP dan laptop dengan aman: ada proteksi suhu, arus dan tegangan. Isi "
    "paket: kepala charger, buku manual.",
    "Powerbank": "Kapasitas asli, bukan klaim. Bisa isi dua perangkat sekaligus dan dibawa ke kabin "
    "pesawat. Isi paket: powerbank, kabel USB-C.",
    "TWS Earbuds": "Suara jernih dengan bass yang pas, koneksi stabil dan baterai sampai 30 jam dengan "
    "case. Isi paket: earbuds, case, kabel, ear tips cadangan.",
    "Headphone": "Bantalan empuk yang nyaman dipakai berjam-jam, mic jernih untuk meeting dan main "
    "game. Isi paket: headphone, kabel, pouch.",
    "Speaker Bluetooth": "Suara lantang untuk ukuran kecil, baterai tahan seharian, bisa dipasangkan "
    "dua unit untuk stereo. Isi paket: speaker, kabel charger.",
    "Case": "Pas presisi dengan lubang kamera dan tombol, sudut diperkuat untuk melindungi saat "
    "jatuh. Tidak menguning.",
    "Tempered Glass": "Kekerasan 9H, bening, dan tetap responsif untuk sidik jari di layar. Gratis "
    "alat bantu pasang dan tisu pembersih.",
    "Holder HP": "Cengkeraman kuat dan bisa diputar 360°, HP tidak goyang di jalan rusak. Pemasangan "
    "tanpa alat tambahan.",
    "Mouse Wireless": "Klik senyap, sensor presisi, dan baterai tahan berbulan-bulan. Cocok untuk "
    "kerja dan kuliah. Isi paket: mouse, receiver USB.",
    "Keripik Tempe": "Tempe diiris tipis dan digoreng renyah, bumbunya meresap. Komposisi: tempe, "
    "tepung beras, bawang putih, cabai, gula kelapa.",
    "Keripik Singkong": "Singkong pilihan diiris tipis, renyah dan tidak keras. Komposisi: singkong, "
    "minyak sawit, bumbu balado atau garam.",
    "Basreng": "Bakso ikan tenggiri diiris lalu digoreng kering, pedasnya nendang. Komposisi: ikan "
    "tenggiri, tepung tapioka, cabai, daun jeruk.",
    "Makaroni Bantet": "Makaroni goreng garing dengan bumbu tabur melimpah, cocok buat teman nonton. "
    "Komposisi: makaroni, minyak sawit, bumbu.",
    "Kacang Mete": "Mete utuh kualitas super dari Wonogiri, gurih dan renyah. Dikemas dalam toples "
    "plastik kedap udara.",
    "Kerupuk Rambak": "Kerupuk kulit asli, mekar sempurna dan renyah. Cocok untuk lauk nasi atau "
    "teman makan bakso.",
    "Sambal": "Dimasak dengan minyak kelapa tanpa pengawet, tinggal buka dan siap makan. Tahan 1 bulan "
    "di suhu ruang, 3 bulan di kulkas.",
    "Kopi Bubuk": "Biji kopi petani lokal, disangrai medium dan digiling saat dipesan supaya tetap "
    "wangi. Pilih giling kasar atau halus di catatan pesanan.",
    "Teh": "Daun teh pilihan, seduh dengan air mendidih 3–5 menit. Wangi dan sepat yang pas.",
    "Minuman Instan": "Rempah asli tanpa pemanis buatan, cukup seduh dengan air panas. Hangat di "
    "badan, cocok saat musim hujan.",
    "Bakpia Pathok": "Bakpia fresh dipanggang di hari pengiriman. Tahan 5 hari di suhu ruang. Cocok "
    "untuk oleh-oleh.",
}

BATIK_MOTIF_MEANINGS = {
    "Parang": "melambangkan semangat yang tidak pernah padam",
    "Mega Mendung": "berupa awan berarak yang melambangkan kesabaran",
    "Jlamprang": "motif geometris khas Pekalongan yang terinspirasi kain patola",
    "Sekar Jagad": "melambangkan keindahan dan keragaman dunia",
    "Kawung": "melambangkan kesucian dan umur panjang",
    "Truntum": "melambangkan cinta yang tumbuh kembali",
    "Buketan": "berupa rangkaian bunga khas batik pesisiran",
}

CONDITION_LABELS = {"like_new": "Seperti baru", "good": "Bagus", "fair": "Cukup, ada cacat"}

# --- The thrift shop's past ----------------------------------------------------------------------
# One-off pieces the thrift shop sold before the demo starts (marketplace/demo/orders.py buys them for
# the seeded order history and the past live), so the history never takes a piece the tour shows.
# (SKU suffix, kind noun, title, condition, size, colour, price, measurements in cm)
PAST_PIECE_SKU_PREFIX = f"{THRIFT.sku_prefix}-P"
PAST_PIECES = (
    ("01", "Jaket Denim", "Jaket Denim Trucker Vintage Levi's", "good", "L", "Biru Indigo", 245_000,
     {"chest_cm": 56, "length_cm": 66, "sleeve_cm": 61}),
    ("02", "Kemeja Flanel", "Kemeja Flanel Kotak Besar Oversize Uniqlo", "like_new", "XL", "Merah", 119_000,
     {"chest_cm": 60, "length_cm": 76, "sleeve_cm": 62}),
    ("03", "Sweater Rajut", "Sweater Rajut Motif Kabel Vintage Muji", "good", "M", "Krem", 109_000,
     {"chest_cm": 51, "length_cm": 66, "sleeve_cm": 58}),
    ("04", "Kemeja Hawaii", "Kemeja Hawaii Motif Bunga Retro Zara", "like_new", "L", "Tosca", 79_000,
     {"chest_cm": 55, "length_cm": 72, "sleeve_cm": 23}),
    ("05", "Celana Jeans", "Celana Jeans Straight Cut Vintage Lee", "good", "32", "Biru Indigo", 169_000,
     {"waist_cm": 41, "length_cm": 101}),
    ("06", "Dress Midi", "Dress Midi Floral Vintage Mango", "like_new", "M", "Kuning Mustard", 139_000,
     {"chest_cm": 46, "waist_cm": 36, "length_cm": 112}),
    ("07", "Jaket Denim", "Jaket Denim Sherpa Vintage Wrangler", "good", "XL", "Biru Muda", 279_000,
     {"chest_cm": 59, "length_cm": 68, "sleeve_cm": 63}),
    ("08", "Jaket Windbreaker", "Jaket Windbreaker Colorblock Retro 90an Nike", "like_new", "L", "Biru Navy",
     229_000, {"chest_cm": 57, "length_cm": 70, "sleeve_cm": 60}),
    ("09", "Jaket Denim", "Jaket Denim Washed Biru Muda Lee", "good", "M", "Biru Muda", 199_000,
     {"chest_cm": 52, "length_cm": 64, "sleeve_cm": 59}),
    ("10", "Jaket Windbreaker", "Jaket Windbreaker Parasut Adidas", "good", "L", "Hijau Army", 159_000,
     {"chest_cm": 56, "length_cm": 69, "sleeve_cm": 61}),
)  # fmt: skip
