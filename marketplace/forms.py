from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from marketplace.contact_detection import validate_no_contact_in_name
from marketplace.models import Address, User

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 -]{6,18}[0-9]$", _("Enter a phone number such as 0812 3456 7890 or +62 812 3456 7890.")
)
postal_code_validator = RegexValidator(r"^[0-9]{5}$", _("A postal code is exactly 5 digits."))


class ProfileForm(forms.ModelForm):
    # The avatar is a SafeImageField: its form field validates and re-encodes the upload.
    class Meta:
        model = User
        fields = ["display_name", "phone", "avatar"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validator)
        # The display name is shown next to everything the user writes in public (chat, reviews);
        # the phone number is private.
        self.fields["display_name"].validators.append(validate_no_contact_in_name)


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "label",
            "recipient_name",
            "phone",
            "province",
            "city",
            "district",
            "postal_code",
            "street",
            "is_default",
        ]
        widgets = {
            "street": forms.Textarea(attrs={"rows": 3}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{5}"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["postal_code"].validators.append(postal_code_validator)
