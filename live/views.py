from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from live import chat, chat_rules, claims, console_views, errors, policy, selectors, services, state
from live.enums import ITEM_CLAIM_OPEN_STATUSES
from live.models import ItemClaim, LiveSession
from live.presence import viewer_counts
from marketplace.parsing import parse_next_url
from shops.models import Product


def _get_session_or_404(session_id: int) -> LiveSession:
    try:
        return selectors.session_get_visible(session_id=session_id)
    except LiveSession.DoesNotExist:
        raise Http404(_("This live session is not available.")) from None


def _console_mode(role: policy.Role) -> str | None:
    """Which console the room links to: "host", "moderate" (the chat only) or none."""
    if policy.may(role=role, action=policy.Action.HOST_CONSOLE):
        return "host"
    return "moderate" if policy.may(role=role, action=policy.Action.OPEN_CONSOLE) else None


def live_room(request, session_id):
    """The room, complete without JavaScript: who, what, when, the latest chat, and while live the
    product tray, the pinned product and the running flash deal as the server sees them now.
    static/js/live-room.js then follows the room's WebSocket (live/consumers.py) from there: the
    chat from the last message shown, the rest from the `state` event and the pushes."""
    session = _get_session_or_404(session_id)
    session.has_reminder = session.is_scheduled and session.pk in selectors.sessions_with_reminder(
        user=request.user, session_ids=[session.pk]
    )
    products = selectors.session_featured_products(session=session)
    context = {
        "session": session,
        "shop": session.shop,
        "products": products,
        "console_mode": _console_mode(policy.shop_role(user=request.user, shop_id=session.shop_id)),
        # Every "log in to …" link brings the shopper back to this room.
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
    }
    context["chat_messages"] = (
        [] if session.is_scheduled else chat.chat_messages_recent(session_id=session.pk)
    )
    context["chat_last_id"] = context["chat_messages"][-1].pk if context["chat_messages"] else None
    if session.is_live:
        context.update(_live_context(request, session, products))
    return render(request, "live/room.html", context)


def _live_context(request, session: LiveSession, products: list[Product]) -> dict:
    """What only a live room shows: buying, claiming, the pinned card, the deal, the counters.

    Each product gets `live_variants` (active, with `buy_url`), `live_one_off` (a thrift piece,
    claimed rather than bought), and for one-offs `live_queue` ({"held", "waiting"}) and
    `live_claim` (the shopper's own open claim, with `position` when waiting).
    """
    variants = state.variants_by_product([product.pk for product in products])
    one_offs: dict[int, Product] = {}
    for product in products:
        product.live_variants = variants[product.pk]
        product.live_one_off = state.is_one_off(product, product.live_variants)
        product.live_in_stock = any(variant.stock > 0 for variant in product.live_variants)
        for variant in product.live_variants:
            variant.buy_url = state.buy_url(session.pk, variant_id=variant.pk)
        if product.live_one_off:
            one_offs[product.live_variants[0].pk] = product
    queues = state.item_queues(session, list(one_offs))
    mine = _open_claims(request.user, session, list(one_offs))
    for variant_id, product in one_offs.items():
        product.live_queue = queues[str(variant_id)]
        product.live_claim = mine.get(variant_id)

    # The pinned product is nearly always one of the featured ones, whose rows are loaded already.
    pinned_product = next((p for p in products if p.pk == session.pinned_product_id), None)
    if pinned_product is not None:
        pinned = state.product_payload(session.pk, pinned_product, pinned_product.live_variants)
    else:
        pinned = state.pinned_payload(session)
    running = state.running_deal(session.pk)
    deal = state.deal_payload(running) if running else None
    if deal is not None:
        deal["countdown"] = _countdown(deal["seconds_left"])
    return {
        "ws_url": console_views.ws_url(session.pk),
        "viewer_count": viewer_counts(session_ids=[session.pk]).get(session.pk, 0),
        "pinned": pinned,
        "deal": deal,
        "max_message_length": chat_rules.MAX_MESSAGE_LENGTH,
    }


def _open_claims(user, session: LiveSession, variant_ids: list[int]) -> dict[int, ItemClaim]:
    """The shopper's holds and places in line on this room's one-off items, by variant id."""
    if not variant_ids or not user.is_authenticated:
        return {}
    found = ItemClaim.objects.filter(
        session=session, buyer=user, variant_id__in=variant_ids, status__in=ITEM_CLAIM_OPEN_STATUSES
    )
    now = timezone.now()
    mine = {}
    for claim in found:
        # One query per item the shopper waits for: a few at most, and the rule stays in claims.
        claim.position = claims.item_claim_position(claim=claim)
        if claim.hold_expires_at:
            claim.seconds_left = max(int((claim.hold_expires_at - now).total_seconds()), 0)
            claim.countdown = _countdown(claim.seconds_left)
        mine[claim.variant_id] = claim
    return mine


def _countdown(seconds: int) -> str:
    """The first value of a countdown ("4:05") that live-room.js then runs."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def _back(request, session: LiveSession):
    return redirect(parse_next_url(request.POST.get("next"), request=request) or session.get_absolute_url())


@require_POST
def live_reminder_set(request, session_id):
    session = _get_session_or_404(session_id)
    if not request.user.is_authenticated:
        # Back to the room after login: the reminder itself needs a fresh POST with its token.
        return redirect_to_login(session.get_absolute_url())
    try:
        services.live_reminder_set(user=request.user, session=session)
    except errors.ReminderNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("We will tell you when “%(title)s” goes live.") % {"title": session.title}
        )
    return _back(request, session)


@require_POST
def live_reminder_delete(request, session_id):
    session = _get_session_or_404(session_id)
    if not request.user.is_authenticated:
        return redirect_to_login(session.get_absolute_url())
    if services.live_reminder_delete(user=request.user, session=session):
        messages.info(request, _("Reminder removed."))
    return _back(request, session)
