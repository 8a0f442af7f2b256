"""OrderEvent gets a typed `kind` and its `params`; existing rows are read into them.

Rows wrote an English sentence into `note` for the system's moves; those become their kind, and
what a person typed (a cancel or return reason, a seller's note, a courier's text) stays as the
`note` parameter, shown as typed. The next migration drops the `note` column.
"""

import django.db.models
from django.db import migrations, models

# The English notes the code wrote before events were typed (orders/lifecycle.py, returns.py).
PAYMENT_EXPIRED_REASON = "Payment window expired"
AUTO_COMPLETE_NOTE = "Completed automatically after delivery"
AUTO_APPROVE_NOTE = "Return approved automatically: the seller did not respond in time"
PAID_VIA = "Paid via "

KIND_BY_MOVE = {
    ("awaiting_payment", "to_ship"): "paid",
    ("awaiting_payment", "cancelled"): "cancelled",
    ("to_ship", "cancelled"): "cancelled",
    ("to_ship", "shipped"): "shipped",
    ("shipped", "delivered"): "delivered",
    ("delivered", "completed"): "completed",
    ("delivered", "return_requested"): "return_requested",
    ("return_requested", "returned"): "return_approved",
    ("return_requested", "completed"): "return_rejected",
}


def kind_and_params(event, shipment) -> tuple[str, dict]:
    note = event.note or ""
    if not event.from_status:
        return "placed", {}
    if note == PAYMENT_EXPIRED_REASON and event.to_status == "cancelled":
        return "payment_expired", {}
    if note == AUTO_COMPLETE_NOTE:
        return "auto_completed", {}
    if note == AUTO_APPROVE_NOTE:
        return "return_auto_approved", {}
    kind = KIND_BY_MOVE.get((event.from_status, event.to_status), "cancelled")
    if kind == "paid" and note.startswith(PAID_VIA):
        return kind, {"gateway": note.removeprefix(PAID_VIA)}
    if kind == "shipped":
        if shipment is not None:
            return kind, {"carrier": shipment.carrier, "tracking_number": shipment.tracking_number}
        carrier, _, tracking = note.rpartition(" ")
        return kind, {"carrier": carrier, "tracking_number": tracking}
    return kind, {"note": note} if note else {}


def fill_kinds(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    Shipment = apps.get_model("orders", "Shipment")
    shipments = {shipment.order_id: shipment for shipment in Shipment.objects.all()}
    batch = []
    for event in OrderEvent.objects.order_by("id").iterator(chunk_size=2000):
        event.kind, event.params = kind_and_params(event, shipments.get(event.order_id))
        batch.append(event)
        if len(batch) >= 2000:
            OrderEvent.objects.bulk_update(batch, ["kind", "params"])
            batch = []
    OrderEvent.objects.bulk_update(batch, ["kind", "params"])


def fill_notes(apps, schema_editor):
    """Back: the note column from the params, and the system's English sentences."""
    OrderEvent = apps.get_model("orders", "OrderEvent")
    english = {
        "payment_expired": PAYMENT_EXPIRED_REASON,
        "auto_completed": AUTO_COMPLETE_NOTE,
        "return_auto_approved": AUTO_APPROVE_NOTE,
    }
    for event in OrderEvent.objects.order_by("id").iterator():
        params = event.params or {}
        if event.kind == "paid" and "gateway" in params:
            event.note = PAID_VIA + params["gateway"]
        elif event.kind == "shipped":
            event.note = f"{params.get('carrier', '')} {params.get('tracking_number', '')}".strip()
        else:
            event.note = english.get(event.kind, params.get("note", ""))
        event.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_paymentnotification_rejection")]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("placed", "Placed"),
                    ("paid", "Paid"),
                    ("cancelled", "Cancelled"),
                    ("payment_expired", "Payment expired"),
                    ("shipped", "Shipped"),
                    ("delivered", "Delivered"),
                    ("completed", "Completed"),
                    ("auto_completed", "Completed automatically"),
                    ("return_requested", "Return requested"),
                    ("return_approved", "Return approved"),
                    ("return_auto_approved", "Return approved automatically"),
                    ("return_rejected", "Return declined"),
                ],
                default="placed",
                max_length=32,
                verbose_name="event",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="orderevent",
            name="params",
            field=django.db.models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.RunPython(fill_kinds, fill_notes),
    ]
