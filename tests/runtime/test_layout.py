"""The runtime's shape, checked on its source: no import circles among its modules (every
import counts, ``TYPE_CHECKING`` ones too), and its contract "pure: no settings, no I/O,
no clock" (docs/ARCHITECTURE.md) kept by what it imports and calls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "aci_helpers" / "emulator" / "runtime"
PACKAGE = "aci_helpers.emulator.runtime"


def _name(path: Path) -> str:
    parts = path.relative_to(RUNTIME).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join((PACKAGE, *parts))


MODULES = {_name(p): p for p in sorted(RUNTIME.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The runtime modules ``name`` imports: ``from P import x`` imports ``P.x`` when that
    is a module, else ``P`` (as Python does)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {n for n in found if n in MODULES and n != name}


def _circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph = {m: _imports(m) for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted(scc))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_the_runtime_has_no_import_circle():
    assert _circles() == []


def test_the_circle_check_sees_a_circle(monkeypatch):
    """The check itself: a module importing one that imports it back is a circle."""
    real = _imports
    fake = {f"{PACKAGE}.shell.signals": {f"{PACKAGE}.shell.machine"}}
    monkeypatch.setitem(globals(), "_imports", lambda n: real(n) | fake.get(n, set()))
    assert any({f"{PACKAGE}.shell.machine", f"{PACKAGE}.shell.signals"} <= set(c)
               for c in _circles())


#: What a pure runtime never touches: settings, files, processes, the network, the clock.
FORBIDDEN_MODULES = {"os", "io", "sys", "pathlib", "shutil", "tempfile", "subprocess", "socket",
                     "threading", "asyncio", "urllib.request", "http", "datetime", "sqlite3"}
FORBIDDEN_CALLS = {"open", "getenv", "environ", "time.time", "time.monotonic",
                   "time.perf_counter", "time.sleep", "time.localtime"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_runtime_reads_no_setting_file_or_clock(name):
    tree = ast.parse(MODULES[name].read_text())
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            used |= {a.name for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES
                     or a.name in FORBIDDEN_MODULES}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module in FORBIDDEN_MODULES or node.module.split(".")[0] in FORBIDDEN_MODULES:
                used.add(node.module)
        elif isinstance(node, (ast.Name, ast.Attribute)) and _dotted(node) in FORBIDDEN_CALLS:
            used.add(_dotted(node))
    # The one exception, named in the contract: the shipped word counts, read once.
    if name == f"{PACKAGE}.programs.wordcount":
        assert "resources.files(" in MODULES[name].read_text()
    assert not used, f"{name} uses {sorted(used)}"


@pytest.mark.parametrize("layer, below_it", [
    ("shell", {"shell", "images", "files", "program", "lines", "errors", "timing"}),
    ("programs", {"programs", "shell", "images", "files", "program", "lines", "errors", "timing"}),
])
def test_each_layer_imports_only_those_below_it(layer, below_it):
    """The shell machine knows no image's programs and is handed its commands (launch.py)."""
    for name in MODULES:
        if name.startswith(f"{PACKAGE}.{layer}"):
            reached = {n.removeprefix(PACKAGE + ".").split(".")[0] for n in _imports(name)}
            assert reached <= below_it, f"{name} imports {sorted(reached - below_it)}"
