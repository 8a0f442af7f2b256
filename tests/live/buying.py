"""Builders for the live buying tests (flash deals, item claims), and racing buyers.

`run_at_once` is like tests.orders.factories.run_at_once, but at most `connections` threads
hold a connection at once: PostgreSQL allows 100 connections in all (shared with the test
run's own and with other test databases), so 100 buyers are all released by one barrier and
then queue for a slot, which still makes every one of them race for the same rows.
"""

import threading
import uuid

from django.db import connection

from live import deals
from live.checkout import live_checkout_place
from live.enums import LiveStatus
from orders.enums import PaymentMethod
from tests.live.factories import live_session
from tests.orders.factories import make_variant

MAX_CONNECTIONS = 40


def run_at_once(count: int, work, *, connections: int = MAX_CONNECTIONS) -> list:
    barrier = threading.Barrier(count)
    slots = threading.BoundedSemaphore(connections)
    results: list = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        with slots:
            try:
                results[index] = work(index)
            except Exception as error:  # noqa: BLE001 - the test inspects it
                results[index] = error
            finally:
                connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def live_with_item(*, stock: int = 50, price: int = 100_000):
    """A live session and a sellable variant of its shop: (session, variant)."""
    session = live_session(status=LiveStatus.LIVE)
    variant = make_variant(shop=session.shop, stock=stock, price=price)
    return session, variant


def buy(buyer, address_id: int, session, *, payment_method: str = PaymentMethod.BANK_TRANSFER, **what):
    return live_checkout_place(
        buyer=buyer,
        session=session,
        address_id=address_id,
        payment_method=payment_method,
        idempotency_key=uuid.uuid4().hex,
        **what,
    )


def host_launches(session, variant, **fields):
    """The session's host launches a flash deal on one variant (price, units, duration_seconds,
    per_buyer_limit as deals.deal_launch takes them)."""
    return deals.deal_launch(
        session=session, actor=session.host, product=variant.product, variant=variant, **fields
    )
