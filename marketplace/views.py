from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from live import selectors as live_selectors
from marketplace import services
from marketplace.forms import AddressForm, ProfileForm
from marketplace.models import Address
from marketplace.parsing import parse_next_url
from shops import selectors
from shops.fragments import cached_fragment


def home(request):
    def render_catalog_sections():
        context = {"trending": selectors.product_list_trending(), "new_shops": selectors.shop_list_newest()}
        return render_to_string("_home_catalog.html", context, request=request), {}

    catalog_sections, _meta = cached_fragment("home", "", render_catalog_sections)
    live = live_selectors.session_list_home()
    reminded = live_selectors.sessions_with_reminder(
        user=request.user, session_ids=[session.pk for session in live.upcoming]
    )
    for session in live.upcoming:
        session.has_reminder = session.pk in reminded
    context = {
        "categories": selectors.category_tree().roots,
        "catalog_sections": catalog_sections,
        # Outside the cached fragment: viewer counts and reminders change per minute and viewer.
        "live": live,
    }
    return render(request, "home.html", context)


def _get_own_address(request, address_id) -> Address:
    # Only the owner's addresses exist as far as these pages know: anyone else's id is a 404.
    try:
        return Address.objects.get(pk=address_id, user=request.user)
    except Address.DoesNotExist:
        raise Http404 from None


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile was saved."))
            return redirect("profile")
        messages.error(request, _("Please correct the errors below."))
    else:
        form = ProfileForm(instance=request.user)
    addresses = list(Address.objects.filter(user=request.user))
    return render(request, "account/profile.html", {"form": form, "addresses": addresses})


def _safe_next(request) -> str:
    """Where to go after saving (the checkout sends the buyer here and wants them back)."""
    return parse_next_url(request.POST.get("next") or request.GET.get("next"), request=request)


def _address_form_page(request, *, address=None):
    form = AddressForm(request.POST or None, instance=address)
    next_url = _safe_next(request)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.address_save(user=request.user, address=address, **data)
            messages.success(request, _("The address was saved."))
            return redirect(next_url or "profile")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request, "account/address_form.html", {"form": form, "address": address, "next_url": next_url}
    )


@login_required
def address_create(request):
    return _address_form_page(request)


@login_required
def address_update(request, address_id):
    return _address_form_page(request, address=_get_own_address(request, address_id))


@login_required
def address_delete(request, address_id):
    address = _get_own_address(request, address_id)
    if request.method == "POST":
        services.address_delete(user=request.user, address_id=address.pk)
        messages.success(request, _("The address was deleted."))
        return redirect("profile")
    return render(request, "account/address_confirm_delete.html", {"address": address})


@login_required
@require_POST
def address_set_default(request, address_id):
    address = _get_own_address(request, address_id)
    services.address_set_default(user=request.user, address_id=address.pk)
    messages.success(request, _("The default address was changed."))
    return redirect("profile")
