"""The browser test harness of the web faces (portal and console).

- ``web_db_url``: one SQLite database per test session, built by the demo's own steps (a few loans aged for
  months, a day of collections through the gate so that messages with verification codes exist).
- ``live_server``: the real app under uvicorn on a free local port, in a thread, against that database.
- ``browser``: pytest-playwright's fixture, launched on Debian's ``chromium`` (``/usr/bin/chromium`` or
  ``$FAIRCOLLECT_CHROMIUM``) — Playwright's own browser download cannot work here. Missing chromium fails under
  ``CI=true`` and skips with the reason elsewhere.
- ``web``: a fresh browser context and page per test, once at a phone size (360 × 740) and once at a desktop size,
  with ``web.shot(name)`` (a full-page screenshot under ``test-artifacts/web/``) and ``web.check_a11y()`` (axe-core:
  fails on any serious or critical violation, naming the rule and the elements).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
VIEWPORTS: dict[str, dict[str, int]] = {
    "phone": {"width": 360, "height": 740},
    "desktop": {"width": 1280, "height": 860},
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_START = date(2026, 1, 1)


def chromium_path() -> str | None:
    found = os.environ.get("FAIRCOLLECT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's chromium (pytest-playwright's ``browser`` fixture reads these)."""
    path = chromium_path()
    if path is None:
        reason = "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS, "headless": True}


@dataclass
class WebDemo:
    url: str
    today: date  # the portal's business date in tests: the day after the demo's collections
    loan_ids: list[str]
    sink: Path  # where the portal's one-time codes go (a file sink, as in the demo)


@pytest.fixture(scope="session")
def web_demo(tmp_path_factory: pytest.TempPathFactory) -> WebDemo:
    """A demo database: 24 loans aged four months, then two days of collections (messages with codes)."""
    from datetime import timedelta

    from faircollect.demo import run_demo

    folder = tmp_path_factory.mktemp("webdb")
    os.environ.setdefault("FAIRCOLLECT_AUDIT_KEY_FILE", str(folder / "audit.key"))
    url = f"sqlite:///{folder / 'web.sqlite3'}"
    book, as_of = run_demo(url, loans=24, months=4, seed=11, start=DEMO_START, days=2, nightly=False)
    return WebDemo(url, as_of + timedelta(days=3), list(book.loan_ids), folder / "portal-codes.jsonl")


@pytest.fixture(scope="session")
def web_db_url(web_demo: WebDemo) -> str:
    return web_demo.url


@dataclass
class LiveServer:
    url: str
    database_url: str
    app: Any


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(web_demo: WebDemo) -> Iterator[LiveServer]:
    """The app under uvicorn in a thread on a free port; stopped at the end of the session. One-time codes go to
    ``web_demo.sink`` (a file sink) and the portal's business date is pinned to ``web_demo.today``."""
    from faircollect.api.app import create_app
    from faircollect.messaging.providers import FileSink

    web_db_url = web_demo.url
    app = create_app(database_url=web_db_url)
    # The browser reaches the server through 127.0.0.1 as if through a proxy: each test's browser context sends its
    # own X-Forwarded-For (see ``web``), so each test is its own client for the per-address rate limits (ten
    # sign-ins a minute) — as many staff behind one proxy are in production — instead of all tests sharing one.
    from faircollect.identity.ratelimit import parse_trusted_proxies

    app.state.trusted_proxies = parse_trusted_proxies("127.0.0.1")
    app.state.portal_provider = FileSink(web_demo.sink)
    app.state.portal_today = web_demo.today
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30  # start-up wait, not a timed assertion
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", database_url=web_db_url, app=app)
    server.should_exit = True
    thread.join(timeout=10)


class Web:
    """One browser page at one viewport, with screenshots and the axe-core check."""

    def __init__(self, page: Any, viewport: str, test_name: str, base_url: str) -> None:
        self.page = page
        self.viewport = viewport
        self.base_url = base_url
        self.test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.test_name}--{name}--{self.viewport}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check_a11y(self) -> None:
        """axe-core on the page as it is now: no serious or critical violation."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        detail = "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(n["target"][0] for n in v["nodes"][:3])
            for v in bad
        )
        assert not bad, f"axe-core on {self.page.url} at {self.viewport}: {detail}"


_client_numbers = itertools.count(1)


@pytest.fixture(params=list(VIEWPORTS))
def web(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer) -> Iterator[Web]:
    """A fresh context (no cookies) and page, at a phone size and at a desktop size; zh-CN browser by default."""
    viewport = request.param
    n = next(_client_numbers)
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        locale="zh-CN",
        extra_http_headers={"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"},
    )
    page = context.new_page()
    yield Web(page, viewport, request.node.originalname, live_server.url)
    context.close()
