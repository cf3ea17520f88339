"""Real-browser tests: Playwright drives Chromium against pytest-django's live server.

Debian's /usr/bin/chromium is used when it exists, else Playwright's own Chromium if it was installed
(`playwright install chromium`). With neither, these tests are skipped with a clear reason, unless
REQUIRE_BROWSER=1 (as CI sets), which turns the skip into a failure.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread, which Django's ORM
# takes for async code; the tests themselves are synchronous, so allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# Root in containers needs --no-sandbox; the rest keeps Chromium off the network (there is none).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 800}


def playwright_chromium_installed() -> bool:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return Path(playwright.chromium.executable_path).exists()


def no_browser_reason() -> str | None:
    if DEBIAN_CHROMIUM.exists() or playwright_chromium_installed():
        return None
    return (
        "no Chromium: install Debian's (apt-get install chromium) or Playwright's "
        "(.venv/bin/playwright install chromium) to run the browser tests"
    )


def pytest_configure(config):
    # pytest-playwright's own base_url fixture triggers a deprecation warning on pytest 9: not ours.
    config.addinivalue_line("filterwarnings", "ignore:Session-scoped fixtures defined as instance methods")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.path.is_relative_to(HERE)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    reason = no_browser_reason() if browser_items else None
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"Browser tests skipped: {reason}"))


def pytest_report_header(config):
    if DEBIAN_CHROMIUM.exists():
        return f"browser tests: {DEBIAN_CHROMIUM}"
    return "browser tests: Playwright's own Chromium, if installed"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """One Chromium for the whole session (pytest-playwright's `browser` is session-scoped)."""
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if DEBIAN_CHROMIUM.exists():
        args["executable_path"] = str(DEBIAN_CHROMIUM)
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-IN", "timezone_id": "Asia/Kolkata"}


@pytest.fixture
def site(live_server, transactional_db):
    """The live site's base URL, with the database as `make run` leaves it."""
    call_command("load_initial_data", verbosity=0)
    return live_server.url


@pytest.fixture
def page(page):
    # Fail fast: a missing element should fail in seconds, not after Playwright's 30 s default.
    page.set_default_timeout(5_000)
    return page
