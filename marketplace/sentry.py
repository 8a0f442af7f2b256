"""Error reports to Sentry, only when SENTRY_DSN is set (marketplace/settings.py calls this).

No personal data leaves: `send_default_pii=False` keeps out the user, their address (IP) and
cookies; request bodies are never attached (checkout forms carry names, phone numbers and
addresses); local variables are not sent with stack frames (they hold the same); and `scrub`
drops whatever of the request an integration still put in the event.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

# Request headers that may say who is asking; the rest (Host, User-Agent...) help to debug.
PRIVATE_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "x-csrftoken"}


def scrub(event, hint):
    request = event.get("request")
    if request:
        for key in ("cookies", "data", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {
            name: value for name, value in headers.items() if name.lower() not in PRIVATE_HEADERS
        }
    event.pop("user", None)
    return event


def sentry_init(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub,
        before_send_transaction=scrub,
        traces_sample_rate=traces_sample_rate,
    )
