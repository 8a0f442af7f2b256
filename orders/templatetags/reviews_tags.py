"""Reviews on pages of lower apps: the product page (shops) shows the latest reviews with
`{% product_reviews product %}` without `shops` importing `orders`."""

from django import template

from orders import reviews

register = template.Library()


@register.inclusion_tag("orders/reviews/_product_reviews.html")
def product_reviews(product):
    """The latest reviews with buyer and photos: two queries, none for a product without reviews.
    Rendered inside the cached product-details fragment, which every review and reply retires."""
    return {"product": product, "reviews": reviews.review_list_for_product(product=product)}
