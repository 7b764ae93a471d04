"""The site's episode page in a real browser: Debian's Chromium driven by Playwright
(pytest-playwright's fixtures), the output folder served on 127.0.0.1 with a generated WAV as
the enclosure, axe-core's checks (axe-playwright-python), screenshots at phone and desktop
widths in the test's temporary folder.

Skipped, with the reason, only when no Chromium is installed; where ``CI`` is set a missing
Chromium fails instead (``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import http.server
import io
import os
import re
import shutil
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize

from castline.build import BuildOptions, build
from tests.conftest import CONTENT

#: Where Debian installs Chromium (Playwright's own browser download is not used).
CHROMIUM = Path("/usr/bin/chromium")
#: The demo episode the page tests open, and its enclosure URL's folder.
SLUG = "0001-forecasting-ferries"
MEDIA_PREFIX = "https://media.example.org/harbour-lights/"
#: Seconds of audio generated: longer than the demo episode (3:10).
AUDIO_SECONDS = 200
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def silent_wav(seconds: int) -> bytes:
    """A silent mono WAV, 8 kHz, 8 bits (made with the standard library's wave module)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(b"\x80" * (8000 * seconds))
    return buffer.getvalue()


def handler_for(out: Path, audio: bytes) -> type[http.server.SimpleHTTPRequestHandler]:
    """Serves ``out``; ``/media/*`` is the WAV, with byte ranges (Chromium seeks only in media
    served with ``Accept-Ranges``); the favicon is an empty answer rather than a 404."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(out), **kwargs)

        def do_GET(self) -> None:
            if self.path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
            elif self.path.startswith("/media/"):
                self.send_audio()
            else:
                super().do_GET()

        def send_audio(self) -> None:
            start, end = 0, len(audio) - 1
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if match:
                start = int(match[1])
                end = min(int(match[2]), end) if match[2] else end
            self.send_response(206 if match else 200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start + 1))
            if match:
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(audio)}")
            self.end_headers()
            self.wfile.write(audio[start : end + 1])

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler


@dataclass(frozen=True)
class Site:
    """The built demo show, served."""

    base: str
    out: Path


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL for pytest-playwright's contexts: the tests open full URLs. (This replaces
    pytest-base-url's fixture, a method that current pytest deprecates.)"""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments with Debian's Chromium, and audio that may play
    without a click."""
    if not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--autoplay-policy=no-user-gesture-required"],
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo show, its enclosures pointed at the local server, built and served."""
    root = tmp_path_factory.mktemp("site")
    out = root / "out"
    out.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), handler_for(out, silent_wav(AUDIO_SECONDS))
    )
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    content = root / "content"
    shutil.copytree(CONTENT, content)
    for episode in (content / "episodes").glob("*.md"):
        text = episode.read_text(encoding="utf-8")
        episode.write_text(text.replace(MEDIA_PREFIX, base + "media/"), encoding="utf-8")
    assert build(content, out, BuildOptions(only=("site",), jobs=1)).errors == []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(base, out)
    server.shutdown()
    server.server_close()
    thread.join()


def open_page(page: Page, site: Site, fragment: str = "") -> list[str]:
    """Open the episode page with its audio's metadata loaded; returns the list that collects
    the page's console errors and uncaught exceptions."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site.base}episodes/{SLUG}/{fragment}")
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    return errors


def current_time(page: Page) -> float:
    return float(page.evaluate("document.querySelector('audio').currentTime"))


def highlighted(page: Page) -> list[str]:
    """The data-start of each highlighted segment."""
    found: list[str] = page.eval_on_selector_all(".seg.now", "s => s.map(e => e.dataset.start)")
    return found


def expected_segment(page: Page, seconds: float) -> str:
    """The data-start of the segment playing at ``seconds``, read from the page's own data."""
    starts: list[str] = page.eval_on_selector_all(".seg", "s => s.map(e => e.dataset.start)")
    return [start for start in starts if float(start) <= seconds][-1]


def test_seeking_clicking_and_chapters(page: Page, site: Site) -> None:
    errors = open_page(page, site)
    assert page.is_visible("label.follow") and page.is_checked("#follow")
    assert highlighted(page) == []
    page.evaluate("document.querySelector('audio').currentTime = 95.5")
    page.wait_for_function("document.querySelectorAll('.seg.now').length === 1")
    assert highlighted(page) == [expected_segment(page, 95.5)]
    segment = page.locator(".seg").nth(12)
    start = float(segment.get_attribute("data-start") or "nan")
    segment.click()
    assert abs(current_time(page) - start) < 0.01
    assert highlighted(page) == [segment.get_attribute("data-start")]
    page.get_by_role("link", name="1:30 The marathon night").click()
    assert abs(current_time(page) - 90) < 0.01
    assert page.evaluate("location.hash") == "#t=1:30"
    assert highlighted(page) == [expected_segment(page, 90)]
    # Keyboard: a paragraph's time link, reached with the keyboard, seeks on Enter.
    link = page.locator("a.time").nth(3)
    link.focus()
    page.keyboard.press("Enter")
    assert abs(current_time(page) - float(link.get_attribute("data-start") or "nan")) < 0.01
    assert errors == []


def test_the_fragment_seeks_on_load(page: Page, site: Site) -> None:
    errors = open_page(page, site, "#t=1:30")
    page.wait_for_function("Math.abs(document.querySelector('audio').currentTime - 90) < 0.01")
    page.wait_for_function("document.querySelectorAll('.seg.now').length === 1")
    assert highlighted(page) == [expected_segment(page, 90)]
    assert errors == []


def test_playing_keeps_the_segment_in_view_unless_stopped(page: Page, site: Site) -> None:
    page.set_viewport_size(PHONE)
    errors = open_page(page, site)
    in_view = """() => { const r = document.querySelector('.seg.now').getBoundingClientRect();
                         return r.top >= 0 && r.bottom <= window.innerHeight; }"""
    page.evaluate(
        "() => { const a = document.querySelector('audio'); a.currentTime = 150; return a.play(); }"
    )
    page.wait_for_function(in_view)
    page.evaluate("document.querySelector('audio').pause()")
    page.uncheck("#follow")
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate(
        "() => { const a = document.querySelector('audio'); a.currentTime = 20; return a.play(); }"
    )
    page.wait_for_function("document.querySelector('audio').currentTime > 20.6")
    page.evaluate("document.querySelector('audio').pause()")
    assert page.evaluate("window.scrollY") == 0
    assert highlighted(page) == [expected_segment(page, current_time(page))]
    assert errors == []


def test_without_javascript_everything_is_readable(browser: Browser, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site.base}episodes/{SLUG}/")
    assert not page.is_visible("label.follow")
    assert page.locator(".seg").count() > 20 and page.is_visible(".seg >> nth=0")
    hrefs = page.eval_on_selector_all(
        "a.time, .chapters a", "a => a.map(e => e.getAttribute('href'))"
    )
    assert hrefs and all(re.fullmatch(r"#t=\d+:\d\d", href) for href in hrefs)
    context.close()


@pytest.mark.parametrize(("width", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_axe_finds_no_serious_violation_and_screenshots(
    page: Page, site: Site, tmp_path: Path, width: str, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    errors = open_page(page, site, "#t=0:19")
    page.wait_for_function("document.querySelectorAll('.seg.now').length === 1")
    for name in ("index.html", f"episodes/{SLUG}/"):
        if name == "index.html":
            page.goto(site.base + name)
        results = Axe().run(page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], name
    page.goto(f"{site.base}episodes/{SLUG}/#t=0:19")
    page.wait_for_function("document.querySelectorAll('.seg.now').length === 1")
    shot = tmp_path / f"episode-{width}.png"
    page.screenshot(path=str(shot))
    page.goto(site.base)
    page.screenshot(path=str(tmp_path / f"index-{width}.png"))
    assert shot.stat().st_size > 10_000
    assert errors == []
