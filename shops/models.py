from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.images import SafeImageField
from marketplace.transitions import AuditEvent
from shops.enums import Condition, MemberRole, ModerationAction, ProductStatus, ShopStatus


class Shop(models.Model):
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    bio = models.TextField(_("about the shop"), blank=True)
    logo = SafeImageField(_("logo"), upload_to="shops/logos/", blank=True)
    banner = SafeImageField(_("banner"), upload_to="shops/banners/", blank=True)
    city = models.CharField(_("city"), max_length=60)
    is_verified = models.BooleanField(_("verified"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=ShopStatus, default=ShopStatus.ACTIVE)
    suspension_reason = models.TextField(_("suspension reason"), blank=True)
    # Kept by follow_create/follow_delete with F() so lists show it without a COUNT per shop.
    follower_count = models.PositiveIntegerField(_("followers"), default=0, editable=False)
    # Cash on delivery: sellers may refuse it, or refuse it above an order total.
    accepts_cod = models.BooleanField(_("accepts cash on delivery"), default=True)
    cod_max_total = models.BigIntegerField(_("COD only up to (Rp)"), null=True, blank=True)
    # Review summaries kept by the review service with F(), so pages show them without a query.
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_sum = models.PositiveIntegerField(default=0, editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ShopMember", related_name="shops", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "-created_at"], name="shop_status_created")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ShopStatus.values), name="shop_status_valid")
        ]
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop_detail", args=[self.slug])

    @property
    def is_active(self) -> bool:
        return self.status == ShopStatus.ACTIVE

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


class ShopMember(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole, default=MemberRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "user"], name="one_membership_per_user_per_shop"),
            models.CheckConstraint(condition=models.Q(role__in=MemberRole.values), name="member_role_valid"),
        ]
        verbose_name = _("shop member")
        verbose_name_plural = _("shop members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop} ({self.role})"


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "shop"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.shop}"


class Category(models.Model):
    """A small tree (Fashion > Wanita > Atasan). Few rows: pages read it whole, from the cache."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Median active price, refreshed by a beat job; the moderation pre-screen compares against it.
    typical_price = models.BigIntegerField(_("typical price"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class ProductManager(models.Manager):
    def get_queryset(self):
        # The search vector is large and only ever filtered on in SQL: never ship it to Python.
        return super().get_queryset().defer("search_vector")


class Product(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products", verbose_name=_("shop"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"))
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    condition = models.CharField(_("condition"), max_length=16, choices=Condition, default=Condition.NEW)
    condition_notes = models.TextField(
        _("condition notes"), blank=True, help_text=_("Be honest: wear, fading, repairs. Buyers trust this.")
    )
    # Measurements of pre-loved clothing, in cm, laid flat.
    chest_cm = models.DecimalField(
        _("chest (pit to pit), cm"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    length_cm = models.DecimalField(_("length, cm"), max_digits=5, decimal_places=1, null=True, blank=True)
    sleeve_cm = models.DecimalField(_("sleeve, cm"), max_digits=5, decimal_places=1, null=True, blank=True)
    waist_cm = models.DecimalField(_("waist, cm"), max_digits=5, decimal_places=1, null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus, default=ProductStatus.PENDING_REVIEW
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    is_flagged = models.BooleanField(_("flagged by pre-screen"), default=False)
    flag_reasons = models.TextField(_("pre-screen findings"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Summaries of the variants, refreshed by product_refresh_summary() whenever variants change,
    # so lists filter and sort on one table with an index instead of aggregating per request.
    price = models.BigIntegerField(_("price from"), default=0, editable=False)
    compare_at_price = models.BigIntegerField(null=True, blank=True, editable=False)
    stock_total = models.IntegerField(_("stock"), default=0, editable=False)
    sold_count = models.IntegerField(_("sold"), default=0, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_sum = models.PositiveIntegerField(default=0, editable=False)
    allows_cod = models.BooleanField(_("cash on delivery allowed"), default=True)

    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", weight="A", config="indonesian")
            + SearchVector("title", weight="A", config="english")
            + SearchVector(Coalesce("brand", models.Value("")), weight="B", config="simple")
            + SearchVector("description", weight="C", config="indonesian")
            + SearchVector("description", weight="C", config="english")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ProductManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "slug"], name="product_slug_unique_per_shop"),
            models.CheckConstraint(
                condition=models.Q(status__in=ProductStatus.values), name="product_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(condition__in=Condition.values), name="product_condition_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="product_status_published"),
            models.Index(fields=["status", "price"], name="product_status_price"),
            models.Index(fields=["status", "-sold_count"], name="product_status_sold"),
            models.Index(fields=["status", "condition"], name="product_status_condition"),
            models.Index(fields=["category", "status"], name="product_category_status"),
            models.Index(fields=["shop", "status", "-published_at"], name="product_shop_status_pub"),
            models.Index(fields=["status", "submitted_at"], name="product_moderation_queue"),
            GinIndex(fields=["search_vector"], name="product_search_vector"),
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="product_title_trgm"),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [("moderate_product", _("Can approve and reject listings and suspend shops"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("product_detail", args=[self.shop.slug, self.slug])

    @property
    def is_visible(self) -> bool:
        return self.status == ProductStatus.ACTIVE and self.shop.status == ShopStatus.ACTIVE

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def has_measurements(self) -> bool:
        return any(v is not None for v in (self.chest_cm, self.length_cm, self.sleeve_cm, self.waist_cm))

    @property
    def discount_percent(self) -> int:
        if not self.compare_at_price or self.compare_at_price <= self.price:
            return 0
        return round(100 * (self.compare_at_price - self.price) / self.compare_at_price)


class ProductReview(Product):
    """Products as the moderation queue sees them: a proxy so the queue has its own admin page."""

    class Meta:
        proxy = True
        verbose_name = _("listing to review")
        verbose_name_plural = _("moderation queue")


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = SafeImageField(_("image"), upload_to="products/")
    thumbnail = models.ImageField(upload_to="products/thumbs/", blank=True, editable=False)
    alt_text = models.CharField(_("description"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["product", "position"], name="productimage_product_pos")]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return f"{self.product} #{self.position}"


class ProductDefect(models.Model):
    """A flaw disclosed by the seller (a stain, a missing button), with its own photo."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="defects")
    description = models.CharField(_("defect"), max_length=200)
    photo = SafeImageField(_("photo"), upload_to="products/defects/", blank=True)
    thumbnail = models.ImageField(upload_to="products/defects/thumbs/", blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("disclosed defect")
        verbose_name_plural = _("disclosed defects")

    def __str__(self) -> str:
        return self.description


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # Copied from the product so the database can hold "SKU unique per shop".
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="variants", editable=False)
    size = models.CharField(_("size"), max_length=30, blank=True)
    color = models.CharField(_("colour"), max_length=30, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    price = models.BigIntegerField(_("price (Rp)"))
    compare_at_price = models.BigIntegerField(_("compare-at price (Rp)"), null=True, blank=True)
    stock = models.IntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight, grams"), default=500)
    is_active = models.BooleanField(_("available"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "sku"], name="variant_sku_unique_per_shop"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="variant_price_positive"),
            models.CheckConstraint(
                condition=models.Q(compare_at_price__isnull=True)
                | models.Q(compare_at_price__gt=models.F("price")),
                name="variant_compare_at_above_price",
            ),
        ]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return f"{self.product} — {self.label}" if self.label else str(self.product)

    def save(self, *args, **kwargs):
        # Derived, not a side effect: the shop is always the product's.
        self.shop_id = self.product.shop_id
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return " / ".join(part for part in (self.size, self.color) if part)


class BlockedWord(models.Model):
    """Words that make the pre-screen flag a listing for a closer look. Staff edit the list."""

    word = models.CharField(_("word or phrase"), max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("blocked word")
        verbose_name_plural = _("blocked words")

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs):
        self.word = self.word.strip().lower()
        super().save(*args, **kwargs)


class ModerationEvent(AuditEvent):
    """Audit trail of moderation: who moved which listing or shop, when, and why.

    A shop's own events (suspended, reinstated) are rows here with `product` empty: the seller
    reads one trail of every decision about their shop, and one admin scopes it by `shop`.
    `reason` is the moderator's or seller's own words; `params` the facts the sentence names.
    """

    MESSAGES = {
        ModerationAction.SUBMITTED: _("Submitted for review"),
        ModerationAction.RESUBMITTED: _("Edited (%(changed)s), back to review"),
        ModerationAction.FLAGGED: _("Flagged by pre-screen"),
        ModerationAction.APPROVED: _("Approved"),
        ModerationAction.REJECTED: _("Rejected"),
        ModerationAction.ARCHIVED: _("Archived"),
        ModerationAction.DRAFTED: _("Back to draft"),
        ModerationAction.SHOP_SUSPENDED: _("Shop suspended"),
        ModerationAction.SHOP_REINSTATED: _("Shop reinstated"),
    }

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_events"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="moderation_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ModerationAction)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product", "-created_at"], name="modevent_product_created"),
            models.Index(fields=["shop", "-created_at"], name="modevent_shop_created"),
        ]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.product or self.shop}"
