"""Playwright on Debian's chromium, and what every page is checked for: axe, overflow, shots."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import REPO_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = REPO_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
WIDTHS = {"mobile": 375, "desktop": 1280}
BLOCKING = ("serious", "critical")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless chromium from the system: Playwright never downloads a browser here."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} missing: ./dev.sh bootstrap installs Debian's chromium")
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    with sync_playwright() as playwright:
        flags = ["--no-sandbox", "--mute-audio", "--autoplay-policy=no-user-gesture-required"]
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=flags)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands.

    Evaluated, not added as a <script>: the dashboard's CSP allows only its own scripts.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await window.axe.run(document)")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"] if v["impact"] in BLOCKING]  # fmt: skip


def horizontal_overflow(page: Page) -> int:
    """Pixels the page is wider than the viewport (0: nothing to scroll sideways)."""
    return int(page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def check_page(page: Page, name: str) -> None:
    """At 375 and 1280 px: a screenshot, no horizontal overflow at 375, no serious axe finding."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, Any] = {}
    original = page.viewport_size
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(250)  # layout settles after the resize
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        if label == "mobile":
            found["overflow_px"] = horizontal_overflow(page)
        found[f"axe_{label}"] = axe_violations(page)
    if original:
        page.set_viewport_size(original)
    problems = {k: v for k, v in found.items() if v}
    assert problems == {}, f"{name}: {json.dumps(problems, indent=1)}"
