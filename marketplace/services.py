"""Writes to users' own data that are more than a form save: the address book.

Plain functions with keyword-only arguments, one transaction each.
"""

from django.db import transaction

from marketplace.models import Address, User

ADDRESS_FIELDS = ("label", "recipient_name", "phone", "province", "city", "district", "postal_code", "street")


def _lock_user(user: User) -> None:
    # One row lock per user serializes their address writes, so "one default per user" (a partial
    # unique index) never sees two defaults at once, even for a user with no address rows to lock.
    User.objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def address_save(
    *, user: User, address: Address | None = None, is_default: bool = False, **fields
) -> Address:
    """Create (address=None) or update one of `user`'s addresses.

    The first address becomes the default; `is_default=True` moves the default here, unsetting the
    previous one in the same transaction. Clearing the flag on the current default is ignored:
    a user with addresses always has exactly one default.
    """
    _lock_user(user)
    if address is None:
        address = Address(user=user)
    elif address.user_id != user.pk:
        raise Address.DoesNotExist
    for name in ADDRESS_FIELDS:
        if name in fields:
            setattr(address, name, fields[name])
    others = Address.objects.filter(user=user).exclude(pk=address.pk)
    if is_default or not others.filter(is_default=True).exists():
        others.filter(is_default=True).update(is_default=False)
        address.is_default = True
    address.full_clean(exclude=["user"])
    address.save()
    return address


@transaction.atomic
def address_set_default(*, user: User, address_id: int) -> Address:
    """Make one of `user`'s addresses the default; raises Address.DoesNotExist for anyone else's."""
    _lock_user(user)
    address = Address.objects.get(pk=address_id, user=user)
    Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default"])
    return address


@transaction.atomic
def address_delete(*, user: User, address_id: int) -> None:
    """Delete one of `user`'s addresses; when it was the default, the newest remaining one takes over."""
    _lock_user(user)
    address = Address.objects.get(pk=address_id, user=user)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user=user).order_by("-created_at", "-id").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
