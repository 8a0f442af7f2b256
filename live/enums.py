from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


# The whole life of a live session in one table: live.services.session_transition refuses
# anything not listed here. A scheduled session that never happens is cancelled, not ended, so
# "ended" always means there is a summary to read.
LIVE_TRANSITIONS: dict[str, set[str]] = {
    LiveStatus.SCHEDULED: {LiveStatus.LIVE, LiveStatus.CANCELLED},
    LiveStatus.LIVE: {LiveStatus.ENDED},
    LiveStatus.ENDED: set(),
    LiveStatus.CANCELLED: set(),
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


FLASH_DEAL_TRANSITIONS: dict[str, set[str]] = {
    FlashDealStatus.DRAFT: {FlashDealStatus.ACTIVE},
    FlashDealStatus.ACTIVE: {FlashDealStatus.STOPPED, FlashDealStatus.ENDED},
    FlashDealStatus.STOPPED: set(),
    FlashDealStatus.ENDED: set(),
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
