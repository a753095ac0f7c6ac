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
