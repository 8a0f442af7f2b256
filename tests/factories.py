"""factory_boy factories for the whole project; tests/conftest.py exposes them as fixtures."""

import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from marketplace.models import Address, User
from shops.enums import Condition, MemberRole, ProductStatus
from shops.models import Category, Product, ProductDefect, ProductImage, ProductVariant, Shop, ShopMember


def image_file(name: str = "photo.jpg", size=(64, 48), color=(200, 80, 40), fmt: str = "JPEG") -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return ContentFile(buffer.getvalue(), name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.Faker("name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "lapak12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    recipient_name = factory.Faker("name", locale="id_ID")
    phone = "081234567890"
    province = "DKI Jakarta"
    city = "Jakarta Selatan"
    district = "Kebayoran Baru"
    postal_code = "12110"
    street = "Jl. Senopati No. 10"


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"Toko {n}")
    slug = factory.Sequence(lambda n: f"toko-{n}")
    city = "Bandung"
    bio = "Toko kecil dengan barang pilihan."


class ShopMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopMember

    shop = factory.SubFactory(ShopFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)
    role = MemberRole.OWNER


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Produk {n}")
    slug = factory.Sequence(lambda n: f"produk-{n}")
    description = "Barang bagus, siap kirim."
    condition = Condition.NEW
    status = ProductStatus.ACTIVE
    published_at = factory.LazyFunction(timezone.now)


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    size = "M"
    price = 125_000
    stock = 10


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(image_file)


def active_product(**kwargs) -> Product:
    """An active product with one variant and summaries refreshed, as the storefront sees it."""
    from shops.services import product_refresh_summary

    price = kwargs.pop("price", 125_000)
    stock = kwargs.pop("stock", 10)
    product = ProductFactory(**kwargs)
    ProductVariantFactory(product=product, price=price, stock=stock)
    return product_refresh_summary(product=product)


class ProductDefectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductDefect

    product = factory.SubFactory(ProductFactory)
    description = "Noda kecil di lengan kiri"
    photo = factory.LazyFunction(lambda: image_file("defect.jpg"))
