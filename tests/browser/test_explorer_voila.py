"""Notebook 07 in a real browser: Voilà renders it, Playwright drives Chromium.

Waits for the explorer's table, selects a group, checks its containers and logs, presses
Start on the stopped web server (an async SDK operation in the kernel) and saves a
screenshot to test-artifacts/explorer.png. Skipped without Chromium, unless
ACI_REQUIRE_BROWSER=1 (CI), then it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "07_widget_explorer.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ACI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = 30.0  # s, until Voilà answers HTTP
RENDER_TIMEOUT_MS = 40_000  # until the table is on the page (the kernel runs the notebook)
STEP_TIMEOUT_MS = 15_000


def _missing_browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (set ACI_CHROMIUM, or install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        return f"the playwright package is not installed ({err})"
    if shutil.which("voila", path=str(Path(sys.executable).parent)) is None:
        return "voila is not installed in this environment"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def voila(tmp_path):
    """Voilà serving notebook 07 on a free localhost port, with throwaway Jupyter dirs."""
    why = _missing_browser()
    if why:
        if os.environ.get("ACI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ACI_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    port = _free_port()
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_PLATFORM_DIRS": "1",
           "IPYTHONDIR": str(tmp_path / "ipython"),
           "ACI_BACKEND": "emulator", "ACI_EMULATOR_STATE": "memory",
           "ACI_EMULATOR_CLOCK": "instant", "ACI_EMULATOR_SEED": "0",
           "TQDM_DISABLE": "1"}
    log = (tmp_path / "voila.log").open("w")
    cmd = [str(Path(sys.executable).parent / "voila"), str(NOTEBOOK), "--no-browser",
           f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
           "--show_tracebacks=True"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited with {proc.returncode}:\n{(tmp_path / 'voila.log').read_text()[-3000:]}")
            try:
                # A TCP connect, not a GET: every GET of the page starts a kernel.
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"voila did not answer within {SERVER_START_TIMEOUT:g} s")
            time.sleep(0.2)
        yield url, tmp_path / "voila.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def test_explorer_in_voila(voila):
    from playwright.sync_api import expect, sync_playwright

    url, log = voila
    started = time.monotonic()
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=STEP_TIMEOUT_MS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(url, timeout=STEP_TIMEOUT_MS)

            rows = page.locator(".aci-explorer .aci-row")
            expect(rows).to_have_count(3, timeout=RENDER_TIMEOUT_MS)
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

            ARTIFACTS.mkdir(exist_ok=True)
            page.locator(".aci-explorer").evaluate("el => el.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(ARTIFACTS / "explorer.png"))

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
            page.screenshot(path=str(ARTIFACTS / "explorer-create-error.png"))
        except Exception:
            print(f"--- voila log (tail) ---\n{log.read_text()[-4000:]}")  # shown by pytest on failure
            raise
        finally:
            browser.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
    elapsed = time.monotonic() - started
    print(f"browser part took {elapsed:.1f} s")
    assert elapsed < 60, f"too slow: {elapsed:.1f} s"
