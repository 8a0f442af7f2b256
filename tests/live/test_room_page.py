"""The shopper's live room page as the server renders it: complete before any script runs.

What a shopper sees first: the product tray with a buy link per variant (or a claim form for a
one-off thrift piece), the pinned product, the running flash deal with its price, units left and
deadline, who may do what (anonymous visitors are sent to the login and back), and what an ended
live still shows. static/js/live-room.js keeps it current from the room's socket; these tests read
the data-* hooks it (and the browser tests) use, never translated copy.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from live import claims, deals
from live.enums import LiveStatus
from live.models import ChatMessage, FlashDeal, LiveModerator, LiveSession
from shops.enums import Condition, MemberRole
from shops.services import product_refresh_summary
from tests.kit import factories
from tests.kit.factories import LiveSessionProductFactory, live_session

pytestmark = pytest.mark.django_db

NORMAL_PRICE = 100_000
DEAL_PRICE = 49_000


# --- Reading the page ---------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    ancestors: list["Element"]
    chunks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    @property
    def shown(self) -> bool:
        return "hidden" not in self.attrs and not any("hidden" in a.attrs for a in self.ancestors)

    def within(self, attribute: str) -> bool:
        return any(attribute in ancestor.attrs for ancestor in self.ancestors)

    @property
    def in_template(self) -> bool:
        return any(ancestor.tag == "template" for ancestor in self.ancestors)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), list(self.open))
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, dict(attrs), list(self.open)))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.chunks.append(data)


class Page:
    def __init__(self, response):
        assert response.status_code == 200
        self.html = response.content.decode()
        parser = _Page()
        parser.feed(self.html)
        # What <template>s hold is for the script to clone, not on the page.
        self.elements = [element for element in parser.elements if not element.in_template]

    def find(
        self, attribute: str, value: str | None = None, *, within: str | None = None, tag: str | None = None
    ):
        return [
            element
            for element in self.elements
            if attribute in element.attrs
            and (value is None or element.attrs[attribute] == value)
            and (within is None or element.within(within))
            and (tag is None or element.tag == tag)
        ]

    def one(self, attribute: str, value: str | None = None, **kwargs) -> Element:
        found = self.find(attribute, value, **kwargs)
        assert len(found) == 1, f"{attribute}={value}: {len(found)} found"
        return found[0]

    def scripts(self) -> list[str]:
        return [
            e.attrs["src"].rsplit("/", 1)[-1] for e in self.elements if e.tag == "script" and "src" in e.attrs
        ]


def room_url(session) -> str:
    return reverse("live_room", args=[session.pk])


def visit(client, session) -> Page:
    return Page(client.get(room_url(session)))


def buy_url(session, **params) -> str:
    return reverse("live_buy", args=[session.pk]) + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def login_url(session) -> str:
    return reverse("account_login") + "?next=" + quote(room_url(session), safe="")


# --- Builders -----------------------------------------------------------------------------------


def featured(session, *, price: int = NORMAL_PRICE, stocks=(10,), image: bool = False, **product):
    """An active product of the session's shop, featured in it, with one variant per stock."""
    product = factories.ProductFactory(shop=session.shop, **product)
    for index, stock in enumerate(stocks):
        factories.ProductVariantFactory(product=product, size=f"S{index}", price=price, stock=stock)
    if image:
        factories.ProductImageFactory(product=product)
    LiveSessionProductFactory(session=session, product=product)
    return product_refresh_summary(product=product)


def thrift(session, **product):
    """A one-off piece: second-hand, one variant, one unit."""
    return featured(session, condition=Condition.GOOD, stocks=(1,), **product)


def variants(product) -> list[int]:
    return list(product.variants.order_by("position", "id").values_list("pk", flat=True))


def logged_in(user=None) -> Client:
    client = Client()
    client.force_login(user or factories.UserFactory())
    return client


@pytest.fixture
def room():
    return live_session(status=LiveStatus.LIVE, title="Bongkar Karung Flanel")


# --- The tray -----------------------------------------------------------------------------------


def test_tray_has_a_buy_link_for_every_variant_on_sale(room):
    single = featured(room, title="Kemeja Flanel")
    sizes = featured(room, title="Jaket Denim", stocks=(5, 0, 2))
    gone = featured(room, title="Topi Habis", stocks=(0,))

    page = visit(logged_in(), room)

    (only,) = variants(single)
    assert page.one("data-live-buy", str(only), within="data-live-tray").attrs["href"] == buy_url(
        room, variant=only
    )
    small, sold_out, large = variants(sizes)
    for variant in (small, large):
        link = page.one("data-live-buy", str(variant), within="data-live-tray")
        assert (link.tag, link.attrs["href"]) == ("a", buy_url(room, variant=variant))
        assert "data-live-open-buy" in link.attrs  # live-room.js opens it in the buy dialog
    assert not page.find("data-live-buy", str(sold_out))
    assert not page.find("data-live-buy", str(variants(gone)[0]))
    tray = page.one("data-live-product", str(gone.pk))
    assert "Topi Habis" in tray.text
    assert page.one("data-live-buy-dialog").tag == "dialog"


def test_one_off_piece_is_claimed_not_bought(room):
    piece = thrift(room, title="Jaket Kulit Vintage")
    (variant,) = variants(piece)

    page = visit(logged_in(), room)

    form = page.one("data-live-claim", str(variant), within="data-live-tray")
    assert (form.tag, form.attrs["method"], form.attrs["action"]) == (
        "form",
        "post",
        reverse("live_item_claim", args=[room.pk]),
    )
    assert form.shown
    hidden = {e.attrs["name"]: e.attrs["value"] for e in _inputs_of(page, form)}
    assert hidden["variant"] == str(variant)
    assert "csrfmiddlewaretoken" in hidden
    assert not page.find("data-live-buy", str(variant))


def _inputs_of(page: Page, form: Element) -> list[Element]:
    return [e for e in page.elements if e.tag == "input" and form in e.ancestors]


def test_everyone_sees_the_queue_and_the_shopper_their_place_in_it(room):
    piece = thrift(room)
    (variant_id,) = variants(piece)
    variant = piece.variants.get()
    holder, first, second = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    claims.item_claim(buyer=holder, session=room, variant=variant)
    claims.item_claim(buyer=first, session=room, variant=variant)
    waiting = claims.item_claim(buyer=second, session=room, variant=variant)

    stranger = visit(logged_in(), room)
    queue = stranger.one("data-live-item", str(variant_id))
    assert "2" in queue.text  # held, 2 waiting
    assert stranger.one("data-live-claim", str(variant_id)).shown
    assert not stranger.one("data-live-claim-holding", str(variant_id)).shown
    assert not stranger.one("data-live-claim-waiting", str(variant_id)).shown

    mine = visit(logged_in(second), room)
    assert not mine.one("data-live-claim", str(variant_id)).shown
    place = mine.one("data-live-claim-waiting", str(variant_id))
    assert place.shown
    assert re.search(r"\b2\b", mine.one("data-live-claim-position").text)
    withdraw = mine.one("data-live-claim-withdraw", str(variant_id))
    assert withdraw.attrs["action"] == reverse("live_item_withdraw", args=[room.pk, waiting.pk])

    holding = visit(logged_in(holder), room)
    hold = holding.one("data-live-claim-holding", str(variant_id))
    assert hold.shown
    pay = holding.one("data-live-claim-pay")
    assert pay.attrs["href"] == buy_url(room, variant=variant_id)
    clock = holding.one("data-live-claim-countdown")
    assert 590 <= int(clock.attrs["data-seconds-left"]) <= claims.ITEM_HOLD_MINUTES * 60
    assert re.fullmatch(r"(10:00|9:[0-5]\d)", clock.text)


def test_claiming_without_javascript_comes_back_to_the_room_holding_the_piece(room):
    piece = thrift(room)
    (variant_id,) = variants(piece)
    shopper = logged_in()

    response = shopper.post(reverse("live_item_claim", args=[room.pk]), {"variant": variant_id})

    assert (response.status_code, response.url) == (302, room_url(room))
    page = visit(shopper, room)
    assert page.one("data-live-claim-holding", str(variant_id)).shown
    assert not page.one("data-live-claim", str(variant_id)).shown


# --- Pinned product and flash deal --------------------------------------------------------------


def test_pinned_product_and_running_deal_are_on_the_page_before_any_script(room):
    jacket = featured(room, title="Jaket Parka", price=NORMAL_PRICE, image=True)
    (variant_id,) = variants(jacket)
    LiveSession.objects.filter(pk=room.pk).update(pinned_product=jacket)
    deal = deals.deal_launch(
        session=room,
        actor=room.host,
        product=jacket,
        variant=jacket.variants.get(),
        price=DEAL_PRICE,
        units=5,
        duration_seconds=120,
        per_buyer_limit=1,
    )

    page = visit(logged_in(), room)

    pinned = page.one("data-live-pinned")
    assert pinned.shown
    assert pinned.attrs["data-product-id"] == str(jacket.pk)
    assert page.one("data-live-pinned-title").text == "Jaket Parka"
    assert page.one("data-live-pinned-price").text == "Rp 100.000"
    assert page.one("data-live-pinned-image").attrs["src"]
    pinned_buy = page.one("data-live-pinned-buy")
    assert (pinned_buy.attrs["href"], pinned_buy.attrs["data-live-buy"]) == (
        buy_url(room, variant=variant_id),
        str(variant_id),
    )

    banner = page.one("data-live-deal")
    assert banner.shown
    assert banner.attrs["data-deal-id"] == str(deal.pk)
    assert banner.attrs["data-deal-ends-at"] == deal.ends_at.isoformat()
    assert 115 <= int(banner.attrs["data-seconds-left"]) <= 120
    assert re.fullmatch(r"(2:00|1:[0-5]\d)", page.one("data-live-deal-countdown").text)
    assert page.one("data-live-deal-price").text == "Rp 49.000"
    normal = page.one("data-live-deal-normal")
    assert (normal.tag, normal.text) == ("s", "Rp 100.000")
    assert page.one("data-live-deal-units").text == "5"
    buy = page.one("data-live-deal-buy")
    assert buy.shown
    assert buy.attrs["href"] == buy_url(room, variant=variant_id, deal=deal.pk)
    assert "Rp 49.000" in buy.text
    assert not page.one("data-live-deal-soldout").shown


def test_a_sold_out_deal_shows_sold_out_instead_of_buy(room):
    jacket = featured(room)
    deal = deals.deal_launch(
        session=room, actor=room.host, product=jacket, price=DEAL_PRICE, units=3, duration_seconds=300
    )
    FlashDeal.objects.filter(pk=deal.pk).update(units_claimed=3)

    page = visit(logged_in(), room)

    assert page.one("data-live-deal").shown
    assert page.one("data-live-deal-units").text == "0"
    assert not page.one("data-live-deal-buy").shown
    assert page.one("data-live-deal-soldout").shown


def test_nothing_pinned_and_no_deal_leaves_both_hidden_for_the_script_to_fill(room):
    featured(room)
    ended_deal_product = featured(room)
    deal = deals.deal_launch(
        session=room,
        actor=room.host,
        product=ended_deal_product,
        price=DEAL_PRICE,
        units=3,
        duration_seconds=60,
    )
    past = timezone.now() - timedelta(seconds=1)
    FlashDeal.objects.filter(pk=deal.pk).update(started_at=past - timedelta(minutes=1), ends_at=past)

    page = visit(logged_in(), room)

    assert not page.one("data-live-pinned").shown
    assert not page.one("data-live-deal").shown
    assert "data-deal-id" not in page.one("data-live-deal").attrs


def test_pinned_product_with_variants_offers_a_chooser(room):
    shirt = featured(room, title="Kaos Polos", stocks=(4, 0, 7))
    small, sold_out, large = variants(shirt)
    LiveSession.objects.filter(pk=room.pk).update(pinned_product=shirt)

    page = visit(logged_in(), room)

    chooser = page.one("data-live-pinned-variant")
    options = [e for e in page.elements if e.tag == "option" and chooser in e.ancestors]
    assert [(o.attrs["value"], "disabled" in o.attrs) for o in options] == [
        (str(small), False),
        (str(sold_out), True),
        (str(large), False),
    ]
    assert options[0].attrs["data-buy-url"] == buy_url(room, variant=small)
    assert options[0].attrs["data-price"] == "Rp 100.000"
    # Without a script the buy page asks for the variant of this product itself.
    assert page.one("data-live-pinned-buy").attrs["href"] == buy_url(room, product=shirt.pk)


def test_a_pinned_one_off_piece_is_claimed_from_the_card(room):
    piece = thrift(room)
    (variant_id,) = variants(piece)
    LiveSession.objects.filter(pk=room.pk).update(pinned_product=piece)

    page = visit(logged_in(), room)

    claim = page.one("data-live-claim", str(variant_id), within="data-live-pinned")
    assert (claim.tag, claim.attrs["action"]) == ("form", reverse("live_item_claim", args=[room.pk]))
    assert not page.find("data-live-pinned-buy")


# --- Who may do what ----------------------------------------------------------------------------


def test_anonymous_visitors_watch_and_are_sent_to_log_in_to_take_part(room, client):
    jacket = featured(room)
    piece = thrift(room)
    LiveSession.objects.filter(pk=room.pk).update(pinned_product=jacket)
    deals.deal_launch(
        session=room, actor=room.host, product=jacket, price=DEAL_PRICE, units=3, duration_seconds=300
    )
    ChatMessage.objects.create(session=room, user=factories.UserFactory(), text="Ready gan?")

    page = visit(client, room)

    login = login_url(room)
    assert page.one("data-live-buy", str(variants(jacket)[0]), within="data-live-tray").attrs["href"] == login
    assert page.one("data-live-pinned-buy").attrs["href"] == login
    assert page.one("data-live-deal-buy").attrs["href"] == login
    claim = page.one("data-live-claim", str(variants(piece)[0]), within="data-live-tray")
    assert (claim.tag, claim.attrs["href"]) == ("a", login)
    like = page.one("data-live-like")
    assert (like.tag, like.attrs["href"]) == ("a", login)
    assert not page.find("data-live-chat-form")
    assert login in [e.attrs.get("href") for e in page.find("data-live-login", within="data-live-chat")]
    assert not page.find("data-live-buy-dialog")
    # They still watch and read.
    assert "Ready gan?" in page.one("data-live-chat-list").text
    assert page.scripts()[-1] == "live-room.js"


def test_the_login_link_brings_the_shopper_back_to_the_room(room, client):
    featured(room)
    page = visit(client, room)
    href = page.one("data-live-login", within="data-live-chat").attrs["href"]

    shopper = factories.UserFactory()
    shopper.set_password("rahasia-sekali-123")
    shopper.save()
    response = client.post(href, {"login": shopper.username, "password": "rahasia-sekali-123"})

    assert response.status_code == 302
    assert response.url == room_url(room)


def test_hosts_see_the_console_link_and_shoppers_do_not(room, client):
    owner = factories.ShopMemberFactory(shop=room.shop, role=MemberRole.OWNER).user
    console = reverse("live_console", args=[room.pk])

    for host in (room.host, owner):
        assert visit(logged_in(host), room).one("data-live-console-link").attrs["href"] == console
    assert not visit(logged_in(), room).find("data-live-console-link")
    assert not visit(client, room).find("data-live-console-link")
    other_shop_owner = factories.ShopMemberFactory(role=MemberRole.OWNER).user
    assert not visit(logged_in(other_shop_owner), room).find("data-live-console-link")


def test_the_shops_chat_moderators_get_a_link_to_the_moderation_console(room):
    member = factories.ShopMemberFactory(shop=room.shop, role=MemberRole.STAFF)
    page_before = visit(logged_in(member.user), room)
    LiveModerator.objects.create(member=member)

    link = visit(logged_in(member.user), room).one("data-live-console-link")

    assert not page_before.find("data-live-console-link")
    assert link.attrs["href"] == reverse("live_console", args=[room.pk])
    assert link.text == "Buka konsol moderasi"  # Indonesian, the default


def test_logged_in_shopper_gets_the_chat_form_with_a_question_box_and_the_like_button(room):
    page = visit(logged_in(), room)

    form = page.one("data-live-chat-form")
    assert form.tag == "form"
    assert page.one("data-live-question").attrs["type"] == "checkbox"
    assert page.one("data-live-like").tag == "button"
    assert page.one("data-live-viewers").text == "0"


# --- The socket and its scripts -----------------------------------------------------------------


def test_room_gives_the_socket_its_url_and_the_last_message_it_shows(room, settings):
    settings.LIVE_WEBSOCKET_ORIGIN = "ws://127.0.0.1:8100"
    author = factories.UserFactory()
    ChatMessage.objects.create(session=room, user=author, text="pertama")
    last = ChatMessage.objects.create(session=room, user=author, text="kedua")

    page = visit(logged_in(), room)

    root = page.one("data-live-room")
    assert root.attrs["data-ws-url"] == f"ws://127.0.0.1:8100/ws/live/{room.pk}/"
    assert root.attrs["data-last-id"] == str(last.pk)
    assert root.attrs["data-status"] == "live"
    scripts = page.scripts()
    # The socket first, the video layer next (its partial), the room last: all deferred.
    assert scripts.index("live-socket.js") < scripts.index("live-video.js") < scripts.index("live-room.js")
    assert all("defer" in e.attrs for e in page.elements if e.tag == "script" and "src" in e.attrs)
    assert page.one("data-live-video").attrs["data-live-video"] == "watch"


def test_chat_is_text_never_html(room):
    mallory = factories.UserFactory(display_name="<img src=x onerror=alert(2)>")
    ChatMessage.objects.create(session=room, user=mallory, text="<script>alert(1)</script> murah!")

    page = visit(logged_in(), room)

    assert "<script>alert(1)</script>" not in page.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; murah!" in page.html
    assert "<img src=x" not in page.html
    line = page.one("data-message-id")
    assert "<script>alert(1)</script> murah!" in line.text
    assert not [e for e in page.elements if e.tag == "script" and "src" not in e.attrs]


def test_questions_are_marked_and_answered_ones_say_so(room):
    author = factories.UserFactory()
    plain = ChatMessage.objects.create(session=room, user=author, text="Halo kak")
    asked = ChatMessage.objects.create(session=room, user=author, text="Ukuran L ada?", is_question=True)
    answered = ChatMessage.objects.create(
        session=room, user=author, text="Bahannya apa?", is_question=True, answered_at=timezone.now()
    )

    page = visit(logged_in(), room)

    def tags(message) -> set[str]:
        line = page.one("data-message-id", str(message.pk))
        return {
            e.attrs["data-live-tag"]
            for e in page.elements
            if "data-live-tag" in e.attrs and line in e.ancestors
        }

    assert tags(plain) == set()
    assert tags(asked) == {"question"}
    assert tags(answered) == {"question", "answered"}


# --- Other states -------------------------------------------------------------------------------


def test_an_ended_live_shows_its_products_and_chat_but_no_buying_or_chatting():
    session = live_session(status=LiveStatus.ENDED)
    jacket = featured(session, title="Jaket Bekas Ended")
    thrift(session)
    ChatMessage.objects.create(session=session, user=factories.UserFactory(), text="Makasih kak")

    page = visit(logged_in(), session)

    assert page.one("data-live-ended").shown
    assert not page.find("data-live-chat-form")
    assert not page.find("data-live-buy")
    assert not page.find("data-live-claim")
    assert not page.find("data-live-tray")
    assert not page.find("data-live-deal")
    assert "Jaket Bekas Ended" in page.html
    assert reverse("product_detail", args=[jacket.shop.slug, jacket.slug]) in page.html
    assert "Makasih kak" in page.one("data-live-chat-list").text
    assert "live-room.js" not in page.scripts()


def test_a_scheduled_live_offers_the_reminder_and_no_socket(client):
    session = live_session()
    featured(session, title="Segera Hadir")

    page = visit(client, session)

    assert reverse("live_reminder_set", args=[session.pk]) in {e.attrs.get("action") for e in page.elements}
    assert not page.find("data-live-chat")
    assert not page.find("data-live-tray")
    assert "data-ws-url" not in page.one("data-live-room").attrs
    assert "live-socket.js" not in page.scripts()
    assert "Segera Hadir" in page.html


# --- Cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 20])
def test_a_busy_room_costs_a_bounded_number_of_queries(room, django_assert_max_num_queries, count):
    shopper = factories.UserFactory()
    products = [featured(room, stocks=(3, 3, 3), image=True) for _ in range(count)]
    pieces = [thrift(room) for _ in range(3)]
    claims.item_claim(buyer=factories.UserFactory(), session=room, variant=pieces[0].variants.get())
    claims.item_claim(buyer=shopper, session=room, variant=pieces[0].variants.get())  # waits
    claims.item_claim(buyer=shopper, session=room, variant=pieces[1].variants.get())  # holds
    LiveSession.objects.filter(pk=room.pk).update(pinned_product=products[0])
    deals.deal_launch(
        session=room, actor=room.host, product=products[1], price=DEAL_PRICE, units=5, duration_seconds=300
    )
    for i in range(30):
        ChatMessage.objects.create(session=room, user=shopper, text=f"pesan {i}")
    client = logged_in(shopper)
    client.get(room_url(room))  # the login session is cached from here on

    # session with shop; featured products, their first images; the user, their permissions (2)
    # and membership (may they host?); the latest chat; the featured products' variants; one-off
    # queues; the shopper's claims and their place in the one line they wait in; the running deal
    # and the variants it covers. The same for 3 products or 20.
    with django_assert_max_num_queries(14) as captured:
        response = client.get(room_url(room))

    assert response.status_code == 200
    variant_reads = [q["sql"] for q in captured.captured_queries if 'FROM "shops_productvariant"' in q["sql"]]
    assert len(variant_reads) == 2  # the tray's, all products at once; the deal's
    page = Page(response)
    assert len(page.find("data-live-product", within="data-live-tray")) == count + 3
