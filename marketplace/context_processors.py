from functools import cache

from marketplace.notifications import unread_count


def notifications(request):
    """The header bell's unread count, from the cache (marketplace/notifications.py).

    A callable, so only templates that show it (base.html, not the admin) ask, once per request;
    anonymous visitors cost nothing.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": cache(lambda: unread_count(user=user))}
