"""The seller's side of orders and vouchers in the admin (the Lapak Seller Center).

Orders are read-only here: no form ever writes a total, an item or a status. Everything a
seller does to an order (ship, cancel) is an action that calls orders.lifecycle, which checks
ORDER_TRANSITIONS and logs an OrderEvent. Scoping comes from ShopScopedAdminMixin, with the
paths registered in orders/scoping.py.
"""

import re
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import IntegrityError
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

import orders.scoping  # noqa: F401  (registers the shop paths before any admin asks for them)
from marketplace.money import format_rupiah
from marketplace.permissions import ReadOnlyAdminMixin
from marketplace.transitions import TransitionNotAllowed
from orders import returns
from orders.enums import OrderEventKind, OrderStatus, PaymentMethod, ReturnStatus, VoucherKind
from orders.formatting import voucher_value
from orders.lifecycle import ShipmentInvalid, order_cancel, order_ship
from orders.models import (
    Order,
    OrderEvent,
    OrderItem,
    ReturnPhoto,
    ReturnRequest,
    Review,
    Shipment,
    Voucher,
)
from orders.reviews import ReviewRefused, check_reply_text, review_reply
from orders.vouchers.selectors import shop_vouchers_changed
from orders.vouchers.services import voucher_save
from shops.admin import ContactScreenedAdminMixin, ShopScopedAdminMixin, ShopScopedInlineMixin, ask_for_reason
from shops.permissions import EDITOR_ROLES, is_platform_staff

# Sellers are Indonesian shops; the admin shows their orders on Jakarta time whatever the browser.
JAKARTA = ZoneInfo("Asia/Jakarta")

CARRIERS = [
    ("JNE", "JNE"),
    ("J&T", "J&T Express"),
    ("SiCepat", "SiCepat"),
    ("AnterAja", "AnterAja"),
    ("Pos Indonesia", "Pos Indonesia"),
]


def jakarta_time(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value, JAKARTA), "j M Y H:i")


def rupiah_field(name: str, description):
    """A read-only admin column/field showing a money field as "Rp 125.000"."""

    @admin.display(description=description, ordering=name)
    def show(self, obj):
        return format_rupiah(getattr(obj, name))

    return show


# --- Orders -----------------------------------------------------------------------------------


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    """Inlines of an order show what happened; only services write them."""

    extra = 0
    max_num = 0
    can_delete = False


class OrderItemInline(ReadOnlyInlineMixin, ShopScopedInlineMixin, admin.TabularInline):
    model = OrderItem
    fields = ("title", "variant_label", "sku", "unit_price_display", "quantity", "line_total_display")
    readonly_fields = fields
    verbose_name = _("item")
    verbose_name_plural = _("items")

    unit_price_display = rupiah_field("unit_price", _("unit price"))
    line_total_display = rupiah_field("line_total", _("line total"))


class OrderEventInline(ReadOnlyInlineMixin, ShopScopedInlineMixin, admin.TabularInline):
    model = OrderEvent
    fields = ("time", "from_status", "to_status", "event", "note", "actor")
    readonly_fields = fields
    verbose_name = _("event")
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("time"))
    def time(self, obj):
        return jakarta_time(obj.created_at)

    @admin.display(description=_("event"))
    def event(self, obj):
        return obj.message

    @admin.display(description=_("note"))
    def note(self, obj):
        return obj.note


class ShipmentInline(ReadOnlyInlineMixin, ShopScopedInlineMixin, admin.StackedInline):
    model = Shipment
    fields = ("carrier", "tracking_number", "shipped", "delivered")
    readonly_fields = fields

    @admin.display(description=_("shipped at"))
    def shipped(self, obj):
        return jakarta_time(obj.shipped_at)

    @admin.display(description=_("delivered at"))
    def delivered(self, obj):
        return jakarta_time(obj.delivered_at)


class ShipForm(forms.Form):
    """Carrier and tracking number for one order of the ship action's page."""

    carrier = forms.ChoiceField(label=_("Carrier"), choices=CARRIERS)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64)

    def clean_tracking_number(self):
        number = re.sub(r"\s+", "", self.cleaned_data["tracking_number"]).upper()
        if not re.fullmatch(r"[A-Z0-9-]{6,64}", number):
            raise forms.ValidationError(_("Use 6 to 64 letters, digits or dashes."))
        return number


def _initial_carrier(order: Order) -> str:
    """Preselect the carrier the buyer chose at checkout ("JNE REG" -> JNE) when we know it."""
    option = order.shipping_option.lower()
    for value, _label in CARRIERS:
        if option.startswith(value.lower()):
            return value
    return ""


def _ship_forms(request, orders: list[Order]) -> list[ShipForm]:
    data = request.POST if "apply" in request.POST else None
    ship_forms = [
        ShipForm(data, prefix=f"order-{order.pk}", initial={"carrier": _initial_carrier(order)})
        for order in orders
    ]
    valid = [form for form in ship_forms if form.is_bound and form.is_valid()]
    # A tracking number names one parcel: refuse repeats in the batch and ones already used.
    wanted = [(form.cleaned_data["carrier"], form.cleaned_data["tracking_number"]) for form in valid]
    taken = set(
        Shipment.objects.filter(tracking_number__in=[number for _c, number in wanted]).values_list(
            "carrier", "tracking_number"
        )
    )
    seen = set()
    for form, pair in zip(valid, wanted, strict=True):
        if pair in taken or pair in seen:
            form.add_error("tracking_number", _("This tracking number is already used for another parcel."))
        seen.add(pair)
    return ship_forms


class ChoicesListFilter(admin.SimpleListFilter):
    """A status filter that ignores values outside its choices instead of answering an error page."""

    title = _("status")
    parameter_name = "status"
    status_choices = None  # a TextChoices class (not `choices`: the filter has a method of that name)

    def lookups(self, request, model_admin):
        return self.status_choices.choices

    def queryset(self, request, queryset):
        if self.value() in self.status_choices.values:
            return queryset.filter(**{self.parameter_name: self.value()})
        return queryset


class StatusListFilter(ChoicesListFilter):
    """Its "To ship" choice is the seller's work queue (oldest first)."""

    status_choices = OrderStatus


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, ShopScopedAdminMixin, admin.ModelAdmin):
    # Orders come from checkouts and are history: no one adds, edits or deletes one by form.
    # Hosts read orders (to answer buyers in a live); owners and shop staff fulfil them.
    shop_editor_roles = EDITOR_ROLES
    seller_may_add = False
    seller_may_delete = False

    list_display = (
        "number",
        "buyer_name",
        "created",
        "item_units",
        "total_display",
        "payment_method",
        "status",
    )
    list_select_related = ("buyer", "shop")
    list_filter = (StatusListFilter, "payment_method")
    search_fields = ("number", "buyer__username", "buyer__display_name", "checkout__recipient_name")
    list_per_page = 50
    actions = ["ship_selected", "cancel_selected", "print_packing_slips"]
    inlines = [OrderItemInline, ShipmentInline, OrderEventInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "shop",
                    "buyer_name",
                    "status",
                    "created",
                    "payment_method",
                    "payment_due",
                    "cancellation",
                ]
            },
        ),
        (
            _("Money"),
            {
                "fields": [
                    "subtotal_display",
                    "shipping_fee_display",
                    "discount_display",
                    "shipping_discount_display",
                    "total_display",
                    "shop_voucher",
                ]
            },
        ),
        (_("Shipping"), {"fields": ["shipping_option", "weight_grams", "recipient"]}),
    ]
    # Nothing on an order is a form field: money, items, buyer and status are history.
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]

    total_display = rupiah_field("total", _("total"))
    subtotal_display = rupiah_field("subtotal", _("items"))
    shipping_fee_display = rupiah_field("shipping_fee", _("shipping fee"))
    discount_display = rupiah_field("discount", _("discount"))
    shipping_discount_display = rupiah_field("shipping_discount", _("shipping discount"))

    def get_queryset(self, request):
        units = (
            OrderItem.objects.filter(order=OuterRef("pk"))
            .order_by()
            .values("order")
            .annotate(n=Sum("quantity"))
            .values("n")
        )
        # A subquery, not a join and GROUP BY: a page of any length costs the same queries.
        return super().get_queryset(request).annotate(item_units=Coalesce(Subquery(units), 0))

    def get_list_display(self, request):
        if is_platform_staff(request.user):
            return (*self.list_display[:1], "shop", *self.list_display[1:])
        return self.list_display

    def get_ordering(self, request):
        # The "to ship" queue is worked oldest first; everything else newest first.
        if request.GET.get("status") == OrderStatus.TO_SHIP:
            return ("created_at", "id")
        return ("-created_at", "-id")

    def has_fulfil_permission(self, request):
        return is_platform_staff(request.user) or bool(self.editable_shop_ids(request))

    @admin.display(description=_("buyer"), ordering="buyer__display_name")
    def buyer_name(self, obj):
        return obj.buyer.public_name

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return jakarta_time(obj.created_at)

    @admin.display(description=_("items"), ordering="item_units")
    def item_units(self, obj):
        return obj.item_units

    @admin.display(description=_("pay by"))
    def payment_due(self, obj):
        return jakarta_time(obj.payment_due_at)

    @admin.display(description=_("cancellation reason"))
    def cancellation(self, obj):
        """What the person who cancelled wrote, else why the system did, in the reader's language."""
        if obj.status != OrderStatus.CANCELLED:
            return ""
        event = obj.events.filter(to_status=OrderStatus.CANCELLED).order_by("-created_at", "-id").first()
        if event is None:
            return obj.cancel_reason
        return event.note or (event.message if event.kind != OrderEventKind.CANCELLED else "")

    @admin.display(description=_("ship to"))
    def recipient(self, obj):
        checkout = obj.checkout
        return format_html(
            "{}<br>{}<br>{}<br>{}, {}, {} {}",
            checkout.recipient_name,
            checkout.phone,
            checkout.street,
            checkout.district,
            checkout.city,
            checkout.province,
            checkout.postal_code,
        )

    def _context(self, request, **extra):
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            **extra,
        }

    @admin.action(description=_("Ship selected orders…"), permissions=["fulfil"])
    def ship_selected(self, request, queryset):
        selected = list(self.editable(request, queryset).select_related("buyer").order_by("created_at", "id"))
        ready = [order for order in selected if order.status == OrderStatus.TO_SHIP]
        if not ready:
            self.message_user(
                request, _("None of the selected orders is waiting to be shipped."), messages.WARNING
            )
            return None
        ship_forms = _ship_forms(request, ready)
        if not all(form.is_bound and form.is_valid() for form in ship_forms):
            context = self._context(
                request,
                title=_("Ship orders"),
                rows=list(zip(ready, ship_forms, strict=True)),
                skipped=[order for order in selected if order.status != OrderStatus.TO_SHIP],
            )
            return TemplateResponse(request, "admin/orders/order/ship_form.html", context)
        shipped = 0
        for order, form in zip(ready, ship_forms, strict=True):
            try:
                order_ship(
                    order=order,
                    carrier=form.cleaned_data["carrier"],
                    tracking_number=form.cleaned_data["tracking_number"],
                    actor=request.user,
                )
            # Someone cancelled it meanwhile, or the same tracking number was saved a moment ago.
            except (TransitionNotAllowed, ShipmentInvalid, IntegrityError):
                continue
            shipped += 1
        self.message_user(request, ngettext("%d order shipped.", "%d orders shipped.", shipped) % shipped)
        skipped = len(selected) - shipped
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d order was not shipped: it is not waiting to be shipped.",
                    "%d orders were not shipped: they are not waiting to be shipped.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
        return None

    @admin.action(description=_("Cancel selected orders…"), permissions=["fulfil"])
    def cancel_selected(self, request, queryset):
        queryset = self.editable(request, queryset)
        reason, page = ask_for_reason(
            self,
            request,
            queryset,
            action="cancel_selected",
            title=_("Cancel orders"),
            submit_label=_("Cancel orders"),
            reader_help=_("The buyer reads this."),
        )
        if page:
            return page
        cancelled = refused = 0
        for order in queryset:
            try:
                order_cancel(order=order, actor=request.user, reason=reason)
            except TransitionNotAllowed:
                refused += 1
                continue
            cancelled += 1
        self.message_user(
            request, ngettext("%d order cancelled.", "%d orders cancelled.", cancelled) % cancelled
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d order was not cancelled: it has already been shipped or closed.",
                    "%d orders were not cancelled: they have already been shipped or closed.",
                    refused,
                )
                % refused,
                messages.WARNING,
            )
        return None

    @admin.action(description=_("Print packing slips"), permissions=["fulfil"])
    def print_packing_slips(self, request, queryset):
        orders = (
            self.editable(request, queryset)
            .select_related("checkout", "shop")
            .prefetch_related("items")
            .order_by("created_at", "id")
        )
        context = {
            "title": _("Packing slips"),
            "orders": orders,
            "cod": PaymentMethod.COD,
            "printed_at": jakarta_time(timezone.now()),
        }
        return TemplateResponse(request, "admin/orders/order/packing_slips.html", context)


# --- Vouchers ---------------------------------------------------------------------------------


class VoucherAdminForm(forms.ModelForm):
    class Meta:
        model = Voucher
        fields = [
            "shop",
            "code",
            "title",
            "is_active",
            "is_claimable",
            "kind",
            "value",
            "max_discount",
            "min_spend",
            "starts_at",
            "ends_at",
            "usage_limit",
            "per_user_limit",
        ]

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{4,32}", code):
            raise forms.ValidationError(_("Use 4 to 32 letters (A–Z) and digits (0–9), no spaces."))
        return code

    def clean(self):
        cleaned = super().clean()
        kind, value, cap = cleaned.get("kind"), cleaned.get("value"), cleaned.get("max_discount")
        if kind == VoucherKind.PERCENT:
            if value is None or not 1 <= value <= 100:
                self.add_error("value", _("A percentage is between 1 and 100."))
            if cap is None:
                self.add_error("max_discount", _("A percentage voucher needs a maximum discount."))
        elif kind == VoucherKind.FIXED:
            if not value:
                self.add_error("value", _("Enter the amount off, in rupiah."))
        elif kind == VoucherKind.FREE_SHIPPING:
            if cap is None:
                self.add_error("max_discount", _("A free-shipping voucher needs a maximum discount."))
            # The value means nothing for free shipping; keep it from misleading a reader.
            cleaned["value"] = 0
        if cap is not None and cap <= 0:
            self.add_error("max_discount", _("The maximum discount must be more than zero."))
        if cleaned.get("min_spend") is not None and cleaned["min_spend"] < 0:
            self.add_error("min_spend", _("The minimum spend cannot be negative."))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


@admin.register(Voucher)
class VoucherAdmin(ContactScreenedAdminMixin, ShopScopedAdminMixin, admin.ModelAdmin):
    """Shop vouchers for their sellers, platform vouchers (no shop) for platform staff only.

    A platform voucher's shop is NULL, so the mixin's `shop__in` scoping never shows it to a
    seller, and a seller's form requires a shop chosen among their own.
    """

    # Vouchers are money: owners and shop staff, not live hosts.
    shop_viewer_roles = EDITOR_ROLES
    shop_editor_roles = EDITOR_ROLES

    form = VoucherAdminForm
    # Shoppers see the code on the voucher card and the title in their notifications.
    contact_screened_fields = ("code", "title")
    list_display = ("code", "title", "kind", "value_display", "window", "usage", "is_active", "is_claimable")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "title")
    fieldsets = [
        (None, {"fields": ["shop", "code", "title", "is_active", "is_claimable"]}),
        (_("Discount"), {"fields": ["kind", "value", "max_discount", "min_spend"]}),
        (_("Validity and limits"), {"fields": ["starts_at", "ends_at", "usage_limit", "per_user_limit"]}),
        (_("Usage"), {"fields": ["used_count"]}),
    ]

    def get_list_display(self, request):
        if is_platform_staff(request.user):
            return (*self.list_display[:2], "shop_or_platform", *self.list_display[2:])
        return self.list_display

    def get_list_select_related(self, request):
        return ("shop",) if is_platform_staff(request.user) else ()

    def get_list_filter(self, request):
        if is_platform_staff(request.user):
            return (*self.list_filter, ("shop", admin.EmptyFieldListFilter))
        return self.list_filter

    def get_autocomplete_fields(self, request):
        # Staff pick among every shop; a seller's few shops fit a plain select.
        return ("shop",) if is_platform_staff(request.user) else ()

    def get_readonly_fields(self, request, obj=None):
        # A voucher may already sit on that shop's orders: it never moves to another shop.
        return ["used_count", "shop"] if obj is not None else ["used_count"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "shop" and not is_platform_staff(request.user):
            # An empty shop means a platform voucher, which only platform staff make.
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        shop_ids = self.editable_shop_ids(request)
        if not is_platform_staff(request.user) and len(shop_ids) == 1:
            initial.setdefault("shop", next(iter(shop_ids)))
        return initial

    # The shop page caches its voucher strip: every admin write drops it (voucher_save does).
    def save_model(self, request, obj, form, change):
        voucher_save(voucher=obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        shop_vouchers_changed(shop_id=obj.shop_id)

    def delete_queryset(self, request, queryset):
        shop_ids = set(queryset.values_list("shop_id", flat=True))
        super().delete_queryset(request, queryset)
        for shop_id in shop_ids:
            shop_vouchers_changed(shop_id=shop_id)

    @admin.display(description=_("shop"), ordering="shop__name")
    def shop_or_platform(self, obj):
        return obj.shop.name if obj.shop_id else _("Platform")

    @admin.display(description=_("value"))
    def value_display(self, obj):
        return voucher_value(obj)

    @admin.display(description=_("valid"), ordering="starts_at")
    def window(self, obj):
        starts = timezone.localtime(obj.starts_at, JAKARTA)
        ends = timezone.localtime(obj.ends_at, JAKARTA)
        return f"{date_format(starts, 'j M Y')} – {date_format(ends, 'j M Y')}"

    @admin.display(description=_("used / limit"), ordering="used_count")
    def usage(self, obj):
        limit = obj.usage_limit if obj.usage_limit is not None else "∞"
        return f"{obj.used_count} / {limit}"


# --- Reviews (orders/reviews.py) -----------------------------------------------------------------
# Sellers read their shops' reviews and answer them; nothing else of a review is theirs to edit.
# The reply goes through orders.reviews.review_reply, which also refreshes the cached product page.


def _check_reply_text(value: str) -> None:
    try:
        check_reply_text(value)
    except ReviewRefused as refused:
        raise forms.ValidationError(refused.message, code=refused.code) from refused


@admin.register(Review)
class ReviewAdmin(ShopScopedAdminMixin, admin.ModelAdmin):
    shop_editor_roles = EDITOR_ROLES
    seller_may_add = False
    seller_may_delete = False

    list_display = ("product", "buyer_name", "rating", "created", "is_answered")
    list_select_related = ("product", "buyer")
    list_filter = ("rating",)
    search_fields = ("product__title", "text", "buyer__username", "buyer__display_name")
    list_per_page = 50
    fields = (
        "product",
        "shop",
        "order_number",
        "buyer_name",
        "rating",
        "text",
        "photo_thumbnails",
        "created",
        "seller_reply",
        "replied",
    )
    readonly_fields = (
        "product",
        "shop",
        "order_number",
        "buyer_name",
        "rating",
        "text",
        "photo_thumbnails",
        "created",
        "replied",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_item__order", "shop")

    def has_add_permission(self, request, *args):
        return False  # reviews come from buyers only

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would leave the product and shop ratings counting it

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "seller_reply":
            # The service's own check, run as the form validates: a refusal is a form error
            # on the reply, not an exception out of save_model.
            field.validators = [*field.validators, _check_reply_text]
        return field

    def save_model(self, request, obj, form, change):
        review_reply(review=obj, seller=request.user, text=form.cleaned_data["seller_reply"])

    @admin.display(description=_("buyer"), ordering="buyer__display_name")
    def buyer_name(self, obj):
        return obj.buyer.public_name

    @admin.display(description=_("order"))
    def order_number(self, obj):
        return obj.order_item.order.number

    @admin.display(description=_("date"), ordering="created_at")
    def created(self, obj):
        return jakarta_time(obj.created_at)

    @admin.display(description=_("replied"), ordering="replied_at")
    def replied(self, obj):
        return jakarta_time(obj.replied_at)

    @admin.display(description=_("answered"), boolean=True)
    def is_answered(self, obj):
        return bool(obj.seller_reply)

    @admin.display(description=_("photos"))
    def photo_thumbnails(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}"><img src="{}" width="96" height="96" alt=""></a>',
            ((photo.image.url, (photo.thumbnail or photo.image).url) for photo in photos),
        )


# --- end reviews -------------------------------------------------------------------------------------


# --- Returns ----------------------------------------------------------------------------------


class ReturnPhotoInline(ReadOnlyInlineMixin, ShopScopedAdminMixin, admin.TabularInline):
    model = ReturnPhoto
    fields = ("photo",)
    readonly_fields = fields
    verbose_name = _("photo")
    verbose_name_plural = _("photos")

    def object_shop_id(self, obj) -> int | None:
        # Django passes the parent return request to an inline's permission checks.
        return obj.order.shop_id

    @admin.display(description=_("photo"))
    def photo(self, obj):
        if not obj.image:
            return "—"
        url = obj.image.url
        return format_html('<a href="{0}"><img src="{0}" alt="" width="240" loading="lazy"></a>', url)


class ReturnStatusListFilter(ChoicesListFilter):
    status_choices = ReturnStatus


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdminMixin, ShopScopedAdminMixin, admin.ModelAdmin):
    """Buyers' return requests: the seller approves (refund) or rejects (with a note) by action.

    Read-only like orders: the decision goes through orders.returns, which moves the order and
    tells the buyer. Undecided requests are approved automatically at `respond_by`.
    """

    # Refunds are money: owners and shop staff decide, live hosts do not.
    shop_viewer_roles = EDITOR_ROLES
    shop_editor_roles = EDITOR_ROLES
    seller_may_add = False
    seller_may_delete = False

    list_display = ("order", "buyer_name", "requested", "respond_by_display", "status", "refund_display")
    list_select_related = ("order__buyer",)
    list_filter = (ReturnStatusListFilter,)
    search_fields = ("order__number", "order__buyer__username", "order__buyer__display_name")
    actions = ["approve_selected", "reject_selected"]
    inlines = [ReturnPhotoInline]
    fields = (
        "order",
        "buyer_name",
        "reason",
        "status",
        "requested",
        "respond_by_display",
        "decided",
        "decided_by",
        "decision_note",
        "refund_display",
        "refunded",
    )
    readonly_fields = fields

    # Newest first; the status filter's "Requested" is the seller's work queue.
    ordering = ("-respond_by", "-id")

    def has_decide_permission(self, request):
        return is_platform_staff(request.user) or bool(self.editable_shop_ids(request))

    @admin.display(description=_("buyer"), ordering="order__buyer__display_name")
    def buyer_name(self, obj):
        return obj.order.buyer.public_name

    @admin.display(description=_("requested"), ordering="created_at")
    def requested(self, obj):
        return jakarta_time(obj.created_at)

    @admin.display(description=_("respond by"), ordering="respond_by")
    def respond_by_display(self, obj):
        return jakarta_time(obj.respond_by)

    @admin.display(description=_("decided"))
    def decided(self, obj):
        return jakarta_time(obj.decided_at)

    @admin.display(description=_("refunded"))
    def refunded(self, obj):
        return jakarta_time(obj.refunded_at)

    @admin.display(description=_("refund"))
    def refund_display(self, obj):
        return format_rupiah(obj.refund_amount) if obj.refund_amount is not None else "—"

    def _report(self, request, done: int, refused: int, done_message: str) -> None:
        self.message_user(request, done_message % done)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d return was not changed: it has already been decided.",
                    "%d returns were not changed: they have already been decided.",
                    refused,
                )
                % refused,
                messages.WARNING,
            )

    @admin.action(description=_("Approve selected returns (refund the buyer)"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        done = refused = 0
        for return_request in self.editable(request, queryset).order_by("respond_by", "id"):
            try:
                returns.return_approve(return_request=return_request, actor=request.user)
            except returns.ReturnNotAllowed:
                refused += 1
                continue
            done += 1
        self._report(request, done, refused, ngettext("%d return approved.", "%d returns approved.", done))

    @admin.action(description=_("Reject selected returns…"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        queryset = self.editable(request, queryset)
        note, page = ask_for_reason(
            self,
            request,
            queryset,
            action="reject_selected",
            title=_("Reject returns"),
            submit_label=_("Reject returns"),
            reader_help=_("The buyer reads this."),
        )
        if page:
            return page
        done = refused = 0
        for return_request in queryset.order_by("respond_by", "id"):
            try:
                returns.return_reject(return_request=return_request, actor=request.user, note=note)
            except returns.ReturnNotAllowed:
                refused += 1
                continue
            done += 1
        self._report(request, done, refused, ngettext("%d return rejected.", "%d returns rejected.", done))
        return None
