"""Celery jobs of live selling: a few lines each, calling a service that is safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from live import claims, deals, notifications


# Reminders are marked and followers skipped once told (live.notifications.session_notify_live), so a
# redelivered or retried message tells nobody twice: acks_late is safe.
@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def notify_session_live(session_id: int) -> int:
    return notifications.session_notify_live(session_id=session_id)


# Both jobs work one row per transaction and re-check it under its lock (live/deals.py,
# live/claims.py), so a redelivered or retried run ends or passes on nothing twice.
db_job = shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5
)


@db_job
def end_due_flash_deals() -> int:
    return deals.deals_end_due()


@db_job
def pass_lapsed_item_claims() -> int:
    return claims.item_claims_pass_lapsed()
