"""`make lab` works on a copy: the learner's edits are never overwritten, notebooks/ never
written, a fresh copy is one command away (tools/lab.py). The real JupyterLab session is
tests/browser/test_lab_working_copy.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lab  # noqa: E402


@pytest.fixture
def source(tmp_path: Path) -> Path:
    src = tmp_path / "notebooks"
    src.mkdir()
    (src / "00_a.ipynb").write_text('{"cells": []}')
    (src / "01_b.ipynb").write_text('{"cells": [1]}')
    (src / "data").mkdir()
    (src / "data" / "x.csv").write_text("a,b\n")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "00_a-checkpoint.ipynb").write_text("old")
    (src / "emulator.db").write_text("state")
    return src


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != lab.MANIFEST}


def test_first_run_copies_what_a_learner_needs(tmp_path, source):
    copy = tmp_path / "my-notebooks"
    lines = lab.prepare(copy, source)
    assert files(copy) == {"00_a.ipynb": '{"cells": []}', "01_b.ipynb": '{"cells": [1]}',
                           "data/x.csv": "a,b\n"}
    text = "\n".join(lines)
    assert "Made your working copy" in text and "notebooks/ keeps the committed" in text
    assert "make lab-reset" in text


def test_a_learners_edits_are_never_overwritten(tmp_path, source):
    copy = tmp_path / "my-notebooks"
    lab.prepare(copy, source)
    (copy / "00_a.ipynb").write_text("my edits")
    (source / "00_a.ipynb").write_text('{"cells": ["upstream"]}')       # a `git pull`
    (copy / "01_b.ipynb").unlink()                                      # wants it fresh
    (source / "02_c.ipynb").write_text("new notebook")
    lines = lab.prepare(copy, source)
    assert (copy / "00_a.ipynb").read_text() == "my edits"
    assert (copy / "01_b.ipynb").read_text() == '{"cells": [1]}'
    assert (copy / "02_c.ipynb").read_text() == "new notebook"
    text = "\n".join(lines)
    assert "Copied into" in text and "01_b.ipynb" in text and "02_c.ipynb" in text
    assert re.search(r"Updated since your copy was made \(yours are unchanged\): 00_a\.ipynb", text)


def test_reset_keeps_the_old_copy_and_makes_a_fresh_one(tmp_path, source):
    copy = tmp_path / "my-notebooks"
    lab.prepare(copy, source)
    (copy / "00_a.ipynb").write_text("my edits")
    now = dt.datetime(2026, 3, 1, 9, 30, 0)
    lines = lab.reset(copy, source, now=now)
    kept = tmp_path / "my-notebooks-20260301-093000"
    assert (kept / "00_a.ipynb").read_text() == "my edits"
    assert (copy / "00_a.ipynb").read_text() == '{"cells": []}'
    assert any(str(kept) in line or kept.name in line for line in lines)
    lab.reset(copy, source, now=now)                  # twice in the same second: both kept
    assert (tmp_path / "my-notebooks-20260301-093000-2" / "00_a.ipynb").exists()


def test_source_is_never_written(tmp_path, source):
    before = {p: p.read_bytes() for p in source.rglob("*") if p.is_file()}
    copy = tmp_path / "my-notebooks"
    lab.prepare(copy, source)
    (copy / "00_a.ipynb").write_text("edited")
    lab.reset(copy, source)
    assert {p: p.read_bytes() for p in source.rglob("*") if p.is_file()} == before


def test_jupyterlab_is_rooted_at_the_copy_with_the_kits_config(tmp_path):
    cmd = lab.lab_command(tmp_path / "copy", ["--no-browser"])
    assert cmd[0].endswith("jupyter") and cmd[1] == "lab"
    assert f"--ServerApp.root_dir={tmp_path / 'copy'}" in cmd and "--no-browser" in cmd
    env = lab.lab_environment({"JUPYTER_CONFIG_PATH": "/mine"})
    assert env["JUPYTER_CONFIG_PATH"].split(":") == [str(lab.LAB_CONFIG), "/mine"]
    page = json.loads((lab.LAB_CONFIG / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {"@jupyterlab/apputils-extension:announcements": True}
    server = json.loads((lab.LAB_CONFIG / "jupyter_lab_config.json").read_text())
    assert server["LabApp"] == {"news_url": None,
                                "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}


def test_the_copy_cannot_be_the_committed_folder(capsys):
    with pytest.raises(SystemExit):
        lab.main(["--dir", str(ROOT / "notebooks"), "--prepare-only"])
    assert "cannot be notebooks/" in capsys.readouterr().err


def test_make_lab_uses_the_launcher_and_the_copy_is_gitignored():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lab: .*\n(\t.*\n)*\t\$\(BIN\)/python tools/lab\.py --dir \"\$\(LAB_DIR\)\"",
                     makefile, re.M)
    assert "jupyter lab notebooks" not in makefile
    assert re.search(r"^LAB_DIR \?= my-notebooks$", makefile, re.M)
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "/my-notebooks/" in ignored and "/my-notebooks-*/" in ignored


def test_lab_reset_names_make_lab_instead_of_claiming_jupyterlab_opens(tmp_path, capsys):
    copy = tmp_path / "my-notebooks"
    lab.main(["--dir", str(copy), "--prepare-only"])
    capsys.readouterr()
    assert lab.main(["--dir", str(copy), "--reset", "--prepare-only"]) == 0
    out = capsys.readouterr().out
    assert "JupyterLab opens" not in out
    assert f"`make lab LAB_DIR={copy}` opens JupyterLab on" in out
    assert "reload its page" in out  # a JupyterLab already open on the copy
    # what `make lab` itself says: JupyterLab opens it, now
    assert "JupyterLab opens" in "\n".join(lab.prepare(copy))


def test_the_kits_scripts_come_first_on_the_labs_path():
    scripts = str(lab.scripts_dir())
    assert (Path(scripts) / "aci-tutorial").exists() or (Path(scripts) / "aci-tutorial.exe").exists()
    env = lab.lab_environment({"PATH": f"/usr/bin{os.pathsep}{scripts}{os.pathsep}/bin"})
    assert env["PATH"].split(os.pathsep) == [scripts, "/usr/bin", "/bin"]
    assert env[lab.SCRIPTS_VARIABLE] == scripts


def test_the_labs_terminals_run_bash_with_the_kits_rc_file(monkeypatch):
    config = lab.LAB_CONFIG / "jupyter_server_config.py"

    def load(shell: str) -> list[str]:
        monkeypatch.setenv("SHELL", shell)
        c = type("Config", (), {})()
        c.ServerApp = type("ServerApp", (), {})()
        runpy.run_path(str(config), init_globals={"c": c})  # as Jupyter loads it
        return c.ServerApp.terminado_settings["shell_command"]

    rc = lab.LAB_CONFIG / "bashrc"
    assert load("/bin/bash") == ["/bin/bash", "--rcfile", str(rc)]
    assert load("/usr/bin/zsh") == ["/usr/bin/zsh"]  # no login shell: PATH as inherited
    text = rc.read_text()
    assert '. "$HOME/.bashrc"' in text and f'"${lab.SCRIPTS_VARIABLE}:$PATH"' in text


def test_the_named_kernel_carries_the_kits_path(tmp_path):
    """The kernel "Python (ACI tutorial)" that make lab installs, started by jupyter_client
    (as JupyterLab, Notebook, Voila and VS Code do) from a PATH without .venv/bin, finds
    aci-tutorial for a `!` cell."""
    import subprocess

    folder = lab.install_kernel(user=False, prefix=str(tmp_path))
    assert lab.install_kernel(user=False, prefix=str(tmp_path)) == folder  # again: the same
    spec = json.loads((folder / "kernel.json").read_text())
    scripts = str(lab.scripts_dir())
    assert spec["display_name"] == "Python (ACI tutorial)"
    assert spec["env"] == {"PATH": f"{scripts}{os.pathsep}${{PATH}}"}
    code = ("from jupyter_client.manager import start_new_kernel\n"
            "km, kc = start_new_kernel(kernel_name='aci-tutorial')\n"
            "try:\n"
            "    r = kc.execute_interactive(\"import shutil; print(shutil.which('aci-tutorial'))\","
            " timeout=60, output_hook=lambda m: print(m['content'].get('text', ''), end=''))\n"
            "finally:\n"
            "    kc.stop_channels(); km.shutdown_kernel(now=True)\n")
    without = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != scripts)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": without,
                               "JUPYTER_PATH": str(tmp_path / "share" / "jupyter")})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(Path(scripts) / "aci-tutorial"), done.stdout
