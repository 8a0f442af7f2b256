from orders.cart import CART_COUNT_KEY


def cart(request):
    """The header's cart count, from the session (cart writes keep it current): no query per page."""
    session = getattr(request, "session", None)
    return {"cart_count": session.get(CART_COUNT_KEY, 0) if session is not None else 0}
