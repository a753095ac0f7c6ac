"""Shared by the real-browser tests: one Chromium per pytest worker via Playwright (each
test gets its own browser context), a Jupyter server (Voilà or JupyterLab) on a free
localhost port with throwaway Jupyter dirs, always stopped; and one JupyterLab server per
worker for the tests that need only a plain JupyterLab (``shared_lab``: each test its own
folder, kernel and workspace on it).

Skipped without Chromium (or Playwright, or the server's command), unless
ACI_REQUIRE_BROWSER=1 (CI), then they fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from jupyterlab_ui import lab_args, rest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ACI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = 60.0  # s, until the server accepts connections (a loaded machine)
BIN = Path(sys.executable).parent


def missing_browser(command: str) -> str | None:
    """Why the browser test cannot run here (None: it can)."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (set ACI_CHROMIUM, or install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        return f"the playwright package is not installed ({err})"
    if shutil.which(command, path=str(BIN)) is None:
        return f"{command} is not installed in this environment"
    return None


def require_browser(command: str) -> None:
    """Skip (or fail, with ACI_REQUIRE_BROWSER=1) when the browser test cannot run."""
    why = missing_browser(command)
    if why:
        if os.environ.get("ACI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ACI_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The server's environment (its kernels inherit it): throwaway Jupyter dirs and an
    in-memory emulator with the instant clock, unless ``extra`` says otherwise."""
    return {**os.environ,
            "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
            "JUPYTER_DATA_DIR": str(tmp_path / "data"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "IPYTHONDIR": str(tmp_path / "ipython"),
            "ACI_BACKEND": "emulator", "ACI_EMULATOR_STATE": "memory",
            "ACI_EMULATOR_CLOCK": "instant", "ACI_EMULATOR_SEED": "0",
            "TQDM_DISABLE": "1", **extra}


@contextlib.contextmanager
def serve(cmd: list[str], *, port: int, env: dict[str, str], cwd: Path,
          log_path: Path) -> Iterator[subprocess.Popen]:
    """Run a server until it accepts connections on ``port``; always stop it after."""
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{cmd[0]} exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                # A TCP connect, not a GET: under Voilà every GET of the page starts a kernel.
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{cmd[0]} did not answer within {SERVER_START_TIMEOUT:g} s")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@contextlib.contextmanager
def _servers(request, tmp_path: Path):
    """``start(command, args, cwd=..., **env)`` -> (port, log path): Jupyter servers (``command``
    from this venv; ``{port}`` in ``args`` becomes a free port) with throwaway dirs under
    ``tmp_path``, all stopped on exit; their logs' tails are printed when a test failed."""
    started: list[Path] = []
    with contextlib.ExitStack() as stack:

        def start(command: str, args: list[str], *, cwd: Path = ROOT, **env: str) -> tuple[int, Path]:
            require_browser(command)
            port = free_port()
            log = tmp_path / f"{command}.log"
            cmd = [str(BIN / command), *(a.format(port=port) for a in args)]
            stack.enter_context(serve(cmd, port=port, env=jupyter_env(tmp_path, **env), cwd=cwd,
                                      log_path=log))
            started.append(log)
            return port, log

        yield start
        node = request.node  # a test, or the module of a module-scoped fixture
        items = [node] if isinstance(node, pytest.Item) else [
            i for i in node.session.items if i.path == node.path]
        if any(getattr(i, "rep_call", None) is not None and i.rep_call.failed for i in items):
            for log in started:
                print(f"--- {log.name} (tail) ---\n{log.read_text()[-4000:]}")


@pytest.fixture
def jupyter_server(request, tmp_path):
    """Start a Jupyter server (``command`` from this venv; ``{port}`` in ``args`` becomes a
    free port) with throwaway dirs; returns (port, log path). Stopped after the test; its
    log's tail is printed when the test failed."""
    with _servers(request, tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def module_jupyter_server(request, tmp_path_factory):
    """As ``jupyter_server``, for all the tests of a module: one server, started once.
    Its throwaway dirs are under the fixture's ``.tmp`` folder."""
    tmp = tmp_path_factory.mktemp("server")
    with _servers(request, tmp) as start:
        start.tmp = tmp
        yield start


class Chromium:
    """One Playwright driver and one Chromium per pytest worker, started on first use.

    Playwright's sync API leaves its event loop marked as running in this thread between
    calls; other tests on the same worker (``asyncio.run``, the explorer's "is a loop
    running?" check) must not see it. So the loop is marked running only while a browser
    test runs (``resume``), and unmarked after it (``suspend``), which is what Playwright
    itself does between calls when it is interrupted.
    """

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def browser(self, timeout_ms: int):
        """The worker's browser (launched now if none, or if the last one died)."""
        self.resume()
        if self._browser is None or not self._browser.is_connected():
            if self._playwright is None:
                from playwright.sync_api import sync_playwright

                self._playwright = sync_playwright().start()
                self._loop = asyncio._get_running_loop()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=timeout_ms)
        return self._browser

    def resume(self) -> None:
        """Mark Playwright's loop as running again, as its sync API expects."""
        if self._loop is not None:
            asyncio._set_running_loop(self._loop)

    def suspend(self) -> None:
        """Hide Playwright's loop from the next (non-browser) test."""
        asyncio._set_running_loop(None)

    def close(self) -> None:
        """Close the browser and stop the driver (end of the worker's session)."""
        if self._playwright is None:
            return
        self.resume()
        try:
            if self._browser is not None and self._browser.is_connected():
                self._browser.close()
        finally:
            self._playwright.stop()
            self._playwright = self._browser = self._loop = None
            self.suspend()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """The worker's shared Chromium (launched by the first test that opens a page)."""
    shared = Chromium()
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture
def new_page(chromium):
    """``new_page(viewport, timeout_ms)`` -> (page, errors): a page in a new browser context
    (its own cookies and storage) of the worker's shared Chromium, and the JavaScript errors
    it raised. The context is closed after the test."""
    contexts = []

    def make(viewport: dict[str, int], timeout_ms: int) -> tuple:
        context = chromium.browser(timeout_ms).new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        return page, errors

    try:
        yield make
    finally:
        if contexts:
            chromium.resume()
            for context in contexts:
                with contextlib.suppress(Exception):  # a crashed browser took it already
                    context.close()
        chromium.suspend()


@pytest.fixture
def screenshot():
    """``screenshot(page, "name.png")`` saves to test-artifacts/ and returns the path."""

    def take(page, name: str, **kwargs) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        page.screenshot(path=str(path), **kwargs)
        return path

    take.dir = ARTIFACTS  # for screenshots a test takes by other means
    ARTIFACTS.mkdir(exist_ok=True)
    return take


@dataclass
class LabFolder:
    """A test's own part of the shared JupyterLab: a folder under the server's root, a kernel
    (a kernelspec of the same name, with the test's environment) and a JupyterLab workspace
    of the same name (another test's open tabs are never restored into its page)."""

    name: str
    path: Path
    base: str
    token: str
    log: Path

    def url(self, notebook: str, *, reset: bool = False) -> str:
        """The page of a notebook in the folder, in the folder's workspace (``reset``: with
        the workspace emptied first, so the tabs opened before are not restored)."""
        return (f"{self.base}/lab/workspaces/{self.name}/tree/{self.name}/{notebook}?"
                f"{'reset&' if reset else ''}token={self.token}")

    def write(self, notebook, filename: str) -> Path:
        """Save an nbformat notebook in the folder, to run on the folder's kernel."""
        import nbformat

        notebook.metadata["kernelspec"] = {"name": self.name, "language": "python",
                                           "display_name": f"Python 3 ({self.name})"}
        path = self.path / filename
        nbformat.write(notebook, path)
        return path


class SharedLab:
    """One JupyterLab server (``jupyter lab``, the kit's page config) for the browser tests of
    a worker that need nothing else: started by the first such test, stopped after the last
    one (see ``pytest_runtest_teardown``), so the ~5-10 CPU-s of a JupyterLab start are paid
    once. Each test gets a ``LabFolder``; its kernels and terminals are shut down after it.
    The scheduler (../../conftest.py, SHARED_UNITS) hands these tests to one worker."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.root = tmp / "root"
        self.token = ""
        self.base = ""
        self.log = tmp / "jupyter-lab.log"
        self._stack: contextlib.ExitStack | None = None

    def start(self) -> None:
        if self._stack is not None:
            return
        self.root.mkdir(exist_ok=True)
        import secrets

        self.token = secrets.token_hex(16)
        port = free_port()
        cmd = [str(BIN / "jupyter"), *(a.format(port=port) for a in
                                       lab_args(self.tmp / "config", self.root, self.token))]
        stack = contextlib.ExitStack()
        stack.enter_context(serve(cmd, port=port, env=jupyter_env(self.tmp), cwd=self.root,
                                  log_path=self.log))
        self._stack, self.base = stack, f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()

    def folder(self, name: str, **env: str) -> LabFolder:
        """A new folder ``name`` under the root, with a kernelspec ``name`` whose kernels get
        the server's environment updated with ``env``."""
        self.start()
        path, n = self.root / name, 1
        while path.exists():  # the same test again (a rerun) on the same server
            n += 1
            path = self.root / f"{name}-{n}"
        name = path.name
        path.mkdir()
        spec = self.tmp / "data" / "kernels" / name
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": f"Python 3 ({name})", "language": "python", "env": env}))
        return LabFolder(name, path, self.base, self.token, self.log)

    def shut_down_kernels(self) -> None:
        """Shut down every session, kernel and terminal (what the last test left)."""
        if self._stack is None:
            return
        for kind, key in (("sessions", "id"), ("kernels", "id"), ("terminals", "name")):
            for item in rest(self.base, self.token, kind)[1] or []:
                rest(self.base, self.token, f"{kind}/{item[key]}", "DELETE")


_SHARED_LAB = pytest.StashKey[SharedLab]()


@pytest.fixture(scope="session")
def _shared_lab_server(request, tmp_path_factory) -> Iterator[SharedLab]:
    lab = SharedLab(tmp_path_factory.mktemp("shared-lab"))
    request.config.stash[_SHARED_LAB] = lab
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def shared_lab(request, _shared_lab_server):
    """``shared_lab(**env)`` -> ``LabFolder``: this test's folder, kernel and workspace on the
    worker's shared JupyterLab (started now if it is not running). After the test, the
    kernels and terminals it started are shut down; the server's log tail is printed when
    it failed."""
    require_browser("jupyter")
    name = request.node.name.split("[")[0].removeprefix("test_")
    yield lambda **env: _shared_lab_server.folder(name, **env)
    with contextlib.suppress(OSError):  # a server that died is restarted by the next test
        _shared_lab_server.shut_down_kernels()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and _shared_lab_server.log.exists():
        print(f"--- shared JupyterLab's log (tail) ---\n{_shared_lab_server.log.read_text()[-4000:]}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop the shared JupyterLab once the worker's next test does not use it (it is
    started again if a later one does)."""
    yield
    lab = item.config.stash.get(_SHARED_LAB, None)
    if lab is not None and (nextitem is None or "shared_lab" not in nextitem.fixturenames):
        lab.stop()
