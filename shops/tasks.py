from celery import shared_task

from shops import services


@shared_task(acks_late=True)  # one idempotent UPDATE: safe to run again after a worker dies
def refresh_category_typical_prices() -> int:
    return services.category_refresh_typical_prices()
