"""The Django admin, where sellers run their shops and platform staff moderate.

Sellers are `is_staff` users without model permissions: `ShopScopedAdminMixin` derives what they
may see and change from their `ShopMember` rows, and every seller-facing ModelAdmin and inline
uses it. Platform staff (marketplace.permissions.is_platform_staff) see everything and keep
Django's own permissions for writes. Status changes never come from a form field: they go
through the moderation services, which log a ModerationEvent.
"""

import csv

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.files.storage import default_storage
from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.contact_detection import validate_no_contact
from marketplace.money import format_rupiah
from marketplace.permissions import PlatformStaffOnlyAdminMixin
from marketplace.transitions import TransitionNotAllowed
from shops import services
from shops.enums import MemberRole, ProductStatus
from shops.models import (
    BlockedWord,
    Category,
    ModerationEvent,
    Product,
    ProductDefect,
    ProductImage,
    ProductReview,
    ProductVariant,
    Shop,
    ShopMember,
)
from shops.permissions import (
    ALL_ROLES,
    EDITOR_ROLES,
    is_platform_staff,
    member_shop_ids,
    scope_to_shops,
    shop_id_of,
    shop_path,
)

# At or under this many units a listing's stock is shown as running low.
LOW_STOCK = 5


# --- Scoping ----------------------------------------------------------------------------------


class ShopScopedAdminMixin:
    """Limits a ModelAdmin (or inline) to the shops the user belongs to; platform staff see all.

    Covers every way in: the changelist and the change/delete/history views by URL (through
    `get_queryset`, so another shop's object is "not found"), raw-id popups (the related
    changelist), autocomplete (the related admin's queryset), foreign-key choices, list filters
    (use RelatedOnlyFieldListFilter, which reads `get_queryset`), actions (Django hands them the
    scoped queryset; `editable()` narrows it to shops where the role may write) and permissions.
    """

    # Roles that may see, and roles that may add/change/delete, in a shop.
    shop_viewer_roles = ALL_ROLES
    shop_editor_roles = EDITOR_ROLES
    seller_may_add = True
    seller_may_delete = True

    def viewable_shop_ids(self, request) -> set[int]:
        return member_shop_ids(request.user, self.shop_viewer_roles)

    def editable_shop_ids(self, request) -> set[int]:
        return member_shop_ids(request.user, self.shop_editor_roles)

    def object_shop_id(self, obj) -> int | None:
        return shop_id_of(obj)

    def _seller_may(self, shop_ids: set[int], obj) -> bool:
        if obj is None:
            return bool(shop_ids)
        return self.object_shop_id(obj) in shop_ids

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_platform_staff(request.user):
            return queryset
        return scope_to_shops(queryset, self.viewable_shop_ids(request))

    def editable(self, request, queryset):
        """The part of `queryset` the user may change (a live host sees more than they may edit)."""
        if is_platform_staff(request.user):
            return queryset
        return scope_to_shops(queryset, self.editable_shop_ids(request))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Autocomplete fills a form field of another admin (a product's shop, say): offer only
        # shops where the seller holds a role that may write, whatever this admin's own roles.
        is_autocomplete = request.resolver_match and request.resolver_match.url_name == "autocomplete"
        if is_autocomplete and not is_platform_staff(request.user):
            queryset = scope_to_shops(queryset, member_shop_ids(request.user, EDITOR_ROLES))
        return queryset, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scope_choices(self, db_field, request, kwargs) -> None:
        # Choosing a shop (or a shop's object) is writing to it: only shops the role may edit.
        if "queryset" in kwargs or is_platform_staff(request.user):
            return
        if shop_path(db_field.related_model) is not None:
            kwargs["queryset"] = scope_to_shops(
                db_field.related_model._default_manager.all(), self.editable_shop_ids(request)
            )

    def has_module_permission(self, request):
        if is_platform_staff(request.user):
            return True
        return bool(self.viewable_shop_ids(request))

    def has_view_permission(self, request, obj=None):
        if is_platform_staff(request.user):
            return True
        return self._seller_may(self.viewable_shop_ids(request), obj)

    def has_add_permission(self, request, *args):
        # ModelAdmin passes (request); an inline passes (request, parent_obj).
        if is_platform_staff(request.user):
            return super().has_add_permission(request, *args)
        parent = args[0] if args else None
        return self.seller_may_add and self._seller_may(self.editable_shop_ids(request), parent)

    def has_change_permission(self, request, obj=None):
        if is_platform_staff(request.user):
            return super().has_change_permission(request, obj)
        return self._seller_may(self.editable_shop_ids(request), obj)

    def has_delete_permission(self, request, obj=None):
        if is_platform_staff(request.user):
            return super().has_delete_permission(request, obj)
        return self.seller_may_delete and self._seller_may(self.editable_shop_ids(request), obj)


class ShopScopedInlineMixin(ShopScopedAdminMixin):
    """For inlines of Product: Django passes the parent product to their permission checks."""

    def object_shop_id(self, obj) -> int | None:
        return obj.shop_id


class ContactScreenedAdminMixin:
    """Public text a seller writes may not carry a way to deal outside Lapak (phone, WhatsApp,
    handle, e-mail, link: marketplace.contact_detection). The form says so and saves nothing,
    rather than publishing it or sending it to review to be rejected later."""

    contact_screened_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.contact_screened_fields:
            field.validators = [*field.validators, validate_no_contact]
        return field


class SellerReadOnlyAdminMixin:
    """Shared reference data (categories): any seller may read it, only platform staff edit."""

    def _is_seller(self, request) -> bool:
        return bool(member_shop_ids(request.user))

    def has_module_permission(self, request):
        return is_platform_staff(request.user) or self._is_seller(request)

    def has_view_permission(self, request, obj=None):
        return is_platform_staff(request.user) or self._is_seller(request)

    def has_add_permission(self, request):
        return is_platform_staff(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_platform_staff(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_platform_staff(request.user) and super().has_delete_permission(request, obj)


# --- Display helpers --------------------------------------------------------------------------


def image_tag(name_or_file, width: int = 64) -> str:
    """An <img> of a stored file (a FieldFile or a storage name); "—" when there is none."""
    if not name_or_file:
        return "—"
    url = name_or_file.url if hasattr(name_or_file, "url") else default_storage.url(name_or_file)
    # Attributes, not inline style: the CSP forbids style="..." (settings.CONTENT_SECURITY_POLICY).
    return format_html('<img src="{}" alt="" width="{}" loading="lazy">', url, width)


def with_list_columns(queryset):
    """Changelist columns as subqueries, so a page of any length costs the same queries."""
    first_image = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .order_by("position", "id")
        .annotate(shown=Coalesce(NullIf("thumbnail", Value("")), "image", output_field=CharField()))
        .values("shown")[:1]
    )
    variant_count = (
        ProductVariant.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        list_image=Subquery(first_image), variant_count=Coalesce(Subquery(variant_count), 0)
    )


class ProductColumns:
    """Changelist columns shared by the catalog and the moderation queue."""

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return image_tag(getattr(obj, "list_image", None), width=48)

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj):
        return format_rupiah(obj.price)

    @admin.display(description=_("stock"), ordering="stock_total")
    def stock_display(self, obj):
        if obj.stock_total == 0:
            icon, label = "admin/img/icon-no.svg", _("sold out")
        elif obj.stock_total <= LOW_STOCK:
            icon, label = "admin/img/icon-alert.svg", _("low")
        else:
            return obj.stock_total
        return format_html(
            '<img src="{}" alt="{}"> <strong>{}</strong>', static(icon), label, obj.stock_total
        )

    @admin.display(description=_("variants"), ordering="variant_count")
    def variants_display(self, obj):
        return getattr(obj, "variant_count", None)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The seller reads this."),
    )


def ask_for_reason(
    modeladmin, request, queryset, *, action: str, title: str, submit_label: str, reader_help: str = ""
):
    """An action's intermediate page; returns (reason, None) once answered, else (None, page).

    The page posts the selected ids back to the changelist with the same action, so Django
    re-selects them through `get_queryset(request)`: ids outside the user's scope drop out.
    `reader_help` says who will read the reason (the seller, by default).
    """
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if reader_help:
        form.fields["reason"].help_text = reader_help
    if form.is_bound and form.is_valid():
        return form.cleaned_data["reason"], None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "objects": queryset,
        "form": form,
        "action": action,
        "submit_label": submit_label,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = modeladmin.admin_site.name
    return None, TemplateResponse(request, "admin/shops/reason_form.html", context)


def apply_each(queryset, service) -> int:
    """Run `service(obj)` on every selected object; returns how many it changed.

    Objects whose status forbids the move (decided by someone else meanwhile, already
    suspended...) are skipped rather than failing the whole batch.
    """
    done = 0
    for obj in queryset:
        try:
            service(obj)
        except TransitionNotAllowed:
            continue
        done += 1
    return done


# --- Shops ------------------------------------------------------------------------------------


@admin.register(Shop)
class ShopAdmin(ContactScreenedAdminMixin, ShopScopedAdminMixin, admin.ModelAdmin):
    # Only owners edit the shop's face; shops are opened and closed by platform staff.
    shop_editor_roles = frozenset({MemberRole.OWNER})
    seller_may_add = False
    seller_may_delete = False

    list_display = ("name", "slug", "city", "status", "is_verified", "follower_count", "created_at")
    list_filter = ("status", "is_verified")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    actions = ["suspend_selected", "reinstate_selected"]

    contact_screened_fields = ("name", "bio", "city")
    seller_fields = ("name", "slug", "bio", "logo", "banner", "city", "accepts_cod", "cod_max_total")

    def get_fields(self, request, obj=None):
        if is_platform_staff(request.user):
            return (*self.seller_fields, "is_verified", "status", "suspension_reason", "follower_count")
        return (*self.seller_fields, "status", "suspension_reason")

    def get_readonly_fields(self, request, obj=None):
        # Status moves only through shop_suspend/shop_reinstate, which log who and why.
        readonly = ["status", "suspension_reason", "follower_count"]
        if not is_platform_staff(request.user):
            readonly += ["slug", "is_verified"]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if is_platform_staff(request.user) else {}

    def get_list_filter(self, request):
        return self.list_filter if is_platform_staff(request.user) else ()

    def has_moderate_permission(self, request):
        return is_platform_staff(request.user)

    @admin.action(description=_("Suspend selected shops…"), permissions=["moderate"])
    def suspend_selected(self, request, queryset):
        reason, page = ask_for_reason(
            self,
            request,
            queryset,
            action="suspend_selected",
            title=_("Suspend shops"),
            submit_label=_("Suspend"),
        )
        if page:
            return page
        done = apply_each(
            queryset, lambda shop: services.shop_suspend(shop=shop, actor=request.user, reason=reason)
        )
        self.message_user(request, ngettext("%d shop suspended.", "%d shops suspended.", done) % done)
        return None

    @admin.action(description=_("Reinstate selected shops"), permissions=["moderate"])
    def reinstate_selected(self, request, queryset):
        done = apply_each(queryset, lambda shop: services.shop_reinstate(shop=shop, actor=request.user))
        self.message_user(request, ngettext("%d shop reinstated.", "%d shops reinstated.", done) % done)


@admin.register(ShopMember)
class ShopMemberAdmin(ShopScopedAdminMixin, admin.ModelAdmin):
    # An owner may see who works in their shop; platform staff manage memberships.
    shop_viewer_roles = frozenset({MemberRole.OWNER})
    shop_editor_roles = frozenset()

    list_display = ("user", "shop", "role", "created_at")
    list_select_related = ("user", "shop")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "shop__name")
    autocomplete_fields = ("shop", "user")


# --- Catalog ----------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(SellerReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "parent", "slug", "position", "typical_price_display")
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("typical_price_display",)

    @admin.display(description=_("typical price"), ordering="typical_price")
    def typical_price_display(self, obj):
        return format_rupiah(obj.typical_price) or "—"


@admin.register(BlockedWord)
class BlockedWordAdmin(PlatformStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("word", "created_at")
    search_fields = ("word",)


class ProductVariantInline(ContactScreenedAdminMixin, ShopScopedInlineMixin, admin.TabularInline):
    model = ProductVariant
    # Size and colour are the variant's label on the product page, the cart and the order.
    contact_screened_fields = ("size", "color")
    fields = ("size", "color", "sku", "price", "compare_at_price", "stock", "weight_grams", "is_active")
    extra = 1


class ProductImageInline(ContactScreenedAdminMixin, ShopScopedInlineMixin, admin.TabularInline):
    model = ProductImage
    # The image's alt text is in every page that shows it.
    contact_screened_fields = ("alt_text",)
    fields = ("preview", "image", "alt_text", "position")
    readonly_fields = ("preview",)
    extra = 1

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return image_tag(obj.thumbnail or obj.image)


class ProductDefectInline(ContactScreenedAdminMixin, ShopScopedInlineMixin, admin.TabularInline):
    model = ProductDefect
    contact_screened_fields = ("description",)
    fields = ("preview", "description", "photo")
    readonly_fields = ("preview",)
    extra = 0

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return image_tag(obj.thumbnail or obj.photo)


@admin.register(Product)
class ProductAdmin(ContactScreenedAdminMixin, ShopScopedAdminMixin, ProductColumns, admin.ModelAdmin):
    # Sellers archive rather than delete: a listing has moderation history (and, later, orders).
    seller_may_delete = False
    # The slug is in the listing's address, shared and shown in search results.
    contact_screened_fields = ("title", "slug", "description", "brand", "condition_notes")

    inlines = [ProductVariantInline, ProductImageInline, ProductDefectInline]
    list_select_related = ("shop", "category")
    search_fields = ("title", "variants__sku", "brand")
    autocomplete_fields = ("shop",)
    prepopulated_fields = {"slug": ("title",)}
    ordering = ("-updated_at", "-id")
    actions = ["submit_selected", "archive_selected", "export_csv"]

    def get_queryset(self, request):
        return with_list_columns(super().get_queryset(request))

    def get_list_display(self, request):
        if is_platform_staff(request.user):
            return (
                "thumbnail",
                "title",
                "shop",
                "category",
                "price_display",
                "stock_display",
                "variants_display",
                "status",
                "is_flagged",
            )
        return (
            "thumbnail",
            "title",
            "category",
            "price_display",
            "stock_display",
            "variants_display",
            "status",
        )

    def get_list_filter(self, request):
        filters = ["status", "condition", ("category", admin.RelatedOnlyFieldListFilter)]
        if is_platform_staff(request.user):
            filters += ["is_flagged", ("shop", admin.RelatedOnlyFieldListFilter)]
        return filters

    def get_fieldsets(self, request, obj=None):
        review = ["status", "rejection_reason", "submitted_at", "published_at"]
        if is_platform_staff(request.user):
            # Sellers do not see the pre-screen's findings: they would learn how to dodge it.
            review += ["is_flagged", "flag_reasons"]
        return [
            (None, {"fields": ["shop", "category", "title", "slug", "description", "brand", "allows_cod"]}),
            (
                _("Condition and measurements"),
                {
                    "fields": [
                        "condition",
                        "condition_notes",
                        ("chest_cm", "length_cm"),
                        ("sleeve_cm", "waist_cm"),
                    ]
                },
            ),
            (_("Review"), {"fields": review}),
            (_("Summary"), {"fields": ["price_display", "stock_total", "sold_count"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # Status moves only through the moderation services, never by a form field.
        readonly = [
            "status",
            "rejection_reason",
            "is_flagged",
            "flag_reasons",
            "submitted_at",
            "published_at",
            "price_display",
            "stock_total",
            "sold_count",
        ]
        if obj is not None:
            # Variants copy the product's shop; moving a listing between shops is not a form edit.
            readonly.append("shop")
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        shop_ids = self.editable_shop_ids(request)
        if not is_platform_staff(request.user) and len(shop_ids) == 1:
            initial.setdefault("shop", next(iter(shop_ids)))
        return initial

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model in (ProductImage, ProductDefect):
            source = "image" if formset.model is ProductImage else "photo"
            touched = formset.new_objects + [
                obj for obj, fields in formset.changed_objects if source in fields
            ]
            for obj in touched:
                services.product_image_make_thumbnail(image=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        product = form.instance
        by_model = {formset.model: formset for formset in formsets}
        variants = by_model.get(ProductVariant)
        if not change or (variants is not None and _formset_changed(variants)):
            services.product_refresh_summary(product=product)
        if not change:
            services.product_submit(product=product, actor=request.user)
            return
        # Decision: a seller's edit to what buyers read or see sends an active listing back to
        # review; price and stock edits do not. Saving a rejected listing resubmits it (the
        # seller has fixed it). Platform staff's own edits need no review.
        if is_platform_staff(request.user):
            return
        changed = [field for field in ("title", "description") if field in form.changed_data]
        images = by_model.get(ProductImage)
        if images is not None and (
            images.new_objects
            or images.deleted_objects
            or any("image" in fields for _obj, fields in images.changed_objects)
        ):
            changed.append("images")
        if product.status == ProductStatus.REJECTED and not changed:
            changed = form.changed_data or ["resaved"]
        if changed:
            services.product_resubmit_after_edit(product=product, actor=request.user, changed=changed)

    @admin.action(description=_("Submit selected for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        done = 0
        for product in self.editable(request, queryset).filter(
            status__in=[ProductStatus.DRAFT, ProductStatus.REJECTED]
        ):
            services.product_submit(product=product, actor=request.user)
            done += 1
        self.message_user(request, ngettext("%d listing submitted.", "%d listings submitted.", done) % done)

    @admin.action(description=_("Archive selected"), permissions=["change"])
    def archive_selected(self, request, queryset):
        done = apply_each(
            self.editable(request, queryset),
            lambda product: services.product_archive(product=product, actor=request.user),
        )
        self.message_user(request, ngettext("%d listing archived.", "%d listings archived.", done) % done)

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="products.csv"'
        writer = csv.writer(response)
        writer.writerow(["id", "shop", "title", "status", "price", "stock", "skus"])
        for product in queryset.select_related("shop").prefetch_related("variants"):
            skus = " ".join(variant.sku for variant in product.variants.all())
            writer.writerow(
                [product.pk, product.shop.slug, product.title, product.status, product.price]
                + [product.stock_total, skus]
            )
        return response


def _formset_changed(formset) -> bool:
    return bool(formset.new_objects or formset.changed_objects or formset.deleted_objects)


@admin.register(ProductReview)
class ProductReviewAdmin(ProductColumns, admin.ModelAdmin):
    """The moderation queue: listings waiting for review, flagged first, then oldest first."""

    list_display = (
        "thumbnail",
        "title_link",
        "shop",
        "category",
        "price_display",
        "typical_price",
        "is_flagged",
        "flag_reasons",
        "submitted_at",
    )
    list_display_links = None
    list_select_related = ("shop", "category")
    list_filter = ("is_flagged", ("category", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "shop__name", "variants__sku")
    ordering = ("-is_flagged", "submitted_at", "id")
    actions = ["approve_selected", "reject_selected"]

    def get_queryset(self, request):
        return with_list_columns(super().get_queryset(request).filter(status=ProductStatus.PENDING_REVIEW))

    def has_module_permission(self, request):
        return is_platform_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_staff(request.user)

    def has_moderate_permission(self, request):
        return is_platform_staff(request.user)

    # The queue only decides; listings are edited on the product page.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("title"), ordering="title")
    def title_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:shops_product_change", args=[obj.pk]), obj.title
        )

    @admin.display(description=_("typical price"))
    def typical_price(self, obj):
        return format_rupiah(obj.category.typical_price) or "—"

    @admin.action(description=_("Approve selected listings"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        done = apply_each(
            queryset, lambda product: services.product_approve(product=product, actor=request.user)
        )
        self.message_user(request, ngettext("%d listing approved.", "%d listings approved.", done) % done)

    @admin.action(description=_("Reject selected listings…"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        reason, page = ask_for_reason(
            self,
            request,
            queryset,
            action="reject_selected",
            title=_("Reject listings"),
            submit_label=_("Reject"),
        )
        if page:
            return page
        done = apply_each(
            queryset,
            lambda product: services.product_reject(product=product, actor=request.user, reason=reason),
        )
        self.message_user(request, ngettext("%d listing rejected.", "%d listings rejected.", done) % done)
        return None


@admin.register(ModerationEvent)
class ModerationEventAdmin(ShopScopedAdminMixin, admin.ModelAdmin):
    """The audit trail, read-only. Sellers read the decisions (and reasons) on their listings."""

    list_display = ("created_at", "message", "product", "shop", "reason")
    list_select_related = ("product", "shop", "actor")
    list_filter = ("kind",)
    search_fields = ("product__title", "shop__name", "reason")
    date_hierarchy = "created_at"
    seller_may_add = False
    seller_may_delete = False
    shop_editor_roles = frozenset()

    def get_list_display(self, request):
        if is_platform_staff(request.user):
            return (*self.list_display, "actor")
        return self.list_display

    # The sentence in the reader's language stands for the kind and its parameters.
    def get_fields(self, request, obj=None):
        return ["created_at", "message", "product", "shop", "actor", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("event"), ordering="kind")
    def message(self, obj):
        return obj.message

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting is left to superusers only so that deleting a product (which cascades to its
    # events) stays possible; no one edits the trail.
