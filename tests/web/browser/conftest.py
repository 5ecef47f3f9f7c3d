"""Browser test fixtures: a seeded hub served by uvicorn on 127.0.0.1 and Debian's chromium driven by Playwright.

``live_hub`` (module scope): tests/web/page_world.py's hub in a temporary SQLite file, served by a real uvicorn
server on a free port; ``.url``, ``.world``. ``browser``: headless chromium from /usr/bin/chromium (no browser
download); the tests skip cleanly when chromium or Playwright is missing. ``page_as(user, lang="ar")``: a new
page of a fresh context, signed in through the form. ``screenshot(page, name)``: a full-page PNG in
``$MARSAD_SCREENSHOTS`` (default /tmp/marsad-screens; never committed).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from marsad.config import load_settings
from marsad.web.app import create_app
from tests.web.page_world import PASSWORD, page_world

CHROMIUM = os.environ.get("MARSAD_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("MARSAD_SCREENSHOTS", "/tmp/marsad-screens"))

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
uvicorn = pytest.importorskip("uvicorn")


class LiveHub:
    def __init__(self, url: str, world, server, thread):
        self.url, self.world, self.server, self.thread = url, world, server, thread


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_hub(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hub")
    world = page_world(f"sqlite:///{folder / 'marsad.db'}")
    port = _free_port()
    settings = load_settings(data_dir=folder, secret_key="browser-tests-" + "k" * 32, host="127.0.0.1", port=port)
    app = create_app(settings, engine=world.engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield LiveHub(f"http://127.0.0.1:{port}", world, server, thread)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"no chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, live_hub):
    contexts = []

    def open_page(user: str | None, lang: str = "ar", password: str = PASSWORD):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=lang)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_hub.url}/sign-in?lang={lang}")
        if user:
            page.fill("#username", user)
            page.fill("#password", password)
            page.click("form[action='/sign-in'] button[type=submit]")
            page.wait_for_load_state("networkidle")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
