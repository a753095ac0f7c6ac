"""A `make lab` session cannot break `make test`: JupyterLab started by the same launcher
(tools/lab.py) is rooted at a working copy, so running, editing and autosaving notebooks
leaves notebooks/ byte for byte as committed, and the hygiene tests stay green.

Every notebook is covered by construction (the server's root is the copy: the Contents API
serves and saves only there, and refuses a path out of it); one is run for real: edited,
Run All in Chromium on the realtime clock (sped up ten times), autosaved every 2 s. The
whole-suite nbval needs nothing more: it reads notebooks/, which is proved unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from jupyterlab_ui import keep_mine_if_file_changed, notebook_errors, run_all, wait_until_idle

pytestmark = pytest.mark.slow(55)  # longest first under pytest-xdist (see conftest.py)
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
# run for real: the task notebook, which creates and waits on the realtime clock (03)
RUN_PREFIXES = ("03_",)
NOTE = "# my note: a learner was here"
AUTOSAVE_S = 2  # JupyterLab's default is 120
RUN_TIMEOUT_MS = 120_000
SAVE_TIMEOUT_S = 30
STEP_TIMEOUT_MS = 20_000
PROJECTOR = {"width": 1280, "height": 720}


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, hidden ones included."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    """(status, JSON) of a Jupyter REST call."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}/api/contents/{path}", data=data, method=method,
                                 headers={"Authorization": f"token {token}",
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, None


def type_a_note(page, text: str) -> None:
    """Type ``text`` as the first line of the first code cell, as a learner would.

    On a loaded machine a click can land before the editor takes focus, and keys typed then
    go elsewhere (or, after a late focus, mid-line): wait for CodeMirror's focus first. The
    text goes in as one input event (a paste, in effect): typed key by key, its last keys were
    seen to land in a "File Changed" dialog that an autosave raised meanwhile; if that still
    happens, the dialog is answered and the line written again."""
    from playwright.sync_api import expect

    editor = page.locator(".jp-CodeCell .cm-editor").first
    first_line = editor.locator(".cm-line").first
    for attempt in (1, 2):
        editor.locator(".cm-content").click()
        expect(editor).to_have_class(re.compile(r"\bcm-focused\b"))
        page.keyboard.press("Control+Home")
        if attempt == 1:
            page.keyboard.insert_text(text)
            page.keyboard.press("Enter")
        else:  # replace the damaged first line
            page.keyboard.press("Shift+End")
            page.keyboard.insert_text(text)
        try:
            expect(first_line).to_have_text(text)
            return
        except AssertionError:
            if attempt == 2:
                raise
            keep_mine_if_file_changed(page)


def test_a_lab_session_leaves_the_committed_notebooks_untouched(jupyter_server, new_page,
                                                                 screenshot, tmp_path):
    from playwright.sync_api import expect

    before = snapshot(NOTEBOOKS)
    committed = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    run = [next(n for n in committed if n.startswith(prefix)) for prefix in RUN_PREFIXES]
    # the learner's JupyterLab settings: autosave every second instead of every two minutes
    settings = (tmp_path / "config" / "lab" / "user-settings" / "@jupyterlab"
                / "docmanager-extension" / "plugin.jupyterlab-settings")
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"autosaveInterval": AUTOSAVE_S}))
    copy = tmp_path / "my-notebooks"
    token = secrets.token_hex(16)
    port, log = jupyter_server(
        "python", [str(ROOT / "tools" / "lab.py"), "--dir", str(copy), "--no-browser",
                   "--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={token}"],
        ACI_EMULATOR_CLOCK="realtime", ACI_EMULATOR_SPEED="10",
        ACI_EMULATOR_STATE=str(tmp_path / "emulator.db"))
    base = f"http://127.0.0.1:{port}"
    assert "Made your working copy of the notebooks" in log.read_text()

    # The server's root is the copy: it lists the copies, and nothing out of it.
    status, root = api(base, token, "")
    assert status == 200
    assert sorted(c["name"] for c in root["content"] if c["type"] == "notebook") == committed
    assert api(base, token, "%2E%2E/notebooks/00_authenticate.ipynb")[0] == 404
    assert api(base, token, "%2E%2E/notebooks/x.ipynb", "PUT",
               {"type": "file", "format": "text", "content": "x"})[0] >= 400
    # Edit and save every notebook, as a learner's session would (through the server).
    for name in committed:
        status, model = api(base, token, name)
        assert status == 200
        note = {"cell_type": "markdown", "metadata": {}, "source": NOTE}
        if model["content"]["nbformat_minor"] >= 5:  # cell ids came with nbformat 4.5
            note["id"] = "learner-note"
        model["content"]["cells"].insert(0, note)
        assert api(base, token, name, "PUT", {"type": "notebook", "format": "json",
                                              "content": model["content"]})[0] == 200

    # One for real: edit a code cell, Run All on the realtime clock, let autosave happen.
    page, errors = new_page(PROJECTOR, STEP_TIMEOUT_MS)
    for name in run:
        saved_before = (copy / name).read_text()
        # ?reset: a fresh workspace, so the previous notebook's tab is not restored behind it
        page.goto(f"{base}/lab/tree/{name}?reset&token={token}", timeout=STEP_TIMEOUT_MS)
        type_a_note(page, NOTE + " (typed)")
        keep_mine_if_file_changed(page)
        run_all(page)
        try:
            wait_until_idle(page, RUN_TIMEOUT_MS)
        except Exception as err:  # noqa: BLE001 - say what the notebook showed
            screenshot(page, f"lab-working-copy-{name}.png")
            raise AssertionError(f"{name} did not finish: {err}\n{notebook_errors(page)}") from None
        deadline = time.monotonic() + SAVE_TIMEOUT_S
        while NOTE + " (typed)" not in (copy / name).read_text():
            keep_mine_if_file_changed(page)
            if time.monotonic() > deadline:
                screenshot(page, "lab-working-copy-unsaved.png")
                raise AssertionError(f"{name} was not autosaved; the notebook shows:\n"
                                     f"{notebook_errors(page)}")
            time.sleep(0.2)
        assert (copy / name).read_text() != saved_before
        print(f"{name}: errors shown: {notebook_errors(page)[:300]}")
    # no "official Jupyter news?" toast
    expect(page.get_by_text("official Jupyter news")).to_have_count(0)
    screenshot(page, "lab-working-copy.png")
    assert errors == [], f"JavaScript errors on the page: {errors}"

    assert snapshot(NOTEBOOKS) == before, "the lab session changed notebooks/"
    hygiene = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_notebooks_hygiene.py"], cwd=ROOT, capture_output=True, text=True,
        timeout=300)
    assert hygiene.returncode == 0, hygiene.stdout[-3000:]
