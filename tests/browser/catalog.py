"""Catalog data the browser journeys share: a listed product with one variant and a real photo."""

from shops.models import ProductImage
from shops.services import product_image_make_thumbnail, product_refresh_summary
from tests.factories import ProductFactory, ProductVariantFactory, image_file


def listed_product(*, shop, title, slug, price, stock, color, **fields):
    product = ProductFactory(shop=shop, title=title, slug=slug, **fields)
    ProductVariantFactory(product=product, size="M", sku=f"{slug}-m", price=price, stock=stock)
    image = ProductImage.objects.create(product=product, image=image_file(f"{slug}.jpg", (480, 480), color))
    product_image_make_thumbnail(image=image)
    return product_refresh_summary(product=product)
