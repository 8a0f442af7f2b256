"""Racing threads: `run_at_once` releases every call together, each on its own connection."""

import threading

from django.db import connection

# PostgreSQL allows 100 connections in all, shared with the test run's own; the fifty-buyer races
# run all at once, and a hundred buyers are all released by one barrier and then queue for a
# slot, which still makes every one of them race for the same rows.
MAX_CONNECTIONS = 50


def run_at_once(count: int, work, *, connections: int = MAX_CONNECTIONS) -> list:
    """Run work(i) for i in range(count) in threads released together by a barrier, at most
    `connections` of them holding a database connection at a time (given back at the end of
    each call). Returns what each call returned or the exception it raised, by index.
    """
    barrier = threading.Barrier(count)
    slots = threading.BoundedSemaphore(connections)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            with slots:
                try:
                    results[index] = work(index)
                finally:
                    connection.close()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results
