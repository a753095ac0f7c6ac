"""`make lab`'s JupyterLab (tools/lab.py), as a learner meets it, in Chromium.

A lab session cannot break `make test`: JupyterLab is rooted at a working copy, so running,
editing and autosaving notebooks leaves notebooks/ byte for byte as committed, and the
hygiene tests stay green. Every notebook is covered by construction (the server's root is
the copy: the Contents API serves and saves only there, and refuses a path out of it); one
is run for real: edited, Run All on the realtime clock (sped up ten times), autosaved every
2 s. The whole-suite nbval needs nothing more: it reads notebooks/, which is proved unchanged.

A notebook saved and reopened shows what it showed, in plain text: wait()'s progress is no
widget, so no "Error displaying widget: model not found". The kit's commands run as shown,
from a `!` cell and from a JupyterLab terminal, although the server was started with a PATH
that does not hold the kit's scripts (and with its output not a terminal, where Jupyter
would run a login shell that resets PATH).

One server for the module; screenshots in test-artifacts/lab-*.png.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from jupyterlab_ui import (answer_dialog, keep_mine_if_file_changed, notebook_errors, rest, run_all,
                           run_all_and_wait, wait_until_idle)

pytestmark = pytest.mark.slow(80)  # longest first under pytest-xdist (see conftest.py)
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
SCRIPTS = Path(sys.executable).parent  # the kit's .venv/bin
REOPENED = "01_create_single_container_group.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class Lab:
    base: str
    token: str
    copy: Path
    log: Path

    def url(self, path: str) -> str:
        # ?reset: a fresh workspace, so an earlier notebook's tab is not restored behind it
        return f"{self.base}/lab/tree/{path}?reset&token={self.token}"


@pytest.fixture(scope="module")
def lab(module_jupyter_server) -> Lab:
    """tools/lab.py as `make lab` runs it, once for the module: realtime clock at speed 10,
    a state file, progress displays on, autosave every 2 s, and a PATH without .venv/bin."""
    tmp = module_jupyter_server.tmp
    # the learner's JupyterLab settings: autosave every 2 s instead of every two minutes
    settings = (tmp / "config" / "lab" / "user-settings" / "@jupyterlab"
                / "docmanager-extension" / "plugin.jupyterlab-settings")
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"autosaveInterval": AUTOSAVE_S}))
    copy = tmp / "my-notebooks"
    token = secrets.token_hex(16)
    without_kit = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                  if p and Path(p) != SCRIPTS)
    port, log = module_jupyter_server(
        "python", [str(ROOT / "tools" / "lab.py"), "--dir", str(copy), "--no-browser",
                   "--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={token}"],
        ACI_EMULATOR_CLOCK="realtime", ACI_EMULATOR_SPEED="10",
        ACI_EMULATOR_STATE=str(tmp / "emulator.db"), TQDM_DISABLE="", PATH=without_kit)
    return Lab(f"http://127.0.0.1:{port}", token, copy, log)


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, hidden ones included."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    """(status, JSON) of a Jupyter contents call."""
    return rest(base, token, f"contents/{path}", method, body)


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


def test_a_lab_session_leaves_the_committed_notebooks_untouched(lab, new_page, screenshot):
    from playwright.sync_api import expect

    before = snapshot(NOTEBOOKS)
    committed = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    run = [next(n for n in committed if n.startswith(prefix)) for prefix in RUN_PREFIXES]
    base, token, copy = lab.base, lab.token, lab.copy
    assert "Made your working copy of the notebooks" in lab.log.read_text()

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
        page.goto(lab.url(name), timeout=STEP_TIMEOUT_MS)
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


REDRAWN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


def saved_outputs(path: Path) -> list[dict]:
    """Every output of a saved notebook."""
    return [o for c in json.loads(path.read_text())["cells"] for o in c.get("outputs", [])]


def wait_for_file(path: Path, pattern: str, what: str, page=None) -> str:
    """The text of ``path`` once it matches ``pattern`` (autosave, a command's output)."""
    deadline = time.monotonic() + SAVE_TIMEOUT_S
    while not (path.exists() and re.search(pattern, path.read_text())):
        if page is not None:
            keep_mine_if_file_changed(page)
        if time.monotonic() > deadline:
            text = path.read_text()[-2000:] if path.exists() else "(no file)"
            raise AssertionError(f"{what}: {path.name} never matched {pattern!r}:\n{text}")
        time.sleep(0.2)
    return path.read_text()


def test_a_reopened_notebook_shows_plain_output_and_the_kits_commands_run(lab, new_page,
                                                                          screenshot):
    page, errors = new_page(PROJECTOR, STEP_TIMEOUT_MS)
    try:
        reopen_run_and_type(lab, page, screenshot)
    except Exception as err:
        shot = screenshot(page, "lab-failure.png")
        raise AssertionError(f"{err}\nnotebook errors:\n{notebook_errors(page)}\n"
                             f"(screenshot: {shot})") from err
    assert errors == [], f"JavaScript errors on the page: {errors}"


def reopen_run_and_type(lab: Lab, page, screenshot) -> None:
    """The steps of the test above."""
    from playwright.sync_api import expect

    # 1. Run All, autosave, reopen: the waits' lines are plain text, no dead widget.
    page.goto(lab.url(REOPENED), timeout=STEP_TIMEOUT_MS)
    run_all_and_wait(page, RUN_TIMEOUT_MS)
    outputs = page.locator(".jp-OutputArea-output")
    create = outputs.filter(has_text=re.compile(r"create aci-\d+: "))
    shown = create.first.text_content()  # (inner_text is empty off screen: windowed notebook)
    # one line per wait (the progress redrawn in place), then the cell's own print
    assert re.fullmatch(r"create aci-\d+: Pending( → \w+)* → Succeeded\n"
                        r"provisioning state: Succeeded\s*", shown), shown
    # the last cell ran and was saved: saved as a learner does (Ctrl+S), since under load an
    # autosave can land before the last output and the next one take longer than the wait
    # (the test above proves autosave itself)
    page.keyboard.press("Control+s")
    saved = wait_for_file(lab.copy / REOPENED, r"Kept aci-\d+ ", "save", page)
    streams = "".join("".join(o["text"]) for o in saved_outputs(lab.copy / REOPENED)
                      if o["output_type"] == "stream")
    assert shown.strip() in REDRAWN.sub("", streams), streams[:2000]
    assert WIDGET_VIEW not in saved, "a widget view was saved: it has no model once reopened"
    page.reload()
    answer_dialog(page)
    # JupyterLab renders the cells below the screen when the browser is idle (its windowed
    # notebook): on a busy machine that took more than expect's default 5 s
    expect(create.first).to_have_text(shown, timeout=STEP_TIMEOUT_MS)
    # the widget manager says "model not found" once it has the kernel: wait for it
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for()
    page.wait_for_timeout(1500)
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    assert page.locator(".jp-FileBrowser").first.is_visible(), "the file browser should be open"
    create.first.scroll_into_view_if_needed()
    screenshot(page, "lab-reopened.png")

    # 2. A `!` cell: the README's `!aci-tutorial preflight`, and where the commands come from.
    # One name per `command -v`: POSIX takes one, and dash (the `sh` that `!` and the
    # terminal run where $SHELL is unset, as in CI) prints the first of several, no more.
    shell = {"cells": [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": "!aci-tutorial preflight"},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": "!command -v aci-tutorial; command -v voila; command -v python"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}
    for i, cell in enumerate(shell["cells"]):
        cell["id"] = f"shell-{i}"
    (lab.copy / "shell-commands.ipynb").write_text(json.dumps(shell))
    page.goto(lab.url("shell-commands.ipynb"), timeout=STEP_TIMEOUT_MS)
    run_all_and_wait(page, RUN_TIMEOUT_MS)
    screenshot(page, "lab-shell-cell.png")
    expect(outputs.filter(has_text="0 failed")).to_have_count(1)
    # `!` streams its lines one by one: wait for all three rather than read the first
    where = outputs.filter(has_text=f"{SCRIPTS}/aci-tutorial").last
    for script in ("aci-tutorial", "voila", "python"):
        expect(where).to_contain_text(f"{SCRIPTS}/{script}")

    # 3. A JupyterLab terminal (File > New > Terminal), typed into as a learner would.
    page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^New$")).first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Terminal$")).first.click()
    terminal = page.locator(".jp-Terminal .xterm").first
    terminal.wait_for()
    terminal.click()
    page.wait_for_timeout(500)  # the shell's prompt
    # where it opens, and the commands as shown; the answers go to a file in the copy
    page.keyboard.insert_text('{ pwd; aci-tutorial --help; command -v aci-tutorial; '
                              'command -v voila; command -v python; '
                              '} > "$JUPYTER_SERVER_ROOT/from-terminal.txt" 2>&1')
    page.keyboard.press("Enter")
    text = wait_for_file(lab.copy / "from-terminal.txt", r"/python\s*$", "the terminal")
    assert text.startswith(f"{ROOT}\nusage: aci-tutorial"), text  # opens in the checkout
    for command in ("aci-tutorial", "voila", "python"):
        assert f"{SCRIPTS}/{command}\n" in text, text
    screenshot(page, "lab-terminal.png")
