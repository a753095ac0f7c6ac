"""Take the picture of notebook 07's explorer that the book shows instead of a dead widget.

    .venv/bin/python tools/screenshot_explorer.py [--out book/images/explorer.png]

Runs Voilà on notebooks/07_widget_explorer.ipynb with the committed outputs' emulator (an
in-memory cloud, instant clock, seed 0), opens it in Chromium at 1280 px, waits for the
explorer's three groups, selects the app + sidecar group, and saves the explorer alone as a
PNG. Needs Chromium (/usr/bin/chromium, or ACI_CHROMIUM) and the playwright package (both in
the dev setup). tests/browser/test_explorer_voila.py takes the same picture with
``capture`` and compares it with the committed one.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "07_widget_explorer.ipynb"
OUT = ROOT / "book" / "images" / "explorer.png"
CHROMIUM = os.environ.get("ACI_CHROMIUM", "/usr/bin/chromium")
WIDTH = 1280  # a projector, the width every screenshot of the kit is checked at
RENDER_TIMEOUT_MS = 60_000


def capture(page: "Page", out: Path) -> Path:
    """On a page that shows notebook 07 (Voilà), once its explorer lists the three groups:
    select the app + sidecar group and save the explorer element to ``out``."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": WIDTH, "height": 900})
    explorer = page.locator(".aci-explorer")
    expect(explorer.locator(".aci-row")).to_have_count(3, timeout=RENDER_TIMEOUT_MS)
    explorer.locator(".aci-row button", has_text="duo-").click()
    expect(explorer.locator(".aci-details .aci-containers")).to_contain_text("aci-tutorial-sidecar")
    out.parent.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=str(out), animations="disabled")
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ACI_BACKEND": "emulator", "ACI_EMULATOR_STATE": "memory",
               "ACI_EMULATOR_CLOCK": "instant", "ACI_EMULATOR_SEED": "0", "TQDM_DISABLE": "1",
               "JUPYTER_CONFIG_DIR": f"{tmp}/config", "JUPYTER_RUNTIME_DIR": f"{tmp}/runtime",
               "JUPYTER_DATA_DIR": f"{tmp}/data", "IPYTHONDIR": f"{tmp}/ipython"}
        env.pop("ACI_EMULATOR_SPEED", None)
        voila = subprocess.Popen(
            [str(Path(sys.executable).parent / "voila"), str(NOTEBOOK), "--no-browser",
             f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if voila.poll() is not None or time.monotonic() > deadline:
                        print("Voilà did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
                try:
                    page = browser.new_page()
                    page.goto(f"http://127.0.0.1:{port}/", timeout=RENDER_TIMEOUT_MS)
                    out = capture(page, args.out)
                finally:
                    browser.close()
        finally:
            voila.terminate()
            voila.wait(timeout=10)
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
