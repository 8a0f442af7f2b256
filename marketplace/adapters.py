"""How allauth signs people up on Lapak."""

from allauth.account.adapter import DefaultAccountAdapter

from marketplace.contact_detection import validate_no_contact_in_name


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        # A user without a display name is shown by their username next to every chat line and
        # review: "wa_081234567890" or "ig_tokoku" would be a contact on every one of them.
        username = super().clean_username(username, shallow=shallow)
        validate_no_contact_in_name(username)
        return username
