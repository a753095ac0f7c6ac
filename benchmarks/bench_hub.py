"""A class of 30 on a real JupyterHub (issue 20): the test's run (tests/hosting/test_jupyterhub.py)
at full size. Each participant's server is started through the hub's REST API (all at once,
as a class arrives), then notebooks 00->03 run in a kernel of each (solutions included),
WORKERS participants at a time.

Reports: hub start, server start times (min / median / max), the class's wall and CPU time,
PSS per participant (server + kernel), and the peak PSS of the hub and everything under it
(sampled every 2 s). Needs the `hub` extra and configurable-http-proxy (see .ci/run).

``--served``: the class on one served emulator (the README's steps, as the hub test runs
them), with the served emulator's CPU and requests and the trainer's one ``status``.

    .venv/bin/python benchmarks/bench_hub.py [--participants 30] [--workers 4] [--served]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hosting.hub import missing
from tests.hosting.test_jupyterhub import run_class, run_served_class


def tree_pss_mb(pid: int) -> float:
    """PSS (MB) of ``pid`` and all its descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root] + root.children(recursive=True)
    except psutil.Error:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            continue
    return total / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4,
                        help="participants running notebooks at the same time (servers all start at once)")
    parser.add_argument("--served", action="store_true",
                        help="the class on one served emulator (aci-tutorial serve)")
    parser.add_argument("--quota-cores", help="--served: serve with this quota (README: a "
                        "class of 30 needs more than the default 100 a region)")
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"skipped: {reason}")
        return 0
    import psutil

    peak = {"mb": 0.0}
    stop = threading.Event()

    def sample() -> None:
        me = psutil.Process()
        while not stop.wait(2):
            hubs = []
            for c in me.children(recursive=True):
                try:
                    cmd = " ".join(c.cmdline()[:2])
                except psutil.Error:  # gone, or a zombie, between the listing and the read
                    continue
                if "jupyterhub" in cmd and "singleuser" not in cmd:
                    hubs.append(c)
            peak["mb"] = max(peak["mb"], sum(tree_pss_mb(h.pid) for h in hubs))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        if args.served:
            extra = ("--quota-cores", args.quota_cores) if args.quota_cores else ()
            done = run_served_class(Path(folder), args.participants, workers=args.workers,
                                    serve_options=extra)
        else:
            done = run_class(Path(folder), args.participants, workers=args.workers)
    wall = time.perf_counter() - began
    stop.set()
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    starts = sorted(done["start"].values())
    pss = sorted(done["pss_mb"].values())
    print(f"participants: {args.participants} (notebooks 00-03 each, {args.workers} at a time; "
          "a shared 2-core machine)")
    print(f"hub start: {done['hub_start']:.1f} s")
    print(f"server start (all at once): min {starts[0]:.1f} s, median "
          f"{statistics.median(starts):.1f} s, max {starts[-1]:.1f} s")
    print(f"class: {done['class_wall']:.0f} s wall (whole run {wall:.0f} s), {cpu:.0f} s CPU")
    print(f"PSS per participant (server + kernel after 03): min {pss[0]:.0f} MB, median "
          f"{statistics.median(pss):.0f} MB, max {pss[-1]:.0f} MB")
    print(f"peak PSS of the hub, proxy, servers and kernels: {peak['mb']:.0f} MB")
    if args.served:
        passed = sum("passed 03" in ln for ln in done["status"].stdout.splitlines())
        print(f"served emulator: {done['serve_cpu']:.1f} s CPU for {done['served_requests']} "
              f"requests; the trainer's status: {done['status_s']:.2f} s, {passed} of "
              f"{args.participants} rows 'passed 03'")
        print(f"peak standard cores in use per region: {done['peak_cores']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
