"""A real Celery worker, on the test database, runs the tracking poll end to end.

The worker is a subprocess (`celery -A marketplace worker`) pointed at the test database and at
a queue of its own (CELERY_TASK_DEFAULT_QUEUE), so leftover messages of other runs never reach it
and its own fan-out (`track_shipment`) stays on that queue. The test commits its data
(`transactional_db`) so the worker sees it, waits at most 60 s, and always stops the worker.
"""

import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from orders import tasks
from orders.enums import OrderStatus, TrackingCode
from orders.models import Order, Shipment, TrackingEvent
from tests.kit.factories import ShopFactory, UserFactory, make_order
from tests.kit.servers import ROOT, database_url

WAIT_SECONDS = 60


@pytest.fixture
def worker(transactional_db, tmp_path):
    queue = f"test-tracking-{uuid.uuid4().hex[:12]}"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "DATABASE_URL": database_url(),
        "DATABASE_POOL": "0",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "SECRET_KEY": "worker-e2e",
        "TRACKING_BACKEND": "simulated",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "marketplace",
                "worker",
                "--queues",
                queue,
                "--pool",
                "solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield queue, process, log_path
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
    assert process.poll() is not None


def test_worker_polls_a_delivered_parcel_and_delivers_the_order(worker):
    queue, process, log_path = worker
    # No email address: the delivery notification queues no email to leave behind.
    order = make_order(
        shop=ShopFactory(city="Bandung"),
        buyer=UserFactory(email=""),
        status=OrderStatus.SHIPPED,
        city="Surabaya",
    )
    Shipment.objects.filter(order=order).update(
        tracking_number="JNE0001", shipped_at=timezone.now() - timedelta(days=6)
    )

    started = time.monotonic()
    tasks.poll_active_shipments.apply_async(queue=queue)

    deadline = started + WAIT_SECONDS
    while Order.objects.get(pk=order.pk).status != OrderStatus.DELIVERED:
        assert process.poll() is None, log_path.read_text()[-3000:]
        assert time.monotonic() < deadline, log_path.read_text()[-3000:]
        time.sleep(0.2)

    shipment = Shipment.objects.get(order=order)
    assert shipment.delivered_at is not None
    assert list(TrackingEvent.objects.filter(shipment=shipment).values_list("code", "location")) == [
        (TrackingCode.PICKED_UP, "Bandung"),
        (TrackingCode.IN_TRANSIT, "Hub Bandung"),
        (TrackingCode.IN_TRANSIT, "Hub Jakarta"),
        (TrackingCode.IN_TRANSIT, "Hub Surabaya"),
        (TrackingCode.OUT_FOR_DELIVERY, "Surabaya"),
        (TrackingCode.DELIVERED, "Surabaya"),
    ]
    assert order.buyer.notifications.filter(kind="order_delivered").count() == 1
