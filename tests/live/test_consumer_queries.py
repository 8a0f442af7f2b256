"""What opening the room's socket costs the database, query by query (house style: exact counts).

Counted on the test's own connection: under async_to_sync, the consumer's thread-sensitive
database_sync_to_async calls run in the test's thread, so every query of connect() is seen.
"""

import pytest
from asgiref.sync import async_to_sync

from live.enums import LiveStatus
from live.models import ChatMessage, LiveModerator
from shops.enums import MemberRole
from tests.kit.factories import ShopMemberFactory, UserFactory, live_session
from tests.kit.realtime import communicator, receive_type, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("room_channel_layer")]


@pytest.fixture
def room():
    session = live_session(status=LiveStatus.LIVE)
    ChatMessage.objects.create(session=session, user=UserFactory(username="pembeli"), text="halo kak")
    return session


def connect_and_read_history(session_id: int, cookie: bytes | None) -> list[str]:
    async def scenario():
        comm = communicator(session_id, cookie)
        connected, _code = await comm.connect()
        assert connected
        history = await receive_type(comm, "history")
        await comm.disconnect()
        return [message["text"] for message in history["messages"]]

    return async_to_sync(scenario)()


def test_an_anonymous_viewer_connects_in_5_queries(room, django_assert_num_queries):
    # 1 the session, visible to shoppers (shop active, not cancelled)
    #   (no user: no ban, no role)
    # 2 the chat history, visible messages with their authors
    # then the room's state: 3 the session with its shop, 4 its running deal, 5 its featured products
    with django_assert_num_queries(5):
        texts = connect_and_read_history(room.pk, None)

    assert texts == ["halo kak"]


def test_a_logged_in_viewer_connects_in_8_queries(room, django_assert_num_queries):
    cookie = session_cookie(UserFactory(username="penonton"))

    # 1 the user (the auth session itself comes from the cache)
    # 2 the session, visible to shoppers
    # 3 a ban of the user in the session's shop
    # 4 the user's role: shop membership, moderator, platform staff, in one query
    # 5 the chat history, visible messages with their authors
    # then the room's state: 6 the session with its shop, 7 its running deal, 8 its featured products
    with django_assert_num_queries(8):
        texts = connect_and_read_history(room.pk, cookie)

    assert texts == ["halo kak"]


def test_a_moderator_connects_in_8_queries_with_held_messages_in_the_history(room, django_assert_num_queries):
    member = ShopMemberFactory(shop=room.shop, role=MemberRole.STAFF, user__username="mod")
    LiveModerator.objects.create(member=member)
    cookie = session_cookie(member.user)

    # The viewer's 8: the history query reads held messages too, in the same one query.
    with django_assert_num_queries(8):
        texts = connect_and_read_history(room.pk, cookie)

    assert texts == ["halo kak"]
