"""Returns: the buyer asks within the window, the seller decides in the admin, or it is approved
automatically after the deadline; every refusal writes nothing."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Notification
from orders import tasks
from orders.enums import OrderStatus, ReturnStatus
from orders.models import Order, OrderEvent, ReturnPhoto, ReturnRequest, Shipment
from orders.returns import ReturnNotAllowed, return_request_create, returns_auto_approve
from tests.kit import factories
from tests.kit.factories import image_file, make_order
from tests.kit.pages import messages_of

pytestmark = pytest.mark.english

RETURNS = reverse("admin:orders_returnrequest_changelist")


@pytest.fixture(autouse=True)
def _return_deadlines(settings):
    settings.RETURN_WINDOW_DAYS = 2
    settings.RETURN_RESPONSE_HOURS = 48


def upload(name="rusak.jpg", **kwargs):
    photo = image_file(name, **kwargs)
    return SimpleUploadedFile(name, photo.read(), content_type="image/jpeg")


def deliver(order, *, hours_ago: float) -> Order:
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(hours=hours_ago))
    return order


@pytest.fixture
def market(db, seller_factory):
    shop_a = factories.ShopFactory(name="Toko Andalas", slug="andalas")
    shop_b = factories.ShopFactory(name="Toko Bromo", slug="bromo")
    buyer = factories.UserFactory(username="dewi")
    return SimpleNamespace(
        shop_a=shop_a,
        shop_b=shop_b,
        seller_a=seller_factory(shop_a, username="ani"),
        seller_b=seller_factory(shop_b, username="budi"),
        buyer=buyer,
        order=deliver(make_order(shop=shop_a, buyer=buyer, status=OrderStatus.DELIVERED), hours_ago=5),
    )


def nothing_written(order) -> None:
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert not ReturnRequest.objects.exists()
    assert not ReturnPhoto.objects.exists()
    assert OrderEvent.objects.filter(order=order).count() == 1


def request_return(market):
    return return_request_create(
        order=market.order, buyer=market.buyer, reason="Kancingnya lepas", photos=[upload()]
    )


# --- The buyer asks ----------------------------------------------------------------------------


def test_buyer_requests_a_return_with_photos_from_the_order_page(client, market):
    client.force_login(market.buyer)
    page = client.get(reverse("order_detail", args=[market.order.number]))
    assert page.context["return_form"] is not None

    before = timezone.now()
    response = client.post(
        reverse("order_return_request", args=[market.order.number]),
        {"reason": "Kancingnya lepas", "photos": [upload("a.jpg"), upload("b.jpg", fmt="PNG")]},
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Your return request is sent. The seller has 48 hours to respond."]
    order = Order.objects.get(pk=market.order.pk)
    assert order.status == OrderStatus.RETURN_REQUESTED
    return_request = ReturnRequest.objects.get(order=order)
    assert (return_request.reason, return_request.status) == ("Kancingnya lepas", ReturnStatus.REQUESTED)
    assert before + timedelta(hours=48) <= return_request.respond_by <= timezone.now() + timedelta(hours=48)
    photos = list(return_request.photos.all())
    assert len(photos) == 2
    assert all(photo.image.name.startswith("returns/") for photo in photos)
    assert list(order.events.values_list("from_status", "to_status", "actor")) == [
        ("", OrderStatus.DELIVERED, market.buyer.pk),
        (OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED, market.buyer.pk),
    ]
    page = client.get(reverse("order_detail", args=[order.number]))
    assert page.context["return_request"] == return_request
    assert page.context["return_form"] is None
    assert b"Requested" in page.content


def test_outside_the_window_is_refused(client, market):
    deliver(market.order, hours_ago=49)
    client.force_login(market.buyer)

    response = client.post(
        reverse("order_return_request", args=[market.order.number]), {"reason": "Telat", "photos": [upload()]}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["The return window has closed (2 days after delivery)."]
    with pytest.raises(ReturnNotAllowed) as refusal:
        request_return(market)
    assert refusal.value.code == "window_closed"
    nothing_written(market.order)


def test_an_order_not_delivered_is_refused(market):
    shipped = make_order(shop=market.shop_a, buyer=market.buyer, status=OrderStatus.SHIPPED)

    with pytest.raises(ReturnNotAllowed) as refusal:
        return_request_create(order=shipped, buyer=market.buyer, reason="Belum sampai", photos=[upload()])

    assert refusal.value.code == "not_delivered"
    assert Order.objects.get(pk=shipped.pk).status == OrderStatus.SHIPPED
    assert not ReturnRequest.objects.exists()
    assert not ReturnPhoto.objects.exists()


def test_another_buyers_order_is_refused(client, market):
    stranger = factories.UserFactory(username="penyusup")
    client.force_login(stranger)

    response = client.post(
        reverse("order_return_request", args=[market.order.number]),
        {"reason": "Mau uang", "photos": [upload()]},
    )
    with pytest.raises(ReturnNotAllowed) as refusal:
        return_request_create(order=market.order, buyer=stranger, reason="Mau uang")

    assert response.status_code == 404
    assert refusal.value.code == "not_buyer"
    nothing_written(market.order)


def test_only_one_return_per_order(market):
    request_return(market)

    with pytest.raises(ReturnNotAllowed):
        request_return(market)

    assert ReturnRequest.objects.count() == 1
    assert ReturnPhoto.objects.count() == 1


@pytest.mark.parametrize(
    ("photo", "error"),
    [
        (SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"), "this file is not one"),
        ("bomb", "too many pixels"),
    ],
)
def test_a_bad_file_or_a_bomb_is_a_form_error(client, market, settings, photo, error):
    if photo == "bomb":
        settings.IMAGE_MAX_PIXELS = 1000
        photo = upload(size=(100, 100))
    client.force_login(market.buyer)

    response = client.post(
        reverse("order_return_request", args=[market.order.number]), {"reason": "Rusak", "photos": [photo]}
    )

    assert response.status_code == 400
    assert error in str(response.context["return_form"].errors["photos"])
    nothing_written(market.order)


def test_more_than_three_photos_is_a_form_error(client, market):
    client.force_login(market.buyer)

    response = client.post(
        reverse("order_return_request", args=[market.order.number]),
        {"reason": "Rusak", "photos": [upload(f"{i}.jpg") for i in range(4)]},
    )

    assert response.status_code == 400
    assert response.context["return_form"].errors["photos"] == ["Attach at most 3 photos."]
    nothing_written(market.order)


# --- The seller decides ------------------------------------------------------------------------


def test_seller_approves_in_the_admin_and_the_refund_is_recorded(client, market):
    return_request = request_return(market)
    client.force_login(market.seller_a)

    listing = client.get(RETURNS)
    response = client.post(RETURNS, {"action": "approve_selected", "_selected_action": [return_request.pk]})

    assert [obj.pk for obj in listing.context["cl"].result_list] == [return_request.pk]
    assert messages_of(response) == ["1 return approved."]
    decided = ReturnRequest.objects.get(pk=return_request.pk)
    assert (decided.status, decided.decided_by, decided.refund_amount) == (
        ReturnStatus.APPROVED,
        market.seller_a,
        market.order.total,
    )
    assert decided.refunded_at == decided.decided_at
    assert Order.objects.get(pk=market.order.pk).status == OrderStatus.RETURNED
    assert list(Notification.objects.values_list("user_id", "kind", "title")) == [
        (market.buyer.pk, "return_decided", f"Your return of order {market.order.number} is approved")
    ]


def test_seller_rejects_with_a_note_and_the_order_completes(client, market):
    return_request = request_return(market)
    client.force_login(market.seller_a)

    ask = client.post(RETURNS, {"action": "reject_selected", "_selected_action": [return_request.pk]})
    response = client.post(
        RETURNS,
        {
            "action": "reject_selected",
            "_selected_action": [return_request.pk],
            "apply": "1",
            "reason": "Kancing lepas karena dipakai, bukan cacat pabrik.",
        },
    )

    assert ask.status_code == 200
    assert messages_of(response) == ["1 return rejected."]
    decided = ReturnRequest.objects.get(pk=return_request.pk)
    assert (decided.status, decided.decision_note, decided.refund_amount, decided.refunded_at) == (
        ReturnStatus.REJECTED,
        "Kancing lepas karena dipakai, bukan cacat pabrik.",
        None,
        None,
    )
    assert Order.objects.get(pk=market.order.pk).status == OrderStatus.COMPLETED
    assert list(Notification.objects.values_list("kind", "body")) == [
        ("return_decided", "Kancing lepas karena dipakai, bukan cacat pabrik.")
    ]


def test_another_seller_cannot_see_or_decide_the_return(client, market):
    return_request = request_return(market)
    client.force_login(market.seller_b)

    listing = client.get(RETURNS)
    page = client.get(reverse("admin:orders_returnrequest_change", args=[return_request.pk]))
    approve = client.post(RETURNS, {"action": "approve_selected", "_selected_action": [return_request.pk]})
    reject = client.post(
        RETURNS,
        {
            "action": "reject_selected",
            "_selected_action": [return_request.pk],
            "apply": "1",
            "reason": "Tidak",
        },
    )

    assert list(listing.context["cl"].result_list) == []
    assert page.status_code == 302  # "not found" sends the admin back to its index
    assert approve.status_code == reject.status_code == 302
    untouched = ReturnRequest.objects.get(pk=return_request.pk)
    assert (untouched.status, untouched.decided_at) == (ReturnStatus.REQUESTED, None)
    assert Order.objects.get(pk=market.order.pk).status == OrderStatus.RETURN_REQUESTED
    assert not Notification.objects.exists()


# --- Nobody decides ----------------------------------------------------------------------------


def test_undecided_after_respond_by_is_approved_automatically_once(market):
    return_request = request_return(market)
    ReturnRequest.objects.filter(pk=return_request.pk).update(
        respond_by=timezone.now() - timedelta(minutes=1)
    )

    assert tasks.auto_approve_overdue_returns() == 1
    assert tasks.auto_approve_overdue_returns() == 0

    decided = ReturnRequest.objects.get(pk=return_request.pk)
    assert (decided.status, decided.decided_by, decided.refund_amount) == (
        ReturnStatus.AUTO_APPROVED,
        None,
        market.order.total,
    )
    assert Order.objects.get(pk=market.order.pk).status == OrderStatus.RETURNED
    assert Notification.objects.filter(kind="return_decided").count() == 1


def test_before_respond_by_nothing_is_approved(market):
    return_request = request_return(market)

    assert returns_auto_approve() == 0
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.REQUESTED
