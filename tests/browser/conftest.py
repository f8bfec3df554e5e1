"""Browser tests: the real app on a live port, driven by dash_duo in headless Chromium.

Chromium comes from Debian (`chromium`, `chromium-driver`). Without it these
tests are skipped with a loud reason; CI installs it and fails on a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import socket

import pytest
from selenium.webdriver.chrome.options import Options

from dashboard import create_app
from tests.servers import CHROMIUM_FLAGS

CHROMEDRIVER = shutil.which("chromedriver")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if CHROMEDRIVER is None:
                item.add_marker(
                    pytest.mark.skip(
                        reason="BROWSER TEST SKIPPED: chromedriver not found — "
                        "apt-get install chromium chromium-driver"
                    )
                )


# --- the browser's console -----------------------------------------------------------------
#
# Every browser test fails on an error or a warning in the browser's console (our scripts',
# Dash's, AG Grid's, plotly.js's, the browser's own about our pages: a CSP violation, a
# failed request), except the few below: a page's own status that the app chose on
# purpose, which Chromium reports as a failed load although nothing failed.

ALLOWED_CONSOLE = [
    # A page the role may not open, or that does not exist, answers 403/404 on purpose
    # (shell.page_status) while the app explains why; Chromium logs the status of the
    # page's own address. Only the document: a script, a style or a callback answering
    # 4xx still fails.
    re.compile(
        r"^https?://[^/ ]+/[^ ?#]*(\?[^ ]*)? - Failed to load resource: the server responded "
        r"with a status of (403 \(FORBIDDEN\)|404 \(NOT FOUND\))$"
    ),
    # The login form sent with a wrong password answers 401, and while the address must
    # wait 429, on purpose (dashboard/auth.py): the form shows why.
    re.compile(
        r"^https?://[^/ ]+/login(\?[^ ]*)? - Failed to load resource: the server responded "
        r"with a status of (401 \(UNAUTHORIZED\)|429 \(TOO MANY REQUESTS\))$"
    ),
]


class _ConsoleOptions(Options):
    """Chrome's options for dash_duo, keeping warnings in the browser log: dash_duo asks
    for SEVERE only (dash.testing.browser), after ours are set. With Chromium's own
    background work off (``tests.servers.CHROMIUM_FLAGS``)."""

    def __init__(self) -> None:
        super().__init__()
        for flag in CHROMIUM_FLAGS:
            self.add_argument(flag)

    def set_capability(self, name, value):
        if name == "goog:loggingPrefs":
            value = {**value, "browser": "WARNING"}
        super().set_capability(name, value)


def pytest_setup_options():
    return _ConsoleOptions()


def console_problems(duo) -> list[str]:
    """The errors and warnings in the browser's console since the last look, less the
    allowed ones (a failed load only for an address the test opened as a page)."""
    problems = []
    for entry in duo.get_logs():
        if entry["level"] not in ("SEVERE", "WARNING"):
            continue
        message = entry["message"]
        if _is_document(message) and any(p.match(message) for p in ALLOWED_CONSOLE):
            continue
        problems.append(f"{entry['level']}: {message}")
    return problems


def _is_document(message: str) -> bool:
    """Whether a failed load is of a page the test opened (its address is no script,
    style, callback or download of the app's)."""
    url = message.split(" - ", 1)[0]
    path = url.split("://", 1)[-1].partition("/")[2].partition("?")[0]
    return not path.startswith(("_", "assets/", "bootstrap/", "vendor/", "exports/"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield  # a test that failed already is not checked again
    duo = getattr(item, "funcargs", {}).get("dash_duo")
    if duo is not None:
        problems = console_problems(duo)
        if problems:
            pytest.fail("The browser's console:\n" + "\n".join(problems), pytrace=False)
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def parkdesk(dash_duo, config, staff_ids):
    """dash_duo serving a fresh Parkdesk app (behind the login, so no auto-navigation)."""
    app = create_app(config)
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.start_server(app, navigate=False, port=_free_port())
    yield dash_duo
    app.server.extensions["parkdesk_db"].dispose()


@pytest.fixture
def seeded_parkdesk(dash_duo, config, db):
    """dash_duo serving Parkdesk over a small demo year (which brings the demo staff)."""
    import demo
    from tests.conftest import demo_today

    demo.seed(db.engine, orders=1_500, seed=3, today=demo_today())
    app = create_app(config)
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.start_server(app, navigate=False, port=_free_port())
    yield dash_duo
    app.server.extensions["parkdesk_db"].dispose()


def log_in(duo, email: str, password: str = "demo") -> None:
    duo.driver.get(duo.server.url + "/login")
    duo.wait_for_element("#login-email").send_keys(email)
    duo.find_element("#login-password").send_keys(password)
    duo.find_element("#login-submit").click()
    duo.wait_for_element("#nav-user", timeout=10)


def click(duo, selector: str) -> None:
    """Click an element after scrolling it to the middle of the window, where nothing
    (a sticky bar, the window's edge) can be over it."""
    element = duo.wait_for_element(selector)
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def press(duo, selector: str) -> None:
    """Press a button from the keyboard (focus + Enter), as a keyboard user would; nothing
    drawn over it (a tooltip, the window's edge) can get in the way."""
    from selenium.webdriver.common.keys import Keys

    duo.wait_for_element(selector).send_keys(Keys.ENTER)


def log_out(duo) -> None:
    duo.find_element("#logout").click()
    duo.wait_for_element("#login-email", timeout=10)


os.environ.setdefault("DASH_TEST_CHROMEPATH", shutil.which("chromium") or "")
