"""Logs of long-running loops cost what is read, not the container's age (issue 9, defect 5).

A group created on the instant clock and read on the realtime clock (the documented
hand-over) is about three virtual years old; reading its log used to run for minutes.
"""

from __future__ import annotations

import time

from aci_helpers.emulator import Emulator
from aci_helpers.emulator import assumptions as A

from .conftest import LOC, RG, Cloud, task


def _handed_over(tmp_path, src: str) -> Cloud:
    path = tmp_path / "state.db"
    c = Cloud(Emulator(path, clock="instant"))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    c.aci.container_groups.begin_create_or_update(RG, "loop", task(src, restart="Always")).result()
    return Cloud(Emulator(path, clock="realtime"))


def test_tail_of_a_years_old_time_printing_loop(tmp_path):
    r = _handed_over(tmp_path, "while true; do echo tick $(date); sleep 1; done")
    lines = r.aci.containers.list_logs(RG, "loop", "c1", tail=10).content.splitlines()
    assert len(lines) == 10 and all(x.startswith("tick ") for x in lines)
    assert abs(int(lines[-1].split()[-1]) - time.gmtime().tm_year) <= 1  # the wall clock's year
    everything = r.aci.containers.list_logs(RG, "loop", "c1").content.splitlines()
    assert len(everything) == A.LOG_SIMULATED_LINES_LIMIT + 1
    assert everything[0].startswith("[aci-emulator] ") and "earlier lines are not shown" in \
        everything[0] and "tail=N" in everything[0]
    hidden = int(everything[0].split()[1].replace(",", ""))
    assert hidden > 50_000_000  # about three years of one line a second


def test_a_loop_without_summary_says_where_its_simulation_stops(tmp_path):
    r = _handed_over(tmp_path, "i=0; while true; do i=$((i+1)); echo $i; sleep 1; done")
    last = r.aci.containers.list_logs(RG, "loop", "c1", tail=2).content.splitlines()
    assert last[0].isdigit()
    assert last[1].startswith("[aci-emulator] output after ") and "is not simulated" in last[1]
