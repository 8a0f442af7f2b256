"""Celery jobs of live selling: a few lines each, calling a service that is safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from live import services


# Reminders are marked and followers skipped once told (live.services.session_notify_live), so a
# redelivered or retried message tells nobody twice: acks_late is safe.
@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def notify_session_live(session_id: int) -> int:
    return services.session_notify_live(session_id=session_id)
