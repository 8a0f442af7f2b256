"""Every write to shops and the catalog that is more than a form save.

Plain functions with keyword-only arguments, one transaction each, called by views, admin,
tasks, the demo seeder and tests alike.
"""

from django.db import transaction
from django.db.models import F, Min, Sum

from marketplace.images import make_thumbnail
from shops.models import Follow, Product, ProductDefect, ProductImage, Shop


def product_refresh_summary(*, product: Product) -> Product:
    """Recompute the product's price-from, compare-at and stock from its available variants.

    Lists filter and sort on these columns, so every change to variants must end here.
    """
    variants = product.variants.filter(is_active=True)
    totals = variants.aggregate(price=Min("price"), stock=Sum("stock"))
    cheapest = variants.order_by("price", "id").only("compare_at_price").first()
    product.price = totals["price"] or 0
    product.stock_total = totals["stock"] or 0
    product.compare_at_price = cheapest.compare_at_price if cheapest else None
    product.save(update_fields=["price", "stock_total", "compare_at_price", "updated_at"])
    return product


def product_image_make_thumbnail(*, image: ProductImage | ProductDefect) -> None:
    """Write the WebP thumbnail of a product image or defect photo (idempotent)."""
    source = image.image if isinstance(image, ProductImage) else image.photo
    if not source:
        return
    with source.open("rb") as file:
        thumbnail = make_thumbnail(file)
    if image.thumbnail:
        image.thumbnail.delete(save=False)
    image.thumbnail.save(thumbnail.name, thumbnail, save=False)
    image.save(update_fields=["thumbnail"])


@transaction.atomic
def follow_create(*, user, shop: Shop) -> bool:
    """Follow a shop; returns False when already following. The counter moves with the row."""
    _, created = Follow.objects.get_or_create(user=user, shop=shop)
    if created:
        Shop.objects.filter(pk=shop.pk).update(follower_count=F("follower_count") + 1)
    return created


@transaction.atomic
def follow_delete(*, user, shop: Shop) -> bool:
    """Unfollow a shop; returns False when the user was not following."""
    deleted, _ = Follow.objects.filter(user=user, shop=shop).delete()
    if deleted:
        Shop.objects.filter(pk=shop.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)
    return bool(deleted)
