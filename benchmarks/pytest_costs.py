"""A pytest plugin that records what each test costs: wall time and CPU, the test process's
own and that of the processes it started and reaped (kernels, Jupyter servers, Chromium's
driver, subprocesses), setup and teardown included.

Used by benchmarks/fresh_clone.sh (``COSTS=dir``) and by hand::

    ACI_TEST_COSTS=/tmp/costs PYTHONPATH=benchmarks .venv/bin/python -m pytest -p pytest_costs ...
    .venv/bin/python benchmarks/pytest_costs.py /tmp/costs      # the 25 dearest tests

Each worker appends one JSON line per test to ``$ACI_TEST_COSTS/<worker>.jsonl``. A child
counts when it is reaped: a module-scoped server's CPU goes to the module's last test.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import pytest

_OUT = os.environ.get("ACI_TEST_COSTS")


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    if not _OUT:
        yield
        return
    wall, (own, kids) = time.monotonic(), _cpu()
    yield
    own2, kids2 = _cpu()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    Path(_OUT).mkdir(parents=True, exist_ok=True)
    with open(Path(_OUT) / f"{worker}.jsonl", "a") as out:
        out.write(json.dumps({"test": item.nodeid, "worker": worker,
                              "start": round(time.time(), 2),
                              "wall": round(time.monotonic() - wall, 3),
                              "cpu_own": round(own2 - own, 3),
                              "cpu_children": round(kids2 - kids, 3)}) + "\n")


def summary(folder: Path, top: int = 25) -> str:
    """The ``top`` dearest tests by CPU, and per file, from a folder of records."""
    rows = [json.loads(line) for f in sorted(folder.glob("*.jsonl")) for line in f.open()]
    for r in rows:
        r["cpu"] = r["cpu_own"] + r["cpu_children"]
    total_cpu = sum(r["cpu"] for r in rows)
    lines = [f"{len(rows)} tests, {total_cpu:.0f} CPU-s in the test processes and what they "
             f"reaped; {sum(r['wall'] for r in rows):.0f} s of test wall time over the workers"]
    lines.append(f"{'wall s':>7} {'CPU s':>7} {'(kids)':>7}  test")
    for r in sorted(rows, key=lambda r: -r["cpu"])[:top]:
        lines.append(f"{r['wall']:7.1f} {r['cpu']:7.1f} {r['cpu_children']:7.1f}  {r['test']}")
    per_file: dict[str, list[float]] = {}
    for r in rows:
        acc = per_file.setdefault(r["test"].split("::")[0], [0.0, 0.0])
        acc[0] += r["wall"]
        acc[1] += r["cpu"]
    lines.append("\nper file:")
    lines.append(f"{'wall s':>7} {'CPU s':>7}  file")
    for name, (wall, cpu) in sorted(per_file.items(), key=lambda kv: -kv[1][1])[:top]:
        lines.append(f"{wall:7.1f} {cpu:7.1f}  {name}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 25))
