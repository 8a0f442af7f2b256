"""Writing a review ("Beri ulasan") of an item of one of the buyer's delivered orders.

Thin: the form parses rating, text and photos (each validated and re-encoded like product
images), orders.reviews decides whether the review may be written and writes it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.images import SafeImageFormField
from orders import reviews
from orders.models import OrderItem

RATING_ERROR = gettext_lazy("Give a rating from 1 to 5 stars.")


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReviewPhotosField(SafeImageFormField):
    """Up to reviews.MAX_PHOTOS images; each is checked and re-encoded by sanitize_image."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > reviews.MAX_PHOTOS:
            raise forms.ValidationError(
                _("Add at most %(count)d photos.") % {"count": reviews.MAX_PHOTOS}, code="too_many_photos"
            )
        return [super(ReviewPhotosField, self).clean(file, initial) for file in files]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        choices=[(str(value), "★" * value) for value in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_ERROR, "invalid_choice": RATING_ERROR},
    )
    text = forms.CharField(
        label=gettext_lazy("Your review"),
        required=False,
        max_length=reviews.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = ReviewPhotosField(label=gettext_lazy("Photos (up to 5)"))


def _item_or_404(request, item_id: int) -> OrderItem:
    # Another buyer's item is "not found", as their orders are: ids reveal nothing.
    item = (
        OrderItem.objects.select_related("order__shop", "product")
        .filter(pk=item_id, order__buyer=request.user)
        .first()
    )
    if item is None:
        raise Http404(_("Order not found."))
    return item


@login_required
def review_create_view(request, item_id):
    item = _item_or_404(request, item_id)
    order_url = ("order_detail", item.order.number)
    if hasattr(item, "review"):
        messages.info(request, _("You have already reviewed this item."))
        return redirect(*order_url)
    if not reviews.can_review(order_item=item, buyer=request.user):
        messages.error(request, _("You can review this item once it has arrived."))
        return redirect(*order_url)
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviews.review_create(
                buyer=request.user,
                order_item=item,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
            )
        except reviews.ReviewRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Thank you for your review!"))
            return redirect(*order_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/reviews/review_form.html", {"form": form, "item": item}, status=status)
