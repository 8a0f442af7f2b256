"""Browser tests: Debian's Chromium driven by Playwright, against the real servers.

Playwright never downloads a browser here: it launches /usr/bin/chromium (make test installs it).
"""

import os
from pathlib import Path

import pytest

from tests.kit import servers

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    servers.collect_static(root)
    return root


@pytest.fixture
def media_root(settings, tmp_path):
    # The server and the test share one media folder: images a test uploads are what it serves.
    root = tmp_path / "media"
    root.mkdir(exist_ok=True)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def server_url(transactional_db, static_root, media_root):
    with servers.gunicorn(servers.server_env(static_root, media_root)) as url:
        yield url


@pytest.fixture(scope="session")
def playwright():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still plain synchronous calls, so allow them. One driver per test run:
    # a second sync_playwright() in the same thread is refused.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
