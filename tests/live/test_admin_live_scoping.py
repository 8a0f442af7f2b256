"""Two competing sellers share the live admin: each sees and touches only their own shop's lives."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from live.enums import DEFAULT_BLOCKED_WORDS, LiveStatus
from live.models import LiveBlockedWord, LiveModerator, LiveOrder, LiveSession, LiveSessionProduct
from orders.enums import OrderStatus
from shops.enums import MemberRole
from tests.kit import factories
from tests.kit.admin_forms import listed_pks
from tests.kit.factories import LiveSessionProductFactory, live_session, make_order

pytestmark = pytest.mark.english

SESSIONS = reverse("admin:live_livesession_changelist")
SESSION_ADD = reverse("admin:live_livesession_add")
WORDS = reverse("admin:live_liveblockedword_changelist")
MODERATORS_ADD = reverse("admin:live_livemoderator_add")


def change_url(session):
    return reverse("admin:live_livesession_change", args=[session.pk])


def session_data(*, shop, host, products=(), title="Flanel Jumat Malam", **extra) -> dict:
    """The add form as the browser posts it, with the featured-products inline."""
    start = timezone.localtime() + timedelta(days=2)
    data = {
        "shop": str(shop.pk),
        "host": str(host.pk),
        "title": title,
        "description": "",
        "planned_start_0": start.strftime("%Y-%m-%d"),
        "planned_start_1": "19:00:00",
        "slow_mode_seconds": "0",
        "session_products-TOTAL_FORMS": str(len(products)),
        "session_products-INITIAL_FORMS": "0",
        "session_products-MIN_NUM_FORMS": "0",
        "session_products-MAX_NUM_FORMS": "1000",
    }
    for i, product in enumerate(products):
        data[f"session_products-{i}-product"] = str(product.pk)
        data[f"session_products-{i}-position"] = str(i)
    data.update(extra)
    return data


def change_data(session, **overrides) -> dict:
    data = session_data(shop=session.shop, host=session.host, title=session.title)
    start = timezone.localtime(session.planned_start)
    data.update(
        {"planned_start_0": start.strftime("%Y-%m-%d"), "planned_start_1": start.strftime("%H:%M:%S")}
    )
    data.pop("shop")
    # The read-only history inlines post their management forms too, as the browser does.
    for prefix in ("events", "deal_events"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


@pytest.fixture
def market(db, seller_factory):
    """Seller A (Toko Andalas, with host Hana) and seller B (Toko Bromo), a session and products each."""
    shop_a = factories.ShopFactory(name="Toko Andalas", slug="andalas")
    shop_b = factories.ShopFactory(name="Toko Bromo", slug="bromo")
    seller_a = seller_factory(shop_a, username="ani")
    seller_b = seller_factory(shop_b, username="budi")
    host_a = seller_factory(shop_a, username="hana", role=MemberRole.HOST)
    staff_a = seller_factory(shop_a, username="sari", role=MemberRole.STAFF)
    a_product = factories.active_product(shop=shop_a, title="Andalas Jaket")
    b_product = factories.active_product(shop=shop_b, title="Bromo Kebaya")
    a_session = live_session(shop=shop_a, host=host_a, title="Andalas Live")
    b_session = live_session(shop=shop_b, host=seller_b, title="Bromo Live")
    LiveSessionProductFactory(session=a_session, product=a_product)
    LiveSessionProductFactory(session=b_session, product=b_product)
    return SimpleNamespace(**locals())


@pytest.fixture
def client_a(client, market):
    client.force_login(market.seller_a)
    return client


def test_changelist_lists_only_own_sessions(client_a, market):
    response = client_a.get(SESSIONS)

    assert response.status_code == 200
    assert listed_pks(response) == {market.a_session.pk}
    assert "Bromo" not in response.content.decode()


def test_search_and_url_filters_stay_inside_own_shop(client_a, market):
    searched = client_a.get(SESSIONS, {"q": "Bromo"})
    filtered = client_a.get(SESSIONS, {"shop__id__exact": market.shop_b.pk}, follow=True)

    assert listed_pks(searched) == set()
    assert "Bromo Live" not in filtered.content.decode()


def test_other_shops_session_is_not_found_by_url(client_a, market):
    response = client_a.get(change_url(market.b_session), follow=True)
    history = client_a.get(reverse("admin:live_livesession_history", args=[market.b_session.pk]))
    delete = client_a.get(reverse("admin:live_livesession_delete", args=[market.b_session.pk]))

    # Django's admin answers a missing object by going back to the index with "doesn't exist".
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert "doesn’t exist" in response.content.decode()
    assert "Bromo Live" not in response.content.decode()
    assert (history.status_code, history.url) == (302, reverse("admin:index"))
    assert delete.status_code == 403  # sellers cancel sessions, never delete them


def test_post_to_other_shops_session_changes_nothing(client_a, market):
    response = client_a.post(change_url(market.b_session), change_data(market.b_session, title="Dibajak"))

    assert (response.status_code, response.url) == (302, reverse("admin:index"))
    market.b_session.refresh_from_db()
    assert market.b_session.title == "Bromo Live"


def test_owner_schedules_a_session_with_own_products(client_a, market):
    second = factories.active_product(shop=market.shop_a, title="Andalas Kemeja")

    response = client_a.post(
        SESSION_ADD, session_data(shop=market.shop_a, host=market.host_a, products=[second, market.a_product])
    )

    assert response.status_code == 302
    session = LiveSession.objects.get(title="Flanel Jumat Malam")
    assert (session.shop, session.host, session.status) == (
        market.shop_a,
        market.host_a,
        LiveStatus.SCHEDULED,
    )
    assert list(session.session_products.values_list("product__title", flat=True)) == [
        "Andalas Kemeja",
        "Andalas Jaket",
    ]
    # Not the shop's first session (a_session exists): no word list is seeded behind its back.
    assert not LiveBlockedWord.objects.filter(shop=market.shop_a).exists()


def test_the_first_session_of_a_shop_seeds_its_word_list(client, seller_factory):
    shop = factories.ShopFactory()
    owner = seller_factory(shop, username="baru")
    client.force_login(owner)

    response = client.post(SESSION_ADD, session_data(shop=shop, host=owner))

    assert response.status_code == 302
    assert LiveBlockedWord.objects.filter(shop=shop).count() == len(DEFAULT_BLOCKED_WORDS)


def test_scheduling_in_the_admin_keeps_every_field_of_the_form(client_a, market):
    # The add form goes through live.services.session_schedule: its cover and slow mode too.
    cover = factories.image_file("sampul.jpg")
    data = session_data(
        shop=market.shop_a, host=market.host_a, products=[market.a_product], title="Bersampul"
    )

    response = client_a.post(SESSION_ADD, {**data, "slow_mode_seconds": "30", "cover": cover})

    assert response.status_code == 302
    session = LiveSession.objects.get(title="Bersampul")
    assert session.slow_mode_seconds == 30
    assert session.cover.name.startswith("live/covers/")
    assert session.cover.storage.exists(session.cover.name)
    assert list(session.session_products.values_list("product", flat=True)) == [market.a_product.pk]


def test_add_with_another_shops_id_is_a_form_error(client_a, market):
    response = client_a.post(SESSION_ADD, session_data(shop=market.shop_b, host=market.seller_b))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["shop"] == ["Select a valid choice. That choice is not one of the available choices."]
    assert errors["host"] == ["Select a valid choice. That choice is not one of the available choices."]
    assert not LiveSession.objects.filter(title="Flanel Jumat Malam").exists()


def test_featuring_another_shops_product_is_a_form_error(client_a, market):
    response = client_a.post(
        SESSION_ADD, session_data(shop=market.shop_a, host=market.host_a, products=[market.b_product])
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["product"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not LiveSession.objects.filter(title="Flanel Jumat Malam").exists()


def test_a_seller_of_two_shops_cannot_mix_their_products(client_a, market, seller_factory):
    second_shop = factories.ShopFactory(name="Toko Andalas Dua")
    factories.ShopMemberFactory(shop=second_shop, user=market.seller_a, role=MemberRole.OWNER)
    other = factories.active_product(shop=second_shop, title="Produk Toko Dua")

    response = client_a.post(change_url(market.a_session), _with_inline(market.a_session, other))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[1]["product"] == [
        "Only the shop's own products can be featured."
    ]
    assert market.a_session.session_products.count() == 1


def _with_inline(session, new_product) -> dict:
    data = change_data(session)
    existing = list(session.session_products.all())
    data.update(
        {
            "session_products-TOTAL_FORMS": str(len(existing) + 1),
            "session_products-INITIAL_FORMS": str(len(existing)),
        }
    )
    for i, row in enumerate(existing):
        data.update(
            {
                f"session_products-{i}-id": str(row.pk),
                f"session_products-{i}-session": str(session.pk),
                f"session_products-{i}-product": str(row.product_id),
                f"session_products-{i}-position": str(row.position),
            }
        )
    n = len(existing)
    data.update({f"session_products-{n}-product": str(new_product.pk), f"session_products-{n}-position": "9"})
    return data


def test_a_shop_staff_member_cannot_be_the_host(client_a, market):
    response = client_a.post(SESSION_ADD, session_data(shop=market.shop_a, host=market.staff_a))

    assert response.status_code == 200
    assert "host" in response.context["adminform"].form.errors


def test_host_choices_and_product_choices_are_own_shops_only(client_a, market):
    response = client_a.get(SESSION_ADD)

    form = response.context["adminform"].form
    assert set(form.fields["host"].queryset) == {market.seller_a, market.host_a}
    assert list(form.fields["shop"].queryset) == [market.shop_a]
    inline_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert list(inline_form.fields["product"].queryset) == [market.a_product]
    assert form.initial["shop"] == market.shop_a.pk


def test_autocomplete_offers_only_own_objects(client_a, market):
    url = reverse("admin:autocomplete")

    shops = client_a.get(url, {"app_label": "live", "model_name": "livesession", "field_name": "shop"})
    products = client_a.get(
        url, {"app_label": "live", "model_name": "livesessionproduct", "field_name": "product"}
    )
    hosts = client_a.get(url, {"app_label": "live", "model_name": "livesession", "field_name": "host"})

    assert [r["id"] for r in shops.json()["results"]] == [str(market.shop_a.pk)]
    assert [int(r["id"]) for r in products.json()["results"]] == [market.a_product.pk]
    assert hosts.status_code == 403  # the user list is platform staff's only


def test_actions_with_other_shops_ids_touch_nothing(client_a, market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        client_a.post(
            SESSIONS,
            {"action": "go_live_selected", "_selected_action": [market.a_session.pk, market.b_session.pk]},
        )

    market.a_session.refresh_from_db()
    market.b_session.refresh_from_db()
    assert (market.a_session.status, market.b_session.status) == (LiveStatus.LIVE, LiveStatus.SCHEDULED)


def test_a_refused_action_says_why(client_a, market):
    response = client_a.post(
        SESSIONS, {"action": "end_selected", "_selected_action": [market.a_session.pk]}, follow=True
    )

    assert "A live session cannot move from “Scheduled” to “Ended”." in response.content.decode()
    market.a_session.refresh_from_db()
    assert market.a_session.status == LiveStatus.SCHEDULED


def test_the_host_edits_and_shop_staff_only_reads(client, market):
    client.force_login(market.host_a)
    edited = client.post(change_url(market.a_session), change_data(market.a_session, title="Diganti Host"))
    client.force_login(market.staff_a)
    page = client.get(change_url(market.a_session))
    post = client.post(change_url(market.a_session), change_data(market.a_session, title="Diganti Staf"))
    add = client.get(SESSION_ADD)

    assert edited.status_code == 302
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert (post.status_code, add.status_code) == (403, 403)
    market.a_session.refresh_from_db()
    assert market.a_session.title == "Diganti Host"


def test_status_and_summary_cannot_be_set_through_the_form(client_a, market):
    data = change_data(market.a_session, status="live", peak_viewers="999", revenue="1")

    client_a.post(change_url(market.a_session), data)

    market.a_session.refresh_from_db()
    assert (market.a_session.status, market.a_session.peak_viewers, market.a_session.revenue) == (
        LiveStatus.SCHEDULED,
        0,
        0,
    )


def test_past_session_shows_its_summary_read_only(client_a, market, buyer):
    ended = live_session(
        status=LiveStatus.ENDED,
        shop=market.shop_a,
        host=market.host_a,
        peak_viewers=148,
        unique_viewers=612,
        order_count=2,
        revenue=390_000,
    )
    for title, price, quantity in (("Kemeja Flanel", 90_000, 1), ("Jaket Denim", 150_000, 2)):
        variant = factories.active_product(shop=market.shop_a, title=title, price=price).variants.get()
        order = make_order(
            shop=market.shop_a, buyer=buyer, items=((title, "L", price, quantity),), variant=variant
        )
        LiveOrder.objects.create(session=ended, order=order)
    cancelled = make_order(
        shop=market.shop_a, buyer=buyer, status=OrderStatus.CANCELLED, items=(("Batal", "M", 50_000, 9),)
    )
    LiveOrder.objects.create(session=ended, order=cancelled)

    response = client_a.get(change_url(ended))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Rp 390.000" in html
    assert "612" in html
    assert html.index("Jaket Denim — 2 × · Rp 300.000") < html.index("Kemeja Flanel — 1 × · Rp 90.000")
    assert "Batal" not in html
    assert "peak_viewers" not in response.context["adminform"].form.fields


def test_staff_sees_every_shops_sessions(client, market, staff_user):
    client.force_login(staff_user)

    assert listed_pks(client.get(SESSIONS)) == {market.a_session.pk, market.b_session.pk}


@pytest.mark.parametrize("count", [3, 30])
def test_changelist_query_count_does_not_grow(client_a, market, django_assert_max_num_queries, count):
    for i in range(count):
        live_session(shop=market.shop_a, host=market.host_a, title=f"Sesi {i}")

    # user, 2× permissions, memberships, 2× count, the page, the date hierarchy
    with django_assert_max_num_queries(9):
        response = client_a.get(SESSIONS)

    assert len(response.context["cl"].result_list) == count + 1


# --- Blocked words and moderators ---------------------------------------------------------------
def test_blocked_words_are_per_shop_and_normalised(client_a, market):
    LiveBlockedWord.objects.create(shop=market.shop_a, word="goblok")
    LiveBlockedWord.objects.create(shop=market.shop_b, word="rahasia bromo")
    add = reverse("admin:live_liveblockedword_add")

    listing = client_a.get(WORDS)
    duplicate = client_a.post(add, {"shop": market.shop_a.pk, "word": "  GOBLOK "})
    foreign = client_a.post(add, {"shop": market.shop_b.pk, "word": "tolol"})
    added = client_a.post(add, {"shop": market.shop_a.pk, "word": " Tolol "})

    assert [w.word for w in listing.context["cl"].result_list] == ["goblok"]
    assert duplicate.status_code == 200
    assert "shop" in foreign.context["adminform"].form.errors
    assert added.status_code == 302
    assert list(LiveBlockedWord.objects.filter(shop=market.shop_a).values_list("word", flat=True)) == [
        "goblok",
        "tolol",
    ]


def test_moderators_are_named_among_own_shops_members(client_a, market):
    b_member = market.shop_b.memberships.get()

    page = client_a.get(MODERATORS_ADD)
    foreign = client_a.post(MODERATORS_ADD, {"member": b_member.pk})
    own = client_a.post(MODERATORS_ADD, {"member": market.staff_a.shop_memberships.get().pk})

    choices = {member.user.username for member in page.context["adminform"].form.fields["member"].queryset}
    assert choices == {"ani", "hana", "sari"}
    assert "member" in foreign.context["adminform"].form.errors
    assert own.status_code == 302
    moderator = LiveModerator.objects.get()
    assert (moderator.member.user, moderator.appointed_by) == (market.staff_a, market.seller_a)


def test_featured_rows_of_another_shop_cannot_be_edited_through_the_inline(client_a, market):
    b_row = market.b_session.session_products.get()
    data = change_data(market.a_session)
    data.update(
        {
            "session_products-TOTAL_FORMS": "1",
            "session_products-INITIAL_FORMS": "1",
            "session_products-0-id": str(b_row.pk),
            "session_products-0-session": str(market.a_session.pk),
            "session_products-0-product": str(market.a_product.pk),
            "session_products-0-position": "5",
        }
    )

    client_a.post(change_url(market.a_session), data)

    b_row.refresh_from_db()
    assert (b_row.session_id, b_row.product_id) == (market.b_session.pk, market.b_product.pk)
    assert LiveSessionProduct.objects.filter(session=market.b_session).count() == 1


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Flanel murah, order via wa.me/6281234567890"),
        ("description", "Yang mau titip tanya dulu di ig @andalas.thrift ya"),
    ],
)
def test_a_live_cannot_be_announced_with_a_contact(client, market, field, text):
    client.force_login(market.seller_a)
    data = session_data(shop=market.shop_a, host=market.host_a)
    data[field] = text

    response = client.post(SESSION_ADD, data)

    assert response.status_code == 200
    assert "Contact details are not allowed here" in str(response.context["adminform"].form.errors[field])
    assert not LiveSession.objects.filter(shop=market.shop_a, title=data["title"]).exists()
