from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from live import chat, selectors, services
from live.models import LiveSession


def _get_session_or_404(session_id: int) -> LiveSession:
    try:
        return selectors.session_get_visible(session_id=session_id)
    except LiveSession.DoesNotExist:
        raise Http404(_("This live session is not available.")) from None


def live_room(request, session_id):
    """The room, complete without JavaScript: who, what, when and the latest chat. The chat's
    WebSocket (live/consumers.py, static/js/live-room.js) takes over from the last message shown."""
    session = _get_session_or_404(session_id)
    session.has_reminder = session.is_scheduled and session.pk in selectors.sessions_with_reminder(
        user=request.user, session_ids=[session.pk]
    )
    context = {
        "session": session,
        "shop": session.shop,
        "products": selectors.session_featured_products(session=session),
    }
    context["chat_messages"] = (
        [] if session.is_scheduled else chat.chat_messages_recent(session_id=session.pk)
    )
    context["chat_last_id"] = context["chat_messages"][-1].pk if context["chat_messages"] else None
    return render(request, "live/room.html", context)


def _back(request, session: LiveSession):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(session.get_absolute_url())


@require_POST
def live_reminder_set(request, session_id):
    session = _get_session_or_404(session_id)
    if not request.user.is_authenticated:
        # Back to the room after login: the reminder itself needs a fresh POST with its token.
        return redirect_to_login(session.get_absolute_url())
    try:
        services.live_reminder_set(user=request.user, session=session)
    except services.ReminderNotAllowed as refusal:
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
