"""The API reference (spec, examples, recordings under ../shared/reference/aci-rest) is read
at test time and never copied into the repository. (``reference/wordcount`` is different: its
README says the project may ship those figures as data, and the emulator does.)"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from .conftest import reference_dir

REPO = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_reference_file_is_in_the_repository():
    ref = reference_dir()
    reference = {_digest(p): p for p in (ref / "aci-rest").rglob("*")
                 if p.is_file() and p.stat().st_size > 200}
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             check=True).stdout.decode().split("\0")
    copies = [f"{name} is a copy of {reference[d]}" for name in tracked if name
              if (REPO / name).is_file() and (d := _digest(REPO / name)) in reference]
    assert not copies, "\n".join(copies)
