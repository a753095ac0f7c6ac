"""The shell interpreter that runs command-line overrides."""

from __future__ import annotations

import pytest

from .conftest import lines

SH = ["/bin/sh", "-c"]


def sh(run, script, image="alpine", env=None, until=1e6):
    prog = run(image, [*SH, script], env=env)
    return lines(prog, until), prog


def test_docs_exec_form(run):
    prog = run("alpine", ["echo", "FOO", "BAR"])
    assert lines(prog) == ["FOO BAR"] and prog.exit_after == 0 and prog.exit_code == 0


def test_docs_shell_form_runs_forever(run):
    prog = run("alpine", ["/bin/sh", "-c", "echo FOO BAR && tail -f /dev/null"])
    assert lines(prog) == ["FOO BAR"]
    assert prog.exit_after is None and prog.exit_code is None


def test_recorded_hello_loop(run):
    prog = run("alpine:latest", ["/bin/sh", "-c", "while true; do echo hello; sleep 20; done"])
    assert prog.exit_after is None
    assert prog.output(40) == [(0.0, "hello"), (20.0, "hello"), (40.0, "hello")]
    assert prog.text(25) == "hello\nhello\n"


def test_recorded_syntax_error_exits_2(run):
    out, prog = sh(run, "echo hello; sleep 15; done")
    assert prog.exit_code == 2 and out == ['/bin/sh: syntax error: unexpected "done"']


@pytest.mark.parametrize("image, expected", [
    ("alpine", '/bin/sh: syntax error: unexpected "done"'),
    ("debian", '/bin/sh: 1: Syntax error: "done" unexpected'),
])
def test_syntax_error_flavours(run, image, expected):
    assert sh(run, "echo hello; sleep 15; done", image)[0] == [expected]


@pytest.mark.parametrize("script, construct", [
    ("case $X in a) echo a;; *) echo other;; esac", "shell 'case' statements"),
    ("greet() { echo hi; }; greet", "shell functions"),
    ("cat <<EOF\nhi\nEOF", "here-documents"),
])
def test_unsupported_constructs_say_so_instead_of_a_false_syntax_error(run, script, construct):
    out, prog = sh(run, script)
    assert out == [f"[aci-emulator] {construct} are not simulated; the emulator did not run this script"]
    assert prog.exit_code == 1


def test_quotes_and_expansion(run):
    out, _ = sh(run, """A=1; echo '$A' "$A" ${A} "${B:-dflt}" "a  b" a  b; echo "it's" 'say "hi"'""",
                env={"X": "y"})
    assert out == ["$A 1 1 dflt a  b a b", "it's say \"hi\""]


def test_env_var_expansion_from_container_env(run):
    out, _ = sh(run, "echo $GREETING ${NAME}!", env={"GREETING": "hello", "NAME": "aci"})
    assert out == ["hello aci!"]


def test_and_or_semicolon(run):
    out, prog = sh(run, "true && echo a || echo b; false && echo c || echo d; false; echo $?")
    assert out == ["a", "d", "1"] and prog.exit_code == 0


def test_exit_codes(run):
    assert sh(run, "exit 3")[1].exit_code == 3
    assert sh(run, "false")[1].exit_code == 1
    assert sh(run, "echo x; exit 300")[1].exit_code == 300 & 0xFF
    assert run("alpine", ["false"]).exit_code == 1
    assert run("alpine", ["true"]).exit_code == 0


@pytest.mark.parametrize("image, script, expected", [
    ("alpine", "nosuch arg", "/bin/sh: nosuch: not found"),
    ("debian", "nosuch arg", "/bin/sh: 1: nosuch: not found"),
    ("python", "python -c 'print(1)'; nosuch", "/bin/sh: 1: nosuch: not found"),
    ("alpine", "python -c 'print(1)'", "/bin/sh: python: not found"),
])
def test_command_not_found_127(run, image, script, expected):
    out, prog = sh(run, script, image)
    assert out[-1] == expected and prog.exit_code == 127


def test_bash_not_found(run):
    prog = run("ubuntu", ["bash", "-c", "nosuch"])
    assert lines(prog) == ["bash: line 1: nosuch: command not found"] and prog.exit_code == 127


def test_exec_form_not_found(run):
    prog = run("alpine", ["nosuch", "x"])
    assert prog.exit_code == 127 and prog.exit_after == 0
    assert 'exec: "nosuch": executable file not found in $PATH' in lines(prog)[0]
    assert prog.start_error is not None
    assert run("alpine", ["bash", "-c", "echo hi"]).exit_code == 127  # alpine has no bash


def test_loops(run):
    out, prog = sh(run, "for i in 1 2 3; do echo n$i; sleep 1; done; echo end")
    assert out == ["n1", "n2", "n3", "end"] and prog.exit_after == 3.0
    out, _ = sh(run, "i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done")
    assert out == ["1", "2", "3"]
    out, _ = sh(run, "i=0; until [ $i -ge 2 ]; do i=$((i+1)); echo u$i; done")
    assert out == ["u1", "u2"]
    out, _ = sh(run, "for i in $(seq 1 5); do [ $i -eq 4 ] && break; echo $i; done")
    assert out == ["1", "2", "3"]
    out, _ = sh(run, "for w in a b c; do if [ $w = b ]; then continue; fi; echo $w; done")
    assert out == ["a", "c"]


def test_if_elif_else(run):
    out, _ = sh(run, 'x=2; if [ "$x" = 1 ]; then echo one; elif [ "$x" = 2 ]; then echo two; '
                     'else echo other; fi')
    assert out == ["two"]


def test_sleep_times(run):
    prog = run("alpine", [*SH, "echo a; sleep 1.5; echo b; sleep 2m; echo c"])
    assert prog.output(1e6) == [(0.0, "a"), (1.5, "b"), (121.5, "c")]
    assert prog.exit_after == 121.5
    assert prog.output(1.0) == [(0.0, "a")]


def test_sleep_infinity_and_tail(run):
    for script in ("sleep infinity", "tail -f /dev/null", "echo x; sleep inf"):
        assert run("alpine", [*SH, script]).exit_after is None


def test_echo_flags(run):
    out, _ = sh(run, r'echo -n a; echo b; echo -e "x\ty"; echo "p\nq"')
    assert out == ["ab", "x\ty", r"p\nq"]
    out, _ = sh(run, r'echo -e "x\ty"; echo "p\nq"', image="debian")  # dash's echo
    assert out == ["-e x\ty", "p", "q"]


def test_printenv_env(run):
    prog = run("alpine", ["printenv", "K"], env={"K": "v"})
    assert lines(prog) == ["v"]
    assert run("alpine", ["printenv", "MISSING"]).exit_code == 1
    out = lines(run("alpine", ["env"], env={"KEY1": "VALUE1", "KEY2": "FOO=BAR="}))
    assert out[0].startswith("PATH=") and out[1].startswith("HOSTNAME=SandboxHost-")
    assert "KEY1=VALUE1" in out and "KEY2=FOO=BAR=" in out and out[-1] == "HOME=/root"


def test_date_uses_started_at(run):
    prog = run("alpine", [*SH, "date; sleep 61; date +%H:%M:%S"], started_at=1704067200)
    assert lines(prog) == ["Mon Jan  1 00:00:00 UTC 2024", "00:01:01"]


def test_command_substitution_and_arith(run):
    out, _ = sh(run, 'x=$(echo hi); y=`echo yo`; echo "$x $y $((2*3+1)) $(( 7 / 2 ))"')
    assert out == ["hi yo 7 3"]


def test_redirections_and_files(run):
    out, _ = sh(run, "echo hi > /tmp/f; echo more >> /tmp/f; cat /tmp/f; echo gone > /dev/null; "
                     "echo err >&2; cat /nope 2>/dev/null || echo missing")
    assert out == ["hi", "more", "err", "missing"]


def test_pipes(run):
    out, _ = sh(run, "printf 'a\\nb\\nc\\n' | tail -n 2; echo x | cat")
    assert out == ["b", "c", "x"]


def test_set_e(run):
    out, prog = sh(run, "set -e; echo a; false; echo b")
    assert out == ["a"] and prog.exit_code == 1


def test_unterminated_quote(run):
    out, prog = sh(run, 'echo "oops')
    assert prog.exit_code == 2 and "unterminated" in out[0]


def test_shell_with_no_command_exits_0(run):
    for image in ("alpine", "busybox", "ubuntu", "debian", "python", "node"):
        prog = run(image)
        assert prog.exit_code == 0 and prog.output(100) == [], image


def test_python_c(run):
    prog = run("python:3.12", ["python", "-c", "print('hello', 1 + 2)"])
    assert lines(prog) == ["hello 3"] and prog.exit_code == 0
    prog = run("python", ["python", "-c", "import sys; print('bye'); sys.exit(4)"])
    assert lines(prog) == ["bye"] and prog.exit_code == 4
    prog = run("python", ["python", "-c", "print(x)"])
    assert lines(prog)[-1] == "NameError: name 'x' is not defined" and prog.exit_code == 1
    prog = run("python", ["python", "-c", "import socket"])
    assert "not simulated" in lines(prog)[0] and prog.exit_code == 1


def test_python_output_is_buffered_unless_unbuffered(run):
    code = "import time\nfor i in range(2):\n    print(i)\n    time.sleep(5)"
    buffered = run("python", ["python", "-c", code]).output(100)
    assert [t for t, _ in buffered] == [buffered[-1][0]] * 2
    live = run("python", ["python", "-c", code], env={"PYTHONUNBUFFERED": "1"}).output(100)
    assert live[1][0] - live[0][0] == 5


def test_script_file_in_image(run):
    out = lines(run("mcr.microsoft.com/azuredocs/aci-tutorial-sidecar", ["cat", "watchdog.sh"]))
    assert out[-1] == "watch -n 3 curl -I http://localhost"


def test_nested_sh(run):
    out, _ = sh(run, "sh -c 'echo inner; exit 5'; echo $?")
    assert out == ["inner", "5"]


@pytest.mark.parametrize("image, script, expected", [
    ("debian", "echo $((1/0))", '/bin/sh: 1: arithmetic expression: division by zero: "1/0"'),
    ("alpine", "echo $((1/0))", "/bin/sh: divide by zero"),
])
def test_arith_errors_exit_2(run, image, script, expected):
    out, prog = sh(run, script, image)
    assert out == [expected] and prog.exit_code == 2


def test_break_outside_loop_is_ignored(run):
    out, prog = sh(run, "break; echo after")
    assert out == ["after"] and prog.exit_code == 0


def test_bad_tail_count(run):
    out, prog = sh(run, "tail -n x /dev/null")
    assert out == ["tail: invalid number 'x'"] and prog.exit_code == 1


def test_time_dependent_loop_renders_each_iteration(run):
    prog = run("alpine", [*SH, "while true; do date +%H:%M:%S; sleep 30; done"], started_at=0)
    assert prog.output(10**6, tail=2) == [(999960.0, "13:46:00"), (999990.0, "13:46:30")]
