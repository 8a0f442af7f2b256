"""What a seller may see and touch: the shops they belong to, and their role in each.

Sellers hold no Django model permissions; the admin (shops/admin.py, ShopScopedAdminMixin)
derives them from `ShopMember` rows through these helpers. Platform staff see everything.
"""

from collections.abc import Iterable

from django.db.models import Model, QuerySet

from marketplace.permissions import is_platform_staff
from shops.enums import MemberRole
from shops.models import (
    ModerationEvent,
    Product,
    ProductDefect,
    ProductImage,
    ProductVariant,
    Shop,
    ShopMember,
)

__all__ = [
    "ALL_ROLES",
    "EDITOR_ROLES",
    "is_platform_staff",
    "member_shop_ids",
    "register_shop_path",
    "scope_to_shops",
    "shop_id_of",
]

ALL_ROLES = frozenset(MemberRole.values)
# Owners and shop staff run the catalog; a live host only presents it.
EDITOR_ROLES = frozenset({MemberRole.OWNER, MemberRole.STAFF})

# The lookup from each shop-owned model to its shop: the one table scoping reads.
SHOP_PATHS: dict[type[Model], str] = {
    Shop: "pk",
    ShopMember: "shop",
    Product: "shop",
    # Through the product, not the copied `shop` column: a variant's shop is always its product's.
    ProductVariant: "product__shop",
    ProductImage: "product__shop",
    ProductDefect: "product__shop",
    ModerationEvent: "shop",
}


def register_shop_path(model: type[Model], path: str) -> None:
    """Let an app above `shops` (orders, live) join the table without `shops` importing it.

    Registering the same path twice is harmless (module reloads); a different path for an
    already-registered model is a bug, since scoping would silently change.
    """
    model = model._meta.concrete_model
    existing = SHOP_PATHS.get(model)
    if existing is not None and existing != path:
        raise ValueError(f"{model.__name__} already reaches its shop through {existing!r}, not {path!r}")
    SHOP_PATHS[model] = path


def _shop_roles(user) -> dict[int, str]:
    """{shop_id: role} for the user, read once per request (the admin asks many times)."""
    if not (user and user.is_authenticated and user.is_active):
        return {}
    cached = getattr(user, "_shop_roles_cache", None)
    if cached is None:
        cached = dict(ShopMember.objects.filter(user=user).values_list("shop_id", "role"))
        user._shop_roles_cache = cached
    return cached


def member_shop_ids(user, roles: Iterable[str] = ALL_ROLES) -> set[int]:
    """Ids of the shops where the user holds one of `roles`."""
    roles = set(roles)
    return {shop_id for shop_id, role in _shop_roles(user).items() if role in roles}


def shop_path(model: type[Model]) -> str | None:
    return SHOP_PATHS.get(model._meta.concrete_model)


def scope_to_shops(queryset: QuerySet, shop_ids: Iterable[int]) -> QuerySet:
    """Narrow a queryset of any shop-owned model to `shop_ids`; other models pass unchanged."""
    path = shop_path(queryset.model)
    if path is None:
        return queryset
    return queryset.filter(**{f"{path}__in": list(shop_ids)})


def shop_id_of(obj: Model) -> int | None:
    """The shop an object belongs to, following the same path as `scope_to_shops`."""
    path = shop_path(type(obj))
    if path is None:
        return None
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return obj.pk if last == "pk" else getattr(obj, f"{last}_id")
