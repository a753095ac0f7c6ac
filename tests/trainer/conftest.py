"""Fixtures for the trainer's tools: a shared emulator state file per test (instant clock),
as every kernel and every `aci-tutorial` run of one trainer would share it."""

from __future__ import annotations

import pytest


@pytest.fixture
def state(tmp_path, monkeypatch):
    """ACI_EMULATOR_STATE for this test only; returns a session on it."""
    from aci_helpers import connect

    path = tmp_path / "emulator.db"
    monkeypatch.setenv("ACI_EMULATOR_STATE", str(path))
    monkeypatch.setenv("TQDM_DISABLE", "1")
    s = connect()
    yield s
    s.close()


@pytest.fixture
def cli(capsys):
    """Run ``aci-tutorial ARGS`` in-process: returns (exit code, stdout, stderr)."""
    from aci_helpers.trainer.cli import main

    def run(*args: str, **kwargs):
        code = main(list(args), **kwargs) if kwargs else main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
