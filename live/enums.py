from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.transitions import StateMachine


class LiveStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


# The whole life of a live session in one table: live.services.session_transition refuses
# anything not listed here. A scheduled session that never happens is cancelled, not ended, so
# "ended" always means there is a summary to read.
LIVE_TRANSITIONS: dict[str, frozenset[str]] = {
    LiveStatus.SCHEDULED: frozenset({LiveStatus.LIVE, LiveStatus.CANCELLED}),
    LiveStatus.LIVE: frozenset({LiveStatus.ENDED}),
    LiveStatus.ENDED: frozenset(),
    LiveStatus.CANCELLED: frozenset(),
}

LIVE_MACHINE = StateMachine(
    name="live_session",
    table=LIVE_TRANSITIONS,
    choices=LiveStatus,
    refusal_message=_("A live session cannot move from “%(current)s” to “%(target)s”."),
)


class LiveSessionEventKind(models.TextChoices):
    """What happened to a session (LiveSessionEvent.kind): its scheduling and each move."""

    SCHEDULED = "scheduled", _("Scheduled")
    WENT_LIVE = "went_live", _("Went live")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


# The event each move of LIVE_TRANSITIONS writes.
LIVE_EVENT_KINDS: dict[str, str] = {
    LiveStatus.LIVE: LiveSessionEventKind.WENT_LIVE,
    LiveStatus.ENDED: LiveSessionEventKind.ENDED,
    LiveStatus.CANCELLED: LiveSessionEventKind.CANCELLED,
}


class ChatMessageStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    # Held back from the room until a moderator looks: it tried to take the deal off-platform.
    HELD = "held", _("Held for review")
    DELETED = "deleted", _("Deleted")


class HeldReason(models.TextChoices):
    # Every marketplace.contact_detection.ContactKind is a reason too, with the same value.
    PHONE = "phone", _("Phone number")
    WHATSAPP = "whatsapp", _("WhatsApp contact")
    BANK_ACCOUNT = "bank_account", _("Bank account number")
    EMAIL = "email", _("E-mail address")
    SOCIAL = "social", _("Social media or messenger contact")
    LINK = "link", _("Link to another site")
    BLOCKED_WORD = "blocked_word", _("Blocked word")


class FlashDealStatus(models.TextChoices):
    DRAFT = "draft", _("Prepared")
    ACTIVE = "active", _("Running")
    STOPPED = "stopped", _("Stopped early")
    ENDED = "ended", _("Ended")


FLASH_DEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    FlashDealStatus.DRAFT: frozenset({FlashDealStatus.ACTIVE}),
    FlashDealStatus.ACTIVE: frozenset({FlashDealStatus.STOPPED, FlashDealStatus.ENDED}),
    FlashDealStatus.STOPPED: frozenset(),
    FlashDealStatus.ENDED: frozenset(),
}

FLASH_DEAL_MACHINE = StateMachine(
    name="flash_deal",
    table=FLASH_DEAL_TRANSITIONS,
    choices=FlashDealStatus,
    refusal_message=_("A flash deal cannot move from “%(current)s” to “%(target)s”."),
)


class FlashDealEventKind(models.TextChoices):
    """What happened to a flash deal (FlashDealEvent.kind). Selling out is no event: a sold-out
    deal runs on (units come back when orders expire) until its time is up or it is stopped."""

    STARTED = "started", _("Started")
    STOPPED = "stopped", _("Stopped early")
    # Its time was up (the job, or the host's stop or next launch after the end time).
    EXPIRED = "expired", _("Time up")
    ENDED_WITH_SESSION = "ended_with_session", _("Ended with the live")


# The event each move of FLASH_DEAL_TRANSITIONS writes unless its cause says otherwise (a deal
# ended by its session's end is ENDED_WITH_SESSION).
FLASH_DEAL_EVENT_KINDS: dict[str, str] = {
    FlashDealStatus.ACTIVE: FlashDealEventKind.STARTED,
    FlashDealStatus.STOPPED: FlashDealEventKind.STOPPED,
    FlashDealStatus.ENDED: FlashDealEventKind.EXPIRED,
}


class FlashClaimStatus(models.TextChoices):
    # Units taken off the deal, waiting for the buyer's checkout.
    HELD = "held", _("Held")
    # Turned into an order (which now holds the units until it is paid or expires).
    ORDERED = "ordered", _("Ordered")
    # Given back to the deal: the hold lapsed, or the order expired or was cancelled.
    RELEASED = "released", _("Released")


class ItemClaimStatus(models.TextChoices):
    """A one-of-a-kind (thrift) item: the first claimer holds it, the others wait in line."""

    HOLDING = "holding", _("Holding")
    WAITING = "waiting", _("Waiting")
    ORDERED = "ordered", _("Ordered")
    LAPSED = "lapsed", _("Lapsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # The item sold to the holder: the line behind them is closed (and told so).
    CLOSED = "closed", _("Closed: sold")


ITEM_CLAIM_OPEN_STATUSES = (ItemClaimStatus.HOLDING, ItemClaimStatus.WAITING)

# The ready Indonesian list a shop's chat filter starts with (live.services.shop_blocked_words_seed):
# insults and slurs common in Indonesian chat, and gambling spam. Lower case, matched as whole
# words by the chat filter. Sellers edit their copy in the admin (a pet shop may well want
# "anjing" back). Off-platform contact details (phone, WhatsApp, bank accounts, e-mail, handles,
# links) are not words: marketplace.contact_detection finds them and the message is held back.
DEFAULT_BLOCKED_WORDS: tuple[str, ...] = (
    "anjing",
    "asu",
    "babi",
    "bajingan",
    "bangsat",
    "bego",
    "brengsek",
    "goblok",
    "idiot",
    "jancok",
    "judi online",
    "kampret",
    "kontol",
    "memek",
    "ngentot",
    "pelacur",
    "slot gacor",
    "tai",
    "togel",
    "tolol",
)
