"""Driving JupyterLab's notebook UI from Playwright, for the browser tests."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

KERNEL_IDLE_TIMEOUT_S = 60  # a cold first start in a fresh venv is slow
KERNEL_SETTLE_S = 2.0  # the same kernel, idle, for this long before Run All
RUN_ALL_ATTEMPTS = 3
EXECUTING = """() => !!document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="busy"]')
    || [...document.querySelectorAll('.jp-InputArea-prompt')].some(e => e.textContent.includes('[*]'))"""


def rest(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    """(status, JSON) of a call to a Jupyter server's REST API (``{base}/api/{path}``)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}/api/{path}", data=data, method=method,
                                 headers={"Authorization": f"token {token}",
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, None

def run_all(page) -> None:
    """Run → Run All Cells once the kernel is idle and settled, and make sure execution
    started.

    JupyterLab can drop a Run All clicked while it is still wiring the kernel up; so wait
    for an idle kernel that its session keeps (``wait_for_settled_kernel``), click, and
    check that a cell is running (a ``[*]`` prompt, or a busy kernel) — click again if none
    is. A dialog on the way (a kernel to pick, "File Changed") is answered as a learner
    would (``answer_dialog``), whenever it appears.
    """
    page.locator(".jp-NotebookPanel").wait_for()
    idle = page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    deadline = time.monotonic() + KERNEL_IDLE_TIMEOUT_S
    while not idle.count():
        if time.monotonic() > deadline:
            raise AssertionError(f"the kernel was not idle after {KERNEL_IDLE_TIMEOUT_S} s")
        answer_dialog(page)
        page.wait_for_timeout(200)
    wait_for_settled_kernel(page, deadline)
    for _ in range(RUN_ALL_ATTEMPTS):
        try:
            answer_dialog(page)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click(timeout=5_000)
            page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click(
                timeout=5_000)
            # the committed prompts already read [1], [2]...: look for a running cell
            page.wait_for_function(EXECUTING, polling=50, timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError (a dialog came up?)
            page.keyboard.press("Escape")
    answer_dialog(page)
    raise AssertionError(f"Run All Cells did not start execution after {RUN_ALL_ATTEMPTS} tries")


def wait_for_settled_kernel(page, deadline: float) -> None:
    """Wait until the session of the notebook on the page has kept the same kernel, idle,
    for ``KERNEL_SETTLE_S`` (the server's view, /api/sessions).

    A notebook opened in a fresh JupyterLab was seen to get a first kernel, then a second
    one ~2 s later, the first shut down (the server's log: "Kernel started" twice, "Kernel
    shutdown" of the first): a Run All sent to the first kernel is cancelled with it, every
    cell left unrun, and a second Run All clicked in the switch is lost too ("Run All left
    3 cells unrun, twice")."""
    found = re.match(r"(https?://[^/]+)/.*?/tree/([^?#]+)", page.url)
    if not found:  # not a notebook's URL: nothing to check
        return
    origin, path = found.group(1), urllib.parse.unquote(found.group(2))
    last, since = None, time.monotonic()
    while True:
        sessions = page.request.get(f"{origin}/api/sessions").json()
        kernel = next((s.get("kernel") or {} for s in sessions if s.get("path") == path), {})
        now = (kernel.get("id"), kernel.get("execution_state"))
        if now != last:
            last, since = now, time.monotonic()
        elif now[1] == "idle" and time.monotonic() - since >= KERNEL_SETTLE_S:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the kernel of {path} did not settle (last seen: {last})")
        answer_dialog(page)
        page.wait_for_timeout(250)


def answer_dialog(page) -> None:
    """Answer the dialog JupyterLab shows, if any, as a learner would: "Select Kernel" with
    the proposed kernel, "File Changed" with Overwrite. Any other dialog fails the test
    with its text (it is something a learner would see)."""
    text = dialog_text(page)
    if text is None or keep_mine_if_file_changed(page):
        return
    if "Select Kernel" in text:
        page.locator(".jp-Dialog").first.locator(".jp-mod-accept").first.click()
        return
    raise AssertionError(f"JupyterLab shows a dialog: {text[:800]!r}")


def dialog_text(page) -> str | None:
    """The text of the dialog JupyterLab shows now, or None when there is none."""
    dialog = page.locator(".jp-Dialog").first
    return dialog.inner_text() if dialog.count() and dialog.is_visible() else None


def wait_until_idle(page, timeout_ms: int) -> None:
    """Wait until no cell is running and the kernel is idle (Run All has finished)."""
    page.wait_for_function(f"() => !({EXECUTING})()", polling=200, timeout=timeout_ms)


def keep_mine_if_file_changed(page) -> bool:
    """Answer JupyterLab's "File Changed" dialog with Overwrite (the open version wins, as a
    learner would choose); True if it was there. Two autosaves that overlap on a slow
    machine make JupyterLab see its own first save as a change on disk."""
    dialog = page.locator(".jp-Dialog", has_text="File Changed")
    if dialog.count() and dialog.is_visible():
        dialog.get_by_role("button", name="Overwrite").click()
        return True
    return False


def notebook_errors(page) -> str:
    """The tracebacks the notebook shows, to explain a failure."""
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return "\n---\n".join(errors.all_inner_texts())[-3000:] or "(no error output)"


NOT_RUN = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
    .filter(e => !/\\[\\d+\\]/.test(e.textContent)).length"""


def run_all_and_wait(page, timeout_ms: int) -> None:
    """Run All, then wait until it has finished, every code cell run. A Run All clicked while
    a cold kernel is still being connected can lose its requests after JupyterLab has cleared
    the cells (blank prompts, nothing ran): then it is clicked once more (the notebooks are
    made to be run again)."""
    for attempt in (1, 2):
        run_all(page)
        wait_until_idle(page, timeout_ms)
        if not page.evaluate(NOT_RUN):
            return
    prompts = " ".join(t.strip() for t in
                       page.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents())
    raise AssertionError(f"Run All left {page.evaluate(NOT_RUN)} cells unrun, twice: {prompts}")


def lab_args(config_dir: Path, root: Path, token: str) -> list[str]:
    """``jupyter lab``'s arguments for a test server on loopback (``{port}`` to fill in),
    serving ``root`` with ``token``; writes the page config under ``config_dir`` (the
    server's JUPYTER_CONFIG_DIR) that keeps the "official Jupyter news?" toast off the page."""
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    args = ["lab", "--no-browser", "--port={port}", "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return args
