"""The seller admin's product forms as the browser posts them, and what its change lists show."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.kit import factories

PRODUCTS = reverse("admin:shops_product_changelist")
PRODUCT_ADD = reverse("admin:shops_product_add")


def change_url(product):
    return reverse("admin:shops_product_change", args=[product.pk])


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def upload(name: str = "foto.jpg", color=(10, 120, 200)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.image_file(color=color).read(), content_type="image/jpeg")


def product_add_data(
    *, shop, category, title="Kemeja Flanel Uniqlo", variants=(), images=(), **extra
) -> dict:
    """The add form as the browser posts it: product fields and the three inline formsets."""
    data = {
        "shop": str(shop.pk),
        "category": str(category.pk),
        "title": title,
        "slug": title.lower().replace(" ", "-"),
        "description": "Flanel tebal, jarang dipakai.",
        "brand": "",
        "condition": "good",
        "condition_notes": "",
        **management("variants", len(variants)),
        **management("images", len(images)),
        **management("defects", 0),
    }
    for i, variant in enumerate(variants):
        data.update({f"variants-{i}-{key}": value for key, value in variant.items()})
    for i, image in enumerate(images):
        data.update({f"images-{i}-image": image, f"images-{i}-alt_text": "", f"images-{i}-position": str(i)})
    data.update(extra)
    return data


def variant_data(sku="FLN-M", price=125_000, stock=3, **extra) -> dict:
    return {
        "size": "M",
        "color": "",
        "sku": sku,
        "price": str(price),
        "compare_at_price": "",
        "stock": str(stock),
        "weight_grams": "500",
        "is_active": "on",
        **extra,
    }


def product_change_data(product, **overrides) -> dict:
    """The change form of an existing product, unchanged unless `overrides` say otherwise."""
    data = {
        "category": str(product.category_id),
        "title": product.title,
        "slug": product.slug,
        "description": product.description,
        "brand": product.brand,
        "condition": product.condition,
        "condition_notes": product.condition_notes,
    }
    variants = list(product.variants.all())
    images = list(product.images.all())
    data.update(management("variants", len(variants), len(variants)))
    data.update(management("images", len(images), len(images)))
    data.update(management("defects", 0))
    for i, variant in enumerate(variants):
        fields = variant_data(
            sku=variant.sku, price=variant.price, stock=variant.stock, size=variant.size, id=str(variant.pk)
        )
        fields["product"] = str(product.pk)
        data.update({f"variants-{i}-{key}": value for key, value in fields.items()})
    for i, image in enumerate(images):
        data.update(
            {
                f"images-{i}-id": str(image.pk),
                f"images-{i}-product": str(product.pk),
                f"images-{i}-alt_text": image.alt_text,
                f"images-{i}-position": str(image.position),
            }
        )
    data.update(overrides)
    return data


def listed_pks(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}
