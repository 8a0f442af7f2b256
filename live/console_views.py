"""The host console (a page, not the admin) and the room's buttons that change state over HTTP.

Why HTTP and not the room's socket for these: each is one write with a clear answer (CSRF-checked
form posts that work without JavaScript; `fetch` asks for JSON with `Accept: application/json`),
and the viewers hear the result from live/broadcast.py after the commit, whichever process or
job made it. The socket carries what is many and small: chat, moderation, likes, video signalling.

Every view checks the object, with the shop's members read afresh on each request:
- the shop's owner and its live hosts get the whole console, and only they may post its actions
  (go live, end, pin, flash deals);
- the members the shop named chat moderators, and platform staff, get it in moderation mode:
  the chat with what live.policy lets moderators do, and the live numbers; no camera and no host
  controls, and the actions answer them 404 like everyone else;
- anyone else gets 404, as if the console did not exist.
Platform staff may still run a shop's lives from the Seller Center (live.policy.Action.RUN_SESSION),
but the console's host controls belong to the people who present them.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from live import chat_rules, claims, deals, errors, policy, selectors, services, state
from live.models import FlashDeal, ItemClaim, LiveModerator, LiveSession
from live.policy import Action, Role
from marketplace.models import User
from marketplace.parsing import IdField, StrictIntegerField, parse_id
from marketplace.transitions import TransitionNotAllowed
from shops.enums import ProductStatus
from shops.filters import MAX_PRICE
from shops.models import Product, ProductVariant, ShopMember


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, session: LiveSession, *, ok: str = "", error: str = "", data=None, back: str = ""):
    """JSON for fetch (400 with the reason when refused), else a message and a redirect."""
    if _wants_json(request):
        if error:
            return JsonResponse({"ok": False, "error": error}, status=400)
        return JsonResponse({"ok": True, "message": ok, **(data or {})})
    if error:
        messages.error(request, error)
    elif ok:
        messages.success(request, ok)
    return redirect(back or "live_console", session.pk)


def _not_available() -> Http404:
    return Http404(_("This live session is not available."))


def _console_session(request, session_id: int) -> tuple[LiveSession, Role]:
    """The session and the user's role in it: the owner and hosts run it, the moderators (named
    or platform staff) only moderate its chat, anyone else gets 404."""
    session = LiveSession.objects.select_related("shop", "host").filter(pk=session_id).first()
    if session is None:
        raise _not_available()
    role = policy.shop_role(user=request.user, shop_id=session.shop_id)
    if not policy.may(role=role, action=Action.OPEN_CONSOLE):
        raise _not_available()
    return session, role


def _hosted_session(request, session_id: int) -> LiveSession:
    """For the host's actions: a moderator, or platform staff, gets the same 404 as a stranger."""
    session = LiveSession.objects.select_related("shop", "host").filter(pk=session_id).first()
    if session is None or not policy.may(
        role=policy.shop_role(user=request.user, shop_id=session.shop_id), action=Action.HOST_CONSOLE
    ):
        raise _not_available()
    return session


def _protected_user_ids(session: LiveSession, *, user, role: Role) -> list[int]:
    """Whom this console offers no mute or ban (live.policy.may refuses them in the chat anyway):
    the session's host and oneself, the members whose role is protected from the user's, and for
    a moderator also the other moderators, named or platform staff. A host's console does not
    look platform staff up (the chat refuses muting them all the same)."""
    protected = policy.protected_roles(role=role, action=Action.MUTE)
    ids = {session.host_id, user.pk}
    member_roles = [policy.MEMBER_ROLES[r] for r in protected if r in policy.MEMBER_ROLES]
    people = ShopMember.objects.filter(shop_id=session.shop_id, role__in=member_roles).values("user_id")
    if Role.MODERATOR in protected:
        moderators = LiveModerator.objects.filter(member__shop_id=session.shop_id).values("member__user_id")
        people = people.union(moderators, User.objects.filter(policy.platform_staff()).values("pk"))
    ids.update(row["user_id"] for row in people)
    return sorted(ids)


def ws_url(session_id: int) -> str:
    return f"{settings.LIVE_WEBSOCKET_ORIGIN}/ws/live/{session_id}/"


class DealForm(forms.Form):
    product = IdField(label=gettext_lazy("Product"))
    variant = IdField(label=gettext_lazy("Variant"), required=False)
    price = StrictIntegerField(label=gettext_lazy("Deal price (Rp)"), min_value=1, max_value=MAX_PRICE)
    units = StrictIntegerField(label=gettext_lazy("Units"), min_value=1, max_value=10_000)
    minutes = StrictIntegerField(
        label=gettext_lazy("Minutes"), min_value=1, max_value=deals.FLASH_DEAL_MAX_SECONDS // 60
    )
    per_buyer_limit = StrictIntegerField(
        label=gettext_lazy("Limit per buyer"),
        min_value=1,
        max_value=deals.FLASH_CLAIM_MAX_QUANTITY,
        initial=1,
    )


def _first_error(form) -> str:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return f"{label}: {errors[0]}" if label else errors[0]


# --- The console page ---------------------------------------------------------------------------


@login_required
def live_console(request, session_id):
    session, role = _console_session(request, session_id)
    is_host = policy.may(role=role, action=Action.HOST_CONSOLE)
    context = {
        "session": session,
        "shop": session.shop,
        "is_host": is_host,
        "ws_url": ws_url(session.pk),
        "slow_mode_choices": [0, 5, 10, 30, 60],
        "mute_minutes": [5, 15, 60],
        "max_message_length": chat_rules.MAX_MESSAGE_LENGTH,
        # What this console's JavaScript offers (live-console.js asks nothing else of the role).
        "allowed_actions": policy.allowed_actions(role=role),
    }
    if session.is_scheduled or session.is_live:
        protected = _protected_user_ids(session, user=request.user, role=role)
        context["protected_user_ids"] = protected
        # One's own messages may go, whoever one is.
        context["undeletable_user_ids"] = [user_id for user_id in protected if user_id != request.user.pk]
    if is_host:
        products = selectors.session_featured_products(session=session)
        variants = state.variants_by_product([p.pk for p in products])
        for product in products:
            product.live_variants = variants[product.pk]
        context["products"] = products
        context["deal_form"] = DealForm(initial={"units": 5, "minutes": 5, "per_buyer_limit": 1})
    return render(request, "live/console.html", context)


# --- Host actions -------------------------------------------------------------------------------


@login_required
@require_POST
def live_console_start(request, session_id):
    session = _hosted_session(request, session_id)
    try:
        services.session_go_live(session=session, actor=request.user)
    except (errors.LiveError, TransitionNotAllowed) as refusal:
        return _answer(request, session, error=str(refusal))
    return _answer(request, session, ok=_("You are live."), data={"status": session.status})


@login_required
@require_POST
def live_console_end(request, session_id):
    session = _hosted_session(request, session_id)
    try:
        services.session_end(session=session, actor=request.user)
    except (errors.LiveError, TransitionNotAllowed) as refusal:
        return _answer(request, session, error=str(refusal))
    return _answer(request, session, ok=_("The live has ended."), data={"status": session.status})


@login_required
@require_POST
def live_console_pin(request, session_id):
    session = _hosted_session(request, session_id)
    raw = request.POST.get("product", "")
    product = None
    if raw:
        product_id = parse_id(raw)
        product = (
            Product.objects.filter(
                pk=product_id, shop_id=session.shop_id, status=ProductStatus.ACTIVE
            ).first()
            if product_id is not None
            else None
        )
        if product is None:
            return _answer(request, session, error=_("This product is not on sale in your shop."))
    try:
        services.session_pin(session=session, actor=request.user, product=product)
    except errors.LiveError as refusal:
        return _answer(request, session, error=str(refusal))
    ok = _("Pinned “%(title)s”.") % {"title": product.title} if product else _("Nothing is pinned now.")
    return _answer(request, session, ok=ok, data={"product": product.pk if product else None})


@login_required
@require_POST
def live_console_deal_launch(request, session_id):
    session = _hosted_session(request, session_id)
    form = DealForm(request.POST)
    if not form.is_valid():
        return _answer(request, session, error=_first_error(form))
    data = form.cleaned_data
    product = Product.objects.filter(pk=data["product"], shop_id=session.shop_id).first()
    variant = None
    if data["variant"]:
        variant = ProductVariant.objects.filter(pk=data["variant"], product=product).first()
    if product is None or (data["variant"] and variant is None):
        return _answer(request, session, error=_("Choose one of your shop's products."))
    try:
        deal = deals.deal_launch(
            session=session,
            actor=request.user,
            product=product,
            variant=variant,
            price=data["price"],
            units=data["units"],
            duration_seconds=data["minutes"] * 60,
            per_buyer_limit=data["per_buyer_limit"],
        )
    except errors.LiveError as refusal:
        return _answer(request, session, error=str(refusal))
    return _answer(request, session, ok=_("The flash deal is on."), data={"deal": state.deal_payload(deal)})


@login_required
@require_POST
def live_console_deal_stop(request, session_id, deal_id):
    session = _hosted_session(request, session_id)
    deal = FlashDeal.objects.filter(pk=deal_id, session=session).first()
    if deal is None:
        raise Http404
    try:
        deals.deal_stop(deal=deal, actor=request.user)
    except (errors.LiveError, TransitionNotAllowed) as refusal:
        return _answer(request, session, error=str(refusal))
    return _answer(request, session, ok=_("The flash deal has stopped."))


# --- Shoppers: claiming a one-off item ----------------------------------------------------------


def _visible_session(session_id: int) -> LiveSession:
    try:
        return selectors.session_get_visible(session_id=session_id)
    except LiveSession.DoesNotExist:
        raise Http404(_("This live session is not available.")) from None


def _claim_data(session: LiveSession, claim: ItemClaim) -> dict:
    return {
        "claim_id": claim.pk,
        "status": claim.status,
        "position": claims.item_claim_position(claim=claim),
        "hold_expires_at": claim.hold_expires_at.isoformat() if claim.hold_expires_at else None,
        "buy_url": state.buy_url(session.pk, variant_id=claim.variant_id),
    }


@login_required
@require_POST
def live_item_claim(request, session_id):
    session = _visible_session(session_id)
    raw = request.POST.get("variant", "")
    variant_id = parse_id(raw)
    variant = ProductVariant.objects.filter(pk=variant_id).first() if variant_id is not None else None
    if variant is None:
        return _answer(request, session, error=_("Choose an item."), back="live_room")
    try:
        claim = claims.item_claim(buyer=request.user, session=session, variant=variant)
    except errors.LiveError as refusal:
        return _answer(request, session, error=str(refusal), back="live_room")
    data = _claim_data(session, claim)
    if data["position"]:
        ok = _("You are number %(position)d in line for this item.") % {"position": data["position"]}
    else:
        ok = _("It is yours for %(minutes)d minutes: pay to keep it.") % {"minutes": claims.ITEM_HOLD_MINUTES}
    return _answer(request, session, ok=ok, data=data, back="live_room")


@login_required
@require_POST
def live_item_withdraw(request, session_id, claim_id):
    session = _visible_session(session_id)
    claim = ItemClaim.objects.filter(pk=claim_id, session=session, buyer=request.user).first()
    if claim is None:
        raise Http404
    try:
        claims.item_claim_withdraw(buyer=request.user, claim=claim)
    except errors.LiveError as refusal:
        return _answer(request, session, error=str(refusal), back="live_room")
    return _answer(request, session, ok=_("You left the line for this item."), back="live_room")
