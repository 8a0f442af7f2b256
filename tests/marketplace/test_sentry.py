"""Sentry is off unless SENTRY_DSN is set; on, it sends no personal data.

Each setting is read once at start, so each case is a process of its own. The DSN names a closed
port on this machine, and the client's transport is replaced by one that only records: nothing is
sent anywhere.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from marketplace.sentry import scrub

ROOT = Path(__file__).resolve().parent.parent.parent
DUMMY_DSN = "http://public@127.0.0.1:9/1"

REPORT = """
import json, sys
import django
django.setup()
loaded = "sentry_sdk" in sys.modules
report = {"loaded": loaded}
if loaded:
    import sentry_sdk
    from sentry_sdk.transport import Transport

    class Recording(Transport):
        sent = []
        def capture_envelope(self, envelope):
            self.sent.append(envelope)

    client = sentry_sdk.get_client()
    client.transport = Recording(client.options)
    report.update(
        active=client.is_active(),
        pii=client.options["send_default_pii"],
        environment=client.options["environment"],
        release=client.options["release"],
        body=client.options["max_request_body_size"],
        local_variables=client.options["include_local_variables"],
        integrations=sorted(client.integrations),
    )
print(json.dumps(report))
"""


def run_settings(**environment) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env.update(DJANGO_SETTINGS_MODULE="marketplace.settings", **environment)
    result = subprocess.run(
        [sys.executable, "-c", REPORT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_dsn_sentry_is_not_even_imported():
    assert run_settings() == {"loaded": False}


def test_with_a_dsn_it_starts_with_django_celery_and_redis_and_without_personal_data():
    report = run_settings(SENTRY_DSN=DUMMY_DSN, SENTRY_ENVIRONMENT="staging", SENTRY_RELEASE="abc123")

    assert report["active"] is True
    assert {"django", "celery", "redis"} <= set(report["integrations"])
    assert (report["environment"], report["release"]) == ("staging", "abc123")
    assert report["pii"] is False
    assert report["body"] == "never"
    assert report["local_variables"] is False


def test_what_an_integration_still_put_in_an_event_about_the_request_is_dropped():
    event = {
        "message": "boom",
        "user": {"id": 7, "email": "siti@example.com", "ip_address": "203.0.113.9"},
        "request": {
            "url": "https://lapak.example.com/checkout/",
            "method": "POST",
            "cookies": {"sessionid": "secret"},
            "data": {"phone": "081234567890", "address": "Jl. Merdeka 1"},
            "query_string": "phone=081234567890",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {
                "Cookie": "sessionid=secret",
                "Authorization": "Bearer x",
                "X-Forwarded-For": "203.0.113.9",
                "User-Agent": "Firefox",
            },
        },
    }

    scrubbed = scrub(event, hint={})

    assert scrubbed == {
        "message": "boom",
        "request": {
            "url": "https://lapak.example.com/checkout/",
            "method": "POST",
            "headers": {"User-Agent": "Firefox"},
        },
    }
