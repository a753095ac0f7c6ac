"""Exec into a running container (runtime/exec.py): one program without arguments, on a
terminal, inside the container's files, environment and volumes, paced by simulated time."""

from __future__ import annotations

import pytest

from aci_helpers.emulator.runtime import FileOp, Mount, Volume
from aci_helpers.emulator.runtime.exec import (EXEC_REFUSAL, ExecChanges, Terminal,
                                               exec_refusal, start_exec)
from aci_helpers.emulator.runtime.exec_shell import CUT_NOTE
from aci_helpers.emulator.runtime.exec_tty import LineDiscipline, columns

from .conftest import HELLO


@pytest.fixture
def sh(catalog):
    """sh(image, command="/bin/sh", at=10, **kw) -> a started session, its prompt read."""

    def _sh(image="alpine", command="/bin/sh", at=10.0, **kw):
        s = start_exec(catalog.resolve(image), command, at=at, **kw)
        s.first = s.read(at)
        return s

    return _sh


def typed(s, text, at, until=None):
    """Type ``text`` at ``at``; what the terminal shows by ``until`` (default: ``at``)."""
    s.write(text, at)
    return s.read(at if until is None else until)


# -- the prompt, the environment, the working directory -----------------------------------
@pytest.mark.parametrize("image, command, prompt", [
    ("alpine", "/bin/sh", "/ # "),
    ("busybox", "sh", "/ # "),
    ("debian", "/bin/sh", "# "),
    ("nginx", "/bin/bash", "root@{host}:/# "),
    (HELLO, "/bin/sh", "/usr/src/app # "),
])
def test_a_shell_prompts_as_the_image_shell_does(sh, image, command, prompt):
    s = sh(image, command)
    host = typed(s, "hostname\r", 11).split("\r\n")[1]
    assert host.startswith("SandboxHost-")
    assert s.first == prompt.format(host=host)


def test_the_environment_is_the_containers_with_secure_values_and_a_terminal(sh):
    s = sh(env={"MODE": "prod", "API_KEY": "s3cr3t"})
    out = typed(s, "env\r", 11)
    lines = out.split("\r\n")
    assert "MODE=prod" in lines and "API_KEY=s3cr3t" in lines
    assert "TERM=xterm" in lines and "HOME=/root" in lines
    assert typed(s, "echo $API_KEY; pwd\r", 12) == "echo $API_KEY; pwd\r\ns3cr3t\r\n/\r\n/ # "


def test_output_uses_crlf_and_echoes_what_is_typed(sh):
    s = sh()
    assert typed(s, "echo a; echo b\r", 11) == "echo a; echo b\r\na\r\nb\r\n/ # "
    assert typed(s, "printf abc\r", 12) == "printf abc\r\nabc/ # "


# -- one program, no arguments -------------------------------------------------------------
@pytest.mark.parametrize("command, why", [
    ("ls /app", 'stat ls /app: no such file or directory'),
    ("echo hi", "executable file not found in $PATH"),
    ("bash", "executable file not found in $PATH"),          # alpine has no bash
    ("/bin/bash", "stat /bin/bash: no such file or directory"),
    ("", "executable file not found in $PATH"),
])
def test_a_command_with_arguments_names_no_program_and_is_refused(sh, command, why):
    s = sh("alpine", command)
    assert s.first == EXEC_REFUSAL.format(cmd=command, why=why) + "\r\n"
    assert s.first.startswith("rpc error: code = 2 desc = oci runtime error: exec failed")
    assert s.finished and s.exit_code == 127
    s.write("ls\r", 11)           # nothing runs any more
    assert s.read(11) == ""


def test_the_way_out_is_a_shell_then_the_command_typed(sh):
    s = sh(HELLO, "/bin/sh")
    assert typed(s, "ls /usr/src/app\r", 11) == \
        "ls /usr/src/app\r\nindex.html  index.js\r\n/usr/src/app # "


@pytest.mark.parametrize("command, expect", [
    ("env", "HOME=/root"),
    ("hostname", "SandboxHost-"),
    ("pwd", "/usr/src/app"),
    ("/bin/ls", "index.html  index.js"),
])
def test_a_one_shot_program_prints_and_ends(sh, command, expect):
    s = sh(HELLO, command)
    assert expect in s.first and s.first.endswith("\r\n")
    assert s.finished and s.exit_code == 0


def test_an_interactive_interpreter_is_named_not_faked(sh):
    s = sh("python", "python")
    assert s.first.startswith("[aci-emulator] the interactive python prompt is not simulated")
    assert s.finished and s.exit_code == 1


def test_cat_echoes_lines_and_wc_counts_what_was_typed_until_ctrl_d(sh):
    s = sh("alpine", "cat")
    assert s.first == ""
    assert typed(s, "hello\r", 11) == "hello\r\nhello\r\n"
    assert typed(s, "\x04", 12) == "" and s.finished
    w = sh("alpine", "wc")
    assert typed(w, "a b\rc\r\x04", 11) == "a b\r\nc\r\n2 3 6\r\n" and w.finished


def test_windows_containers_are_named_not_simulated(catalog):
    catalog = type(catalog).default()
    catalog.add("contoso/win:1", default_command=["cmd"], os_type="Windows")
    s = start_exec(catalog.resolve("contoso/win:1"), "cmd", at=1)
    assert "Windows containers" in s.read(1) and s.finished


# -- inside the container: its files and volumes at the time ---------------------------------
def test_the_main_process_files_are_seen_as_they_are_at_the_time(sh):
    main = ["/bin/sh", "-c", "sleep 5; echo ready > /tmp/state; sleep infinity"]
    early = sh(main_command=main, at=2)
    assert "No such file" in typed(early, "cat /tmp/state\r", 2)
    late = sh(main_command=main, at=6)
    assert typed(late, "cat /tmp/state\r", 6) == "cat /tmp/state\r\nready\r\n/ # "


def test_a_volume_shows_what_the_main_process_and_others_wrote_so_far(sh):
    vol = Volume("shared", files=(("seed.txt", "seeded\n"),),
                 writes=(FileOp(3.0, "other.txt", "write", "from the sidecar\n"),))
    main = ["/bin/sh", "-c", "while true; do date >> /mnt/v/log; sleep 5; done"]
    s = sh(main_command=main, mounts=[Mount("/mnt/v", vol)], at=7)
    out = typed(s, "cat /mnt/v/seed.txt /mnt/v/other.txt; wc -l /mnt/v/log\r", 7)
    assert "seeded\r\nfrom the sidecar\r\n2 /mnt/v/log\r\n" in out
    # the session goes on: the main process keeps writing as time passes
    assert "4 /mnt/v/log" in typed(s, "wc -l /mnt/v/log\r", 16)


def test_a_read_only_volume_refuses_writes(sh):
    secret = Volume("secrets", files=(("token", "t0k3n"),), read_only=True)
    s = sh(mounts=[Mount("/mnt/secrets", secret)])
    out = typed(s, "cat /mnt/secrets/token; echo x > /mnt/secrets/token\r", 11)
    assert "t0k3n" in out and "Read-only file system" in out


def test_what_an_exec_wrote_is_there_for_the_next_exec(sh):
    vol = Volume("data")
    s = sh(mounts=[Mount("/mnt/d", vol)])
    typed(s, "echo one > /tmp/mine; echo two >> /mnt/d/shared; rm /etc/hostname; exit\r", 11)
    ch = s.changes()
    assert ch.files["/tmp/mine"] == "one\n"
    assert [(v, op.path, op.data) for v, op in ch.volume_writes if op.data] == \
        [("data", "shared", "two\n")]
    again = sh(mounts=[Mount("/mnt/d", vol)], at=20, changes=ch)
    assert typed(again, "cat /tmp/mine /mnt/d/shared\r", 20) == \
        "cat /tmp/mine /mnt/d/shared\r\none\r\ntwo\r\n/ # "
    assert ExecChanges().then(ch) == ch


# -- time: sleeps, loops, Ctrl-C ------------------------------------------------------------
def test_output_is_due_at_its_simulated_time(sh):
    s = sh()
    assert typed(s, "echo start; sleep 2; echo done\r", 11) == \
        "echo start; sleep 2; echo done\r\nstart\r\n"
    assert s.next_at() == 13.0
    assert s.read(12.9) == ""
    assert s.read(13) == "done\r\n/ # "
    assert s.next_at() is None


def test_lines_typed_while_a_command_runs_run_after_it(sh):
    s = sh()
    s.write("sleep 3\r", 11)
    assert typed(s, "echo next\r", 12) == "sleep 3\r\necho next\r\n"
    assert s.next_at() == 14.0
    assert s.read(14) == "/ # next\r\n/ # "


def test_ctrl_c_stops_a_command_where_the_clock_has_got_to(sh):
    s = sh()
    s.write("sleep 5; echo x > /tmp/late\r", 11)
    assert typed(s, "\x03", 13) == "sleep 5; echo x > /tmp/late\r\n^C\r\n/ # "
    out = typed(s, "ls /tmp; echo $?\r", 14)
    assert out == "ls /tmp; echo $?\r\n0\r\n/ # "   # nothing written; ls itself succeeded
    assert "/tmp/late" not in s.changes().files


def test_an_endless_loop_streams_until_ctrl_c(sh):
    s = sh()
    s.write("while true; do echo tick; sleep 1; done\r", 11)
    assert s.read(13.5).count("tick\r\n") == 3
    assert s.next_at() == 14.0
    assert typed(s, "\x03", 13.6) == "^C\r\n/ # "
    assert s.next_at() is None
    assert typed(s, "echo $?\r", 14) == "echo $?\r\n130\r\n/ # "


def test_a_blocking_command_waits_for_ctrl_c(sh):
    s = sh()
    s.write("sleep infinity\r", 11)
    assert s.read(1000) == "sleep infinity\r\n" and s.next_at() is None
    assert typed(s, "\x03", 1001) == "^C\r\n/ # "


def test_a_command_too_long_to_simulate_says_so(sh):
    s = sh()
    assert typed(s, "i=0; while true; do i=$((i+1)); done\r", 11).endswith("done\r\n")
    # 20,000 commands: 10,000 iterations of 1 ms (the shortest the runtime allows)
    assert s.next_at() == pytest.approx(21.0, abs=0.01)
    assert s.read(21) == CUT_NOTE.format(n=20_000) + "\r\n"
    assert typed(s, "\x03", 32) == "^C\r\n/ # "
    assert typed(s, "echo $i\r", 33) == "echo $i\r\n9999\r\n/ # "  # where it was cut


def test_a_read_returns_at_most_its_limit(sh):
    s = sh()
    s.write("seq 50\r", 11)
    first = s.read(11, limit=10)
    assert first.count("\r\n") == 10
    assert s.next_at() == 11
    assert "50\r\n" in s.read(11)


# -- the shell's interactive behaviour --------------------------------------------------------
def test_open_constructs_continue_on_the_next_line(sh):
    s = sh()
    assert typed(s, "for i in 1 2\r", 11) == "for i in 1 2\r\n> "
    assert typed(s, "do echo $i\r", 11) == "do echo $i\r\n> "
    assert typed(s, "done\r", 11) == "done\r\n1\r\n2\r\n/ # "
    assert typed(s, "echo 'a\r", 12) == "echo 'a\r\n> "
    assert typed(s, "b'\r", 12) == "b'\r\na\r\nb\r\n/ # "


def test_errors_are_worded_as_at_a_prompt_and_the_shell_goes_on(sh):
    b = sh("debian", "bash")
    out = typed(b, "nosuch\rdone\r", 11)
    assert "bash: nosuch: command not found\r\n" in out
    assert "bash: syntax error near unexpected token `done'\r\n" in out
    assert not b.finished
    d = sh("debian", "sh")
    assert "sh: 2: nosuch: not found" in typed(d, "true\rnosuch\r", 11)
    a = sh("alpine", "sh")
    assert "sh: cd: can't cd to /nope: No such file or directory" in typed(a, "cd /nope\r", 11)


def test_exit_and_ctrl_d_end_the_session(sh):
    s = sh()
    assert typed(s, "exit 3\r", 11) == "exit 3\r\n" and s.finished and s.exit_code == 3
    b = sh("debian", "bash")
    typed(b, "false\r", 11)
    assert typed(b, "\x04", 12) == "exit\r\n" and b.finished and b.exit_code == 1


def test_ctrl_c_at_the_prompt_drops_the_line(sh):
    s = sh()
    assert typed(s, "echo nev\x03", 11) == "echo nev^C\r\n/ # "
    assert typed(s, "for x in 1\r\x03", 12) == "for x in 1\r\n> ^C\r\n/ # "


def test_the_terminal_size_comes_from_the_request(sh):
    s = sh("debian", "bash", terminal=Terminal(rows=40, cols=100))
    assert "40 100\r\n100\r\n" in typed(s, "stty size; echo $COLUMNS\r", 11)
    narrow = sh(terminal=Terminal(rows=24, cols=20))
    out = typed(narrow, "ls /\r", 11)
    assert max(len(row) for row in out.split("\r\n")[1:-1]) <= 20


def test_hangup_ends_the_process_where_it_was(sh):
    s = sh()
    s.write("sleep 5; echo x > /tmp/f\r", 11)
    s.hangup(12)
    assert s.finished and s.exit_code == 129 and s.read(100) == ""
    assert "/tmp/f" not in s.changes().files


def test_bytes_and_broken_utf8_are_taken(sh):
    s = sh()
    assert typed(s, b"echo caf\xc3\xa9 \xff\r", 11) == "echo café \ufffd\r\ncafé \ufffd\r\n/ # "


def test_busybox_ps_shows_the_main_process(sh):
    out = typed(sh(HELLO), "ps\r", 11)
    assert "    1 root      0:00 node /usr/src/app/index.js" in out
    assert "sh: 1: ps: not found" in typed(sh("debian", "sh"), "ps\r", 11)  # slim: no procps


# -- the line discipline ---------------------------------------------------------------------
def test_line_editing_keys():
    ld = LineDiscipline()
    keys = ld.feed("lx\x7fs -a\x15echo hi\r")
    assert [k.kind for k in keys] == ["echo", "line"]
    assert keys[0].text == "lx\b \bs -a" + "\b \b" * 5 + "echo hi\r\n"
    assert keys[1].text == "echo hi"
    assert [k.text for k in ld.feed("ab cd\x17")] == ["ab cd\b \b\b \b"]
    assert ld.buffer == "ab "


def test_escape_sequences_are_ignored_even_split_across_frames():
    ld = LineDiscipline()
    assert [k.text for k in ld.feed("ec\x1b[")] == ["ec"]
    keys = ld.feed("Aho\x1bOB hi\r\n")
    assert [k.text for k in keys if k.kind == "line"] == ["echo hi"]


def test_crlf_is_one_enter():
    assert [k.kind for k in LineDiscipline().feed("a\r\nb\n")] == ["echo", "line", "echo", "line"]


def test_columns_fill_top_to_bottom():
    names = ["a", "bb", "ccc", "d", "e"]
    assert columns(names, 80, uniform=False) == ["a  bb  ccc  d  e"]
    assert columns(names, 8, uniform=False) == ["a    d", "bb   e", "ccc"]
    assert columns(names, 10, uniform=True) == ["a    d", "bb   e", "ccc"]
    assert exec_refusal("x") == EXEC_REFUSAL.format(cmd="x", why="executable file not found in $PATH")
