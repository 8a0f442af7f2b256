"""Who may do what in live selling, and to whom: one role enum, one table, one rule.

Everything that decides it asks here: the services (live/services.py, live/deals.py), the Seller
Center (live/admin.py), the host console and the room's page (live/console_views.py,
live/views.py, which hand the allowed actions to live-console.js), the room's socket
(live/moderation.py, live/chat.py, live/video.py, live/consumers.py).

Roles are read afresh where a right is used (a moderator removed mid-live loses it at once):
- `room_role` for someone in a session's room (one query),
- `shop_role` for someone at a shop's console or room page (one query, plus the user's
  permissions for a user who logs into the admin and is no member),
- `shop_may` for a service or the admin that has a user and a shop (the user's permissions
  first, then one query), asking only what the action needs.

Platform staff (superusers and holders of shops.moderate_product) moderate every room and may run
any shop's lives from the Seller Center, but the console's host controls belong to the people who
present them. Nobody moderates upward: see `may`.
"""

from enum import StrEnum

from django.contrib.auth.models import Permission
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Subquery, Value, When

from live.models import LiveModerator, LiveSession
from marketplace.models import User
from marketplace.permissions import MODERATE_PRODUCT, is_platform_staff
from shops.enums import MemberRole
from shops.models import ShopMember


class Role(StrEnum):
    ANONYMOUS = "anonymous"  # not logged in: may watch and read
    VIEWER = "viewer"  # logged in, none of the below (shop staff included)
    MODERATOR = "moderator"  # a shop member the shop named chat moderator (LiveModerator)
    PLATFORM_STAFF = "platform_staff"
    HOST = "host"  # the session's host, or any of the shop's live hosts
    OWNER = "owner"


class Action(StrEnum):
    # Services and the Seller Center: schedule, go live, end, cancel, pin, flash deals.
    RUN_SESSION = "run_session"
    # Be a session's presenter (its `host`): never platform staff alone.
    PRESENT = "present"
    # The host console: open it (moderation mode at least), and use its host controls.
    OPEN_CONSOLE = "open_console"
    HOST_CONSOLE = "host_console"
    # The room's socket.
    CHAT = "chat"
    SKIP_SLOW_MODE = "skip_slow_mode"
    POST_UNSCREENED = "post_unscreened"  # blocked words and contact details are not held back
    WATCH_BACKSTAGE = "watch_backstage"  # held messages, incoming orders, revenue (the mods group)
    DELETE = "delete"
    RELEASE = "release"
    ANSWER = "answer"
    HIGHLIGHT = "highlight"
    MUTE = "mute"
    BAN = "ban"
    SLOW_MODE = "slow_mode"
    PUBLISH_VIDEO = "publish_video"


PRESENTERS = frozenset({Role.HOST, Role.OWNER})
MODERATORS = frozenset({Role.MODERATOR, Role.PLATFORM_STAFF})
# Who runs the room, from the console mostly: the shop's own people and platform staff. Everyone
# else is its audience (counted among the viewers: live.presence).
ROOM_STAFF = PRESENTERS | MODERATORS
LOGGED_IN = frozenset(Role) - {Role.ANONYMOUS}

ALLOWED: dict[Action, frozenset[Role]] = {
    Action.RUN_SESSION: PRESENTERS | {Role.PLATFORM_STAFF},
    Action.PRESENT: PRESENTERS,
    Action.OPEN_CONSOLE: ROOM_STAFF,
    Action.HOST_CONSOLE: PRESENTERS,
    Action.CHAT: LOGGED_IN,
    Action.SKIP_SLOW_MODE: ROOM_STAFF,
    Action.POST_UNSCREENED: ROOM_STAFF,
    Action.WATCH_BACKSTAGE: ROOM_STAFF,
    Action.DELETE: ROOM_STAFF,
    Action.RELEASE: ROOM_STAFF,
    Action.ANSWER: ROOM_STAFF,
    Action.HIGHLIGHT: ROOM_STAFF,
    Action.MUTE: ROOM_STAFF,
    Action.BAN: ROOM_STAFF,
    Action.SLOW_MODE: ROOM_STAFF,
    Action.PUBLISH_VIDEO: PRESENTERS,
}

# Actions on a person (their messages, for DELETE): `may` also asks who that person is.
TARGETED = frozenset({Action.DELETE, Action.MUTE, Action.BAN})
# Nobody acts on these: the people who present the live, and platform staff, whom a shop cannot
# silence in its own room.
PROTECTED = frozenset({Role.OWNER, Role.HOST, Role.PLATFORM_STAFF})

# The shop memberships a role stands for (for the queries of shop_may and the admin's scoping).
MEMBER_ROLES = {Role.OWNER: MemberRole.OWNER, Role.HOST: MemberRole.HOST}


def may(*, role: Role | str, action: Action, target_role: Role | str | None = None) -> bool:
    """Whether `role` may do `action` (to someone of `target_role`, for TARGETED actions).

    Nobody moderates upward: the owner, hosts and platform staff are protected from everyone,
    and moderators (named or platform staff) do not act on each other. The owner and the hosts
    may still act on the moderators the shop named.
    """
    if role not in ALLOWED[action]:
        return False
    if action in TARGETED and target_role is not None:
        if target_role in PROTECTED:
            return False
        if role in MODERATORS and target_role in MODERATORS:
            return False
    return True


def allowed_actions(*, role: Role | str) -> list[Action]:
    """What `role` may do, in table order (the console hands it to its JavaScript)."""
    return [action for action, roles in ALLOWED.items() if role in roles]


def protected_roles(*, role: Role | str, action: Action) -> frozenset[Role]:
    """The roles `role` may not do the TARGETED `action` to (everyone's, if not `action` at all)."""
    return frozenset(target for target in Role if not may(role=role, action=action, target_role=target))


def member_roles(*, action: Action) -> frozenset[str]:
    """The shop memberships (shops.enums.MemberRole) that give `action` by themselves."""
    return frozenset(MEMBER_ROLES[role] for role in ALLOWED[action] if role in MEMBER_ROLES)


# The memberships that present and run a shop's lives: the Seller Center's editors of sessions,
# blocked words and moderators, and the people a session's host is chosen from.
HOST_MEMBER_ROLES = member_roles(action=Action.PRESENT)


# --- Who is who ---------------------------------------------------------------------------------


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def platform_staff() -> Q:
    """marketplace.permissions.is_platform_staff as a condition on users, so a query can ask it of
    any user (or all of them) at once: active, and a superuser or holding the permission, directly
    or through a group. (Not `is_staff`: every seller has that, to log into the Seller Center.)"""
    app_label, codename = MODERATE_PRODUCT.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    direct = User.user_permissions.through.objects.filter(user_id=OuterRef("pk"), permission__in=permission)
    by_group = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__permissions__in=permission)
    return Q(is_active=True) & (Q(is_superuser=True) | Q(Exists(direct)) | Q(Exists(by_group)))


def room_role(*, session: LiveSession, user_id: int | None) -> Role:
    """One query. The shop's owner and live hosts first; then platform staff, then its named chat
    moderators. Any of the shop's live hosts may run the console of a colleague's session, so
    they moderate (and are protected) like the session's own host."""
    if user_id is None:
        return Role.ANONYMOUS
    if user_id == session.host_id:
        return Role.HOST
    who = (
        User.objects.filter(pk=user_id)
        .annotate(
            member_role=Subquery(
                ShopMember.objects.filter(shop_id=session.shop_id, user_id=OuterRef("pk")).values("role")[:1]
            ),
            is_moderator=Exists(
                LiveModerator.objects.filter(member__shop_id=session.shop_id, member__user_id=OuterRef("pk"))
            ),
            is_platform_staff=Case(
                When(platform_staff(), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .values("member_role", "is_moderator", "is_platform_staff")
        .first()
    )
    if who is None:
        return Role.VIEWER
    if who["member_role"] == MemberRole.OWNER:
        return Role.OWNER
    if who["member_role"] == MemberRole.HOST:
        return Role.HOST
    # Staff before the shop's own moderators: a shop cannot silence the platform's staff, even
    # one it named.
    if who["is_platform_staff"]:
        return Role.PLATFORM_STAFF
    return Role.MODERATOR if who["is_moderator"] else Role.VIEWER


def shop_role(*, user, shop_id: int) -> Role:
    """The user's role in the shop's lives, for its console and room page: one query for the
    membership; the permissions only for a user who logs into the admin and is no member (a
    shopper, not `is_staff`, is spared those lookups)."""
    if not _is_active(user):
        return Role.ANONYMOUS
    member = (
        ShopMember.objects.filter(shop_id=shop_id, user=user)
        .values("role", named=Q(live_moderator__isnull=False))
        .first()
    )
    if member and member["role"] == MemberRole.OWNER:
        return Role.OWNER
    if member and member["role"] == MemberRole.HOST:
        return Role.HOST
    if member and member["named"]:
        return Role.MODERATOR
    return Role.PLATFORM_STAFF if user.is_staff and is_platform_staff(user) else Role.VIEWER


def shop_may(*, user, shop_id: int, action: Action) -> bool:
    """Whether `user` may do `action` in the shop's lives, asking only what the action needs:
    platform staff first (their permissions are cached on the user), then one query for the
    memberships (and the chat moderators it named) that give it."""
    roles = ALLOWED[action]
    if Role.PLATFORM_STAFF in roles and is_platform_staff(user):
        return True
    if not _is_active(user):
        return False
    condition = Q(role__in=member_roles(action=action))
    if Role.MODERATOR in roles:
        condition |= Q(live_moderator__isnull=False)
    return ShopMember.objects.filter(shop_id=shop_id, user=user).filter(condition).exists()


def user_may_host(*, user, shop_id: int) -> bool:
    """The shop's owner or a live host of it; platform staff too (they run the platform's lives)."""
    return shop_may(user=user, shop_id=shop_id, action=Action.RUN_SESSION)


def user_may_present(*, user, shop_id: int) -> bool:
    """A session's presenter must be a member of the shop with the owner or host role."""
    return ShopMember.objects.filter(
        shop_id=shop_id, user=user, role__in=member_roles(action=Action.PRESENT)
    ).exists()
