"""A real JupyterHub on loopback for the workshop tests and benchmark (issue 20).

JupyterHub (PyPI) with configurable-http-proxy (npm), DummyAuthenticator and
SimpleLocalProcessSpawner (each user's home a folder of its own), configured by the
trainer's ``hosting/jupyterhub_config.py`` (loaded as is) plus what a test needs: loopback
ports, a state folder, an admin service token, the instant clock. Each participant's server
is started through the hub's REST API; notebooks run cell by cell in a kernel started
through that server's own REST API, over its kernel WebSocket (websocket-client).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def proxy_command() -> str | None:
    """configurable-http-proxy: $ACI_HUB_PROXY, .venv/hub-proxy (what .ci/run installs), PATH."""
    for candidate in (os.environ.get("ACI_HUB_PROXY"),
                      ROOT / ".venv" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy",
                      shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def missing() -> str | None:
    """Why a hub cannot start here, or None."""
    try:
        import jupyterhub  # noqa: F401
        import websocket  # noqa: F401
    except ImportError as err:
        return (f"{err.name} is not installed: the hub test needs the `hub` extra "
                "(pip install -e '.[dev,hub]'); .ci/run installs it")
    if proxy_command() is None:
        return ("configurable-http-proxy (npm) not found: npm install --prefix .venv/hub-proxy "
                "configurable-http-proxy@5 (what .ci/run does), or set ACI_HUB_PROXY")
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """``with Hub(folder) as hub:`` a running hub; stopped (with every server) on exit."""

    def __init__(self, folder: Path, workshop: str = "demo", env: dict[str, str] | None = None,
                 hub_env: dict[str, str] | None = None):
        self.folder = Path(folder)
        self.homes = self.folder / "homes"
        self.token = secrets.token_hex(16)
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workshop = workshop
        self.env = env or {}
        #: The hub's own environment besides ACI_WORKSHOP (the served class's URL and CA).
        self.hub_env = hub_env or {}
        self.proc: subprocess.Popen | None = None
        self.started_in = 0.0

    def config(self) -> Path:
        user_env = {"ACI_WORKSHOP": self.workshop, **self.env}
        text = f"""
load_subconfig({str(ROOT / 'hosting' / 'jupyterhub_config.py')!r})
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {self.hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.api_port}"
c.ConfigurableHTTPProxy.command = [{proxy_command()!r}]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///{self.folder / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(self.folder / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(self.folder / 'hub.pid')!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(self.homes / '{username}')!r}
c.Spawner.cmd = [{str(BIN / 'jupyterhub-singleuser')!r}]
c.Spawner.environment.update({json.dumps(user_env)})
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"]
c.JupyterHub.services = [{{"name": "workshop-test", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = [{{"name": "workshop-test", "services": ["workshop-test"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"]}}]
c.JupyterHub.cleanup_servers = True
import os as _os
if _os.getuid() == 0:  # CI runs as root; a real hub runs servers as their users
    c.Spawner.args = list(c.Spawner.args) + ["--allow-root"]
"""
        path = self.folder / "test_config.py"
        path.write_text(text)
        return path

    def __enter__(self) -> "Hub":
        self.homes.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ACI_", "JUPYTER"))}
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        env["ACI_WORKSHOP"] = self.workshop  # as the README starts it: ACI_WORKSHOP=ID jupyterhub ...
        env.update(self.hub_env)
        began = time.perf_counter()
        self.log = open(self.folder / "hub.log", "w")
        self.proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(self.config())],
                                     cwd=self.folder, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait(lambda: self.api("GET", "/hub/api/").status_code == 200, 60, "the hub")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.started_in = time.perf_counter() - began
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # the hub stops the single-user servers (cleanup_servers)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(10)
        self.log.close()

    def _wait(self, ready, seconds: float, what: str) -> None:
        import requests

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{what}: the hub exited:\n{self.tail()}")
            try:
                if ready():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{what} not ready in {seconds} s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join((self.folder / "hub.log").read_text().splitlines()[-30:])

    def api(self, method: str, path: str, **kw):
        import requests

        return requests.request(method, self.url + path, timeout=30,
                                headers={"Authorization": f"token {self.token}"}, **kw)

    # ------------------------------------------------------------------ participants
    def start_server(self, user: str) -> float:
        """Create ``user`` and start their server through the hub's REST API; seconds taken."""
        began = time.perf_counter()
        assert self.api("POST", f"/hub/api/users/{user}").status_code in (201, 409)
        r = self.api("POST", f"/hub/api/users/{user}/server")
        assert r.status_code in (201, 202), r.text

        def ready() -> bool:
            server = self.api("GET", f"/hub/api/users/{user}").json()["servers"].get("", {})
            return bool(server.get("ready"))

        self._wait(ready, 180, f"{user}'s server")
        return time.perf_counter() - began

    def server(self, user: str, method: str, path: str, **kw):
        """A request to ``user``'s own server (through the proxy), e.g. ``/api/kernels``."""
        return self.api(method, f"/user/{user}{path}", **kw)

    def kernel(self, user: str) -> "Kernel":
        r = self.server(user, "POST", "/api/kernels", json={"name": "python3"})
        assert r.status_code == 201, r.text
        return Kernel(self, user, r.json()["id"])

    def home(self, user: str) -> Path:
        return self.homes / user


class Kernel:
    """A kernel of a user's server, driven over the server's kernel WebSocket."""

    def __init__(self, hub: Hub, user: str, kernel_id: str):
        import websocket

        self.hub, self.user, self.id = hub, user, kernel_id
        self.session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel_id}/channels"
        self.ws = websocket.create_connection(url, timeout=300,
                                              header=[f"Authorization: token {hub.token}"])

    def run(self, code: str, timeout: float = 300) -> tuple[str, str]:
        """Execute ``code``; returns (status, everything it printed or displayed as text)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                       "username": self.user, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        out, status, idle = [], None, False
        deadline = time.monotonic() + timeout
        while (status is None or not idle) and time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                out.append(content["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                out.append("\n".join(content["traceback"]))
            elif kind == "execute_reply":
                status = content["status"]
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return status or "timeout", "".join(out)

    def run_notebook(self, path: Path) -> list[tuple[str, str]]:
        """Every code cell of ``path`` in order (solutions included); [(source, output)]."""
        import nbformat

        nb = nbformat.read(path, as_version=4)
        done = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            status, text = self.run(cell.source)
            if status != "ok":
                raise AssertionError(f"{self.user}: {path.name} failed at\n{cell.source}\n{text}")
            done.append((cell.source, text))
        return done

    def close(self) -> None:
        self.ws.close()
        self.hub.server(self.user, "DELETE", f"/api/kernels/{self.id}")


def pss_mb(user: str) -> float:
    """Proportional memory (MB) of ``user``'s single-user server and its kernels."""
    total = 0.0
    servers = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"jupyterhub-singleuser" in cmd and f"JUPYTERHUB_USER={user}".encode() in environ:
            servers.append(int(pid))
    pids = set(servers)
    for pid in os.listdir("/proc"):  # their children: the kernels
        if pid.isdigit():
            try:
                ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid in servers:
                pids.add(int(pid))
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


class Serve:
    """``aci-tutorial serve ...`` as a trainer starts it in a terminal of its own: its URL,
    its output; ``stop()`` is the trainer's Ctrl-C."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen([str(BIN / "aci-tutorial"), *args], env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.lines: list[str] = []
        self.url = ""
        while not self.url:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait(10)
                raise RuntimeError("serve ended before it served:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.startswith("Serving the emulator's cloud at "):
                self.url = line.split(" at ", 1)[1].strip()
        # Its request log keeps coming: read it as it comes (a full pipe would stall it).
        self._reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout),
                                        daemon=True)
        self._reader.start()

    def cpu_seconds(self) -> float:
        """CPU time the server process used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> str:
        """Ctrl-C; everything it printed."""
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(10)
        return "".join(self.lines)
