"""wait()'s progress in a Jupyter kernel: one line of plain text on stdout, redrawn in place
with a carriage return, never a widget (a saved widget view has no model once the notebook
is reopened: "Error displaying widget: model not found"). The real front end is tested in
tests/browser/test_lab_reopen.py; here the kernel's stdout is a stand-in of the same type name.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from aci_helpers import ensure_resource_group, single_container_group, unique_name
from aci_helpers.wait import _Progress, wait_for_operation, wait_for_state

# What a Jupyter front end (and nbval) keeps of a line redrawn with "\r".
REDRAWN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


class OutStream(io.StringIO):
    """Stands in for ipykernel.iostream.OutStream: what wait() checks is the type's module."""


OutStream.__module__ = "ipykernel.iostream"


@pytest.fixture
def kernel_stdout(monkeypatch):
    """A kernel's stdout for the test's body (pytest's own capture is set per phase, so the
    swap happens in the test, through ``with kernel_stdout as out:``)."""
    monkeypatch.setenv("TQDM_DISABLE", "")
    return contextlib.redirect_stdout(OutStream())


def shown(raw: str) -> str:
    return REDRAWN.sub("", raw)


def test_a_wait_in_a_kernel_leaves_one_plain_line_and_no_widget(s, kernel_stdout):
    ensure_resource_group(s)
    name = unique_name("aci", s)
    with kernel_stdout as out:
        wait_for_operation(s.aci.container_groups.begin_create_or_update(
            s.resource_group, name, single_container_group(name, s.location)))
        wait_for_state(s, name)
    raw = out.getvalue()
    assert raw.count("\r") >= 3, raw  # drawn, then redrawn as states came
    assert shown(raw) == f"create {name}: Pending → Succeeded\n{name}: Running\n"


def test_ctrl_c_ends_the_line_as_it_stands(kernel_stdout):
    with kernel_stdout as out:
        progress = _Progress("create aci-1")
        progress.see("Pending")
        assert progress._bar is None  # no tqdm in a kernel: no widget
        progress.close(summary=False)
        print("Stopped waiting; ...")
    assert shown(out.getvalue()) == "create aci-1: Pending\nStopped waiting; ...\n"


def test_disabled_progress_is_silent_in_a_kernel(kernel_stdout, monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "1")
    with kernel_stdout as out:
        progress = _Progress("create aci-1")
        progress.see("Pending")
        progress.close()
    assert out.getvalue() == ""


def test_outside_a_kernel_the_line_goes_to_stderr_and_the_summary_to_stdout(capsys, monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "")
    progress = _Progress("create aci-1")
    progress.see("Pending")
    progress.see("Succeeded")
    progress.close()
    out, err = capsys.readouterr()
    assert out == "create aci-1: Pending → Succeeded\n"
    assert "create aci-1" in err  # tqdm's text line, removed at the end
