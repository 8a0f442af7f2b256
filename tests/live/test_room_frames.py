"""Under daphne a room push is framed once and each socket writes that frame (live/local_room.py):
the bytes a viewer gets must be exactly what autobahn would have framed for that socket alone."""

import functools

import pytest
from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport

from live import local_room


def _open_socket() -> WebSocketServerProtocol:
    """An autobahn server protocol past its handshake, writing to a string: what daphne's protocol
    is beneath its ASGI send. A fake clock and no handshake timer, so no reactor is installed."""
    factory = WebSocketServerFactory(reactor=Clock())
    factory.setProtocolOptions(openHandshakeTimeout=0)
    factory.protocol = WebSocketServerProtocol
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(StringTransport())
    protocol.state = protocol.STATE_OPEN
    protocol.transport.clear()
    return protocol


async def _handle_reply(protocol, message):
    """Stands in for daphne.server.Server.handle_reply (importing daphne.server installs its
    Twisted reactor in the test process)."""


def _daphne_send(protocol: WebSocketServerProtocol):
    """The shape of the ASGI send daphne gives each socket's application
    (daphne.server.Server.create_application)."""
    return functools.partial(_handle_reply, protocol)


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"like"}',  # a short frame: the length fits the header's 7 bits
        '{"type":"chat","text":"Kemeja Flanel Rp 125.000 ✓ masih ada?"}' * 4,  # 16-bit length
        '{"type":"history","messages":["' + "panjang " * 10_000 + '"]}',  # 64-bit length
    ],
)
def test_a_push_framed_once_is_the_frame_each_socket_would_have_sent(text):
    one_by_one, prepared = _open_socket(), _open_socket()
    one_by_one.sendMessage(text.encode(), isBinary=False)

    send_prepared = local_room.prepared_sender(_daphne_send(prepared))
    send_prepared(local_room.prepare(text))

    assert prepared.transport.value() == one_by_one.transport.value()
    assert prepared.transport.value().endswith(text.encode())


def test_a_closing_socket_is_sent_nothing_more():
    closing = _open_socket()
    closing.state = closing.STATE_CLOSING

    local_room.prepared_sender(_daphne_send(closing))(local_room.prepare('{"type":"chat"}'))

    assert closing.transport.value() == b""


def test_a_socket_not_served_by_daphne_is_sent_pushes_through_asgi():
    async def send(message):  # the tests' communicator, or another ASGI server
        pass

    assert local_room.prepared_sender(send) is None
    assert local_room.prepared_sender(functools.partial(send)) is None
