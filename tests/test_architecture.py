"""The layering docs/ARCHITECTURE.md promises, checked on the imports themselves."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "aci_helpers"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the aci_helpers modules that ``path`` imports (anywhere in it)."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            found |= {f"{name}.{alias.name}" for alias in node.names}
    return {n for n in found if n == "aci_helpers" or n.startswith("aci_helpers.")}


def _files(under: str) -> list[Path]:
    return sorted((ROOT / under).rglob("*.py"))


def _modules_only(names: set[str]) -> set[str]:
    """Keep the names that are modules or packages of the project (not imported attributes)."""
    keep = set()
    for name in names:
        rel = Path(*name.split("."))
        if (ROOT / rel).with_suffix(".py").exists() or (ROOT / rel / "__init__.py").exists():
            keep.add(name)
    return keep


@pytest.mark.parametrize("path", _files("aci_helpers/emulator"), ids=lambda p: _module(p))
def test_emulator_imports_nothing_from_the_rest_of_aci_helpers(path: Path) -> None:
    outside = {n for n in _modules_only(_imports(path))
               if n != "aci_helpers" and not n.startswith("aci_helpers.emulator")}
    assert not outside, f"{_module(path)} imports {sorted(outside)}"


@pytest.mark.parametrize("path", _files("aci_helpers/emulator/runtime"), ids=lambda p: _module(p))
def test_runtime_is_self_contained(path: Path) -> None:
    outside = {n for n in _modules_only(_imports(path))
               if not n.startswith("aci_helpers.emulator.runtime")
               and n not in {"aci_helpers", "aci_helpers.emulator"}}
    assert not outside, f"{_module(path)} imports {sorted(outside)}"


def test_only_connect_reaches_the_emulator() -> None:
    reaching = sorted(_module(p) for p in PACKAGE.rglob("*.py")
                      if "emulator" not in p.relative_to(PACKAGE).parts
                      and any(n.startswith("aci_helpers.emulator") for n in _imports(p)))
    assert reaching == ["aci_helpers.session"]


def test_store_is_the_bottom_layer() -> None:
    above = {"aci_helpers.emulator.model", "aci_helpers.emulator.handlers",
             "aci_helpers.emulator.routing", "aci_helpers.emulator.app"}
    imported = _modules_only(_imports(PACKAGE / "emulator" / "store.py"))
    assert not {n for n in imported for a in above if n == a or n.startswith(a + ".")}


@pytest.mark.parametrize("path", _files("aci_helpers/emulator/handlers"), ids=lambda p: _module(p))
def test_handlers_go_through_the_model(path: Path) -> None:
    """Wire handlers parse and serialise; state is the model's business, not theirs."""
    imported = _modules_only(_imports(path))
    assert "aci_helpers.emulator.store" not in imported


# ---------------------------------------------------------------------------------- circles
# Circles a helper is breaking in this round (none left: the exercises are a package now).
PENDING_CIRCLES: set[frozenset[str]] = set()


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _edges(path: Path) -> set[str]:
    """The project modules ``path`` imports when it runs: at module level or in a function,
    not under ``if TYPE_CHECKING:``. ``from . import x`` is an edge to the module ``x`` when
    it is one, else (``x`` an attribute) to the package; a package's parents do not count."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            for alias in node.names:
                sub = f"{name}.{alias.name}"
                found.add(sub if _modules_only({sub}) else name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return {n for n in _modules_only(found) if n.startswith("aci_helpers") and n != module}


def _circles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: set[frozenset[str]] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.add(frozenset(component))
    return circles


def test_the_circle_finder_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert _circles(graph) == {frozenset({"a", "b", "c"})}


def test_no_import_circles_in_aci_helpers() -> None:
    graph = {_module(p): _edges(p) for p in PACKAGE.rglob("*.py")}
    found = _circles(graph)
    new = {tuple(sorted(c)) for c in found - PENDING_CIRCLES}
    assert not new, f"import circles (TYPE_CHECKING imports do not count): {sorted(new)}"


# ---------------------------------------------------------------------------------- exports
def _exports_and_type_checking_names() -> tuple[dict[str, str], dict[str, str]]:
    """``_EXPORTS`` of aci_helpers/__init__.py, and what its ``if TYPE_CHECKING:`` imports."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    exports: dict[str, str] = {}
    typed: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_EXPORTS" for t in node.targets):
            exports = ast.literal_eval(node.value)
        elif isinstance(node, ast.If) and _type_checking_only(node):
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.level == 1, ast.unparse(imp)
                typed.update({alias.name: imp.module or "" for alias in imp.names})
    return exports, typed


def test_lazy_exports_and_their_type_checking_copy_agree() -> None:
    exports, typed = _exports_and_type_checking_names()
    assert exports, "aci_helpers/__init__.py has no _EXPORTS map"
    assert typed == exports, (
        f"only in _EXPORTS: {sorted(set(exports) - set(typed))}; only under TYPE_CHECKING: "
        f"{sorted(set(typed) - set(exports))}; different modules: "
        f"{sorted(n for n in set(exports) & set(typed) if exports[n] != typed[n])}")


def test_every_lazy_export_resolves() -> None:
    import importlib

    exports, _ = _exports_and_type_checking_names()
    for name, module in exports.items():
        assert hasattr(importlib.import_module(f"aci_helpers.{module}"), name), (name, module)
