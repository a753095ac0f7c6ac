"""Notebook 07 in a real browser: Voilà renders it, Playwright drives Chromium.

Waits for the explorer's table, takes the book's picture of it as tools/screenshot_explorer.py
does (compared with the committed book/images/explorer.png), selects a group, checks its
containers and logs, presses Start on the stopped web server (an async SDK operation in the
kernel) and saves a screenshot to test-artifacts/explorer.png. Skipped without Chromium, unless
ACI_REQUIRE_BROWSER=1 (CI), then it fails.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import screenshot_explorer  # from tools/

pytestmark = pytest.mark.slow(20)  # longest first under pytest-xdist (see conftest.py)
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "07_widget_explorer.ipynb"
RENDER_TIMEOUT_MS = 40_000  # until the table is on the page (the kernel runs the notebook)
STEP_TIMEOUT_MS = 15_000


@pytest.fixture
def voila(jupyter_server):
    """Voilà serving notebook 07 on a free localhost port, with throwaway Jupyter dirs."""
    port, log = jupyter_server("voila", [str(NOTEBOOK), "--no-browser", "--port={port}",
                                         "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
                                         "--show_tracebacks=True"])
    return f"http://127.0.0.1:{port}/"


def test_explorer_in_voila(voila, new_page, screenshot):
    from playwright.sync_api import expect

    started = time.monotonic()
    page, errors = new_page({"width": 1440, "height": 1100}, STEP_TIMEOUT_MS)
    page.goto(voila, timeout=STEP_TIMEOUT_MS)

    rows = page.locator(".aci-explorer .aci-row")
    expect(rows).to_have_count(3, timeout=RENDER_TIMEOUT_MS)
    # the book's picture, as tools/screenshot_explorer.py takes it: the same size as the
    # committed one (pixels may differ with fonts; the size says the layout is the same)
    fresh = screenshot_explorer.capture(page, screenshot.dir / "explorer-book.png")
    committed = screenshot_explorer.OUT.read_bytes()
    size = (int.from_bytes(fresh.read_bytes()[16:20], "big"),
            int.from_bytes(fresh.read_bytes()[20:24], "big"))
    assert size[0] == int.from_bytes(committed[16:20], "big"), size
    assert abs(size[1] - int.from_bytes(committed[20:24], "big")) <= 40, size
    page.set_viewport_size({"width": 1440, "height": 1100})
    # notebook 07 stopped the web server in its "Try it" cell
    expect(page.locator(".aci-explorer .aci-row .aci-state-stopped")).to_have_count(1)
    expect(page.locator(".aci-explorer .aci-row .aci-state-running")).to_have_count(1)
    expect(page.locator(".aci-explorer .aci-row .aci-state-succeeded")).to_have_count(1)

    # start the stopped web server: begin_start runs as a task in the kernel's loop
    details = page.locator(".aci-explorer .aci-details")
    page.locator(".aci-explorer .aci-row button", has_text="web-").click()
    expect(details).to_contain_text("Stopped")
    page.locator(".aci-explorer button", has_text="Start").first.click()
    expect(page.locator(".aci-explorer .aci-ok")).to_contain_text("Start web-")
    expect(page.locator(".aci-explorer .aci-row .aci-state-running")).to_have_count(2)

    # select the app + sidecar group: its two containers and its log
    page.locator(".aci-explorer .aci-row button", has_text="duo-").click()
    expect(details.locator(".aci-containers")).to_contain_text("aci-tutorial-sidecar")
    expect(details.locator(".aci-containers")).to_contain_text("duo-")
    expect(page.locator(".aci-explorer .aci-sdk")).to_contain_text(
        "s.aci.container_groups.get('aci-tutorial-rg', 'duo-")
    page.get_by_role("tab", name="Events").click()
    expect(details.locator(".aci-timeline")).to_contain_text("Started")
    page.get_by_role("tab", name="Logs").click()
    expect(details.locator("pre.aci-log")).to_contain_text("listening on port 80")

    page.locator(".aci-explorer").evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(page, "explorer.png")

    # the create form: the service refuses a bad DNS label, the error shows inline
    page.locator(".aci-explorer").get_by_text("+ Create a container group", exact=True).click()
    dns = page.locator(".aci-explorer .widget-text", has_text="DNS name label").locator("input")
    dns.fill("Bad_Label")
    dns.press("Tab")  # Text widgets sync on change when continuous_update is off
    page.locator(".aci-explorer button", has_text="Create").last.click()
    error = page.locator(".aci-explorer .aci-error")
    expect(error).to_contain_text("InvalidDnsNameLabel")
    expect(error).to_contain_text("The DNS name label 'Bad_Label'")
    expect(rows).to_have_count(3)  # nothing was created
    error.scroll_into_view_if_needed()
    screenshot(page, "explorer-create-error.png")
    assert errors == [], f"JavaScript errors on the page: {errors}"
    elapsed = time.monotonic() - started
    print(f"browser part took {elapsed:.1f} s")
