"""The environment `make run` gives every process: addresses follow the PORT asked for.

The whole launcher runs in tests/test_make_run.py; this checks what it hands the processes.
"""

from scripts.devstack import run_environment


def test_the_site_url_follows_the_port_so_emails_link_to_the_running_site():
    env = run_environment({"PORT": "9000"})

    # the Celery worker builds email links from SITE_URL (marketplace/tasks.py)
    assert env["SITE_URL"] == "http://127.0.0.1:9000"
    assert env["LIVE_WEBSOCKET_ORIGIN"] == "ws://127.0.0.1:9100"
    assert env["PORT"] == "9000"


def test_without_a_port_the_site_is_on_8000():
    env = run_environment({})

    assert (env["PORT"], env["SITE_URL"], env["LIVE_WEBSOCKET_ORIGIN"]) == (
        "8000",
        "http://127.0.0.1:8000",
        "ws://127.0.0.1:8100",
    )
    assert env["DEBUG"] == "1"


def test_an_explicit_site_url_wins_over_the_port():
    given = {"PORT": "9000", "SITE_URL": "https://lapak.example.com", "DEBUG": "0"}

    env = run_environment(given)

    assert env["SITE_URL"] == "https://lapak.example.com"
    assert env["DEBUG"] == "0"
    assert given == {"PORT": "9000", "SITE_URL": "https://lapak.example.com", "DEBUG": "0"}  # untouched
