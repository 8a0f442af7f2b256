"""daphne on uvloop: `python -m marketplace.wsserver <daphne's arguments>`.

daphne runs Twisted on an asyncio loop (Twisted's AsyncioSelectorReactor) and installs it on
import unless a reactor is there already. Installed here first, on uvloop: every message a socket
is sent registers and unregisters the socket for writing, and the standard loop does that in
Python (selectors); uvloop does it in C. See docs/benchmarks.md (live_room).

It lowers its own CPU priority first (WS_NICE, 10 by default): where daphne shares cores with
gunicorn, a room's fan-out (each chat line written to hundreds of sockets at once by every
process) would take a core from a page in mid-render; at a lower priority it yields to the page
and runs on the CPU the pages leave, which is most of it. Measured beside a room of 1000 viewers,
docs/benchmarks.md (live_room). On hosts of its own it changes nothing.
"""

import asyncio
import os

import uvloop
from twisted.internet import asyncioreactor


def main() -> None:
    try:
        niceness = int(os.environ.get("WS_NICE", "10"))
    except ValueError:
        raise SystemExit("WS_NICE must be a whole number (the niceness daphne runs at, 0-19)") from None
    # Before any thread starts: each thread has its own niceness on Linux, inherited when made.
    try:
        os.nice(niceness)
    except PermissionError:
        raise SystemExit(f"WS_NICE={niceness}: only root may raise a process's priority") from None
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    asyncioreactor.install(loop)

    from daphne.cli import CommandLineInterface  # after the reactor: daphne keeps this one

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
