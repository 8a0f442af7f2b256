"""Under daphne a room push is framed once and each socket writes that frame (live/local_room.py,
through marketplace/wsserver_send.py): the bytes a viewer gets must be exactly what autobahn
would have framed for that socket alone."""

import contextlib
import functools
import socket
import struct

import pytest
from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from twisted.internet import error, tcp
from twisted.internet.protocol import Protocol
from twisted.internet.task import Clock
from twisted.internet.testing import MemoryReactor, StringTransport

from marketplace import wsserver_send


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

    send_prepared = wsserver_send.prepared_sender(_daphne_send(prepared))
    send_prepared(wsserver_send.prepare(text))

    assert prepared.transport.value() == one_by_one.transport.value()
    assert prepared.transport.value().endswith(text.encode())


def test_a_closing_socket_is_sent_nothing_more():
    closing = _open_socket()
    closing.state = closing.STATE_CLOSING

    wsserver_send.prepared_sender(_daphne_send(closing))(wsserver_send.prepare('{"type":"chat"}'))

    assert closing.transport.value() == b""


def test_a_socket_not_served_by_daphne_is_sent_pushes_through_asgi():
    async def send(message):  # the tests' communicator, or another ASGI server
        pass

    assert wsserver_send.prepared_sender(send) is None
    assert wsserver_send.prepared_sender(functools.partial(send)) is None


# --- Writing a frame to a TCP socket (marketplace.wsserver_send.write_now) ---------------------
@contextlib.contextmanager
def _tcp_connection():
    """(Twisted's transport for a server's end of a real loopback TCP connection, the viewer's end).
    The transport's reactor is a fake that only records which sockets it was asked to watch."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        viewer = socket.create_connection(listener.getsockname())
        accepted, address = listener.accept()
    reactor = MemoryReactor()
    transport = tcp.Server(accepted, Protocol(), address, None, 1, reactor)
    viewer.settimeout(5)
    try:
        yield transport, viewer
    finally:
        viewer.close()
        accepted.close()


def _read(viewer: socket.socket, size: int) -> bytes:
    received = b""
    while len(received) < size:
        received += viewer.recv(size - len(received))
    return received


def test_a_frame_goes_to_the_viewer_at_once_when_nothing_waits_before_it():
    with _tcp_connection() as (transport, viewer):
        frame = wsserver_send.prepare('{"type":"chat","text":"masih ada?"}').payloadHybi

        wsserver_send.write_now(transport, frame)

        assert _read(viewer, len(frame)) == frame
        assert transport not in transport.reactor.getWriters()  # no loop turn needed


def test_a_frame_waits_behind_what_the_socket_was_sent_before():
    with _tcp_connection() as (transport, viewer):
        transport.write(b"history")  # buffered by Twisted until the loop's next turn

        wsserver_send.write_now(transport, b"push")

        viewer.setblocking(False)
        with pytest.raises(BlockingIOError):
            viewer.recv(100)  # the push did not overtake the history
        viewer.setblocking(True)
        transport.doWrite()  # the loop's turn
        assert _read(viewer, len(b"historypush")) == b"historypush"


def test_what_a_full_socket_does_not_take_follows_in_order():
    with _tcp_connection() as (transport, viewer):
        frame = bytes(range(256)) * 40_000  # 10 MB: more than the kernel's socket buffers hold

        wsserver_send.write_now(transport, frame)

        assert transport in transport.reactor.getWriters()  # the rest waits for writability
        received = b""
        while len(received) < len(frame):
            received += viewer.recv(1 << 20)
            transport.doWrite()
        assert received == frame
        assert transport not in transport.reactor.getWriters()


def test_a_lost_connection_is_left_for_twisted_to_close():
    with _tcp_connection() as (transport, viewer):
        viewer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        viewer.close()  # a reset: the server's next send fails

        wsserver_send.write_now(transport, b"push")
        wsserver_send.write_now(transport, b"push")  # no exception to the room's loop

        assert isinstance(transport.doWrite(), error.ConnectionLost)
