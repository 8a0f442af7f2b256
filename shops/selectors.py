"""Every shopper-facing read of the catalog, with its joins and prefetches done once.

The visibility rule lives here and only here: shoppers see a product when it is active and its
shop is active; a suspended shop has no page. Views call these functions, so no page can forget
the rule or the prefetches (and grow a query per product).
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import F, Prefetch, QuerySet

from shops.enums import ProductSort, ProductStatus, ShopStatus
from shops.models import Category, Product, ProductImage, ProductVariant, Shop

# How close a title must be to the query, in pg_trgm word similarity, to count as a fuzzy match.
# 0.4 lets one typo through in a short word ("kemja" → "Kemeja" scores 0.5) without matching
# titles that merely share a couple of letters.
FUZZY_SEARCH_THRESHOLD = 0.4

PRODUCT_ORDERING = {
    ProductSort.NEWEST: ("-published_at", "-id"),
    ProductSort.POPULAR: ("-sold_count", "-published_at", "-id"),
    ProductSort.PRICE_ASC: ("price", "id"),
    ProductSort.PRICE_DESC: ("-price", "-id"),
}


# --- Category tree ----------------------------------------------------------------------------
# A few dozen rows that every list page needs (tiles, filter choices, descendants): read whole,
# kept in the cache, dropped when a category is saved or deleted (shops/apps.py) and after a
# short TTL anyway, so a write that bypasses the ORM heals by itself.
CATEGORY_TREE_CACHE_KEY = "shops:category-tree:v1"
CATEGORY_TREE_TTL = 10 * 60


@dataclass(frozen=True)
class CategoryNode:
    id: int
    parent_id: int | None
    name: str
    slug: str
    position: int


class CategoryTree:
    def __init__(self, nodes: list[CategoryNode]):
        self.nodes = nodes  # already ordered by position, name
        self._by_id = {node.id: node for node in nodes}
        self._by_slug = {node.slug: node for node in nodes}
        self._children: dict[int | None, list[CategoryNode]] = {}
        for node in nodes:
            self._children.setdefault(node.parent_id, []).append(node)

    @property
    def roots(self) -> list[CategoryNode]:
        return self._children.get(None, [])

    def children(self, node_id: int) -> list[CategoryNode]:
        return self._children.get(node_id, [])

    def get_by_slug(self, slug: str) -> CategoryNode | None:
        return self._by_slug.get(slug)

    def descendant_ids(self, node_id: int) -> list[int]:
        """The category itself and everything under it."""
        ids, stack, seen = [], [node_id], set()
        while stack:
            current = stack.pop()
            if current in seen:  # a cycle would be a data error; never loop on it
                continue
            seen.add(current)
            ids.append(current)
            stack.extend(child.id for child in self.children(current))
        return ids

    def ancestors(self, node_id: int) -> list[CategoryNode]:
        """From the root down to the category itself, for breadcrumbs."""
        path: list[CategoryNode] = []
        node = self._by_id.get(node_id)
        while node is not None and node not in path:
            path.insert(0, node)
            node = self._by_id.get(node.parent_id) if node.parent_id else None
        return path

    @cached_property
    def choices(self) -> list[tuple[str, str]]:
        """(slug, name) in tree order, children indented, for a <select>."""
        result: list[tuple[str, str]] = []

        def walk(parent_id: int | None, depth: int) -> None:
            for node in self._children.get(parent_id, []):
                result.append((node.slug, "\u2014 " * depth + node.name))
                walk(node.id, depth + 1)

        walk(None, 0)
        return result


def category_tree() -> CategoryTree:
    rows = cache.get(CATEGORY_TREE_CACHE_KEY)
    if rows is None:
        # Plain tuples in the cache: they survive model changes between deploys.
        rows = list(
            Category.objects.order_by("position", "name", "id").values_list(
                "id", "parent_id", "name", "slug", "position"
            )
        )
        cache.set(CATEGORY_TREE_CACHE_KEY, rows, CATEGORY_TREE_TTL)
    return CategoryTree([CategoryNode(*row) for row in rows])


def category_tree_invalidate(**kwargs) -> None:
    """Signal receiver for Category post_save/post_delete (connected in ShopsConfig.ready)."""
    cache.delete(CATEGORY_TREE_CACHE_KEY)


# --- Shops ------------------------------------------------------------------------------------
def shop_list_visible() -> QuerySet[Shop]:
    return Shop.objects.filter(status=ShopStatus.ACTIVE)


def shop_list_newest(*, limit: int = 8) -> list[Shop]:
    return list(shop_list_visible().order_by("-created_at", "-id")[:limit])


def shop_get_visible(*, slug: str) -> Shop:
    """Raises Shop.DoesNotExist for unknown and suspended shops alike."""
    return shop_list_visible().get(slug=slug)


def shop_is_followed(*, shop: Shop, user) -> bool:
    if not user.is_authenticated:
        return False
    return shop.follows.filter(user=user).exists()


# --- Products ---------------------------------------------------------------------------------
def _card_images() -> Prefetch:
    # Only the first image per product (a sliced prefetch is one windowed query for the page).
    return Prefetch(
        "images", queryset=ProductImage.objects.order_by("position", "id")[:1], to_attr="card_images"
    )


def product_list_visible(*, shop: Shop | None = None) -> QuerySet[Product]:
    """What a product card needs: product, shop and first image, in a bounded number of queries."""
    products = (
        Product.objects.filter(status=ProductStatus.ACTIVE, shop__status=ShopStatus.ACTIVE)
        .select_related("shop")
        .prefetch_related(_card_images())
    )
    if shop is not None:
        products = products.filter(shop=shop)
    return products.order_by(*PRODUCT_ORDERING[ProductSort.NEWEST])


def product_list_trending(*, limit: int = 12) -> list[Product]:
    return list(product_list_visible().order_by(*PRODUCT_ORDERING[ProductSort.POPULAR])[:limit])


def product_list_more_from_shop(*, product: Product, limit: int = 6) -> list[Product]:
    return list(product_list_visible(shop=product.shop).exclude(pk=product.pk)[:limit])


def product_get_visible(*, shop_slug: str, product_slug: str) -> Product:
    """A product page's product with its shop and live variants (price, stock); raises
    Product.DoesNotExist if hidden. The rest of the page comes from cached fragments, which read
    product_images() and the defects themselves when they are rendered.
    """
    return (
        Product.objects.filter(status=ProductStatus.ACTIVE, shop__status=ShopStatus.ACTIVE)
        .select_related("shop", "category")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.filter(is_active=True).order_by("position", "id"),
                to_attr="available_variants",
            ),
        )
        .get(shop__slug=shop_slug, slug=product_slug)
    )


def product_images(*, product: Product) -> list[ProductImage]:
    return list(product.images.order_by("position", "id"))


def product_sort(*, products: QuerySet[Product], sort: str | None) -> QuerySet[Product]:
    ordering = PRODUCT_ORDERING.get(sort or ProductSort.NEWEST, PRODUCT_ORDERING[ProductSort.NEWEST])
    return products.order_by(*ordering)


@dataclass
class SearchResult:
    products: QuerySet[Product]
    is_fuzzy: bool


def product_search(*, products: QuerySet[Product], query: str, sort: str | None = None) -> SearchResult:
    """Full-text search (Indonesian and English stemming) over already filtered products.

    Ordered by rank unless an explicit sort is asked for. When full-text finds nothing, falls back
    to trigram similarity on the title, so a typo ("kemja flanel") still finds "Kemeja Flanel";
    `is_fuzzy` tells the page to say so. Costs one EXISTS query on top of the list itself.
    """
    terms = SearchQuery(query, search_type="websearch", config="indonesian") | SearchQuery(
        query, search_type="websearch", config="english"
    )
    matches = products.filter(search_vector=terms)
    if matches.exists():
        if sort:
            return SearchResult(product_sort(products=matches, sort=sort), is_fuzzy=False)
        ranked = matches.annotate(rank=SearchRank(F("search_vector"), terms))
        return SearchResult(ranked.order_by("-rank", "-sold_count", "-id"), is_fuzzy=False)

    close = products.annotate(similarity=TrigramWordSimilarity(query, "title")).filter(
        similarity__gte=FUZZY_SEARCH_THRESHOLD
    )
    if sort:
        return SearchResult(product_sort(products=close, sort=sort), is_fuzzy=True)
    return SearchResult(close.order_by("-similarity", "-sold_count", "-id"), is_fuzzy=True)
