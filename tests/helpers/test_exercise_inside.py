"""12's check (check_admin_code): the admin code read from inside the running app, each
typical mistake with its hint, and no "Not yet" that gives the code away. The notebook's own
cells are tried three ways in tests/learner/test_exercises.py; this drives the check directly
on a group like 12's app (cheaper, and the cases a notebook cannot stage)."""

from __future__ import annotations

import pytest
from azure.mgmt.containerinstance import models as m

from aci_helpers import ensure_resource_group, exec_command
from aci_helpers.exercises import check_admin_code

pytest.importorskip("websocket")

APP = ("date +%s > /mnt/work/admin-code.txt; echo started; "
       'while true; do echo "$(date +%T) app: working"; sleep 1; done')


@pytest.fixture
def app(s):
    """12's app: alpine writing its admin code into an emptyDir at /mnt/work, then printing."""
    ensure_resource_group(s)
    s.aci.container_groups.begin_create_or_update(s.resource_group, "app12", m.ContainerGroup(
        location=s.location, os_type="Linux", restart_policy="Always",
        volumes=[m.Volume(name="work", empty_dir={})],
        containers=[m.Container(
            name="app", image="alpine:3.20", command=["/bin/sh", "-c", APP],
            resources=m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1)),
            environment_variables=[m.EnvironmentVariable(name="API_KEY", secure_value="k3y")],
            volume_mounts=[m.VolumeMount(name="work", mount_path="/mnt/work")])],
    )).result()
    yield s
    s.emulator.close()  # the exec endpoint the first exec started


def code_of(s) -> str:
    return exec_command(s, "app12", "app", "cat /mnt/work/admin-code.txt").strip()


def test_the_code_read_from_inside_passes(app):
    code = code_of(app)
    assert code.isdigit()
    for answer in (code, code + "\n", f"  {code}\r\n", int(code), code.encode()):
        feedback = check_admin_code(app, "app12", answer)
        assert feedback.passed and code in feedback.text, (answer, feedback.text)


@pytest.mark.parametrize("answer, hint", [
    (None, "my_answer is still None"),
    (["1"], "my_answer is a list"),
    ("abc123xyz[[EOM]]", "that is the exec password"),
    ('rpc error: code = 2 desc = oci runtime error: exec failed: container_linux.go:247: '
     'starting container process caused "exec: \\"cat /mnt/work/admin-code.txt\\": stat cat '
     '/mnt/work/admin-code.txt: no such file or directory"', "exec runs one program without arguments"),
    ("", "read from the socket before sending the password"),
    ("cat: can't open '/mnt/work/code.txt': No such file or directory", "the shell's error"),
    ("1234", "not the code the file holds now"),
    ("SandboxHost-457330339931066386", "that is not what the app wrote"),
])
def test_typical_mistakes_get_their_hint_and_never_the_code(app, answer, hint):
    feedback = check_admin_code(app, "app12", answer)
    assert not feedback.passed and hint in feedback.text, feedback.text
    assert code_of(app) not in feedback.text


def test_the_terminal_around_the_code_is_named(app):
    code = code_of(app)
    feedback = check_admin_code(app, "app12", f"/ # cat /mnt/work/admin-code.txt\r\n{code}\r\n/ # ")
    assert not feedback.passed and "holds more than the code" in feedback.text
    assert code not in feedback.text


def test_a_stopped_group_then_a_new_code_after_its_start(app):
    code = code_of(app)
    app.aci.container_groups.stop(app.resource_group, "app12")
    feedback = check_admin_code(app, "app12", code)
    assert not feedback.passed and "is Stopped" in feedback.text and "begin_start" in feedback.text
    app.aci.container_groups.begin_start(app.resource_group, "app12").result()
    again = code_of(app)
    if again != code:   # a new start, a new code (its start time)
        assert "read it again" in check_admin_code(app, "app12", code).text
    assert check_admin_code(app, "app12", again).passed


def test_a_deleted_group_says_what_to_run(app):
    app.aci.container_groups.begin_delete(app.resource_group, "app12").result()
    feedback = check_admin_code(app, "app12", "1704067203")
    assert not feedback.passed and "run this notebook from the top" in feedback.text


def test_the_check_changes_nothing_in_the_cloud(app):
    before = app.aci.container_groups.get(app.resource_group, "app12").as_dict()
    check_admin_code(app, "app12", "1")
    after = app.aci.container_groups.get(app.resource_group, "app12").as_dict()
    assert before["instance_view"]["state"] == after["instance_view"]["state"]
    assert before["containers"][0]["instance_view"]["restart_count"] == \
        after["containers"][0]["instance_view"]["restart_count"]
