from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_order_event_kind_params")]

    operations = [migrations.RemoveField(model_name="orderevent", name="note")]
