"""daphne on uvloop: `python -m marketplace.wsserver <daphne's arguments>`.

daphne runs Twisted on an asyncio loop (Twisted's AsyncioSelectorReactor) and installs it on
import unless a reactor is there already. Installed here first, on uvloop: every message a socket
is sent registers and unregisters the socket for writing, and the standard loop does that in
Python (selectors); uvloop does it in C. See docs/benchmarks.md (live_room).
"""

import asyncio

import uvloop
from twisted.internet import asyncioreactor


def main() -> None:
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    asyncioreactor.install(loop)

    from daphne.cli import CommandLineInterface  # after the reactor: daphne keeps this one

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
