"""How each seller-facing live model reaches its shop, for the admin's scoping (shops.permissions).

Imported by live/admin.py, so the paths are in place before any ModelAdmin asks for them.
"""

from live.models import (
    ChatMessage,
    FlashDeal,
    FlashDealClaim,
    FlashDealEvent,
    ItemClaim,
    LiveBan,
    LiveBlockedWord,
    LiveModerator,
    LiveMute,
    LiveOrder,
    LiveReminder,
    LiveSession,
    LiveSessionEvent,
    LiveSessionProduct,
)
from shops.permissions import register_shop_path

register_shop_path(LiveSession, "shop")
register_shop_path(LiveSessionProduct, "session__shop")
register_shop_path(LiveSessionEvent, "session__shop")
register_shop_path(LiveReminder, "session__shop")
register_shop_path(LiveOrder, "session__shop")
register_shop_path(ChatMessage, "session__shop")
register_shop_path(LiveMute, "session__shop")
register_shop_path(LiveBan, "shop")
register_shop_path(LiveBlockedWord, "shop")
register_shop_path(LiveModerator, "member__shop")
register_shop_path(FlashDeal, "session__shop")
register_shop_path(FlashDealClaim, "deal__session__shop")
register_shop_path(FlashDealEvent, "session__shop")
register_shop_path(ItemClaim, "session__shop")
