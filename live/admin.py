"""Live sessions in the Lapak Seller Center: schedule, feature products, read the summary.

Scoped exactly like the catalog (shops.admin.ShopScopedAdminMixin, paths in live/scoping.py):
the changelist, change URLs, foreign-key choices, inlines and actions reach only the user's
shops. The shop's owner and its live hosts schedule and edit; shop staff read. Status never comes
from a form: it moves through live.services (the actions below), which check LIVE_MACHINE.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

import live.scoping  # noqa: F401  (registers the shop paths before any admin asks for them)
from live import errors, policy, selectors, services
from live.enums import LiveStatus
from live.models import (
    FlashDealEvent,
    LiveBlockedWord,
    LiveModerator,
    LiveSession,
    LiveSessionEvent,
    LiveSessionProduct,
)
from marketplace.models import User
from marketplace.money import format_rupiah
from marketplace.permissions import ReadOnlyAdminMixin
from marketplace.transitions import TransitionNotAllowed
from shops.admin import ContactScreenedAdminMixin, ShopScopedAdminMixin, ShopScopedInlineMixin
from shops.permissions import is_platform_staff, member_shop_ids


class LiveSessionForm(forms.ModelForm):
    class Meta:
        model = LiveSession
        fields = ("shop", "host", "title", "description", "cover", "planned_start", "slow_mode_seconds")

    def clean(self):
        cleaned = super().clean()
        shop_id = cleaned["shop"].pk if cleaned.get("shop") else self.instance.shop_id
        host = cleaned.get("host")
        if shop_id and host is not None and "host" in self.changed_data:
            try:
                services.check_session_host(shop_id=shop_id, host=host)
            except errors.LiveScheduleInvalid as error:
                self.add_error("host", str(error))
        planned_start = cleaned.get("planned_start")
        if planned_start is not None and "planned_start" in self.changed_data:
            try:
                services.check_planned_start(planned_start=planned_start)
            except errors.LiveScheduleInvalid as error:
                self.add_error("planned_start", str(error))
        return cleaned


class FeaturedProductForm(forms.ModelForm):
    class Meta:
        model = LiveSessionProduct
        fields = ("product", "position")

    def clean(self):
        cleaned = super().clean()
        product = cleaned.get("product")
        # The choices already hold only the user's shops; a seller of two shops must still not
        # feature one shop's product in the other's live.
        session = getattr(self.instance, "session", None)  # the parent, set by the inline formset
        if product is not None and session is not None and product.shop_id != session.shop_id:
            self.add_error("product", _("Only the shop's own products can be featured."))
        return cleaned


class FeaturedProductInline(ShopScopedInlineMixin, admin.TabularInline):
    model = LiveSessionProduct
    form = FeaturedProductForm
    fields = ("product", "position")
    extra = 1
    ordering = ("position", "id")

    def _is_open(self, obj) -> bool:
        return obj is None or obj.status in (LiveStatus.SCHEDULED, LiveStatus.LIVE)

    def has_add_permission(self, request, obj=None):
        return self._is_open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_open(obj) and super().has_delete_permission(request, obj)


class _EventInline(ReadOnlyAdminMixin, ShopScopedInlineMixin, admin.TabularInline):
    """Events are written by the services only; each reads as a sentence in the reader's language."""

    fields = ("created_at", "what_happened", "actor")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("created_at", "id")

    def has_view_permission(self, request, obj=None):
        # A session being added has no history: its add form neither shows nor posts one. (Django
        # asks again without the parent when it reads the rows, so the parent cannot tell.)
        match = request.resolver_match
        if obj is None and match is not None and (match.url_name or "").endswith("_add"):
            return False
        return super().has_view_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("what happened"))
    def what_happened(self, obj):
        return obj.message


class LiveSessionEventInline(_EventInline):
    model = LiveSessionEvent
    verbose_name = _("event")
    verbose_name_plural = _("session history")


class FlashDealEventInline(_EventInline):
    model = FlashDealEvent
    verbose_name = _("flash deal event")
    verbose_name_plural = _("flash deal history")


@admin.register(LiveSession)
class LiveSessionAdmin(ContactScreenedAdminMixin, ShopScopedAdminMixin, admin.ModelAdmin):
    # The owner and the live hosts run lives; shop staff may read them.
    shop_editor_roles = policy.HOST_MEMBER_ROLES
    # Sessions carry orders and chat history: they are cancelled, never deleted by sellers.
    seller_may_delete = False

    form = LiveSessionForm
    contact_screened_fields = ("title", "description")
    inlines = [FeaturedProductInline, LiveSessionEventInline, FlashDealEventInline]
    list_display = ("title", "status", "planned_start", "peak_viewers", "order_count", "revenue_display")
    list_select_related = ("shop",)
    list_filter = ("status",)
    search_fields = ("title",)
    date_hierarchy = "planned_start"
    ordering = ("-planned_start", "-id")
    actions = ["go_live_selected", "end_selected", "cancel_selected"]

    summary_fields = (
        "started_at",
        "ended_at",
        "peak_viewers",
        "unique_viewers",
        "message_count",
        "like_count",
        "order_count",
        "revenue_display",
        "top_products",
    )

    def get_list_display(self, request):
        if is_platform_staff(request.user):
            return ("title", "shop", *self.list_display[1:])
        return self.list_display

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "shop",
                        "host",
                        "title",
                        "description",
                        "cover",
                        "planned_start",
                        "slow_mode_seconds",
                    ]
                },
            ),
        ]
        if obj is not None:
            status_fields = ["status", "pinned_product"]
            if self._may_run(request, obj):
                status_fields.insert(0, "console_link")
            fieldsets.append((_("Status"), {"fields": status_fields}))
            if obj.status in (LiveStatus.LIVE, LiveStatus.ENDED):
                fieldsets.append((_("Summary"), {"fields": list(self.summary_fields)}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "pinned_product", "console_link", *self.summary_fields]
        if obj is not None:
            # A session belongs to its shop for good; once it went live its time and host are history.
            readonly.append("shop")
            if obj.status != LiveStatus.SCHEDULED:
                readonly += ["host", "planned_start"]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "host":
            # Users are not shop-owned: offer only the owners and hosts of the user's shops,
            # never the whole user table.
            hosts = User.objects.filter(shop_memberships__role__in=policy.HOST_MEMBER_ROLES)
            if not is_platform_staff(request.user):
                hosts = hosts.filter(shop_memberships__shop_id__in=self.editable_shop_ids(request))
            kwargs["queryset"] = hosts.distinct().order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        shop_ids = self.editable_shop_ids(request)
        if not is_platform_staff(request.user) and len(shop_ids) == 1:
            initial.setdefault("shop", next(iter(shop_ids)))
        if member_shop_ids(request.user, policy.HOST_MEMBER_ROLES):
            initial.setdefault("host", request.user.pk)
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            # Status never comes from the form (see the module's docstring): what is left is a
            # plain save of what the form checked with the services' own checks.
            super().save_model(request, obj, form, change)
            return
        # Scheduling is more than a form save (the shop's first session seeds its blocked words):
        # the service does it. Its checks are the form's, so a refusal here would be a bug. The
        # featured products are the inline's, saved next into `obj`, the form's own instance.
        session = services.session_schedule(
            shop=obj.shop,
            host=obj.host,
            actor=request.user,
            title=obj.title,
            description=obj.description,
            planned_start=obj.planned_start,
            cover=obj.cover,
            slow_mode_seconds=obj.slow_mode_seconds,
        )
        for field in LiveSession._meta.concrete_fields:
            setattr(obj, field.attname, getattr(session, field.attname))
        obj._state.adding, obj._state.db = False, session._state.db

    # --- The host console (a page of the site, not of the admin) -------------------------------

    def _may_run(self, request, obj) -> bool:
        # The owner and the live hosts get the whole console; the shop's chat moderators and
        # platform staff get it in moderation mode. Other shop staff read sessions here, but the
        # console would answer them 404.
        return obj.status in (LiveStatus.SCHEDULED, LiveStatus.LIVE) and (
            obj.shop_id in self.editable_shop_ids(request)
            or policy.shop_may(user=request.user, shop_id=obj.shop_id, action=policy.Action.OPEN_CONSOLE)
        )

    @admin.display(description=_("host console"))
    def console_link(self, obj):
        return format_html(
            '<a class="button" href="{}" data-admin-console-link>{}</a>',
            reverse("live_console", args=[obj.pk]),
            _("Open console"),
        )

    # --- Summary ----------------------------------------------------------------------------

    @admin.display(description=_("revenue"), ordering="revenue")
    def revenue_display(self, obj):
        return format_rupiah(obj.revenue)

    @admin.display(description=_("top products"))
    def top_products(self, obj):
        rows = selectors.session_top_products(session=obj)
        if not rows:
            return "—"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} — {} × · {}</li>",
                ((row["title"], row["units"], format_rupiah(row["revenue"])) for row in rows),
            ),
        )

    # --- Actions ------------------------------------------------------------------------------

    def _run(self, request, queryset, service, done_message):
        done, refusals = 0, []
        for session in self.editable(request, queryset).order_by("pk"):
            try:
                service(session=session, actor=request.user)
            except (errors.LiveError, TransitionNotAllowed) as refusal:
                refusals.append(f"{session.title}: {refusal}")
                continue
            done += 1
        if done:
            self.message_user(request, done_message(done))
        for refusal in refusals:
            self.message_user(request, refusal, level=messages.ERROR)

    @admin.action(description=_("Go live now"), permissions=["change"])
    def go_live_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.session_go_live,
            lambda n: ngettext("%d session is live.", "%d sessions are live.", n) % n,
        )

    @admin.action(description=_("End selected live sessions"), permissions=["change"])
    def end_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.session_end,
            lambda n: ngettext("%d session ended.", "%d sessions ended.", n) % n,
        )

    @admin.action(description=_("Cancel selected scheduled sessions"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.session_cancel,
            lambda n: ngettext("%d session cancelled.", "%d sessions cancelled.", n) % n,
        )


class LiveBlockedWordForm(forms.ModelForm):
    class Meta:
        model = LiveBlockedWord
        fields = ("shop", "word")

    def clean_word(self):
        # Normalised before the unique check, so "Anjing" meets an existing "anjing" as a form error.
        word = self.cleaned_data["word"].strip().lower()
        if not word:
            raise forms.ValidationError(_("Enter a word or phrase."))
        return word


@admin.register(LiveBlockedWord)
class LiveBlockedWordAdmin(ShopScopedAdminMixin, admin.ModelAdmin):
    shop_editor_roles = policy.HOST_MEMBER_ROLES

    form = LiveBlockedWordForm
    list_display = ("word", "created_at")
    search_fields = ("word",)
    ordering = ("word",)

    def get_list_display(self, request):
        if is_platform_staff(request.user):
            return ("word", "shop", "created_at")
        return self.list_display

    def get_readonly_fields(self, request, obj=None):
        return ("shop",) if obj is not None else ()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        shop_ids = self.editable_shop_ids(request)
        if not is_platform_staff(request.user) and len(shop_ids) == 1:
            initial.setdefault("shop", next(iter(shop_ids)))
        return initial


@admin.register(LiveModerator)
class LiveModeratorAdmin(ShopScopedAdminMixin, admin.ModelAdmin):
    shop_editor_roles = policy.HOST_MEMBER_ROLES

    list_display = ("member", "appointed_by", "created_at")
    list_select_related = ("member__user", "member__shop", "appointed_by")
    fields = ("member",)

    def get_readonly_fields(self, request, obj=None):
        return ("member",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.appointed_by = request.user
        super().save_model(request, obj, form, change)
