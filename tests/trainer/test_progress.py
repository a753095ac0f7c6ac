"""Progress the trainer can see (issue 20 item 2): what a check records, where, what the
trainer's status shows, and that recording never fails a check."""

from __future__ import annotations

import pytest

from aci_helpers import connect
from aci_helpers.progress import (MAX_VALUE, TAG_PREFIX, Outcome, decode, encode, merge,
                                  read_progress, record_progress, recorded, reset_notes)


class Answer:
    def __init__(self, passed):
        self.passed = passed


@pytest.fixture
def p01(state, cli):
    cli("workshop", "setup", "--workshop", "demo", "--participants", "2")
    reset_notes()
    s = connect(resource_group="aci-ws-demo-p01")
    yield s
    s.close()
    reset_notes()


def test_a_check_records_notebook_exercise_outcome_and_time(p01, cli, capsys):
    answer = Answer(False)
    assert record_progress(p01, "01", "try_group", answer) is answer
    assert "Recorded for your trainer" in capsys.readouterr().out
    record_progress(p01, "01", "try_group", Answer(True))
    record_progress(p01, "03", "word_count", Answer(False))
    record_progress(p01, "03", "word_count", Answer(False))
    assert capsys.readouterr().out == ""  # the note is said once per kernel
    tags = p01.resources.resource_groups.get("aci-ws-demo-p01").tags
    assert set(tags) >= {TAG_PREFIX + "01", TAG_PREFIX + "03"}
    assert tags[TAG_PREFIX + "01"].startswith("try_group=P")
    assert tags[TAG_PREFIX + "03"].startswith("word_count=N")
    # Nothing but the notebook, the exercise, the outcome and times.
    assert all(len(v) < 40 for k, v in tags.items() if k.startswith(TAG_PREFIX))
    code, out, _ = cli("workshop", "status", "--workshop", "demo")
    row = next(ln for ln in out.splitlines() if ln.startswith("p01 "))
    assert "passed 01 · on 03 word_count for 0 min" in row
    assert "no check run yet" in next(ln for ln in out.splitlines() if ln.startswith("p02 "))
    assert "Stuck longest: p01 on 03 word_count for 0 min" in out


def test_a_pass_is_kept_when_the_skeleton_is_run_again(p01):
    record_progress(p01, "01", "try_group", True)
    record_progress(p01, "01", "try_group", False)
    [o] = read_progress(p01.resources.resource_groups.get("aci-ws-demo-p01").tags)
    assert o.passed and (o.notebook, o.exercise) == ("01", "try_group")


def test_a_learner_on_their_own_records_nothing_and_sends_nothing(state):
    s = connect()
    before = s.requests.count
    record_progress(s, "01", "try_group", True)
    assert s.requests.count == before


def test_recording_off(p01, monkeypatch):
    monkeypatch.setenv("ACI_PROGRESS", "off")
    before = p01.requests.count
    record_progress(p01, "01", "try_group", True)
    assert p01.requests.count == before


def test_no_right_to_write_tags_never_fails_a_check(p01, capsys):
    p01.emulator.inject_fault("PATCH", r"/resourcegroups/aci-ws-demo-p01$", status=403,
                              code="AuthorizationFailed", times=10)
    answer = Answer(True)
    assert record_progress(p01, "01", "try_group", answer) is answer
    out = capsys.readouterr().out
    assert out.startswith("(Your progress was not recorded for your trainer: ")
    assert "AuthorizationFailed" in out and "ACI_PROGRESS=off" in out and out.count("\n") == 1
    record_progress(p01, "03", "word_count", answer)
    assert capsys.readouterr().out == ""


def test_the_decorator_records_what_the_check_answers(p01):
    @recorded("02", "lean_group")
    def check(s, value):
        return Answer(value == 42)

    assert check(p01, 42).passed
    [o] = read_progress(p01.resources.resource_groups.get("aci-ws-demo-p01").tags)
    assert (o.notebook, o.exercise, o.passed) == ("02", "lean_group", True)


def test_the_encoding_is_compact_and_bounded():
    outcomes = [Outcome("03", f"exercise_{i:02d}", i % 2 == 0, 1_765_000_000 + i, 1_765_000_100 + i)
                for i in range(20)]
    value = encode(outcomes)
    assert len(value) <= MAX_VALUE
    kept = decode("03", value)
    assert kept and {o.exercise for o in kept} <= {o.exercise for o in outcomes}
    assert kept[-1].exercise == "exercise_19"  # the newest are kept
    assert merge({}, "01", "try_group", True, 1_765_000_000) == {TAG_PREFIX + "01": "try_group=Pt6u2ps"}
