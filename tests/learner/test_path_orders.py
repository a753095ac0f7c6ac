"""(d) The orders learners really take, in one cloud, in the working copy (`make lab`):
notebooks skipped, a wrong answer already in the cloud, and the path of issue 16 (Run All in
01, then its Try it by hand, then 03: its Run All stopped on 01's group, and its check blamed
the learner). Each notebook keeps its kernel, as in JupyterLab."""

from __future__ import annotations

import pytest

from .conftest import check_run, passes

pytestmark = pytest.mark.slow(35)

ONE_CPU = "my_group = single_container_group(try_name, s.location)"
TWO_CPUS = "my_group = single_container_group(try_name, s.location, cpu=2, memory_gb=1.5)"


def test_04_first_creates_what_01_and_03_make(student):
    """Notebooks 00-03 skipped: 04 creates the web server and the task, as 01 and 03 do."""
    run = student["04"].run_all()
    check_run("04", run, participant=True)
    assert "aci-970777 is not there (you have not run its notebook): creating it" in run.text
    assert "aci-970777-task is not there" in run.text
    passes("04", student["04"].solve())


def test_01_after_04_then_its_try_it_by_hand_wrong_then_right(student):
    run = student["01"].run_all()  # puts aci-970777 again: the same group, unchanged
    check_run("01", run, participant=True)
    wrong = student["01"].answer("my_group = None", ONE_CPU)
    assert wrong.problems == [], wrong.problems
    assert "Not yet: my_group requests 1 CPU and 1 GB; 2 CPUs and 1.5 GB are wanted. " \
           "aci-970777-01-try is in the cloud with 1 CPU / 1 GB: when you run your cell with the " \
           "fix, it deletes that group first" in wrong.text, wrong.text
    right = student["01"].answer("my_group = None", TWO_CPUS)  # no ResourceExistsError
    assert "aci-970777-01-try was already in the cloud, and Azure cannot update CPU and memory " \
           "1 CPU / 1 GB -> 2 CPU / 1.5 GB in place: deleted it first" in right.text, right.text
    passes("01", right)


def test_03_after_01s_try_it(student):
    """Issue 16's path: 01's Try it left its group; 03 runs, and its Try it passes."""
    run = student["03"].run_all()
    check_run("03", run, participant=True)
    passes("03", student["03"].solve())


def test_05_with_02_skipped_then_02(student):
    run = student["05"].run_all()
    check_run("05", run, participant=True)
    assert "aci-970777-multi is not there (you have not run notebook 02): creating it as 02 does" in run.text
    passes("05", student["05"].solve())
    late = student["02"].run_all()  # puts aci-970777-multi as 05 made it: no error
    check_run("02", late, participant=True)
    passes("02", student["02"].solve())


def test_12_try_it_on_an_app_the_learner_stopped_then_started(student):
    """12 alone in this cloud; the learner stops its app (the explorer's Stop, say), then
    tries the exercise: the check says the group is stopped and how to start it; started
    again, the app writes a new code, which the learner reads and passes with."""
    check_run("12", student["12"].run_all(), participant=True)
    stopped = student["12"].answer(
        "my_answer = None", "s.aci.container_groups.stop(s.resource_group, app_name)\n"
        "my_answer = '1704067203'")
    assert stopped.problems == [] and "is Stopped: nothing runs in it" in stopped.text, stopped.text
    right = student["12"].answer(
        "my_answer = None", "wait(s.aci.container_groups.begin_start(s.resource_group, app_name))\n"
        "wait_for_state(s, app_name, 'Running')\n"
        "my_answer = exec_command(s, app_name, 'app', 'cat /mnt/work/admin-code.txt')")
    passes("12", right)
