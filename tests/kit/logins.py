"""Users in each role, and test clients logged in as them (no password: force_login)."""

from django.contrib.auth.models import Group, Permission
from django.test import Client

from live.models import LiveModerator
from shops.enums import MemberRole
from tests.kit import factories


def logged_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def owner_of(shop, username=None) -> object:
    extra = {"user__username": username} if username else {}
    return factories.ShopMemberFactory(shop=shop, role=MemberRole.OWNER, **extra).user


def moderator_of(shop, username=None) -> object:
    """A shop staff member the shop named chat moderator (a seller: `is_staff`, no permissions)."""
    extra = {"user__username": username} if username else {}
    member = factories.ShopMemberFactory(shop=shop, role=MemberRole.STAFF, **extra)
    LiveModerator.objects.create(member=member)
    return member.user


def superuser(username="admin") -> object:
    return factories.UserFactory(username=username, is_staff=True, is_superuser=True)


def staff_by_group(username="moderasi") -> object:
    """Platform staff the way the platform grants it: the product-moderation permission, by group."""
    group, _created = Group.objects.get_or_create(name="Moderasi platform")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="shops", codename="moderate_product")
    )
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user
