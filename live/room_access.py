"""A viewer's room: what a socket keeps about its session and viewer, read once at connect."""

from dataclasses import dataclass

from live import policy
from live.models import LiveBan
from live.policy import Role
from live.selectors import session_get_visible


@dataclass(frozen=True)
class Room:
    """What a consumer keeps about its session and its viewer (read once at connect)."""

    session_id: int
    shop_id: int
    host_id: int
    user_id: int | None
    status: str
    like_count: int
    role: Role
    is_banned: bool

    @property
    def is_audience(self) -> bool:
        """Counted among the live's viewers (live.presence): shoppers, logged in or not. Not the
        shop's owner, its live hosts, nor the room's moderators (the shop's named ones, each a
        member of the shop, and platform staff): they run the room, mostly from the console,
        whose socket is in the room too."""
        return self.role not in policy.ROOM_STAFF


def room_open(*, session_id: int, user) -> Room:
    """The room as this viewer may see it. Raises LiveSession.DoesNotExist for sessions shoppers
    may not see (unknown, cancelled, suspended shop): the consumer refuses the connection."""
    session = session_get_visible(session_id=session_id)
    user_id = user.pk if user.is_authenticated else None
    is_banned = (
        user_id is not None and LiveBan.objects.filter(shop_id=session.shop_id, user_id=user_id).exists()
    )
    return Room(
        session_id=session.pk,
        shop_id=session.shop_id,
        host_id=session.host_id,
        user_id=user_id,
        status=session.status,
        like_count=session.like_count,
        role=policy.room_role(session=session, user_id=user_id),
        is_banned=is_banned,
    )
