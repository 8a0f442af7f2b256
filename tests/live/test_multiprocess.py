"""The live room served by two daphne processes on one Redis, and through a Redis restart.

Real servers (tests/servers.py: DEBUG off, the test database) and real WebSocket clients over
TCP (tests/live/processes.py, reconnecting like static/js/live-socket.js). Both daphnes and this
test process use a redis-server of the test's own, so the restart test can stop and start it
without touching the machine's Redis; the test process shares their channel-layer prefix, so a
service called here (a claim, a pin) pushes to the same groups the daphnes' sockets are in.
"""

import contextlib
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from live import deals, rate_limits, services
from live.enums import ChatMessageStatus, FlashClaimStatus
from live.models import ChatMessage, LiveBan, LiveOrder, LiveSessionProduct
from orders.models import Order
from shops.models import ProductVariant
from tests.kit import servers
from tests.kit.buying import buy, host_launches
from tests.kit.factories import AddressFactory, UserFactory, live_with_item, make_variant
from tests.kit.processes import CLOSE_BANNED, RedisServer, RoomClient, console_post, socket_outcome
from tests.kit.realtime import channel_layers_for_test, session_cookie

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

DEAL_PRICE = 99_000
# Pushes cross processes through Redis: a few seconds is generous on a busy 2-core machine.
ARRIVAL = 5
# Where the site's pages would be: the origin the clients' sockets come from.
PAGES = "http://127.0.0.1:8000"
SOCKETS_AFTER_RESTART = 10
# How long a socket must stay open, having read the room, to count as served.
HOLD = 2


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def layer_prefix():
    return f"multi-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def daphnes(django_db_setup, redis_server, layer_prefix, tmp_path_factory):
    """Two daphne processes, A and B, sharing the test database and the test's own Redis."""
    root = tmp_path_factory.mktemp("daphnes")
    (root / "static").mkdir()
    (root / "media").mkdir()
    # The daphnes take sockets from the pages of SITE_URL (no gunicorn here: the clients say so).
    env = servers.server_env(root / "static", root / "media", SITE_URL=PAGES)
    # Cache (sessions, presence, rate limits) and channel layer on the Redis this module controls.
    env.update(REDIS_URL=redis_server.url, CHANNEL_LAYER_PREFIX=layer_prefix, LIVE_TICK_SECONDS="1")
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(servers.daphne_server(env))
        second = stack.enter_context(servers.daphne_server(env))
        yield first, second


@pytest.fixture(autouse=True)
def _same_redis_as_the_servers(settings, redis_server, layer_prefix):
    # Services called from the test (pins, claims) push after commit on this process's channel
    # layer, and sessions logged in here are read back by the servers: same Redis, same prefix.
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {
        alias: {**cache, "LOCATION": redis_server.url} for alias, cache in settings.CACHES.items()
    }
    layers = channel_layers_for_test(layer_prefix)
    [host] = layers["default"]["CONFIG"]["hosts"]
    layers["default"]["CONFIG"]["hosts"] = [{**host, "address": redis_server.url}]
    settings.CHANNEL_LAYERS = layers


@pytest.fixture
def clients():
    """Opens RoomClients and always stops them."""
    opened: list[RoomClient] = []

    def open_client(server: servers.Server, session_id: int, user, *, name: str) -> RoomClient:
        client = RoomClient(server.url, session_id, session_cookie(user), name=name, origin=PAGES).start()
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.stop()


def live_room():
    session, variant = live_with_item(stock=20, price=150_000)
    LiveSessionProduct.objects.create(session=session, product=variant.product, position=0)
    return session, variant


def chat_with(text: str):
    return lambda event: event["message"]["text"] == text


def test_chat_and_flash_deal_sent_through_one_process_reach_viewers_on_both(daphnes, clients):
    a, b = daphnes
    session, variant = live_room()
    ani, budi = UserFactory(username="ani"), UserFactory(username="budi")
    on_a = clients(a, session.pk, ani, name="Ani on A")
    on_b = clients(b, session.pk, budi, name="Budi on B")
    for client in (on_a, on_b):
        client.expect("state")

    # when: Ani chats through process A, Budi answers through process B
    on_a.send({"type": "chat", "text": "Masih ada ukuran M?"})
    for client in (on_a, on_b):
        message = client.expect("chat", where=chat_with("Masih ada ukuran M?"), timeout=ARRIVAL)["message"]
        assert message["user_id"] == ani.pk
    on_b.send({"type": "chat", "text": "Aku juga mau"})
    for client in (on_a, on_b):
        message = client.expect("chat", where=chat_with("Aku juga mau"), timeout=ARRIVAL)["message"]
        assert message["user_id"] == budi.pk

    # when: the host launches a flash deal from the console, served by process A
    status, answer = console_post(
        a.url,
        f"/live/{session.pk}/konsol/flash/",
        session_cookie(session.host),
        {
            "product": variant.product_id,
            "variant": variant.pk,
            "price": DEAL_PRICE,
            "units": 5,
            "minutes": 5,
            "per_buyer_limit": 2,
        },
    )
    assert status == 200, answer
    for client in (on_a, on_b):
        deal = client.expect("deal", timeout=ARRIVAL)["deal"]
        assert (deal["id"], deal["variant_id"]) == (answer["deal"]["id"], variant.pk)
        assert (deal["price"], deal["price_display"], deal["normal_price_display"]) == (
            DEAL_PRICE,
            "Rp 99.000",
            "Rp 150.000",
        )
        assert (deal["units"], deal["units_left"]) == (5, 5)

    # when: a shopper takes 2 units: both processes' viewers see 3 left on the next tick
    buyer = UserFactory(username="cici")
    deals.deal_claim(buyer=buyer, deal=session.flash_deals.get(), quantity=2)
    for client in (on_a, on_b):
        stats = client.expect(
            "stats", where=lambda e: e["deal"] and e["deal"]["units_left"] == 3, timeout=ARRIVAL
        )
        assert stats["deal"]["id"] == answer["deal"]["id"]
        assert stats["viewers"] == 2


def _start_of_a_fresh_window(window: int, needed: float) -> None:
    """Waits (less than `needed` s) so the next `needed` seconds fall in one rate-limit window."""
    into = time.time() % window
    if into > window - needed:
        time.sleep(window - into + 0.05)


def test_chat_rate_limit_counts_messages_on_every_process(daphnes, clients):
    a, b = daphnes
    session, _variant = live_room()
    dewi = UserFactory(username="dewi")
    # Dewi watches on her phone (through A) and her laptop (through B).
    phone = clients(a, session.pk, dewi, name="Dewi's phone on A")
    laptop = clients(b, session.pk, dewi, name="Dewi's laptop on B")
    for client in (phone, laptop):
        client.expect("state")
    limit, window = rate_limits.CHAT_RATE
    _start_of_a_fresh_window(window, needed=4)

    # when: she sends the limit's worth of messages, alternating devices
    for number in range(1, limit + 1):
        device = phone if number % 2 else laptop
        device.send({"type": "chat", "text": f"pesan {number}"})
        device.expect("chat", where=chat_with(f"pesan {number}"), timeout=ARRIVAL)

    # then: one more is refused whichever process carries it, and nothing more is saved
    laptop.send({"type": "chat", "text": "satu lagi dari laptop"})
    assert laptop.expect("error", timeout=ARRIVAL)["code"] == "rate_limited"
    phone.send({"type": "chat", "text": "satu lagi dari HP"})
    assert phone.expect("error", timeout=ARRIVAL)["code"] == "rate_limited"
    texts = list(
        ChatMessage.objects.filter(session=session, user=dewi).order_by("pk").values_list("text", flat=True)
    )
    assert texts == [f"pesan {number}" for number in range(1, limit + 1)]


def test_ban_through_one_process_disconnects_the_user_on_the_other(daphnes, clients):
    a, b = daphnes
    session, _variant = live_room()
    eko, fajar = UserFactory(username="eko"), UserFactory(username="fajar")
    host = clients(a, session.pk, session.host, name="host on A")
    eko_on_b = clients(b, session.pk, eko, name="Eko on B")
    fajar_on_b = clients(b, session.pk, fajar, name="Fajar on B")
    for client in (host, eko_on_b, fajar_on_b):
        client.expect("state")

    # when: the host bans Eko from the console's socket, on process A
    host.send({"type": "ban", "user_id": eko.pk, "reason": "spam"})
    assert host.expect("moderated", timeout=ARRIVAL)["user_id"] == eko.pk
    banned_at = time.monotonic()

    # then: Eko's socket on process B is told and closed with 4003 within seconds, and stays closed
    assert eko_on_b.expect("error", timeout=ARRIVAL)["code"] == "banned"
    eko_on_b.expect("close", where=lambda e: e["code"] == CLOSE_BANNED, timeout=ARRIVAL)
    assert time.monotonic() - banned_at < ARRIVAL
    assert LiveBan.objects.filter(shop=session.shop, user=eko).exists()
    # A new socket (another tab, on the other process) is refused the same way.
    eko_on_a = clients(a, session.pk, eko, name="Eko again on A")
    assert eko_on_a.expect("error", timeout=ARRIVAL)["code"] == "banned"
    eko_on_a.expect("close", where=lambda e: e["code"] == CLOSE_BANNED, timeout=ARRIVAL)
    assert (eko_on_b.opens, eko_on_a.opens) == (1, 1)
    # Fajar, on the same process as Eko, keeps watching.
    host.send({"type": "chat", "text": "Lanjut ya, kak"})
    fajar_on_b.expect("chat", where=chat_with("Lanjut ya, kak"), timeout=ARRIVAL)


def test_a_ban_closes_the_socket_of_a_viewer_alone_in_the_room_on_her_process(daphnes, clients):
    """Her socket is the last of the room on B: closing it tears down B's part of the room (its
    fan-out task waiting in the channel layer's receive), which must not hold the close up."""
    a, b = daphnes
    session, _variant = live_room()
    nina = UserFactory(username="nina")
    host = clients(a, session.pk, session.host, name="host on A")
    nina_on_b = clients(b, session.pk, nina, name="Nina alone on B")
    for client in (host, nina_on_b):
        client.expect("state")

    # when: the host bans her through process A
    host.send({"type": "ban", "user_id": nina.pk, "reason": "spam"})
    assert host.expect("moderated", timeout=ARRIVAL)["user_id"] == nina.pk
    banned_at = time.monotonic()

    # then: her socket on B is told and closed with 4003 within seconds
    assert nina_on_b.expect("error", timeout=ARRIVAL)["code"] == "banned"
    nina_on_b.expect("close", where=lambda e: e["code"] == CLOSE_BANNED, timeout=ARRIVAL)
    assert time.monotonic() - banned_at < ARRIVAL
    assert nina_on_b.opens == 1
    # B's part of the room is gone with her socket; the next viewer there starts it afresh.
    omar_on_b = clients(b, session.pk, UserFactory(username="omar"), name="Omar, next on B")
    omar_on_b.expect("state", timeout=ARRIVAL)
    host.send({"type": "chat", "text": "Halo Omar"})
    omar_on_b.expect("chat", where=chat_with("Halo Omar"), timeout=ARRIVAL)


# Run last in the module: it stops and restarts the Redis every test here shares.
def test_after_a_redis_restart_viewers_reconnect_and_read_everything_written_meanwhile(
    daphnes, redis_server, clients
):
    a, b = daphnes
    session, variant = live_room()
    pinned_later = make_variant(shop=session.shop, price=80_000, stock=5, title="Kemeja flanel")
    services.session_pin(session=session, actor=session.host, product=variant.product)
    deal = host_launches(session, variant, price=DEAL_PRICE, units=5, duration_seconds=600, per_buyer_limit=2)
    gita, hana, kiki, lina = (UserFactory(username=name) for name in ("gita", "hana", "kiki", "lina"))
    # Two sockets on each process: every one of them must come back, not only the first.
    viewers = [
        clients(a, session.pk, gita, name="Gita on A"),
        clients(a, session.pk, kiki, name="Kiki on A"),
        clients(b, session.pk, hana, name="Hana on B"),
        clients(b, session.pk, lina, name="Lina on B"),
    ]
    for client in viewers:
        state = client.expect("state")
        assert state["pinned"]["id"] == variant.product_id
        assert state["deal"]["units_left"] == 5
    viewers[0].send({"type": "chat", "text": "Sebelum Redis mati"})
    for client in viewers:
        client.expect("chat", where=chat_with("Sebelum Redis mati"), timeout=ARRIVAL)

    # when: Redis goes away (and comes back empty: no persistence)
    redis_server.stop()
    try:
        # The servers drop the sockets whose channel layer is gone (else they would sit deaf,
        # their groups lost with Redis), so the clients start reconnecting.
        for client in viewers:
            client.expect("close", timeout=ARRIVAL)
        # Meanwhile PostgreSQL keeps taking writes, and none of them fails or waits for a push.
        written = ChatMessage.objects.create(
            session=session, user=gita, text="Ditulis saat Redis mati", status=ChatMessageStatus.VISIBLE
        )
        started = time.monotonic()
        claim = deals.deal_claim(buyer=UserFactory(username="indra"), deal=deal, quantity=2)
        services.session_pin(session=session, actor=session.host, product=pinned_later.product)
        buyer = UserFactory(username="joko")
        checkout = buy(buyer, AddressFactory(user=buyer).pk, session, variant=pinned_later)
        writes_took = time.monotonic() - started
        for server in (a, b):
            assert server.is_running(), f"daphne on {server.port} died with Redis:\n{server.log_tail()}"
    finally:
        redis_server.start()

    # then: the writes went through, without waiting long on the dead channel layer
    assert claim.status == FlashClaimStatus.HELD
    assert writes_took < 10
    order = Order.objects.get(checkout=checkout)
    assert LiveOrder.objects.filter(session=session, order=order).exists()
    assert ProductVariant.objects.get(pk=pinned_later.pk).stock == 4

    # then: every client reconnects and re-reads what was written meanwhile from PostgreSQL
    for client in viewers:
        history = client.expect(
            "history", where=lambda e: any(m["id"] == written.pk for m in e["messages"]), timeout=20
        )
        # Resumed after the last message it saw (?last_id=), so only the one written meanwhile.
        assert [m["text"] for m in history["messages"]] == ["Ditulis saat Redis mati"]
        state = client.expect("state", timeout=ARRIVAL)
        assert state["pinned"]["id"] == pinned_later.product_id
        assert (state["deal"]["id"], state["deal"]["price"]) == (deal.pk, DEAL_PRICE)
        assert state["deal"]["units_left"] == 3
        assert client.opens >= 2
    for server in (a, b):
        assert server.is_running(), f"daphne on {server.port} died:\n{server.log_tail()}"
        assert server.accepts_connections()
    # Nothing persisted was lost: a newcomer reads the whole chat.
    newcomer = clients(b, session.pk, UserFactory(username="mira"), name="Mira, new on B")
    history = newcomer.expect("history", timeout=ARRIVAL)
    assert [m["text"] for m in history["messages"]] == ["Sebelum Redis mati", "Ditulis saat Redis mati"]
    viewers.append(newcomer)

    # then: the room works across processes again: chat fans out, a console pin served by B
    # reaches A, and the tick counts exactly the sockets open now (none left from before)
    viewers[2].send({"type": "chat", "text": "Sudah normal lagi"})
    for client in viewers:
        client.expect("chat", where=chat_with("Sudah normal lagi"), timeout=ARRIVAL)
    status, answer = console_post(
        b.url,
        f"/live/{session.pk}/konsol/sematkan/",
        session_cookie(session.host),
        {"product": variant.product_id},
    )
    assert status == 200, answer
    for client in viewers:
        assert client.expect("pinned", timeout=ARRIVAL)["product"]["id"] == variant.product_id
        client.expect(
            "stats",
            where=lambda e: e["viewers"] == len(viewers) and e["deal"]["units_left"] == 3,
            timeout=ARRIVAL,
        )


def test_sockets_opened_just_after_a_redis_restart_are_served_never_accepted_and_dropped(
    daphnes, redis_server
):
    """Each process's pools (channel layer, presence) keep the connections a crowd of sockets
    opened before Redis restarted; each of those fails its first use after the restart. The
    sockets that come next must not be accepted and then closed with 1011 for it."""
    a, b = daphnes
    session, _variant = live_room()
    # Logged-in sockets join a group before the handshake is accepted, anonymous ones only after:
    # half of each, spread over both processes.
    cookies = [session_cookie(UserFactory(username=f"baru{n}")) for n in range(SOCKETS_AFTER_RESTART // 2)]
    newcomers = [((a, b)[n % 2], cookie) for n, cookie in enumerate(cookies + [None] * len(cookies))]

    def open_at_once(sockets: list) -> list[tuple[str, int | None]]:
        with ThreadPoolExecutor(max_workers=len(sockets)) as pool:
            return list(
                pool.map(
                    lambda socket: socket_outcome(
                        socket[0].url, session.pk, socket[1], origin=PAGES, hold=HOLD
                    ),
                    sockets,
                )
            )

    # given: a crowd came and went on both processes, so every pool there holds connections
    assert open_at_once(newcomers) == [("served", None)] * SOCKETS_AFTER_RESTART

    # when: Redis restarts (empty) and the next crowd comes at once, half through each process
    redis_server.stop()
    redis_server.start()
    outcomes = open_at_once(newcomers)

    # then: none was accepted and then dropped; Redis is back, so each was served
    assert outcomes == [("served", None)] * SOCKETS_AFTER_RESTART
    for server in (a, b):
        assert server.is_running(), f"daphne on {server.port} died:\n{server.log_tail()}"


def test_the_websocket_servers_run_below_the_pages_cpu_priority(daphnes, clients):
    """daphne lowers its priority (marketplace/wsserver.py, WS_NICE) so that, on cores it shares
    with gunicorn, a room's fan-out yields to the pages: in every thread, the database's too."""
    a, b = daphnes
    session, _ = live_room()
    clients(a, session.pk, UserFactory(), name="viewer on A").expect("state")  # threads at work

    for server in (a, b):
        threads = psutil.Process(server.process.pid).threads()
        assert len(threads) > 1
        assert {os.getpriority(os.PRIO_PROCESS, thread.id) for thread in threads} == {10}
