"""The ceiling for bench/live_room.py: one room, nothing but a broadcast, on the `websockets` library.

It speaks just enough of the live room's protocol for the same clients: a "history" event on
connect, a {"type": "chat", "text": ...} frame from anyone goes out to everyone as a "chat" event,
and {"type": "push", "payload": {...}} goes out as the payload itself (the bench's deal pushes,
which reach the real room through the channel layer instead). No login, database, filter or
channel layer: each message is encoded once and written to every socket (websockets.broadcast).

    python bench/ws_ceiling.py --port 8765
"""

import argparse
import asyncio
import contextlib
import itertools
import json

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

HISTORY = json.dumps({"type": "history", "messages": [], "complete": True})


class Room:
    def __init__(self):
        self.sockets: set[ServerConnection] = set()
        self.ids = itertools.count(1)

    async def handler(self, socket: ServerConnection) -> None:
        self.sockets.add(socket)
        try:
            await socket.send(HISTORY)
            # The bench's clients leave by ending their process, without a closing handshake.
            with contextlib.suppress(ConnectionClosed):
                async for frame in socket:
                    self.relay(json.loads(frame))
        finally:
            self.sockets.discard(socket)

    def relay(self, event: dict) -> None:
        if event.get("type") == "chat":
            message = {"id": next(self.ids), "name": "bench", "text": event["text"]}
            broadcast(self.sockets, json.dumps({"type": "chat", "message": message}, ensure_ascii=False))
        elif event.get("type") == "push":
            broadcast(self.sockets, json.dumps(event["payload"], ensure_ascii=False))


async def main(port: int) -> None:
    room = Room()
    # Like daphne in this setup: no compression, pings from the server only.
    async with serve(room.handler, "127.0.0.1", port, compression=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
