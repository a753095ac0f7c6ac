"""diagnose(): what a group's events and states say, each finding with the fields it read.

Pure cases build SDK models by hand (the shapes of the recordings and of Microsoft's
troubleshooting page); end-to-end cases run real groups on the instant-clock emulator."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import models as m

from aci_helpers import diagnose, diagnose_group, ensure_resource_group

T = "2024-01-01T00:00:00Z"


def event(name, message, kind="Normal", count=1):
    return {"count": count, "firstTimestamp": T, "lastTimestamp": T, "name": name,
            "message": message, "type": kind}


def state(st, exit_code=None, detail=None):
    out = {"state": st, "exitCode": exit_code, "detailStatus": detail}
    return {k: v for k, v in out.items() if v is not None}


def built(view=None, *, policy="Always", group_state="Running", provisioning="Succeeded",
          command=None, image="alpine") -> m.ContainerGroup:
    """A group as the service answers a get (read-only fields need deserialize)."""
    c = {"name": "c", "properties": {"image": image, "command": command or [], "resources": {
        "requests": {"cpu": 1.0, "memoryInGB": 1.0}}}}
    if view is not None:
        c["properties"]["instanceView"] = view
    props = {"provisioningState": provisioning, "containers": [c], "restartPolicy": policy,
             "osType": "Linux"}
    if group_state:
        props["instanceView"] = {"state": group_state, "events": []}
    return m.ContainerGroup.deserialize({"name": "g", "location": "eastus", "properties": props})


def view(current, previous=None, restarts=0, events=()):
    out = {"restartCount": restarts, "currentState": current, "events": list(events)}
    if previous is not None:
        out["previousState"] = previous
    return out


def test_crash_loop_reads_restarts_back_off_and_the_previous_exit():
    g = built(view(state("Waiting", detail="CrashLoopBackOff: Back-off restarting failed"),
                   state("Terminated", 3, "Error"), 4,
                   [event("Started", "Started container", count=5),
                    event("BackOff", "Back-off restarting failed container", "Warning", 4)]))
    d = diagnose_group(g, {"c": "loading config\nconfig missing\n"})
    assert d.kinds == ["crash-loop"] and not d.ok
    f = d.findings[0]
    assert "exits with code 3" in f.what and "4 restart(s)" in f.what
    assert f.evidence[:4] == ("restartCount 4 (restart policy Always)",
                              "current state Waiting, detail 'CrashLoopBackOff: Back-off restarting failed'",
                              "previous state Terminated, exit code 3, detail 'Error'",
                              "event BackOff (Warning) ×4: Back-off restarting failed container")
    assert f.evidence[-1] == "log: config missing"
    assert "read its log" in f.advice


def test_a_finished_task_under_always_is_a_loop_with_its_own_advice():
    g = built(view(state("Running"), state("Terminated", 0, "Completed"), 2,
                   [event("BackOff", "Back-off restarting failed container", "Warning", 2)]))
    f = diagnose_group(g).findings[0]
    assert f.kind == "crash-loop" and "'OnFailure' or 'Never'" in f.advice


def test_command_not_found_from_the_log_or_a_warning_event():
    g = built(view(state("Terminated", 127, "Error")), policy="Never", group_state="Failed",
              command=["pyhton", "x.py"])
    f = diagnose_group(g, {"c": 'exec: "pyhton": executable file not found in $PATH: unknown'}).findings[0]
    assert f.kind == "command-not-found" and "exit code 127" in f.what
    assert "command ['pyhton', 'x.py']" in f.evidence
    # Real Azure may put the runtime's words in a Warning event, with an empty log.
    g = built(view(state("Terminated", 128, "Error"), events=[event(
        "Failed", 'Error: failed to start container "c": exec: "pyhton": executable file not '
        'found in $PATH', "Warning")]), policy="Never", group_state="Failed")
    f = diagnose_group(g, {"c": ""}).findings[0]
    assert f.kind == "command-not-found" and "executable file not found" in f.evidence[-1]


def test_a_shells_127_is_a_command_of_its_command_line():
    """Exit 127 from ['/bin/sh', '-c', ...] is the shell's (POSIX): the program that runs exists,
    so the advice is about the command line, not the first item of `command`."""
    g = built(view(state("Terminated", 127, "Error")), policy="Never", group_state="Failed",
              command=["/bin/sh", "-c", "pyhton x.py"])
    f = diagnose_group(g, {"c": "/bin/sh: 1: pyhton: not found"}).findings[0]
    assert f.kind == "command-not-found" and "the shell could not find a command" in f.what
    assert "spelling" in f.advice and "first item" not in f.advice


def test_the_json_of_a_group_is_read_too():
    """As the REST API (or `az container show`) returns it: converted with the SDK's models."""
    g = built(view(state("Terminated", 0, "Completed")), policy="Never")
    as_json = g.serialize(keep_readonly=True)
    assert diagnose_group(as_json).kinds == ["completed"]


def test_a_pull_failure_in_events_is_found_first():
    """The shape of Microsoft's troubleshooting page: Pulling, Failed, BackOff pulling image."""
    img = "mcr.microsoft.com/azuredocs/aci-hellowrld"
    g = built(view(state("Waiting", detail="ImagePullBackOff"), events=[
        event("Pulling", f'pulling image "{img}"', count=3),
        event("Failed", f'Failed to pull image "{img}": rpc error: code 2 desc Error: image '
                        't/aci-hellowrld:latest not found', "Warning", 3),
        event("BackOff", f'Back-off pulling image "{img}"', count=3)]), image=img,
        group_state="Pending", provisioning="Creating")
    d = diagnose_group(g)
    assert d.kinds == ["image-pull"]
    assert len(d.findings[0].evidence) == 2 and "image name, its tag" in d.findings[0].advice


@pytest.mark.parametrize("current, kind, ok", [
    (state("Running"), "running", True),
    (state("Terminated", 0, "Completed"), "completed", True),
    (state("Terminated", 2, "Error"), "task-failed", False),
    (state("Waiting", detail="Pulling"), "starting", True),
])
def test_single_states(current, kind, ok):
    d = diagnose_group(built(view(current), policy="Never"), {"c": "boom\n"})
    assert d.kinds == [kind] and d.ok is ok


def test_failed_deployment_stopped_group_and_list_results():
    g = built(view(state("Waiting")), provisioning="Failed")
    g.instance_view.events = [m.Event.deserialize(event("Failed", "Deployment failed", "Warning"))]
    assert diagnose_group(g).kinds[0] == "deployment-failed"
    assert diagnose_group(built(None, group_state="Stopped")).kinds == ["stopped"]
    listed = diagnose_group(built(None, group_state=None))
    assert listed.kinds == ["no-view"] and "container_groups.get" in listed.findings[0].advice


def test_renders_as_text_and_markdown_without_markup_surprises():
    g = built(view(state("Terminated", 2, "Error")), policy="Never")
    d = diagnose_group(g, {"c": "error in <module> __init__ *x*\n"})
    assert str(d).startswith("Diagnosis of g: 1 problem(s)\n✖ c: the container ended")
    md = d._repr_markdown_()
    assert "&lt;module&gt; \\_\\_init\\_\\_ \\*x\\*" in md


# -- end to end, on the emulator ------------------------------------------------------------

def run(s, name, command, policy):
    cg = m.ContainerGroup(location=s.location, os_type="Linux", restart_policy=policy,
                          containers=[m.Container(name="c", image="alpine", command=command,
                                                  resources=m.ResourceRequirements(
                                                      requests=m.ResourceRequests(cpu=1, memory_in_gb=1)))])
    try:
        s.aci.container_groups.begin_create_or_update(s.resource_group, name, cg).result()
    except HttpResponseError as err:  # a program missing from the image: the create fails
        assert "executable file not found" in str(err)


@pytest.mark.parametrize("command, policy, kind", [
    (["/bin/sh", "-c", "echo starting; sleep 2; exit 3"], "Always", "crash-loop"),
    (["pyhton", "x.py"], "Never", "deployment-failed command-not-found"),
    (["/bin/sh", "-c", "pyhton x.py"], "Never", "command-not-found"),
    (["/bin/sh", "-c", "echo done"], "Never", "completed"),
    (["/bin/sh", "-c", "echo oops; exit 2"], "OnFailure", "crash-loop"),
    (["/bin/sh", "-c", "echo up; tail -f /dev/null"], "Always", "running"),
])
def test_on_the_emulator(s, command, policy, kind):
    ensure_resource_group(s)
    run(s, "g", command, policy)
    d = diagnose(s, "g")
    assert d.kinds == kind.split(), str(d)


def test_absent_group(s):
    ensure_resource_group(s)
    d = diagnose(s, "nothing-here")
    assert d.kinds == ["not-found"] and "404" in d.findings[0].evidence[0]


def test_wait_for_restarts_catches_a_loop_and_gives_up_on_a_steady_group(s):
    from aci_helpers import WaitTimeout, wait_for_restarts

    ensure_resource_group(s)
    run(s, "loop", ["/bin/sh", "-c", "echo once"], "Always")
    g = wait_for_restarts(s, "loop", 2)
    assert g.containers[0].instance_view.restart_count >= 2
    run(s, "steady", ["/bin/sh", "-c", "tail -f /dev/null"], "Always")
    with pytest.raises(WaitTimeout, match="restarted 0 time"):
        wait_for_restarts(s, "steady", 1, timeout=5)


def test_a_failed_create_whose_program_is_not_in_the_image():
    """The create's operation failed (MicrosoftDocs/azure-docs#106296): the container waits,
    a Warning event carries the runtime's words, and the advice is about `command`."""
    message = ("There was an error during CodePackage activation.GrpcStatusCode=UNKNOWN, "
               'ErrorMessage=failed to create containerd task: ... exec: "echo FOO BAR": '
               "executable file not found in $PATH: unknown")
    g = built(view(state("Waiting"), events=[event("Failed", message, "Warning")]), policy="Never",
              group_state="Failed", provisioning="Failed", command=["echo FOO BAR"])
    d = diagnose_group(g, {"c": ""})
    assert d.kinds == ["deployment-failed", "command-not-found"], str(d)
    assert "not in the image" in d.findings[1].what and "first item" in d.findings[1].advice


def test_a_failed_create_for_want_of_capacity():
    """Azure/Azure-Landing-Zones#2404: an InsufficientCapacity. Warning on the group."""
    g = m.ContainerGroup.deserialize({"name": "g", "location": "eastus", "properties": {
        "provisioningState": "Failed", "osType": "Linux", "containers": [{"name": "c", "properties": {
            "image": "alpine", "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.0}}}}],
        "instanceView": {"state": "Failed", "events": [event(
            "InsufficientCapacity.", "The requested resource is not available in the location "
            "'eastus' at this moment.", "Warning")]}}})
    f = diagnose_group(g).findings[0]
    assert f.kind == "deployment-failed" and "no capacity" in f.what and "another region" in f.advice
