"""Writing one prepared WebSocket frame straight to daphne's sockets, for a live room's fan-out
(live/local_room.py): the room frames a push once and each socket writes those bytes.

Beside marketplace/wsserver.py because it leans on the server's insides, not on public APIs:
daphne's ASGI send being `functools.partial(server.handle_reply, protocol)`, autobahn's
`_perMessageCompress` and `send_queue`, Twisted's `tcp.Connection` buffer (`_tempDataLen`,
`offset`, `dataBuffer`, `_writeDisconnected`). Read against the pinned versions in
requirements.txt: Twisted==26.10.0, autobahn==26.10.2, daphne==4.2.3; check each of these names
again when one of them is upgraded (tests/live/test_room_frames.py compares the bytes with what
autobahn frames itself).
"""

import functools
from collections.abc import Callable

from autobahn.websocket.protocol import PreparedMessage, WebSocketServerProtocol
from twisted.internet import tcp


def prepare(text: str) -> PreparedMessage:
    """`text` as one WebSocket text frame from a server, made once for all the room's sockets."""
    return PreparedMessage(text.encode(), isBinary=False, applyMask=False, doNotCompress=False)


def prepared_sender(send) -> Callable[[PreparedMessage], None] | None:
    """What sends a prepared frame straight to the socket behind `send` (the ASGI send callable a
    consumer was given), or None when that socket is not daphne's.

    daphne gives each socket's application `functools.partial(server.handle_reply, protocol)`,
    the protocol being autobahn's. A socket that is closing gets nothing more: its close frame is
    on its way, as autobahn's own sendMessage would refuse."""
    protocol = send.args[0] if isinstance(send, functools.partial) and send.args else None
    if not isinstance(protocol, WebSocketServerProtocol):
        return None

    def send_prepared(prepared: PreparedMessage) -> None:
        if protocol.state != protocol.STATE_OPEN:
            return
        if protocol._perMessageCompress is not None or protocol.send_queue:
            protocol.sendPreparedMessage(prepared)  # compressed per socket, or queued behind
        else:
            write_now(protocol.transport, prepared.payloadHybi)

    return send_prepared


def write_now(transport, data: bytes) -> None:
    """Writes `data` to a Twisted TCP transport: straight to its socket when nothing waits in
    the transport's buffer, else (and whatever the socket does not take) through its buffer.

    Twisted's `write` only buffers: it registers the socket for writability with the event loop
    and sends on the loop's next turn, then unregisters it; for a room push to 500 sockets that
    is 1000 epoll changes and 500 callbacks, about two fifths of what each delivery cost
    (docs/benchmarks.md, live_room). Sending at once is what Twisted would do next anyway;
    doing it only while the buffer is empty keeps the bytes in order. A lost connection is left
    to `write`, so Twisted finds it and closes the socket as usual. Another transport (TLS in
    daphne, a test's) writes."""
    if (
        isinstance(transport, tcp.Connection)
        and transport.connected
        and not transport.disconnecting
        and not transport._writeDisconnected
        and not transport._tempDataLen
        and transport.offset == len(transport.dataBuffer)
    ):
        sent = transport.writeSomeData(data)  # bytes sent, 0 if the socket is full, or the loss
        if isinstance(sent, int):
            data = data[sent:]
    if data:
        transport.write(data)
