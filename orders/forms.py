"""Forms of the cart and checkout pages. They only parse what the buyer typed; prices, stock and
vouchers are the services' business."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from marketplace.parsing import IdField, StrictIntegerField
from orders.cart import MAX_QUANTITY
from orders.enums import PaymentMethod


def _quantity_error() -> str:
    return _("Enter a whole number of items from 1 to %(max)d.") % {"max": MAX_QUANTITY}


# Formatted when shown, not at import: `lazy % dict` would freeze the message in the language
# active when the module loaded (Indonesian) for every visitor.
QUANTITY_ERROR = lazy(_quantity_error, str)()


class QuantityField(StrictIntegerField):
    """Whole numbers from 1 to MAX_QUANTITY in ASCII digits; every other input ("", "abc", "1.5",
    "-1", "100000", "²", "١٢") gets the same plain message."""

    def __init__(self, **kwargs):
        error = dict.fromkeys(("required", "invalid", "min_value", "max_value"), QUANTITY_ERROR)
        super().__init__(min_value=1, max_value=MAX_QUANTITY, error_messages=error, **kwargs)


class CartAddForm(forms.Form):
    variant = IdField(error_messages={"required": _("Choose a variant first.")})
    quantity = QuantityField()


class CartQuantityForm(forms.Form):
    quantity = QuantityField()


def clean_voucher_code(value: str) -> str:
    """Codes are stored upper-case; anything that cannot be a code is passed on as-is (trimmed and
    cut short) so the engine explains why it does not apply."""
    return value.strip().upper()[:32]


class CheckoutForm(forms.Form):
    address = forms.TypedChoiceField(
        label=_("Shipping address"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a shipping address."),
            "invalid_choice": _("Choose one of your own addresses."),
        },
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.COD,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a payment method.")},
    )
    platform_voucher = forms.CharField(label=_("Lapak voucher"), required=False, max_length=64)
    # Generated on the first GET and carried through every re-render: one checkout per key.
    idempotency_key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, addresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [(address.pk, str(address)) for address in addresses]

    def clean_platform_voucher(self) -> str:
        return clean_voucher_code(self.cleaned_data["platform_voucher"])
