"""Which pages may open the site's WebSockets: the site's own origins, scheme, host and port
(marketplace/origins.py), not any page of the same host name."""

import pytest
from asgiref.sync import async_to_sync
from django.core.checks import Error

from live import presence
from live.enums import LiveStatus
from marketplace import origins
from tests.kit.factories import live_session
from tests.kit.realtime import channel_layers_for_test, communicator, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    settings.LIVE_TICK_SECONDS = 30
    settings.SITE_URL = "http://testserver"
    settings.CSRF_TRUSTED_ORIGINS = []


@pytest.fixture
def room():
    return live_session(status=LiveStatus.LIVE)


def _handshake(session_id: int, origin: bytes | None) -> tuple[bool, list[str]]:
    """Whether the socket was accepted, and the room's register of open sockets meanwhile."""

    async def scenario():
        comm = communicator(session_id, origin=origin)
        connected, _code = await comm.connect(timeout=5)
        if connected:
            await receive_type(comm, "state", timeout=5)  # the socket has joined the room by then
        register = await presence.redis_async().zrange(presence.socket_register_key(session_id), 0, -1)
        await comm.disconnect()
        return connected, [name.decode() for name in register]

    return async_to_sync(scenario)()


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(b"http://testserver", id="exact"),
        pytest.param(b"http://testserver:80", id="default-port-written-out"),
        pytest.param(b"HTTP://TestServer", id="case"),
    ],
)
def test_the_sites_own_origin_is_accepted(room, origin):
    connected, register = _handshake(room.pk, origin)

    assert connected is True
    assert len(register) == 1


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(b"http://testserver:8100", id="same-host-other-port"),
        pytest.param(b"https://testserver", id="same-host-other-scheme"),
        pytest.param(b"ws://testserver", id="socket-scheme"),
        pytest.param(b"http://evil.example", id="other-host"),
        pytest.param(b"http://sub.testserver", id="subdomain"),
        pytest.param(b"http://testserver.evil.example", id="suffix"),
        pytest.param(None, id="missing"),
        pytest.param(b"null", id="opaque"),
        pytest.param(b"", id="empty"),
        pytest.param(b"http://testserver:99999", id="port-out-of-range"),
        pytest.param(b"http://testserver:8o", id="port-not-a-number"),
        pytest.param(b"http://user@testserver", id="userinfo"),
        pytest.param(b"http://testserver/live/1/", id="path"),
        pytest.param(b"http://[testserver", id="unparseable"),
        pytest.param("http://tëstserver".encode("latin-1"), id="latin-1"),
    ],
)
def test_any_other_origin_is_refused_before_the_room_is_touched(room, origin):
    connected, register = _handshake(room.pk, origin)

    assert connected is False
    assert register == []


def test_csrf_trusted_origins_are_the_sites_origins_too(room, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://lapak.example", "https://*.toko.example"]

    assert _handshake(room.pk, b"https://lapak.example")[0] is True
    assert _handshake(room.pk, b"https://lapak.example:443")[0] is True
    assert _handshake(room.pk, b"https://m.toko.example")[0] is True
    assert _handshake(room.pk, b"https://lapak.example:8443")[0] is False
    assert _handshake(room.pk, b"http://lapak.example")[0] is False
    assert _handshake(room.pk, b"http://m.toko.example")[0] is False
    assert _handshake(room.pk, b"https://m.toko.example:8443")[0] is False


def test_site_origins_come_from_site_url_and_csrf_trusted_origins(settings):
    settings.SITE_URL = "https://Lapak.example/"
    settings.CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000", "https://*.lapak.example:8443"]

    assert origins.site_origins() == (
        origins.Origin("https", "lapak.example", 443),
        origins.Origin("http", "127.0.0.1", 8000),
        origins.Origin("https", "*.lapak.example", 8443),
    )


def test_an_unusable_site_url_is_a_system_check_error(settings):
    settings.SITE_URL = "lapak.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://ok.example", "ftp://files.example"]

    errors = origins.check_site_origins(None)

    assert errors == [
        Error(
            "SITE_URL is not an http(s) origin: 'lapak.example'.",
            hint="Write it as scheme://host[:port], e.g. https://lapak.example.com",
            id="marketplace.E001",
        ),
        Error(
            "CSRF_TRUSTED_ORIGINS has an entry that is not an http(s) origin: 'ftp://files.example'.",
            hint="Write it as scheme://host[:port], e.g. https://lapak.example.com",
            id="marketplace.E001",
        ),
    ]
