from celery import shared_task
from django.db import OperationalError

from orders import services


# Each order is cancelled in its own transaction and re-checked under its lock, so a redelivered
# or retried run cancels nothing twice: acks_late is safe. A lost connection is worth a retry;
# anything else is a bug to see, not to retry.
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def expire_unpaid_orders() -> int:
    return services.orders_expire_unpaid()
