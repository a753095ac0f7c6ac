"""The code lints clean: ruff, configured in pyproject.toml (the rules the `noqa` comments name)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_check_is_clean() -> None:
    """``ruff check`` over the checkout (about 0.1 s); its output names each finding."""
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--quiet",
                          "--output-format", "concise", str(ROOT)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, f"ruff check found:\n{run.stdout}{run.stderr}"
