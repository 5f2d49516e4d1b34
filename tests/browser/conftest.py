"""Headless Chromium (Debian's, never a downloaded one) for the browser tests.

One browser per session, a fresh context (cookies, storage) per test, a screenshot in
test-artifacts/ when a test fails, and a record of the things a page can get wrong without the
test noticing: uncaught JavaScript errors and server errors (htmx swaps nothing on a 5xx).
"""

import os
import re
import signal
from contextlib import contextmanager

import pytest

from tests.conftest import ARTIFACTS

# Playwright's sync API runs an asyncio event loop in this thread; the tests still use the ORM
# (factories, assertions) between browser steps, which Django otherwise refuses in that case.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell a failed test at teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, live_server, artifacts_dir):
    """A page in a fresh browser context whose relative URLs go to the live server."""
    context = browser.new_context(
        base_url=live_server.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    # A blocked script, style or image shows only in the console: the policy refused it.
    page.on(
        "console",
        lambda message: (
            problems.append(f"Refused by the content security policy: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} from {response.request.method} {response.url}")
            if response.status >= 500
            else None
        ),
    )
    yield page
    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::")[-1])
        try:
            page.screenshot(path=str(artifacts_dir / f"failed-{name}.png"), full_page=True)
        except Exception as error:  # the page may be gone; the test's own failure matters more
            print(f"Could not save a screenshot of the failed test: {error}")
    context.close()
    if problems and not failed:
        pytest.fail("The pages reported problems:\n" + "\n".join(problems), pytrace=False)


@contextmanager
def worker_paused(worker_process):
    """Hold the Celery worker (SIGSTOP) so a test can see what a page shows before grading.

    The worker's main process fetches and dispatches the messages; while it is stopped nothing
    is processed, and on SIGCONT it carries on with what arrived meanwhile.
    """
    os.kill(worker_process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(worker_process.pid, signal.SIGCONT)
