"""Mounted volumes in the simulated runtime: other containers' writes at their times, the
program's own writes, read-only mounts, and the shell utilities a volumes lesson uses."""

from __future__ import annotations

import pytest

from aci_helpers.emulator.runtime import FileOp, Mount, Volume

from .conftest import lines

SH = ["/bin/sh", "-c"]


def run_with(run, script, *mounts, image="alpine"):
    return run(image, [*SH, script], mounts=list(mounts))


def writes_of(prog, until=1e6):
    return tuple(op for _, op in prog.volume_writes(until))


def test_a_write_at_5s_is_seen_by_a_read_at_10s_and_not_before(run):
    writer = run_with(run, "sleep 5; echo hello > /mnt/v/f; sleep infinity",
                      Mount("/mnt/v", Volume("v")))
    assert writes_of(writer) == (FileOp(5.0, "f", "write", ""), FileOp(5.0, "f", "append", "hello\n"))
    shared = Volume("v", writes=writes_of(writer))
    reader = run_with(run, "cat /x/f; sleep 10; cat /x/f", Mount("/x", shared))
    assert reader.output(100) == [
        (0.0, "cat: can't open '/x/f': No such file or directory"), (10.0, "hello")]


def test_the_programs_own_writes_and_the_others_interleave_by_time(run):
    other = Volume("v", writes=(FileOp(2.0, "log", "append", "b\n"),))
    prog = run_with(run, "echo a >> /v/log; sleep 3; echo c >> /v/log; cat /v/log",
                    Mount("/v", other))
    assert lines(prog) == ["a", "b", "c"]
    assert writes_of(prog) == (FileOp(0.0, "log", "append", ""), FileOp(0.0, "log", "append", "a\n"),
                               FileOp(3.0, "log", "append", "c\n"))


def test_a_polling_loop_is_no_cycle_before_the_last_foreign_write(run):
    other = Volume("v", writes=(FileOp(7.0, "flag", "write", "go\n"),))
    prog = run_with(run, "while true; do cat /v/flag 2>/dev/null || echo waiting; sleep 2; done",
                    Mount("/v", other))
    assert lines(prog, 12) == ["waiting"] * 4 + ["go"] * 3
    assert prog.cycle is not None  # once nothing else can change, it repeats cheaply
    assert len(prog.output(10 * 365 * 86400, tail=3)) == 3


def test_tail_f_prints_what_another_container_appends_when_it_does(run):
    other = Volume("v", files=(("log", "first\n"),),
                   writes=(FileOp(4.0, "log", "append", "second\n"),
                           FileOp(9.0, "log", "write", "over\n")))
    prog = run_with(run, "tail -f /v/log", Mount("/v", other))
    assert prog.output(100) == [(0.0, "first"), (4.0, "second"),
                                (9.0, "tail: /v/log: file truncated"), (9.0, "over")]
    assert prog.exit_after is None


@pytest.mark.parametrize("image, create, touch, rm", [
    ("alpine", "/bin/sh: can't create /s/x: Read-only file system",
     "touch: /s/y: Read-only file system", "rm: can't remove '/s/k': Read-only file system"),
    ("debian", "/bin/sh: 1: cannot create /s/x: Read-only file system",
     "touch: cannot touch '/s/y': Read-only file system",
     "rm: cannot remove '/s/k': Read-only file system"),
])
def test_read_only_volumes_refuse_writes_as_the_kernel_does(run, image, create, touch, rm):
    secret = Volume("s", files=(("k", "v"),), read_only=True)
    prog = run_with(run, "echo 1 > /s/x; touch /s/y; rm /s/k; cat /s/k", Mount("/s", secret),
                    image=image)
    assert lines(prog) == [create, touch, rm, "v"]
    assert prog.volume_writes(1e6) == ()


def test_a_read_only_mount_of_a_writable_volume(run):
    prog = run_with(run, "echo x >> /v/f; [ -w /v/f ] || echo not writable",
                    Mount("/v", Volume("v"), read_only=True))
    assert lines(prog) == ["/bin/sh: can't create /v/f: Read-only file system", "not writable"]


def test_ls_test_cp_and_mv_in_a_volume(run):
    vol = Volume("v", files=(("a.txt", "A\n"), ("dir/b.txt", "B\n")))
    prog = run_with(run, "ls /v; ls /mnt/empty; [ -d /v/dir ] && echo dir; cp /v/a.txt /tmp/; "
                         "cat /tmp/a.txt; mv /v/dir/b.txt /v/c.txt; ls /v; ls /v/dir; cat /v",
                    Mount("/v", vol), Mount("/mnt/empty", Volume("e")))
    assert lines(prog) == ["a.txt", "dir", "dir", "A", "a.txt", "c.txt",
                           "ls: /v/dir: No such file or directory", "cat: read error: Is a directory"]


def test_a_mount_hides_the_images_files_under_it(run):
    prog = run("mcr.microsoft.com/azuredocs/aci-tutorial-sidecar", [*SH, "ls /; cat /watchdog.sh"],
               mounts=[Mount("/", Volume("v"))])
    assert lines(prog)[-1] == "cat: can't open '/watchdog.sh': No such file or directory"


def test_volume_notes_come_first_whatever_the_program(run):
    note = "[aci-emulator] a note about a volume"
    vol = Volume("r", notes=(note,))
    assert lines(run("nginx", None, mounts=[Mount("/r", vol)]))[0] == note
    assert lines(run_with(run, "echo hi", Mount("/r", vol), Mount("/q", vol))) == [note, "hi"]


def test_same_inputs_same_program_and_writes(run):
    vol = Volume("v", writes=(FileOp(1.0, "f", "append", "x\n"),))
    a = run_with(run, "sleep 2; cat /v/f >> /v/g; cat /v/g", Mount("/v", vol))
    b = run_with(run, "sleep 2; cat /v/f >> /v/g; cat /v/g", Mount("/v", vol))
    assert a is b and a.output(10) == [(2.0, "x")]


def test_an_endless_writer_reports_what_its_first_commands_wrote(run):
    prog = run_with(run, "while true; do echo 0123456789 >> /v/f; done", Mount("/v", Volume("v")))
    ops = prog.volume_writes(3600)
    assert 1000 < len(ops) < 20_000 and ops[-1][1].t < 3600  # bounded work, said in the docs
