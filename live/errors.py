"""Every refusal of live selling, each a marketplace.errors.Refusal with its own `code`.

Two families, because two interfaces show them:
- `LiveError`: refusals of the HTTP side (Seller Center, the host's console, the room's buttons,
  the live checkout), shown as a form error or a message;
- `ChatRefused`: refusals of the room's socket (frames, chat, moderation, video signalling),
  whose `code` and `message` become the client's `{"type": "error"}` event. Their codes are the
  protocol's: the room's and the console's JavaScript read them.

They live here, apart from the services that raise them, so every module of live/ can import
them at its top without importing another's services.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.errors import Refusal

# --- HTTP side ----------------------------------------------------------------------------------


class LiveError(Refusal):
    """Base of the refusals below; `str()` is a sentence for the seller or shopper."""

    code = "live_refused"


class LiveHostNotAllowed(LiveError):
    code = "live_host_not_allowed"
    default_message = gettext_lazy(
        "Only the shop's owner or one of its live hosts may run its live sessions."
    )


class LiveShopNotActive(LiveError):
    code = "live_shop_not_active"
    default_message = gettext_lazy("A suspended shop cannot go live.")


class ShopAlreadyLive(LiveError):
    code = "shop_already_live"
    default_message = gettext_lazy("This shop is already live in another session. End it first.")


class LiveScheduleInvalid(LiveError):
    code = "live_schedule_invalid"


class LivePinNotAllowed(LiveError):
    code = "live_pin_not_allowed"


class ReminderNotAllowed(LiveError):
    code = "reminder_not_allowed"
    default_message = gettext_lazy("Reminders can only be set for upcoming live sessions.")


class DealError(LiveError):
    """A refusal about a flash deal; `str()` is a sentence for the host or the buyer."""

    code = "deal_refused"


class DealInvalid(DealError):
    code = "deal_invalid"


class DealAlreadyRunning(DealError):
    code = "deal_already_running"
    default_message = gettext_lazy("Another flash deal is running in this live. Stop it first.")


class DealNotRunning(DealError):
    code = "deal_not_running"
    default_message = gettext_lazy("This flash deal has ended.")


class DealSoldOut(DealError):
    code = "deal_sold_out"
    default_message = gettext_lazy("All units of this flash deal have been claimed.")


class DealBuyerLimitReached(DealError):
    code = "deal_buyer_limit_reached"

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(_("You can take at most %(limit)d of this flash deal.") % {"limit": limit})


class ItemClaimError(LiveError):
    code = "item_claim_refused"


class ItemSoldOut(ItemClaimError):
    code = "item_sold_out"
    default_message = gettext_lazy("This item has been sold.")


class ItemHeldByOther(ItemClaimError):
    code = "item_held_by_other"
    default_message = gettext_lazy("Someone else is holding this item. Claim it to join the queue.")


class ItemClaimNotOpen(ItemClaimError):
    code = "item_claim_not_open"
    default_message = gettext_lazy("This claim is no longer open.")


class LiveCheckoutInvalid(LiveError):
    code = "live_checkout_invalid"


class ItemUnavailable(LiveError):
    """The ids in a buy request name nothing this live sells; `str()` tells the buyer."""

    code = "item_unavailable"


# --- The room's socket --------------------------------------------------------------------------


class ChatRefused(Refusal):
    code = "invalid"
    default_message = gettext_lazy("This request is not valid.")


class EventInvalid(ChatRefused):
    code = "invalid"


class FrameTooLarge(ChatRefused):
    code = "too_large"
    default_message = gettext_lazy("This message is too large.")


class LoginRequired(ChatRefused):
    code = "login_required"
    default_message = gettext_lazy("Log in to take part in the chat.")


class ChatClosed(ChatRefused):
    code = "chat_closed"
    default_message = gettext_lazy("The chat is open only while the session is live.")


class MessageEmpty(ChatRefused):
    code = "empty"
    default_message = gettext_lazy("Write a message first.")


class MessageTooLong(ChatRefused):
    code = "too_long"

    def __init__(self, *, limit: int):
        self.limit = limit
        super().__init__(_("A message may have at most %(limit)d characters.") % {"limit": limit})


class RateLimited(ChatRefused):
    code = "rate_limited"
    default_message = gettext_lazy("You are sending too fast. Wait a moment.")


class SlowModeActive(ChatRefused):
    code = "slow_mode"

    def __init__(self, wait_seconds: int):
        self.wait_seconds = wait_seconds
        super().__init__(
            _("Slow mode is on: you can send again in %(seconds)d seconds.") % {"seconds": wait_seconds}
        )


class UserMuted(ChatRefused):
    code = "muted"

    def __init__(self, until):
        self.until = until
        super().__init__(
            _("You are muted in this live until %(time)s.")
            % {"time": timezone.localtime(until).strftime("%H:%M")}
        )


class UserBanned(ChatRefused):
    code = "banned"
    default_message = gettext_lazy("You have been banned from this shop's live sessions.")


class ModerationNotAllowed(ChatRefused):
    code = "forbidden"
    default_message = gettext_lazy("Only the shop's owner, the host and its chat moderators may do this.")


class TargetProtected(ChatRefused):
    code = "protected"
    default_message = gettext_lazy("You cannot mute or ban this person.")


class MessageProtected(ChatRefused):
    code = "protected"
    default_message = gettext_lazy("You cannot delete this person's messages.")


class MessageNotFound(ChatRefused):
    code = "not_found"
    default_message = gettext_lazy("This message is no longer available.")


class UserNotFound(ChatRefused):
    code = "not_found"
    default_message = gettext_lazy("This person was not found.")


# --- Video signalling (live/video.py) -----------------------------------------------------------


class PublishNotAllowed(ChatRefused):
    code = "forbidden"
    default_message = gettext_lazy("Only the host or the shop's owner can broadcast video in this live.")


class VideoNotLive(ChatRefused):
    code = "not_live"
    default_message = gettext_lazy("Video goes out only while the session is live.")


class NotPublishing(ChatRefused):
    code = "not_publishing"
    default_message = gettext_lazy("Your camera is not broadcasting in this live right now.")


class PeerUnknown(ChatRefused):
    code = "unknown_peer"
    default_message = gettext_lazy("This viewer is no longer watching the video.")


class NotWatching(ChatRefused):
    code = "not_watching"
    default_message = gettext_lazy("The video is not connected. Ask for it again.")


class SignalTooLarge(ChatRefused):
    code = "too_large"
    default_message = gettext_lazy("This video connection message is too large.")
