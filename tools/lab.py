"""`make lab`: JupyterLab on the learner's working copy of the notebooks.

The committed notebooks (notebooks/) are the tutorial's reference: `make test` compares
their outputs strictly. Learners run, edit and autosave, so JupyterLab never sees them:
it is rooted at a working copy (my-notebooks/ by default, gitignored), made on the first
`make lab`. Later runs keep every file of the copy as the learner left it; a notebook
missing from the copy (new upstream, or deleted by the learner to get it fresh) is copied
in again. `make lab-reset` moves the whole copy aside (never deleted) and makes a fresh one.
In the copy, each exercise's solution is a raw cell (``solutions_as_raw``): Run All skips it.

The kit's scripts (``aci-tutorial``, ``voila``, ``jupyter``, ``python``: this Python's
scripts folder, ``.venv/bin``) come first on the PATH of everything the lab starts: the
server, its kernels (so ``!aci-tutorial preflight`` works in a cell) and its terminals
(bash with ``lab-config/bashrc``: your ~/.bashrc, then the kit first, as after
``source .venv/bin/activate``), which open in the checkout. The named kernel "Python (ACI tutorial)" that it installs
for other front ends (VS Code, a system-wide JupyterLab) carries the same PATH.

Usage: python tools/lab.py [--dir DIR] [--reset] [--prepare-only] [jupyter lab options...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_DIR = ROOT / "my-notebooks"
# Jupyter config the lab reads on top of the user's: no news/announcements toast, no
# update check (see lab-config/).
LAB_CONFIG = Path(__file__).resolve().parent / "lab-config"
MANIFEST = ".committed.json"  # sha256 of each committed file when it was copied
SKIP = {".ipynb_checkpoints", "__pycache__"}
KERNEL_NAME, KERNEL_DISPLAY_NAME = "aci-tutorial", "Python (ACI tutorial)"
# The lab terminal's rc file (lab-config/bashrc) puts this folder first on PATH again,
# after the user's ~/.bashrc.
SCRIPTS_VARIABLE = "ACI_TUTORIAL_SCRIPTS"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _committed_files(source: Path) -> list[Path]:
    """Files of ``source`` a learner gets (no checkpoints, caches or emulator state)."""
    return sorted(p for p in source.rglob("*") if p.is_file()
                  and not SKIP & set(p.relative_to(source).parts)
                  and not p.name.endswith((".db", ".db-wal", ".db-shm")))


SOLUTION_TAG = "solution"
# what a collapsed cell shows: it must fit a projector's 1280 px
RAW_HEADER = "# Solution (raw: Run All skips it; to run it, press Y to make it code, then run it)"


def solutions_as_raw(text: str) -> str | None:
    """The notebook ``text`` with its ``solution`` code cells turned into raw cells, or None if
    it has none (or is not a notebook). The learner's Run All then leaves every exercise at
    "Not yet"; the solution stays one deliberate act away (show it, make it code, run it).
    Raw cells are skipped by every front end and by nbclient, need nothing in the kernel, and
    keep the source as written. Standard library only: `make lab-reset` runs with any Python."""
    try:
        nb = json.loads(text)
        cells = nb["cells"]
    except (ValueError, TypeError, KeyError):
        return None
    changed = False
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or \
                SOLUTION_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        lines = ("".join(source) if isinstance(source, list) else source).split("\n")
        if lines[0] == "# Solution":  # the first cell's header: say how to run it
            lines[0] = RAW_HEADER
        cell["cell_type"] = "raw"
        cell["source"] = "\n".join(lines).splitlines(keepends=True)  # as nbformat writes it
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        changed = True
    if not changed:
        return None
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _copy_in(src: Path, dest: Path) -> None:
    """Copy one committed file into the working copy (notebooks with their solutions raw)."""
    converted = solutions_as_raw(src.read_text(encoding="utf-8")) if src.suffix == ".ipynb" else None
    if converted is None:
        shutil.copy2(src, dest)
    else:
        dest.write_text(converted, encoding="utf-8")
        shutil.copystat(src, dest)


def _short(path: Path) -> str:
    try:
        return f"{path.relative_to(Path.cwd())}/" if path.is_dir() else str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def prepare(copy: Path, source: Path = NOTEBOOKS, *, opening: bool = True) -> list[str]:
    """Make or complete the working copy; return what to tell the learner (``opening``:
    JupyterLab opens it next; else they are told how to open it).

    Never overwrites a file that is already in the copy."""
    lines: list[str] = []
    fresh = not copy.exists()
    copy.mkdir(parents=True, exist_ok=True)
    manifest_path = copy / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    added, changed = [], []
    for src in _committed_files(source):
        rel = src.relative_to(source).as_posix()
        dest = copy / rel
        digest = _digest(src)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            _copy_in(src, dest)
            manifest[rel] = digest
            added.append(rel)
        elif manifest.get(rel) not in (None, digest):
            changed.append(rel)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    where = _short(copy)
    if fresh:
        lines.append(f"Made your working copy of the notebooks in {where}")
    elif added:
        lines.append(f"Copied into {where}: {', '.join(added)}")
    opt = "" if copy.resolve() == DEFAULT_DIR.resolve() else f" LAB_DIR={copy}"
    opens = "JupyterLab opens" if opening else f"`make lab{opt}` opens JupyterLab on"
    lines.append(f"{opens} {where}: your edits, outputs and autosaves stay there; "
                 f"notebooks/ keeps the committed versions.")
    if changed:
        lines.append(f"Updated since your copy was made (yours are unchanged): "
                     f"{', '.join(changed)}.")
    lines.append(f"Fresh copies: `make lab-reset{opt}` (moves {where} aside, deletes nothing); "
                 f"for one notebook, delete it from {where} and run `make lab{opt}` again.")
    return lines


def reset(copy: Path, source: Path = NOTEBOOKS, now: dt.datetime | None = None, *,
          opening: bool = True) -> list[str]:
    """Move the working copy aside (``<name>-<date>-<time>``) and make a fresh one."""
    lines: list[str] = []
    if copy.exists():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        kept = copy.with_name(f"{copy.name}-{stamp}")
        n = 1
        while kept.exists():
            n += 1
            kept = copy.with_name(f"{copy.name}-{stamp}-{n}")
        copy.rename(kept)
        lines.append(f"Your previous copy is kept in {_short(kept)}")
    lines += prepare(copy, source, opening=opening)
    if lines[0].startswith("Your previous copy") and not opening:
        lines.append("A JupyterLab already open on it: reload its page (and answer Revert if "
                     "it says a file changed on disk), or its open notebooks save over the "
                     "fresh copies.")
    return lines


def scripts_dir() -> Path:
    """This Python's scripts folder (``.venv/bin``): aci-tutorial, voila, jupyter, python."""
    return Path(sysconfig.get_path("scripts"))


def lab_command(copy: Path, extra: list[str]) -> list[str]:
    """The ``jupyter lab`` command line, rooted at the working copy."""
    jupyter = shutil.which("jupyter", path=str(scripts_dir())) or "jupyter"
    cmd = [jupyter, "lab",
           f"--ServerApp.root_dir={copy}", *extra]
    # Containers and cloud shells often run as root, where Jupyter refuses to start without it.
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return cmd


def lab_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab (and its kernels and terminals) runs with: our Jupyter
    config before the user's, the kit's scripts first on PATH."""
    env = dict(os.environ if base is None else base)
    paths = [str(LAB_CONFIG)] + [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    scripts = str(scripts_dir())
    env["PATH"] = os.pathsep.join(
        [scripts, *[p for p in env.get("PATH", "").split(os.pathsep) if p and p != scripts]])
    env[SCRIPTS_VARIABLE] = scripts
    env.setdefault("ACI_BACKEND", "emulator")
    return env


def install_kernel(user: bool = True, prefix: str | None = None) -> Path:
    """Install (or refresh) the named kernel "Python (ACI tutorial)" for other front ends:
    this Python, with its scripts folder first on PATH (``${PATH}`` is filled in when the
    kernel starts: jupyter_client, and VS Code since 2024). Returns the kernel's folder.

    Through ``python -m ipykernel install``: this file imports only the standard library
    (`make lab-reset` runs it with the system's Python)."""
    path = f"{scripts_dir()}{os.pathsep}${{PATH}}"
    where = ["--prefix", prefix] if prefix else (["--user"] if user else [])
    done = subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", *where, "--name", KERNEL_NAME,
         "--display-name", KERNEL_DISPLAY_NAME, "--env", "PATH", path],
        capture_output=True, text=True, check=True)
    # "Installed kernelspec aci-tutorial in /home/me/.local/share/jupyter/kernels/aci-tutorial"
    line = next(ln for ln in (done.stdout + done.stderr).splitlines()
                if ln.startswith("Installed kernelspec"))
    return Path(line.split(" in ", 1)[1].strip())


def main(argv: list[str] | None = None) -> int:
    """Prepare (or reset) the working copy, then replace this process with JupyterLab."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                        help="the working copy (default: my-notebooks/ in the checkout)")
    parser.add_argument("--reset", action="store_true",
                        help="move the working copy aside and make a fresh one")
    parser.add_argument("--prepare-only", action="store_true",
                        help="make or reset the copy, do not start JupyterLab")
    args, extra = parser.parse_known_args(argv)
    copy = args.dir.expanduser().resolve()
    if copy == NOTEBOOKS.resolve() or NOTEBOOKS.resolve() in copy.parents:
        parser.error("the working copy cannot be notebooks/ or inside it")
    opening = not args.prepare_only
    lines = reset(copy, opening=opening) if args.reset else prepare(copy, opening=opening)
    print("\n".join(lines), flush=True)
    if args.prepare_only:
        return 0
    install_kernel()
    cmd = lab_command(copy, extra)
    # JupyterLab's terminals open in the server's working directory: the checkout, where the
    # README's commands are typed (`make ...`, `voila notebooks/07_...`), wherever this ran from.
    os.chdir(ROOT)
    if os.name == "nt":  # no exec on Windows: wait for JupyterLab instead
        return subprocess.call(cmd, env=lab_environment())
    os.execve(cmd[0], cmd, lab_environment())  # JupyterLab gets this process (and Ctrl+C)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
