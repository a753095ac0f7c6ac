"""Conformance fixtures: the reference (spec + recordings) beside the checkout, and an
instant-clock emulator driven by the real, unmodified SDK clients.

The reference lives in ``../shared/reference`` (CI has it). A user's clone does not: every
test that needs it skips with a clear reason. Nothing from it is copied into the repo.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _find_reference() -> Path:
    """``$ACI_REFERENCE`` if set, else ``shared/reference`` beside the checkout or beside any
    folder above it (a git worktree under ``wt/`` finds the main checkout's)."""
    if os.environ.get("ACI_REFERENCE"):
        return Path(os.environ["ACI_REFERENCE"])
    repo = Path(__file__).resolve().parents[2]
    for folder in repo.parents:
        if (folder / "shared" / "reference").is_dir():
            return folder / "shared" / "reference"
    return repo.parent / "shared" / "reference"


REFERENCE = _find_reference()
SKIP_REASON = ("../shared/reference not found beside the checkout: conformance tests need the "
               "reference spec and recordings (CI has them)")
SPEC_FILE = REFERENCE / "aci-rest" / "2023-05-01" / "containerInstance.json"
RECORDINGS = REFERENCE / "aci-rest" / "recordings"


def reference_dir() -> Path:
    if not SPEC_FILE.is_file() or not RECORDINGS.is_dir():
        pytest.skip(SKIP_REASON)
    return REFERENCE


#: The spec each served api-version's answers are validated against: its own where the
#: reference has it; for the two previews whose type trees were read from the public specs
#: repository (tools/gen_api_versions.py), the spec of the version they were derived from.
SPEC_OF = {"2024-10-01-preview": "2023-05-01", "2024-11-01-preview": "2025-09-01"}


def spec_file(api: str) -> Path:
    return REFERENCE / "aci-rest" / SPEC_OF.get(api, api) / "containerInstance.json"


@pytest.fixture(scope="session")
def spec():
    reference_dir()
    from .spec import Spec
    return Spec(SPEC_FILE)


@pytest.fixture(scope="session")
def specs():
    """{served api-version: its Spec}."""
    reference_dir()
    from aci_helpers.emulator.assumptions import ACI_API_VERSIONS

    from .spec import Spec
    loaded: dict = {}
    return {v: loaded.setdefault(spec_file(v), Spec(spec_file(v))) for v in ACI_API_VERSIONS}


@pytest.fixture(scope="session")
def recordings():
    """{file name: parsed vcrpy cassette}"""
    reference_dir()
    import yaml
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(RECORDINGS.glob("*.yaml"))}


@pytest.fixture(autouse=True, scope="module")
def _close_clouds():
    """Close the emulators a module's tests made (their socket servers' threads with them)."""
    yield
    from .scenarios import Cloud

    while Cloud.made:
        Cloud.made.pop().emu.close()
