"""Live selling: sessions, their chat and moderation, flash deals, one-off item claims.

`live` sits on top of `orders` and `shops` and they never import it, so every link between a
live session and the rest (an order that came from a live, a shop's chat moderators) is a model
here, never a field on theirs.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from live.enums import (
    ChatMessageStatus,
    FlashClaimStatus,
    FlashDealEventKind,
    FlashDealStatus,
    HeldReason,
    ItemClaimStatus,
    LiveSessionEventKind,
    LiveStatus,
)
from marketplace.images import SafeImageField
from marketplace.transitions import AuditEvent
from orders.models import Order
from shops.models import Product, ProductVariant, Shop, ShopMember

# The longest wait slow mode may impose between two messages of one viewer.
MAX_SLOW_MODE_SECONDS = 300


class LiveSession(models.Model):
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="live_sessions", verbose_name=_("shop")
    )
    # The member who presents: the shop's owner or one of its live hosts (checked by the services
    # and the admin form; the database cannot see roles).
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hosted_live_sessions",
        verbose_name=_("host"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    cover = SafeImageField(_("cover image"), upload_to="live/covers/", blank=True)
    planned_start = models.DateTimeField(_("planned start"))
    status = models.CharField(_("status"), max_length=16, choices=LiveStatus, default=LiveStatus.SCHEDULED)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    featured_products = models.ManyToManyField(
        Product,
        through="LiveSessionProduct",
        related_name="live_sessions",
        blank=True,
        verbose_name=_("featured products"),
    )
    # The product shown on top of the room; set from the host console while live.
    pinned_product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pinned product"),
    )
    slow_mode_seconds = models.PositiveSmallIntegerField(
        _("slow mode (seconds)"),
        default=0,
        help_text=_("Each viewer may send one message per this many seconds; 0 turns slow mode off."),
    )

    # The summary sellers read after the session. Live counts (viewers now, likes) are kept in
    # Redis while the session runs and written here on the consumers' tick and at the end.
    peak_viewers = models.PositiveIntegerField(_("peak viewers"), default=0, editable=False)
    unique_viewers = models.PositiveIntegerField(_("unique viewers"), default=0, editable=False)
    message_count = models.PositiveIntegerField(_("messages"), default=0, editable=False)
    like_count = models.PositiveIntegerField(_("likes"), default=0, editable=False)
    order_count = models.PositiveIntegerField(_("orders"), default=0, editable=False)
    revenue = models.BigIntegerField(_("revenue (Rp)"), default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-planned_start", "-id"]
        indexes = [
            # Home: "Upcoming" (scheduled by planned start) and "Live now" (live, newest first).
            models.Index(fields=["status", "planned_start"], name="livesession_status_planned"),
            models.Index(fields=["status", "-started_at"], name="livesession_status_started"),
            # The shop page's lives and the seller admin's list.
            models.Index(fields=["shop", "status", "-planned_start"], name="livesession_shop_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LiveStatus.values), name="livesession_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(slow_mode_seconds__lte=MAX_SLOW_MODE_SECONDS),
                name="livesession_slow_mode_bounded",
            ),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="livesession_revenue_not_negative"),
            # A session that went live knows when; one that ended knows both, in order.
            models.CheckConstraint(
                condition=~Q(status__in=[LiveStatus.LIVE, LiveStatus.ENDED]) | Q(started_at__isnull=False),
                name="livesession_live_has_started_at",
            ),
            models.CheckConstraint(
                # (NULL compares as unknown, which a CHECK lets through: say "not null".)
                condition=~Q(status=LiveStatus.ENDED)
                | Q(ended_at__isnull=False, ended_at__gte=F("started_at")),
                name="livesession_ended_after_start",
            ),
            # One broadcast per shop at a time: the shop has one camera and one chat.
            models.UniqueConstraint(
                fields=["shop"], condition=Q(status=LiveStatus.LIVE), name="one_live_session_per_shop"
            ),
        ]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("live_room", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status == LiveStatus.LIVE

    @property
    def is_scheduled(self) -> bool:
        return self.status == LiveStatus.SCHEDULED

    @property
    def is_ended(self) -> bool:
        return self.status == LiveStatus.ENDED


class LiveSessionEvent(AuditEvent):
    """A session's scheduling and every move of its status (live.services), written with it."""

    MESSAGES = {
        LiveSessionEventKind.SCHEDULED: _("The live session was scheduled."),
        LiveSessionEventKind.WENT_LIVE: _("The live session went live."),
        LiveSessionEventKind.ENDED: _("The live session ended."),
        LiveSessionEventKind.CANCELLED: _("The live session was cancelled."),
    }

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="events")
    # Null when no one acted (a session scheduled by a form without a known user).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LiveSessionEventKind)
    # Empty for "scheduled": the session had no status before.
    from_status = models.CharField(_("from status"), max_length=16, choices=LiveStatus, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=LiveStatus)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["session", "created_at"], name="livesessionevent_session_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LiveSessionEventKind.values), name="livesessionevent_kind_valid"
            ),
        ]
        verbose_name = _("live session event")
        verbose_name_plural = _("live session events")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.from_status or '∅'} → {self.to_status}"


class LiveSessionProduct(models.Model):
    """A product featured in a session, in the order the host will show them."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="session_products")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="live_features", verbose_name=_("product")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "product"], name="live_product_once_per_session")
        ]
        indexes = [models.Index(fields=["session", "position"], name="liveproduct_session_pos")]
        verbose_name = _("featured product")
        verbose_name_plural = _("featured products")

    def __str__(self) -> str:
        return f"{self.session} — {self.product}"


class LiveReminder(models.Model):
    """A shopper asked to be told when an upcoming session goes live."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_reminders"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the go-live notice went out, so a retried task tells each shopper once.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="live_reminder_once")]
        verbose_name = _("live reminder")
        verbose_name_plural = _("live reminders")

    def __str__(self) -> str:
        return f"{self.user} → {self.session}"


class LiveOrder(models.Model):
    """An order placed from a live session (orders.Order must not know about `live`)."""

    session = models.ForeignKey(LiveSession, on_delete=models.PROTECT, related_name="live_orders")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="live_origin")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["session", "created_at"], name="liveorder_session_created")]
        verbose_name = _("live order")
        verbose_name_plural = _("live orders")

    def __str__(self) -> str:
        return f"{self.order} @ {self.session}"


# --- Chat and moderation ------------------------------------------------------------------------


class ChatMessage(models.Model):
    """A chat line, kept for moderation and replay. Plain text: always rendered escaped."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="messages")
    # Kept (without its author) if the account goes: the replay still reads right.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="live_messages"
    )
    text = models.CharField(_("message"), max_length=500)
    is_question = models.BooleanField(_("question"), default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ChatMessageStatus, default=ChatMessageStatus.VISIBLE
    )
    held_reason = models.CharField(_("held because"), max_length=16, choices=HeldReason, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # A reconnecting viewer catches up: "the last N visible after id X" in one range scan.
            models.Index(
                fields=["session", "id"],
                condition=Q(status=ChatMessageStatus.VISIBLE),
                name="chat_session_visible_id",
            ),
            # The moderators' queue of held-back messages.
            models.Index(
                fields=["session", "id"],
                condition=Q(status=ChatMessageStatus.HELD),
                name="chat_session_held_id",
            ),
            # The host's question list.
            models.Index(
                fields=["session", "id"], condition=Q(is_question=True), name="chat_session_questions"
            ),
            # Slow mode and rate limits: a viewer's latest message in the room.
            models.Index(fields=["session", "user", "-created_at"], name="chat_session_user_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChatMessageStatus.values), name="chat_status_valid"
            ),
            models.CheckConstraint(
                # A released message keeps its reason, as history.
                condition=~Q(status=ChatMessageStatus.HELD) | ~Q(held_reason=""),
                name="chat_held_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(is_question=True),
                name="chat_only_questions_answered",
            ),
        ]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")

    def __str__(self) -> str:
        return self.text[:60]


class LiveMute(models.Model):
    """A viewer silenced in one session until `expires_at` (a moderator's "mute for N minutes")."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_mutes")
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("muted until"))

    class Meta:
        indexes = [models.Index(fields=["session", "user", "-expires_at"], name="livemute_session_user")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="livemute_expires_after_start"
            )
        ]
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")

    def __str__(self) -> str:
        return f"{self.user} muted in {self.session}"


class LiveBan(models.Model):
    """A viewer barred from all of a shop's live sessions until lifted (the row is deleted)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="live_bans", verbose_name=_("shop"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_bans", verbose_name=_("user")
    )
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="live_ban_once_per_shop")]
        verbose_name = _("banned viewer")
        verbose_name_plural = _("banned viewers")

    def __str__(self) -> str:
        return f"{self.user} banned from {self.shop}"


class LiveBlockedWord(models.Model):
    """A word the shop's live chat refuses. Each shop edits its own copy of the default list."""

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="live_blocked_words", verbose_name=_("shop")
    )
    word = models.CharField(_("word or phrase"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "word"], name="live_blocked_word_once_per_shop"),
            models.CheckConstraint(condition=~Q(word=""), name="live_blocked_word_not_empty"),
        ]
        verbose_name = _("chat blocked word")
        verbose_name_plural = _("chat blocked words")

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs):
        # Normalised like shops.BlockedWord: the filter compares lower-case text.
        self.word = self.word.strip().lower()
        super().save(*args, **kwargs)


class LiveModerator(models.Model):
    """A shop member who may moderate the shop's live chats (never muting or banning the host or
    the owner: the moderation services check roles)."""

    # Through the membership: leaving the shop ends the moderator role with it.
    member = models.OneToOneField(
        ShopMember, on_delete=models.CASCADE, related_name="live_moderator", verbose_name=_("shop member")
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat moderator")
        verbose_name_plural = _("chat moderators")

    def __str__(self) -> str:
        return str(self.member.user)


# --- Flash deals and one-off claims -------------------------------------------------------------


class FlashDeal(models.Model):
    """A price for a few units for a few minutes, launched in a session.

    Units are claimed by one conditional UPDATE on this row (`units_claimed + n <= units`), and
    the CHECK below backs it, so no race oversells the deal. Without a variant the deal covers
    every variant of the product.
    """

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="flash_deals")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="flash_deals")
    variant = models.ForeignKey(
        ProductVariant, on_delete=models.CASCADE, null=True, blank=True, related_name="flash_deals"
    )
    price = models.BigIntegerField(_("deal price (Rp)"))
    units = models.PositiveIntegerField(_("units"))
    units_claimed = models.PositiveIntegerField(_("units claimed"), default=0, editable=False)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    per_buyer_limit = models.PositiveSmallIntegerField(_("limit per buyer"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=FlashDealStatus, default=FlashDealStatus.DRAFT
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["session", "status"], name="flashdeal_session_status"),
            # The job that ends deals whose time is up.
            models.Index(fields=["status", "ends_at"], name="flashdeal_status_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FlashDealStatus.values), name="flashdeal_status_valid"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="flashdeal_price_positive"),
            models.CheckConstraint(condition=Q(units__gt=0), name="flashdeal_units_positive"),
            models.CheckConstraint(condition=Q(duration_seconds__gt=0), name="flashdeal_duration_positive"),
            models.CheckConstraint(condition=Q(per_buyer_limit__gt=0), name="flashdeal_per_buyer_positive"),
            models.CheckConstraint(
                condition=Q(units_claimed__lte=F("units")), name="flashdeal_claimed_within_units"
            ),
            models.CheckConstraint(
                condition=Q(status=FlashDealStatus.DRAFT)
                | Q(started_at__isnull=False, ends_at__gt=F("started_at")),
                name="flashdeal_launched_has_window",
            ),
            # One deal on screen per session at a time.
            models.UniqueConstraint(
                fields=["session"], condition=Q(status=FlashDealStatus.ACTIVE), name="one_active_flash_deal"
            ),
        ]
        verbose_name = _("flash deal")
        verbose_name_plural = _("flash deals")

    def __str__(self) -> str:
        return f"{self.product} @ {self.price}"

    @property
    def units_left(self) -> int:
        return self.units - self.units_claimed


class FlashDealClaim(models.Model):
    """Units a buyer took from a deal. Released units go back to the deal (`units_claimed` down)."""

    deal = models.ForeignKey(FlashDeal, on_delete=models.CASCADE, related_name="claims")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flash_claims")
    variant = models.ForeignKey(ProductVariant, on_delete=models.PROTECT, related_name="flash_claims")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=FlashClaimStatus, default=FlashClaimStatus.HELD)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The per-buyer limit: what this buyer already holds of this deal.
            models.Index(fields=["deal", "buyer", "status"], name="flashclaim_deal_buyer"),
            # An expiring or cancelled order gives its units back.
            models.Index(fields=["order"], condition=Q(order__isnull=False), name="flashclaim_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="flashclaim_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=FlashClaimStatus.values), name="flashclaim_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=FlashClaimStatus.ORDERED) | Q(order__isnull=False),
                name="flashclaim_ordered_has_order",
            ),
        ]
        verbose_name = _("flash deal claim")
        verbose_name_plural = _("flash deal claims")

    def __str__(self) -> str:
        return f"{self.buyer}: {self.quantity} × {self.deal}"


class FlashDealEvent(AuditEvent):
    """A flash deal's start and its end (live.deals), written with it; `session` too, so a
    session's page lists its deals' events without a join."""

    MESSAGES = {
        FlashDealEventKind.STARTED: _("Flash deal on “%(product)s” started with %(units)s units."),
        FlashDealEventKind.STOPPED: _(
            "Flash deal on “%(product)s” stopped early: %(ordered)s of %(units)s units ordered."
        ),
        FlashDealEventKind.EXPIRED: _(
            "Flash deal on “%(product)s” ran out of time: %(ordered)s of %(units)s units ordered."
        ),
        FlashDealEventKind.ENDED_WITH_SESSION: _(
            "Flash deal on “%(product)s” ended with the live: %(ordered)s of %(units)s units ordered."
        ),
    }

    deal = models.ForeignKey(FlashDeal, on_delete=models.CASCADE, related_name="events")
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="deal_events")
    # Null for the system: the job that ends deals whose time is up.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FlashDealEventKind)
    # Empty for "started": a deal is created running.
    from_status = models.CharField(_("from status"), max_length=16, choices=FlashDealStatus, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=FlashDealStatus)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["session", "created_at"], name="flashdealevent_session_time"),
            models.Index(fields=["deal", "created_at"], name="flashdealevent_deal_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FlashDealEventKind.values), name="flashdealevent_kind_valid"
            ),
        ]
        verbose_name = _("flash deal event")
        verbose_name_plural = _("flash deal events")

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_status or '∅'} → {self.to_status}"


class ItemClaim(models.Model):
    """A claim on a one-of-a-kind item during a live: first come holds it, the rest queue.

    The holder has until `hold_expires_at` to pay; on lapse the item passes to the oldest waiting
    claim. The database keeps one holder per item and one open claim per buyer and item.
    """

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="item_claims")
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="live_item_claims")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_item_claims"
    )
    status = models.CharField(max_length=16, choices=ItemClaimStatus, default=ItemClaimStatus.WAITING)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The line for an item ("3 waiting") and who is next.
            models.Index(fields=["variant", "status", "created_at", "id"], name="itemclaim_queue"),
            # The job that passes lapsed holds on.
            models.Index(
                fields=["hold_expires_at"],
                condition=Q(status=ItemClaimStatus.HOLDING),
                name="itemclaim_holds_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ItemClaimStatus.values), name="itemclaim_status_valid"
            ),
            models.UniqueConstraint(
                fields=["variant"], condition=Q(status=ItemClaimStatus.HOLDING), name="one_holder_per_item"
            ),
            models.UniqueConstraint(
                fields=["variant", "buyer"],
                condition=Q(status__in=[ItemClaimStatus.HOLDING, ItemClaimStatus.WAITING]),
                name="one_open_claim_per_buyer_per_item",
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemClaimStatus.HOLDING) | Q(hold_expires_at__isnull=False),
                name="itemclaim_holding_has_deadline",
            ),
        ]
        verbose_name = _("item claim")
        verbose_name_plural = _("item claims")

    def __str__(self) -> str:
        return f"{self.buyer} → {self.variant} ({self.status})"
