"""Default programs of common images, laziness and determinism."""

from __future__ import annotations


import pytest

from aci_helpers.emulator.runtime import OutputTooLarge, launch

from .conftest import HELLO, SIDECAR, lines


def test_nginx_starts_and_runs_forever(run):
    prog = run("nginx")
    out = lines(prog, 10)
    assert out[0] == ("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt "
                      "to perform configuration")
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in out
    assert out[-1].endswith("[notice] 1#1: start worker process 29")
    assert prog.exit_after is None


def test_nginx_without_daemon_off_exits(run):
    prog = run("nginx", ["nginx"])
    assert prog.exit_code == 0 and lines(prog) == []


@pytest.mark.parametrize("image, needle", [
    ("httpd", "AH00094: Command line: 'httpd -D FOREGROUND'"),
    ("redis", "* Ready to accept connections tcp"),
])
def test_servers(run, image, needle):
    prog = run(image)
    assert prog.exit_after is None
    assert any(needle in s for s in lines(prog, 5))


def test_hello_world(run):
    prog = run("hello-world")
    out = lines(prog)
    assert prog.exit_code == 0
    assert out[:2] == ["", "Hello from Docker!"]
    assert "This message shows that your installation appears to be working correctly." in out
    assert run("hello-world", ["echo", "hi"]).exit_code == 127  # no shell, no echo


def test_laziness_of_long_periodic_output(run):
    prog = run("alpine", ["/bin/sh", "-c", "while true; do echo hello; sleep 20; done"])
    # Summarised as a repeating cycle, so any time costs O(tail), not O(lines printed).
    assert prog.cycle is not None and prog.simulator is None
    assert prog.line_count(10**7) == 500_001
    tail = prog.output(10**7, tail=3)
    assert tail == [(9_999_960.0, "hello"), (9_999_980.0, "hello"), (10_000_000.0, "hello")]


def test_laziness_of_server_access_log(run):
    prog = run(HELLO, peers=[SIDECAR])
    assert prog.cycle is not None and prog.simulator is None
    last = prog.output(86400 * 30, tail=1)
    assert last[0][0] == 86400 * 30 and "HEAD / HTTP/1.1" in last[0][1]


def test_busy_loop_is_bounded(run):
    prog = run("alpine", ["/bin/sh", "-c", "while true; do echo spin; done"])
    assert prog.exit_after is None
    assert prog.line_count(1.0) == 1001
    with pytest.raises(OutputTooLarge):
        prog.output(10**6)
    assert len(prog.output(10**6, tail=5)) == 5


def test_non_periodic_infinite_loop_is_lazy(run):
    prog = run("alpine", ["/bin/sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; sleep 10; done"])
    assert prog.exit_after is None
    assert prog.output(30) == [(0.0, "1"), (10.0, "2"), (20.0, "3"), (30.0, "4")]


def test_since(run):
    prog = run("alpine", ["/bin/sh", "-c", "while true; do echo hello; sleep 20; done"])
    assert prog.output(100, since=30) == [(40.0, "hello"), (60.0, "hello"), (80.0, "hello"),
                                         (100.0, "hello")]


def test_output_after_exit_is_clipped(run):
    prog = run("alpine", ["/bin/sh", "-c", "echo a; sleep 5; echo b"])
    assert prog.exit_after == 5 and prog.line_count(1e9) == 2


def test_determinism(catalog):
    info = catalog.resolve("httpd")
    a = launch(info, None, {}, [], seed=7)
    b = launch(info, None, {"X": "1"}, [], seed=7)  # not cached together
    c = launch(info, None, {}, [], seed=8)
    assert a.output(10) == launch(info, None, {}, [], seed=7).output(10)
    assert [s for _, s in a.output(10)] == [s for _, s in b.output(10)]
    assert a.output(10) != c.output(10)  # the seed picks the thread id in the log
    env = lines(launch(catalog.resolve("alpine"), ["env"], {}, [], seed=1))
    assert env == lines(launch(catalog.resolve("alpine"), ["env"], {}, [], seed=1))
    assert env != lines(launch(catalog.resolve("alpine"), ["env"], {}, [], seed=2))


def test_restart_is_a_new_launch_from_zero(run):
    first = run("alpine", ["/bin/sh", "-c", "echo up; sleep 5; exit 1"])
    again = run("alpine", ["/bin/sh", "-c", "echo up; sleep 5; exit 1"])
    assert first.output(10) == again.output(10) == [(0.0, "up")]


def test_until_tolerates_epoch_subtraction_error(run):
    prog = run("mcr.microsoft.com/azuredocs/aci-wordcount")
    start = 1_753_000_000.123
    until = (start + prog.exit_after) - start - 3e-7  # what now - start gives in floats
    assert prog.output(until) == prog.output(1e9) != []


# ---- issue 9, defect 5: tail=N stays O(N) for every program, or the work is bounded -------

YEARS = 3 * 365 * 86400.0


def _sh(run, src: str):
    return run("alpine", ["/bin/sh", "-c", src])


def test_a_loop_printing_the_time_is_a_cycle_replayed_on_demand(run):
    """``echo tick $(date)`` used to be simulated from the start on every read (14 s a day)."""
    prog = _sh(run, "while true; do echo tick $(date); sleep 1; done")
    assert prog.cycle is not None and prog.simulator is None and prog.costly
    # Exactly what a simulation from the start prints, at any age: one replay per line.
    assert prog.output(YEARS, tail=2) == [(YEARS - 1, "tick Wed Dec 30 23:59:59 UTC 2026"),
                                          (YEARS, "tick Thu Dec 31 00:00:00 UTC 2026")]
    assert prog.output(90, since=88) == [(88.0, "tick Mon Jan 1 00:01:28 UTC 2024"),
                                         (89.0, "tick Mon Jan 1 00:01:29 UTC 2024"),
                                         (90.0, "tick Mon Jan 1 00:01:30 UTC 2024")]
    assert prog.line_count(YEARS) == YEARS + 1


def test_replayed_lines_match_a_full_simulation(run, monkeypatch):
    """The replay gives the lines a step-by-step simulation gives."""
    from aci_helpers.emulator.runtime.shell.machine import Machine
    src = 'for i in 1 2; do echo start $i; done; while true; do echo "a $(date +%s) b"; ' \
          'echo second; sleep 0.5; printf "%s\\n" "$(date +%T)"; sleep 2; done'
    replayed = _sh(run, src)
    assert replayed.cycle is not None and replayed.costly
    monkeypatch.setattr(Machine, "snapshot", lambda self: object())  # never summarise
    full = run("alpine", ["/bin/sh", "-c", src], env={"OTHER": "launch"})
    assert full.cycle is None and full.simulator is not None
    assert replayed.output(300.0) == full.output(300.0)
    assert len(full.output(300.0)) == 2 + 3 * 120 + 2  # the last iteration, cut at 300 s


@pytest.mark.parametrize("src", [
    # the time decides what happens: never summarised as a replayed cycle
    "while true; do if date | grep -q ':00 '; then echo minute; fi; sleep 1; done",
    "while true; do echo $(date +%S) | grep -q 00 && echo zero; sleep 1; done",
    "while true; do x=$(date +%s); echo $x; sleep 1; done",
])
def test_time_that_reaches_control_flow_is_not_replayed(run, src):
    prog = _sh(run, src)
    assert prog.cycle is None and prog.simulator is not None


def test_a_loop_ending_at_a_time_still_ends(run):
    prog = _sh(run, "END=$(date +%s); END=$((END + 30)); while [ $(date +%s) -lt $END ]; do "
                    "echo $(date +%T); sleep 1; done; echo done")
    assert prog.exit_after == 30 and lines(prog)[-1] == "done"


def test_a_program_without_summary_is_simulated_boundedly_and_says_so(run):
    prog = _sh(run, "i=0; while true; do i=$((i+1)); echo $i; sleep 1; done")
    assert prog.costly and prog.simulator is not None
    calls = []
    simulate = prog.simulator
    prog.simulator = lambda until: calls.append(until) or simulate(until)
    for t in range(1, 200):  # a log followed every second: O(log t) simulations
        assert prog.output(float(t), tail=1) == [(float(t), str(t + 1))]
    assert len(calls) <= 9, calls
    last = prog.output(YEARS, tail=2)
    assert last[0][1].isdigit()
    assert last[1][1].startswith("[aci-emulator] output after ")
    assert "is not simulated" in last[1][1] and "20,000 commands" in last[1][1]
    n = len(calls)
    assert prog.output(2 * YEARS, tail=1) == last[1:]  # cut once: not simulated again
    assert len(calls) == n
