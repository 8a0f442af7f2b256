"""Template tags that let pages of lower apps show live sessions without importing `live`.

The shop page (shops app) shows the shop's lives with `{% shop_lives shop %}`: `shops` never
imports `live`, the template layer joins them. Rendered per request, outside the cached catalog
fragments: viewer counts and reminders change by the minute and by the viewer.
"""

from django import template

from live import selectors, video

register = template.Library()


@register.inclusion_tag("live/_shop_lives.html", takes_context=True)
def shop_lives(context, shop):
    request = context["request"]
    lives = selectors.session_list_for_shop(shop=shop)
    reminded = selectors.sessions_with_reminder(user=request.user, session_ids=[s.pk for s in lives.upcoming])
    for session in lives.upcoming:
        session.has_reminder = session.pk in reminded
    return {
        "lives": lives,
        "show_shop": False,
        # An inclusion tag starts a fresh context: the reminder forms need the token passed on.
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }


@register.simple_tag
def live_ice_servers() -> str:
    """settings.LIVE_ICE_SERVERS as JSON for the video partial's data attribute (escaped there)."""
    return video.encode_ice_servers()
