"""The host console page: who gets it, what it offers in each state, and how its forms answer.

The pushes these actions send are tested with the room's socket elsewhere (test_room_pushes.py);
here it is the page and its HTTP answers: JSON for fetch, a message and a redirect for plain forms.
"""

import pytest
from django.contrib.messages import constants as message_levels
from django.urls import reverse

from live.enums import FlashDealStatus, LiveStatus
from live.models import FlashDeal, LiveModerator, LiveSession
from shops.enums import MemberRole, ProductStatus
from shops.services import product_refresh_summary
from tests.kit import factories
from tests.kit.factories import LiveSessionProductFactory, live_session
from tests.kit.logins import logged_in, owner_of
from tests.kit.pages import find, flashed, form_actions, one, options, scripts, shown, tags

pytestmark = [pytest.mark.django_db, pytest.mark.english]

JSON = {"HTTP_ACCEPT": "application/json"}
NORMAL_PRICE = 100_000


# --- Builders -----------------------------------------------------------------------------------


def featured(session, *, price: int = NORMAL_PRICE, sizes=("M",), **product):
    """An active product of the session's shop, featured in it, with one variant per size."""
    product = factories.ProductFactory(shop=session.shop, **product)
    for size in sizes:
        factories.ProductVariantFactory(product=product, size=size, price=price)
    LiveSessionProductFactory(session=session, product=product)
    return product_refresh_summary(product=product)


def console(session) -> str:
    return reverse("live_console", args=[session.pk])


def post_json(client, name: str, session, data=None, *args):
    response = client.post(reverse(name, args=[session.pk, *args]), data or {}, **JSON)
    return response, response.json()


# --- Who gets the console -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    session = live_session(status=LiveStatus.LIVE)

    response = client.get(console(session))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "who", ["shopper", "other shop's owner", "shop staff", "another shop's chat moderator"]
)
def test_the_console_does_not_exist_for_anyone_but_the_shops_hosts_and_moderators(who):
    # The shop's own chat moderators get it in moderation mode: tests/live/test_moderator_console.py.
    session = live_session(status=LiveStatus.LIVE)
    if who == "shopper":
        user = factories.UserFactory()
    elif who == "other shop's owner":
        user = owner_of(factories.ShopFactory())
    elif who == "shop staff":
        user = factories.ShopMemberFactory(shop=session.shop, role=MemberRole.STAFF).user
    else:
        member = factories.ShopMemberFactory(shop=factories.ShopFactory(), role=MemberRole.STAFF)
        LiveModerator.objects.create(member=member)
        user = member.user

    response = logged_in(user).get(console(session))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["owner", "session host", "another live host of the shop"])
def test_the_owner_and_the_shops_live_hosts_get_the_console(who):
    session = live_session(status=LiveStatus.LIVE, title="Jaket Jumat Malam")
    user = {
        "owner": lambda: owner_of(session.shop),
        "session host": lambda: session.host,
        "another live host of the shop": lambda: (
            factories.ShopMemberFactory(shop=session.shop, role=MemberRole.HOST).user
        ),
    }[who]()

    response = logged_in(user).get(console(session))

    page = tags(response)
    root = one(page, "data-console")
    assert root["data-session-id"] == str(session.pk)
    assert root["data-status"] == "live"
    assert root["data-ws-url"] == f"/ws/live/{session.pk}/"
    assert root["data-mode"] == "host"
    assert response.context["session"] == session


# --- What the page offers in each state ---------------------------------------------------------


def test_a_scheduled_session_offers_going_live_and_keeps_the_live_controls_folded():
    session = live_session()
    product = featured(session)

    page = tags(logged_in(session.host).get(console(session)))

    assert shown(one(page, "data-console-go-live-form"))
    assert one(page, "data-console-go-live-form")["action"] == reverse(
        "live_console_start", args=[session.pk]
    )
    assert not shown(one(page, "data-console-end-box"))
    assert shown(one(page, "data-console-before"))
    # In the page already (going live needs no reload), folded until the session is live.
    panels = find(page, "data-console-live-panel")
    assert len(panels) == 4
    assert not any(shown(panel) for panel in panels)
    assert find(page, "data-console-pin", str(product.pk))
    # The socket, the camera partial's script, then the console's, in that order.
    order = scripts(page)
    assert order.index("live-socket.js") < order.index("live-video.js") < order.index("live-console.js")


def test_a_live_session_shows_every_control_with_the_current_state():
    session = live_session(status=LiveStatus.LIVE)
    session.slow_mode_seconds = 10
    jacket = featured(session, title="Jaket Denim", sizes=("M", "L"))
    shirt = featured(session, title="Kemeja Flanel")
    session.pinned_product = shirt
    session.save()

    page = tags(logged_in(session.host).get(console(session)))

    assert not shown(one(page, "data-console-go-live-form"))
    assert shown(one(page, "data-console-end-box"))
    assert one(page, "data-console-end-confirm")
    assert reverse("live_console_end", args=[session.pk]) in form_actions(page)
    assert all(shown(panel) for panel in find(page, "data-console-live-panel"))
    assert not find(page, "data-console-before")
    for stat in ("viewers", "likes", "orders", "revenue"):
        assert one(page, "data-console-stat", stat)
    assert "aria-live" in one(page, "data-console-stats")
    # Chat, its moderation rows and slow mode.
    assert one(page, "data-console-chat-form")
    assert one(page, "data-console-chat-list")
    assert one(page, "data-console-message-template")
    assert [o["value"] for o in options(page, "data-console-slow-mode") if "selected" in o] == ["10"]
    assert [b["data-console-mute-minutes"] for b in find(page, "data-console-mute-minutes")] == [
        "5",
        "15",
        "60",
    ]
    assert one(page, "id", "console-chat-text")["maxlength"] == "200"
    # Products: a pin button each, the pinned one marked, and a way to unpin.
    assert one(page, "data-console-product", str(shirt.pk))["data-pinned"] == "true"
    assert "data-pinned" not in one(page, "data-console-product", str(jacket.pk))
    assert one(page, "data-console-pin", str(jacket.pk))
    assert shown(one(page, "data-console-unpin-form"))
    # The flash deal form: its products and each product's variants, and the running-deal box.
    deal_form = one(page, "data-console-deal-form")
    assert deal_form["action"] == reverse("live_console_deal_launch", args=[session.pk])
    assert [o["value"] for o in options(page, "data-console-deal-product")] == [str(jacket.pk), str(shirt.pk)]
    variants = [o for o in options(page, "data-console-deal-variant") if o["value"]]
    assert [o["data-product"] for o in variants] == [str(jacket.pk), str(jacket.pk), str(shirt.pk)]
    for name in ("price", "units", "minutes", "per_buyer_limit"):
        assert one(page, "name", name)
    assert not shown(one(page, "data-console-deal"))
    assert one(page, "data-console-deal")["data-stop-url"] == reverse(
        "live_console_deal_stop", args=[session.pk, 0]
    )
    assert one(page, "data-console-orders")
    # Blocked words and moderators are edited in the Seller Center, linked from here.
    assert one(page, "data-console-blocked-words-link")["href"] == reverse(
        "admin:live_liveblockedword_changelist"
    )
    assert one(page, "data-console-moderators-link")["href"] == reverse("admin:live_livemoderator_changelist")


def test_an_ended_session_shows_its_summary_and_no_controls():
    session = live_session(
        status=LiveStatus.ENDED,
        peak_viewers=48,
        unique_viewers=131,
        message_count=260,
        like_count=1520,
        order_count=12,
        revenue=1_350_000,
    )
    featured(session)

    response = logged_in(session.host).get(console(session))

    page = tags(response)
    summary = {attrs["data-console-summary-stat"]: attrs for attrs in find(page, "data-console-summary-stat")}
    assert set(summary) == {"peak_viewers", "unique_viewers", "messages", "likes", "orders", "revenue"}
    html = response.content.decode()
    for stat, shown_as in [
        ("peak_viewers", "48"),
        ("unique_viewers", "131"),
        ("messages", "260"),
        ("likes", "1520"),
        ("orders", "12"),
        ("revenue", "Rp 1.350.000"),
    ]:
        assert f'data-console-summary-stat="{stat}">{shown_as}</dd>' in html
    consoles = reverse("live_console", args=[session.pk])
    assert not [action for action in form_actions(page) if action.startswith(consoles)]
    for control in ("data-console-go-live", "data-console-end", "data-console-pin", "data-console-deal-form"):
        assert not find(page, control)
    assert "live-console.js" not in scripts(page)
    assert "live-socket.js" not in scripts(page)


def test_a_cancelled_session_has_no_controls():
    session = live_session(status=LiveStatus.CANCELLED)

    page = tags(logged_in(session.host).get(console(session)))

    assert one(page, "data-console-closed")
    assert not find(page, "data-console-go-live")
    assert not find(page, "data-console-chat-form")


@pytest.mark.parametrize("count", [1, 6])
def test_the_page_costs_a_bounded_number_of_queries(count, django_assert_max_num_queries):
    session = live_session(status=LiveStatus.LIVE)
    products = [featured(session, sizes=("S", "M")) for _ in range(count)]
    session.pinned_product = products[0]
    session.save()
    client = logged_in(session.host)

    # User, session, permissions (2), host check, products, their images, variants, pinned title.
    with django_assert_max_num_queries(9):
        response = client.get(console(session))

    assert len(find(tags(response), "data-console-pin")) == count


# --- Going live and ending ----------------------------------------------------------------------


def test_going_live_from_the_pages_form_redirects_back_with_a_message():
    session = live_session()

    response = logged_in(session.host).post(reverse("live_console_start", args=[session.pk]), follow=True)

    assert response.redirect_chain == [(console(session), 302)]
    assert [level for level, _text in flashed(response)] == [message_levels.SUCCESS]
    session.refresh_from_db()
    assert session.status == LiveStatus.LIVE
    # The page it lands on is the live console.
    assert shown(one(tags(response), "data-console-end-box"))


def test_going_live_by_fetch_answers_json_with_the_new_status():
    session = live_session()

    response, data = post_json(logged_in(session.host), "live_console_start", session)

    assert response.status_code == 200
    assert data["ok"] is True
    assert data["status"] == "live"
    assert data["message"]


def test_going_live_twice_is_refused_with_a_reason_and_changes_nothing():
    session = live_session(status=LiveStatus.LIVE)
    started_at = session.started_at
    client = logged_in(session.host)

    response, data = post_json(client, "live_console_start", session)
    plain = client.post(reverse("live_console_start", args=[session.pk]), follow=True)

    assert response.status_code == 400
    assert data["ok"] is False
    assert data["error"]
    assert [level for level, _text in flashed(plain)] == [message_levels.ERROR]
    session.refresh_from_db()
    assert (session.status, session.started_at) == (LiveStatus.LIVE, started_at)


def test_ending_the_live_through_the_confirm_form_shows_the_summary():
    session = live_session(status=LiveStatus.LIVE)

    response = logged_in(session.host).post(reverse("live_console_end", args=[session.pk]), follow=True)

    assert response.redirect_chain == [(console(session), 302)]
    assert [level for level, _text in flashed(response)] == [message_levels.SUCCESS]
    assert one(tags(response), "data-console-summary")
    session.refresh_from_db()
    assert session.status == LiveStatus.ENDED


def test_a_scheduled_session_cannot_be_ended():
    session = live_session()

    response, data = post_json(logged_in(session.host), "live_console_end", session)

    assert response.status_code == 400
    assert data["error"]
    session.refresh_from_db()
    assert session.status == LiveStatus.SCHEDULED


# --- Pinning ------------------------------------------------------------------------------------


def test_pinning_and_unpinning_a_featured_product():
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session)
    client = logged_in(session.host)

    response, data = post_json(client, "live_console_pin", session, {"product": product.pk})

    assert (response.status_code, data["ok"], data["product"]) == (200, True, product.pk)
    session.refresh_from_db()
    assert session.pinned_product == product
    # The page shows it pinned after a plain reload too.
    assert (
        one(tags(client.get(console(session))), "data-console-product", str(product.pk))["data-pinned"]
        == "true"
    )

    response, data = post_json(client, "live_console_pin", session, {"product": ""})

    assert (response.status_code, data["product"]) == (200, None)
    session.refresh_from_db()
    assert session.pinned_product is None


@pytest.mark.parametrize("raw", ["another shop's", "not a number", "hidden"])
def test_pinning_refuses_what_is_not_on_sale_in_the_shop(raw):
    session = live_session(status=LiveStatus.LIVE)
    mine = featured(session)
    session.pinned_product = mine
    session.save()
    value = {
        "another shop's": lambda: factories.active_product().pk,
        "not a number": lambda: "1; DROP TABLE",
        "hidden": lambda: factories.active_product(shop=session.shop, status=ProductStatus.ARCHIVED).pk,
    }[raw]()

    response, data = post_json(logged_in(session.host), "live_console_pin", session, {"product": value})

    assert response.status_code == 400
    assert data == {"ok": False, "error": "This product is not on sale in your shop."}
    session.refresh_from_db()
    assert session.pinned_product == mine


def test_pinning_from_the_plain_form_before_going_live_redirects_with_the_reason():
    session = live_session()
    product = featured(session)

    response = logged_in(session.host).post(
        reverse("live_console_pin", args=[session.pk]), {"product": product.pk}, follow=True
    )

    assert response.redirect_chain == [(console(session), 302)]
    assert flashed(response) == [
        (message_levels.ERROR, "Products can be pinned only while the session is live.")
    ]
    session.refresh_from_db()
    assert session.pinned_product is None


# --- Flash deals --------------------------------------------------------------------------------


def deal_data(product, /, **overrides) -> dict:
    data = {
        "product": product.pk,
        "variant": "",
        "price": 49_000,
        "units": 5,
        "minutes": 3,
        "per_buyer_limit": 1,
    }
    data.update(overrides)
    return data


def test_launching_a_deal_answers_with_what_the_console_shows():
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session, title="Jaket Denim", sizes=("M", "L"))
    large = product.variants.get(size="L")

    response, data = post_json(
        logged_in(session.host), "live_console_deal_launch", session, deal_data(product, variant=large.pk)
    )

    assert response.status_code == 200
    assert data["ok"] is True
    deal = FlashDeal.objects.get()
    assert (deal.status, deal.variant, deal.price, deal.units) == (FlashDealStatus.ACTIVE, large, 49_000, 5)
    shown_deal = data["deal"]
    assert shown_deal["id"] == deal.pk
    assert shown_deal["price_display"] == "Rp 49.000"
    assert shown_deal["normal_price_display"] == "Rp 100.000"
    assert (shown_deal["units"], shown_deal["units_left"], shown_deal["per_buyer_limit"]) == (5, 5, 1)
    assert 175 <= shown_deal["seconds_left"] <= 180


def test_a_deal_price_not_below_the_normal_price_is_refused_with_its_reason():
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session)

    response, data = post_json(
        logged_in(session.host), "live_console_deal_launch", session, deal_data(product, price=NORMAL_PRICE)
    )

    assert response.status_code == 400
    assert data == {"ok": False, "error": "The deal price must be below the normal price."}
    assert not FlashDeal.objects.exists()


def test_another_shops_product_or_variant_cannot_go_on_a_deal():
    session = live_session(status=LiveStatus.LIVE)
    mine = featured(session)
    theirs = factories.active_product()
    client = logged_in(session.host)

    for data in (deal_data(theirs), deal_data(mine, variant=theirs.variants.get().pk)):
        response, answer = post_json(client, "live_console_deal_launch", session, data)
        assert response.status_code == 400
        assert answer == {"ok": False, "error": "Choose one of your shop's products."}

    assert not FlashDeal.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("units", 0, "Units: "),
        ("minutes", 61, "Minutes: "),
        ("price", "murah", "Deal price (Rp): "),
        ("per_buyer_limit", "", "Limit per buyer: "),
        ("product", "", ""),
    ],
)
def test_a_deal_with_bad_terms_is_refused_naming_the_field(field, value, named):
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session)

    response, data = post_json(
        logged_in(session.host), "live_console_deal_launch", session, deal_data(product, **{field: value})
    )

    assert response.status_code == 400
    assert data["ok"] is False
    assert data["error"].startswith(named)
    assert len(data["error"]) > len(named)
    assert not FlashDeal.objects.exists()


def test_a_refused_deal_from_the_plain_form_comes_back_with_the_reason():
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session)

    response = logged_in(session.host).post(
        reverse("live_console_deal_launch", args=[session.pk]),
        deal_data(product, price=150_000),
        follow=True,
    )

    assert response.redirect_chain == [(console(session), 302)]
    assert flashed(response) == [(message_levels.ERROR, "The deal price must be below the normal price.")]
    assert not FlashDeal.objects.exists()


def test_stopping_the_running_deal_early():
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session)
    client = logged_in(session.host)
    _response, launched = post_json(client, "live_console_deal_launch", session, deal_data(product))
    deal_id = launched["deal"]["id"]

    response, data = post_json(client, "live_console_deal_stop", session, None, deal_id)

    assert (response.status_code, data["ok"]) == (200, True)
    assert FlashDeal.objects.get(pk=deal_id).status == FlashDealStatus.STOPPED

    again, refusal = post_json(client, "live_console_deal_stop", session, None, deal_id)

    assert again.status_code == 400
    assert refusal["error"]
    assert FlashDeal.objects.get(pk=deal_id).status == FlashDealStatus.STOPPED


def test_a_deal_of_another_session_cannot_be_stopped_from_this_console():
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session)
    _response, launched = post_json(
        logged_in(session.host), "live_console_deal_launch", session, deal_data(product)
    )
    other = live_session(status=LiveStatus.LIVE)

    response = logged_in(other.host).post(
        reverse("live_console_deal_stop", args=[other.pk, launched["deal"]["id"]]), **JSON
    )

    assert response.status_code == 404
    assert FlashDeal.objects.get().status == FlashDealStatus.ACTIVE


# --- Security -----------------------------------------------------------------------------------


ACTIONS = [
    ("live_console_start", LiveStatus.SCHEDULED),
    ("live_console_end", LiveStatus.LIVE),
    ("live_console_pin", LiveStatus.LIVE),
    ("live_console_deal_launch", LiveStatus.LIVE),
]


@pytest.mark.parametrize(("name", "status"), ACTIONS)
def test_every_action_needs_the_csrf_token(name, status):
    session = live_session(status=status)
    product = featured(session)
    client = logged_in(session.host, csrf=True)

    response = client.post(reverse(name, args=[session.pk]), deal_data(product), **JSON)

    assert response.status_code == 403
    session.refresh_from_db()
    assert (session.status, session.pinned_product_id) == (status, None)
    assert not FlashDeal.objects.exists()


def test_the_pages_own_forms_carry_the_token_that_makes_them_work():
    session = live_session()
    client = logged_in(session.host, csrf=True)
    page = tags(client.get(console(session)))
    token = find(page, "name", "csrfmiddlewaretoken")[0]["value"]

    response = client.post(
        one(page, "data-console-go-live-form")["action"], {"csrfmiddlewaretoken": token}, **JSON
    )

    assert response.status_code == 200
    assert LiveSession.objects.get(pk=session.pk).status == LiveStatus.LIVE


def test_the_deal_stop_needs_the_csrf_token_too():
    session = live_session(status=LiveStatus.LIVE)
    product = featured(session)
    _response, launched = post_json(
        logged_in(session.host), "live_console_deal_launch", session, deal_data(product)
    )

    response = logged_in(session.host, csrf=True).post(
        reverse("live_console_deal_stop", args=[session.pk, launched["deal"]["id"]]), **JSON
    )

    assert response.status_code == 403
    assert FlashDeal.objects.get().status == FlashDealStatus.ACTIVE


@pytest.mark.parametrize(("name", "status"), ACTIONS)
def test_actions_do_not_exist_for_a_shopper(name, status):
    session = live_session(status=status)
    product = featured(session)

    response = logged_in(factories.UserFactory()).post(
        reverse(name, args=[session.pk]), deal_data(product), **JSON
    )

    assert response.status_code == 404
    session.refresh_from_db()
    assert (session.status, session.pinned_product_id) == (status, None)
    assert not FlashDeal.objects.exists()


# --- The way in from the Seller Center ------------------------------------------------------------


def admin_change(session) -> str:
    return reverse("admin:live_livesession_change", args=[session.pk])


@pytest.mark.parametrize("status", [LiveStatus.SCHEDULED, LiveStatus.LIVE])
def test_the_session_admin_page_links_to_the_console_while_it_can_run(status):
    session = live_session(status=status)

    page = tags(logged_in(session.host).get(admin_change(session)))

    assert one(page, "data-admin-console-link")["href"] == console(session)


def test_no_console_link_for_an_ended_session_or_for_shop_staff():
    ended = live_session(status=LiveStatus.ENDED)
    scheduled = live_session()
    staff = factories.ShopMemberFactory(shop=scheduled.shop, role=MemberRole.STAFF).user

    assert not find(tags(logged_in(ended.host).get(admin_change(ended))), "data-admin-console-link")
    assert not find(tags(logged_in(staff).get(admin_change(scheduled))), "data-admin-console-link")
