from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from shops import selectors, services
from shops.filters import ProductFilter, ShopProductFilter
from shops.fragments import cached_fragment
from shops.models import Product, Shop

PRODUCTS_PER_PAGE = 24


def _browse(request, *, filterset_class, products):
    """Filter, search, sort and paginate `products` from the GET parameters, never failing on them."""
    filterset = filterset_class(request.GET or None, queryset=products, request=request)
    products = filterset.qs
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    query, sort = cleaned.get("q", ""), cleaned.get("sort", "")
    is_fuzzy = False
    if query:
        result = selectors.product_search(products=products, query=query, sort=sort)
        products, is_fuzzy = result.products, result.is_fuzzy
    else:
        products = selectors.product_sort(products=products, sort=sort)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "query": query, "is_fuzzy": is_fuzzy}
    return context, bool(filterset.is_bound and filterset.errors)


def _browse_fragment(request, *, name: str, filterset_class, products) -> SafeString:
    """The filters and results of a browse page, rendered once per language, scope and query.

    `name` names the scope (the whole catalog, or one shop); `products` is a lazy queryset that
    only runs when the fragment is not cached.
    """

    def render_fragment():
        context, has_invalid_filters = _browse(request, filterset_class=filterset_class, products=products)
        html = render_to_string("shops/_browse.html", context, request=request)
        return html, {"has_invalid_filters": has_invalid_filters}

    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    html, meta = cached_fragment(name, repr(query), render_fragment)
    if meta["has_invalid_filters"]:
        messages.warning(request, _("Some filters were not valid and were ignored."))
    return html


def product_list(request):
    browse = _browse_fragment(
        request, name="product-list", filterset_class=ProductFilter, products=selectors.product_list_visible()
    )
    tree = selectors.category_tree()
    category = tree.get_by_slug(request.GET.get("category", ""))
    context = {
        "browse": browse,
        "query": request.GET.get("q", "").strip()[:100],
        "category_path": tree.ancestors(category.id) if category else [],
    }
    return render(request, "shops/product_list.html", context)


def _discount_percent(price: int, compare_at_price: int | None) -> int:
    if not compare_at_price or compare_at_price <= price:
        return 0
    return round(100 * (compare_at_price - price) / compare_at_price)


def product_detail(request, shop_slug, product_slug):
    try:
        product = selectors.product_get_visible(shop_slug=shop_slug, product_slug=product_slug)
    except Product.DoesNotExist:
        raise Http404(_("This product is not available.")) from None
    for variant in product.available_variants:
        variant.discount_percent = _discount_percent(variant.price, variant.compare_at_price)
    # The price shown first is the first variant in stock (the one pre-selected in the picker).
    first_variant = next((v for v in product.available_variants if v.stock > 0), None)
    shown = first_variant or product
    gallery, _meta = cached_fragment(
        "product-gallery",
        str(product.pk),
        lambda: (
            render_to_string(
                "shops/_product_gallery.html",
                {"product": product, "gallery": selectors.product_images(product=product)},
            ),
            {},
        ),
    )
    details, _meta = cached_fragment(
        "product-details",
        str(product.pk),
        lambda: (
            render_to_string(
                "shops/_product_details.html",
                {
                    "product": product,
                    "shop": product.shop,
                    "defects": list(product.defects.all()),
                    "more_from_shop": selectors.product_list_more_from_shop(product=product),
                },
            ),
            {},
        ),
    )
    context = {
        "product": product,
        "shop": product.shop,
        "category_path": selectors.category_tree().ancestors(product.category_id),
        "gallery": gallery,
        "details": details,
        "first_variant": first_variant,
        "shown_price": shown.price,
        "shown_compare_at": shown.compare_at_price if shown.discount_percent else None,
        "shown_discount": shown.discount_percent,
    }
    return render(request, "shops/product_detail.html", context)


def _get_shop_or_404(slug) -> Shop:
    try:
        return selectors.shop_get_visible(slug=slug)
    except Shop.DoesNotExist:
        raise Http404(_("This shop is not available.")) from None


def shop_detail(request, slug):
    shop = _get_shop_or_404(slug)
    browse = _browse_fragment(
        request,
        name=f"shop-{shop.pk}",
        filterset_class=ShopProductFilter,
        products=selectors.product_list_visible(shop=shop),
    )
    context = {
        "browse": browse,
        "query": request.GET.get("q", "").strip()[:100],
        "shop": shop,
        "is_following": selectors.shop_is_followed(shop=shop, user=request.user),
    }
    return render(request, "shops/shop_detail.html", context)


def _follow_response(request, shop, *, is_following):
    if request.htmx:
        shop.refresh_from_db(fields=["follower_count"])
        return render(request, "shops/_follow.html", {"shop": shop, "is_following": is_following})
    return redirect("shop_detail", slug=shop.slug)


@vary_on_headers("HX-Request")
@require_POST
def shop_follow(request, slug):
    shop = _get_shop_or_404(slug)
    if not request.user.is_authenticated:
        # Back to the shop page after login: the follow itself needs a fresh POST with its token.
        return redirect_to_login(reverse("shop_detail", args=[shop.slug]))
    if services.follow_create(user=request.user, shop=shop):
        messages.success(request, _("You now follow %(shop)s.") % {"shop": shop.name})
    return _follow_response(request, shop, is_following=True)


@vary_on_headers("HX-Request")
@require_POST
def shop_unfollow(request, slug):
    shop = _get_shop_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("shop_detail", args=[shop.slug]))
    if services.follow_delete(user=request.user, shop=shop):
        messages.info(request, _("You no longer follow %(shop)s.") % {"shop": shop.name})
    return _follow_response(request, shop, is_following=False)
