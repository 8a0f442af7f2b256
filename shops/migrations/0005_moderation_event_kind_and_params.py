"""ModerationEvent becomes a typed event: `action` is renamed `kind` (same values), and `params`
holds the facts its sentence names. Old RESUBMITTED rows get `changed` back from their reason."""

from django.db import migrations, models

CHANGED_PREFIX = "Changed: "


def fill_params(apps, schema_editor):
    ModerationEvent = apps.get_model("shops", "ModerationEvent")
    rows = ModerationEvent.objects.filter(kind="resubmitted", params={})
    for event in rows.only("reason").iterator():
        changed = event.reason.removeprefix(CHANGED_PREFIX) if event.reason.startswith(CHANGED_PREFIX) else ""
        event.params = {"changed": changed}
        event.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [
        ("shops", "0004_product_allows_cod_product_rating_count_and_more"),
    ]

    operations = [
        migrations.RenameField(model_name="moderationevent", old_name="action", new_name="kind"),
        migrations.AlterField(
            model_name="moderationevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted for review"),
                    ("resubmitted", "Edited, back to review"),
                    ("flagged", "Flagged by pre-screen"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("archived", "Archived"),
                    ("drafted", "Back to draft"),
                    ("shop_suspended", "Shop suspended"),
                    ("shop_reinstated", "Shop reinstated"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="moderationevent",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.RunPython(fill_params, migrations.RunPython.noop, elidable=True),
    ]
