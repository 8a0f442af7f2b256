"""A socket to /ws/live/<id>/ with an id that names no live room, or with odd query strings, is
refused or served: never an exception in the consumer (which daphne logs and closes as 1011).
(The HTTP side of the same sweep: tests/marketplace/test_hostile_input.py.)"""

import logging

import pytest
from asgiref.sync import async_to_sync

from live.enums import LiveStatus
from tests.kit.factories import UserFactory, live_session
from tests.kit.realtime import communicator, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("room_channel_layer")]


async def _outcome(session_id, cookie=None, query: str = "") -> bool:
    """Whether the handshake was accepted (an exception in the consumer propagates from here)."""
    comm = communicator(session_id, cookie, query=query)
    try:
        connected, _code = await comm.connect(timeout=5)
    finally:
        await comm.disconnect()
    return connected


@pytest.mark.parametrize("session_id", ["0", "424242", "9" * 30, str(2**63)])
def test_an_id_that_names_no_room_is_refused(caplog, session_id):
    with caplog.at_level(logging.WARNING):
        accepted = async_to_sync(_outcome)(session_id)

    assert accepted is False
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("status", [LiveStatus.SCHEDULED, LiveStatus.CANCELLED])
def test_a_room_that_is_not_live_is_refused_or_served_without_an_error(caplog, status):
    session = live_session(status=status)

    with caplog.at_level(logging.WARNING):
        async_to_sync(_outcome)(session.pk, session_cookie(UserFactory()))

    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    "query",
    [
        "last_id=²&last_id=1",
        "last_id=" + "9" * 30,
        "%ED%A0%BD=%ff&last_id=%00",
        "x=" + "y" * 10_000 + "&&&==&",
    ],
)
def test_odd_query_strings_are_served(caplog, query):
    session = live_session(status=LiveStatus.LIVE)

    with caplog.at_level(logging.WARNING):
        accepted = async_to_sync(_outcome)(session.pk, session_cookie(UserFactory()), query)

    assert accepted is True
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_a_session_cookie_holding_a_nul_connects_as_an_anonymous_viewer(caplog, settings):
    # The room's socket reads the session like a page: a key with a NUL was a DataError.
    session = live_session(status=LiveStatus.LIVE)
    cookie = f'{settings.SESSION_COOKIE_NAME}="\\000abcdefghij"'.encode()

    with caplog.at_level(logging.WARNING):
        accepted = async_to_sync(_outcome)(session.pk, cookie)

    assert accepted is True
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
