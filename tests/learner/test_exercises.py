"""Each "Try it" tested three ways, with the notebook's own cells: the skeleton -> "Not yet",
typical wrong answers -> their hints, the hidden solution -> "Pass".

The code cells run in this process (they are plain Python) on a private instant-clock
emulator: every case starts from the notebook's setup cells in a fresh cloud.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from aci_helpers.exercises import Feedback

from .conftest import run_source

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {p.name.split("_")[0]: p for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")}


@pytest.fixture(autouse=True)
def private_cloud(monkeypatch, tmp_path):
    """An in-memory instant cloud per connect(), no progress bars, names from seed 0."""
    from aci_helpers.names import reset_names

    for var in ("ACI_LOCATION", "ACI_RESOURCE_GROUP", "AZURE_AUTH_LOCATION", "ACI_NAME_SUFFIX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ACI_BACKEND", "emulator")
    monkeypatch.setenv("ACI_EMULATOR_STATE", "memory")
    monkeypatch.setenv("ACI_EMULATOR_CLOCK", "instant")
    monkeypatch.setenv("ACI_EMULATOR_SEED", "0")
    monkeypatch.setenv("TQDM_DISABLE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    # 07's explorer is built outside a kernel here (as the widget tests build it).
    monkeypatch.setattr("aci_helpers.widgets.in_notebook", lambda: True)
    reset_names()


def _cells(key: str) -> tuple[list[str], str, str, list[str]]:
    """(setup cells, exercise cell, check cell, solution cells) of notebook ``key``."""
    nb = nbformat.read(NOTEBOOKS[key], as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tags = [c.metadata.get("tags", []) for c in code]
    first = next(i for i, t in enumerate(tags) if "exercise" in t)
    check = next(i for i, t in enumerate(tags) if "check" in t)
    solution = [c.source for c, t in zip(code, tags) if "solution" in t]
    return [c.source for c in code[:first]], code[first].source, code[check].source, solution


def attempt(key: str, answer: str | None) -> Feedback:
    """Run the setup and the skeleton, then ``answer`` (None: the hidden solution), then the check."""
    setup, exercise, check, solution = _cells(key)
    ns: dict = {}
    for source in [*setup, exercise]:
        run_source(source, ns)
    if answer is None:  # as Run All does: the skeleton's check, then the solution and its check
        run_source(check, ns)
        for source in solution[:-1]:
            run_source(source, ns)
        feedback = run_source(solution[-1], ns)
    else:
        run_source(answer, ns)
        feedback = run_source(check, ns)
    assert isinstance(feedback, Feedback)
    if "s" in ns and ns["s"].emulator is not None:
        ns["s"].emulator.close()  # the exec endpoint notebook 12 started in this process
    return feedback


FN00 = "def tutorial_group_names(client):\n    return {}\n"
SEND_TRY = "wait(s.aci.container_groups.begin_create_or_update(s.resource_group, try_name, my_group))\n"
SEND_LEAN = "wait(s.aci.container_groups.begin_create_or_update(s.resource_group, lean_name, my_group))\n"
# 03b: the learner's Container, sent as the exercise cell sends it (a failed create is Azure's
# answer to a program that does not exist: the check reads the group it leaves)
CONTAINER03B = ("my_container = Container(name=two_name, image='mcr.microsoft.com/azuredocs/aci-wordcount', "
                "resources=ResourceRequirements(requests=ResourceRequests(cpu=1.0, memory_in_gb=1.0)), "
                "command={})\n")
RUN_TWO = ("two = ContainerGroup(location=s.location, containers=[my_container], os_type='Linux', "
           "restart_policy='Never', tags=tutorial_tags())\n"
           "try:\n"
           "    wait(s.aci.container_groups.begin_create_or_update(s.resource_group, two_name, two))\n"
           "    wait_for_container(s, two_name)\n"
           "except HttpResponseError:\n"
           "    pass\n")
# 03: the learner's model of the task (the notebook's imports), and the exercise cell's send
ENV03 = "[EnvironmentVariable(name='NumWords', value='{}'), EnvironmentVariable(name='MinLength', value='{}')]"
TASK03 = ("my_task = ContainerGroup(location=s.location, os_type='Linux', restart_policy={policy}, "
          "tags=tutorial_tags(), containers=[Container(name=try_name, "
          "image='mcr.microsoft.com/azuredocs/aci-wordcount', "
          "resources=ResourceRequirements(requests=ResourceRequests(cpu=1.0, memory_in_gb=1.0)), "
          "environment_variables={env})])\n")
SEND03 = ("delete_if_not_updatable(s, try_name, my_task)\n"
          "wait(s.aci.container_groups.begin_create_or_update(s.resource_group, try_name, my_task))\n"
          "wait_for_container(s, try_name)\n")
SEND_READER = ("wait(s.aci.container_groups.begin_create_or_update(s.resource_group, try_name, "
               "my_group))\n")


def reader(mount: str = "VolumeMount(name='results', mount_path='/mnt/results', read_only=True)",
           command: str = "['cat', '/mnt/results/romeo_juliet.txt']", policy: str = "NEVER") -> str:
    """09: a reader group as a learner may write it (the notebook's imports and ``results``)."""
    return (f"my_group = ContainerGroup(location=s.location, os_type=OperatingSystemTypes.LINUX, "
            f"restart_policy=ContainerGroupRestartPolicy.{policy}, volumes=[results], "
            f"containers=[Container(name='reader', image='alpine:3.20', resources=one, "
            f"command={command}, volume_mounts=[{mount}])])\n")



WRONG = {
    "00": [
        (FN00.format("[g.name for g in client.resource_groups.list()]"),
         "other-team-rg, sandbox-rg do not carry the tag"),
        (FN00.format("[g.name for g in client.resource_groups.list() "
                     "if g.tags.get('created-by') == 'aci-tutorial']"), "has tags None, not {}"),
        (FN00.format("[g.name for g in client.resource_groups.list() "
                     "if g.tags and g.tags['created-by'] == 'aci-tutorial']"), "KeyError"),
        (FN00.format("[g for g in client.resource_groups.list() "
                     "if (g.tags or {}).get('created-by') == 'aci-tutorial']"), "not the ResourceGroup objects"),
        (FN00.format("(g.name for g in client.resource_groups.list() "
                     "if (g.tags or {}).get('created-by') == 'aci-tutorial')"), "read lazily"),
        (FN00.format("['aci-tutorial-rg']"), "sent no request"),
        (FN00.format("[g.name for g in client.resource_groups.list_all()]"),
         "Tab after client.resource_groups. shows its methods"),
        ("tutorial_group_names = ['aci-tutorial-rg']", "should be a function taking a client"),
    ],
    "01": [
        ("my_group = single_container_group(try_name, s.location)\n" + SEND_TRY,
         "my_group requests 1 CPU and 1 GB; 2 CPUs and 1.5 GB are wanted"),
        ("my_group = single_container_group(try_name, s.location, cpu='2')",
         "my_group requests '2' CPU and 1 GB (text: write numbers"),
        ("my_group = single_container_group(try_name, s.location, cpu=2, memory_gb=1.5)",
         "is not in the cloud yet"),
        # sent with 1 CPU first, then fixed in Python only: Azure cannot change CPU in place
        ("my_group = single_container_group(try_name, s.location)\n" + SEND_TRY +
         "my_group = single_container_group(try_name, s.location, cpu=2, memory_gb=1.5)",
         "still requests 1 CPU and 1 GB: run your cell again: Azure cannot change CPU or memory"),
        ("my_group = single_container_group(try_name, s.location, cpu=2, memory_gb=1.5, "
         "dns_name_label=name + '-other')", "DNS label is 'aci-970777-other'"),
    ],
    "02": [
        # the trap: the app set first through the shared object, then the sidecar overwrites it
        ("my_group = multi_container_group(lean_name, s.location)\n"
         "my_group.containers[0].resources.requests.cpu = 1.0\n"
         "my_group.containers[0].resources.requests.memory_in_gb = 1.5\n"
         "my_group.containers[1].resources.requests.cpu = 0.5\n"
         "my_group.containers[1].resources.requests.memory_in_gb = 0.5\n" + SEND_LEAN,
         "share one ResourceRequirements object"),
        ("my_group = multi_container_group(lean_name, s.location)\n"
         "my_group.containers[1].resources = ResourceRequirements(requests=ResourceRequests(cpu=0.5, memory_in_gb=0.5))",
         "the app requests 1 CPU and 2 GB; 1 and 1.5 are wanted"),
    ],
    "03": [
        (TASK03.format(env=ENV03.format(3, 10), policy="None"), "sets no restart policy"),
        (TASK03.format(env=ENV03.format(10, 3), policy="'Never'") + SEND03, "swapped"),
        (TASK03.format(env=ENV03.format(5, 8), policy="'Never'"), "asks for the 3 most frequent words"),
        (TASK03.format(env="[EnvironmentVariable(name='numwords', value='3'), "
                       "EnvironmentVariable(name='minlength', value='10')]", policy="'Never'"),
         "names are case-sensitive"),
        (TASK03.format(env="[EnvironmentVariable(name='NumWords', secure_value='3'), "
                       "EnvironmentVariable(name='MinLength', value='10')]", policy="'Never'"),
         "is a secure_value"),
        (TASK03.format(env=ENV03.format(3, 10), policy="'Never'"), "is not in the cloud yet"),
        (TASK03.format(env=ENV03.format(3, 10), policy="'Never'").replace(
            "image=", "command=['python', 'wordcount.py', 'http://shakespeare.mit.edu/romeo_juliet/full.html'], image="),
         "it counts Romeo and Juliet"),
        ("my_task = {'NumWords': '3', 'MinLength': '10'}", "not a ContainerGroup"),
    ],
    "03b": [
        (CONTAINER03B.format("['echo FOO; echo BAR']") + RUN_TWO, "there is no program named 'echo FOO; echo BAR'"),
        (CONTAINER03B.format("['echo', 'FOO;', 'echo', 'BAR']") + RUN_TWO, "echo printed the rest as text"),
        (CONTAINER03B.format("['/bin/sh', '-c', 'echo FOO', 'echo BAR']") + RUN_TWO, "only FOO"),
        (CONTAINER03B.format("'echo FOO; echo BAR'"), "not one string"),
        (CONTAINER03B.format("None"), "has no command"),
        ("my_container = ContainerGroup(location=s.location, containers=[], os_type='Linux')",
         "a whole ContainerGroup"),
        (CONTAINER03B.format("['/bin/sh', '-c', 'echo FOO; echo BAR']"), "is not in the cloud yet"),
    ],
    "04": [
        ("def public_fqdns(groups):\n"
         "    return {g.name: s.aci.container_groups.get(s.resource_group, g.name).ip_address.fqdn\n"
         "            for g in groups if g.ip_address is not None}",
         "your function sent 1 request(s) (GET .../containerGroups/aci-970777)"),
        ("def public_fqdns(groups):\n    return {g.name: g.ip_address.fqdn for g in groups}",
         "it crashed"),
        ("def public_fqdns(groups):\n"
         "    return {g.name: (g.ip_address.fqdn if g.ip_address else None) for g in groups}",
         "has no public IP address: leave out"),
    ],
    "05": [
        ("def container_states(group):\n"
         "    return {c.name: c.instance_view.current_state.state for c in group.containers}",
         "it crashed"),
        ("def container_states(group):\n    return [c.name for c in group.containers]",
         "return a dict with one key per container"),
    ],
    "06": [
        ("my_poller = s.aci.container_groups.begin_create_or_update(s.resource_group, my_name, "
         "task_container_group(my_name, s.location, command=['echo', 'goodbye'], env={}))\n"
         "wait(my_poller)", "the poller of the create (a PUT)"),
        ("my_poller = s.aci.container_groups.begin_delete(s.resource_group, my_name)\nwait(my_poller)",
         "never created it"),
        ("wait(s.aci.container_groups.begin_create_or_update(s.resource_group, my_name, "
         "task_container_group(my_name, s.location, command=['echo', 'goodbye'], env={})))\n"
         "my_poller = wait(s.aci.container_groups.begin_delete(s.resource_group, my_name))",
         "keep the LROPoller that begin_delete returns"),
    ],
    "07": [
        ("ex.row_button(duo).click()\nex.stop_button.click()",
         "duo-970777 is Stopped, but web-970777 is Running"),
    ],
    # second track: 08, 10, 11 (beyond)
    "08": [
        ("my_task.identity = ContainerGroupIdentity(type='UserAssigned', user_assigned_identities="
         "{reg.identity: UserAssignedIdentities()})\nmy_task.image_registry_credentials = "
         "[ImageRegistryCredential(server=reg.server, username=reg.username, password=reg.password)]",
         "leave username and password out"),
        ("my_task.image_registry_credentials = ImageRegistryCredential(server=reg.server, identity=reg.identity)",
         "takes a list"),
        ("my_task.image_registry_credentials = [ImageRegistryCredential(server='acitutorial.azurecr.io', "
         "identity=reg.identity)]", "the credential's server is 'acitutorial.azurecr.io'"),
        # the credential alone: Azure refuses the create (the cell raises); the check says why
        ("my_task.image_registry_credentials = [ImageRegistryCredential(server=reg.server, identity=reg.identity)]",
         "the credential names an identity the group does not carry"),
        ("my_task.identity = ContainerGroupIdentity(type='SystemAssigned')\n"
         "my_task.image_registry_credentials = [ImageRegistryCredential(server=reg.server, identity=reg.identity)]",
         "A system-assigned identity exists only once the group is created"),
        ("my_task.identity = ContainerGroupIdentity(type='UserAssigned', user_assigned_identities=[reg.identity])\n"
         "my_task.image_registry_credentials = [ImageRegistryCredential(server=reg.server, identity=reg.identity)]",
         "user_assigned_identities is a dict"),
        ("my_task.identity = ContainerGroupIdentity(type='UserAssigned', user_assigned_identities="
         "{reg.identity: UserAssignedIdentities()})\nmy_task.image_registry_credentials = "
         "[ImageRegistryCredential(server=reg.server, identity=reg.identity)]", "is not in the cloud"),
    ],
    "10": [
        ("fixed = task_container_group(loop_name, s.location, restart_policy='Always')", "which is what restarts"),
        ("fixed = task_container_group(loop_name, s.location, restart_policy='Sometimes')", "not a restart policy"),
        ("fixed = 'Never'", "not a ContainerGroup"),
        # the update alone: Azure refuses it (InvalidContainerGroupUpdate); the cloud keeps Always
        ("from azure.core.exceptions import ResourceExistsError\n"
         "fixed = task_container_group(loop_name, s.location, restart_policy='Never')\n"
         "try:\n    wait(s.aci.container_groups.begin_create_or_update(s.resource_group, loop_name, fixed))\n"
         "except ResourceExistsError:\n    pass", "cannot change in place"),
        ("fixed = task_container_group(loop_name, s.location, restart_policy='Never')\n"
         "wait(s.aci.container_groups.begin_delete(s.resource_group, loop_name))",
         "create it again with fixed"),
    ],
    "11": [
        ("my_spot_task = task_container_group(spot_name, 'westus')", "set it to 'Spot'"),
        ("my_spot_task = task_container_group(spot_name, s.location)\nmy_spot_task.priority = 'Spot'",
         "does not offer Spot groups"),
        ("my_spot_task = task_container_group(spot_name, 'westus')\nmy_spot_task.priority = 'Spot'",
         "is not in the cloud"),
        # a subscription without Spot quota (Microsoft's article: 0 on some): the create is refused
        ("s.emulator.spot_quota_cores = 0\nmy_spot_task = task_container_group(spot_name, 'westus')\n"
         "my_spot_task.priority = 'Spot'", "Spot quota in westus is 0"),
    ],
    "12": [  # (its other typical mistakes, on the check alone: tests/helpers/test_exercise_inside.py)
        # the command with its argument: the runtime refuses it on the socket
        ("refused = s.aci.containers.execute_command(s.resource_group, app_name, 'app', "
         "ContainerExecRequest(command='cat /mnt/work/admin-code.txt', terminal_size=request.terminal_size))\n"
         "ws = websocket.create_connection(refused.web_socket_uri, sslopt=sslopt, timeout=30)\n"
         "ws.send(refused.password)\nmy_answer = read_to_close(ws)[0]", "exec runs one program without arguments"),
    ],
    "09": [
        (reader(mount="VolumeMount(name='results', mount_path='/mnt/results')") + SEND_READER +
         "wait_for_container(s, try_name)", "mounts the share read-write"),
        (reader(command="['cat', '/mnt/results/romeo.txt']") + SEND_READER +
         "wait_for_container(s, try_name)", "did not find the file"),
        (reader(policy="ALWAYS") + SEND_READER, "restart policy Always"),
        (reader(), "is not in the cloud yet"),
        ("my_group = 'cat /mnt/results/romeo_juliet.txt'", "not a ContainerGroup"),
    ],
}


@pytest.mark.parametrize("key", sorted(NOTEBOOKS))
def test_the_skeleton_says_not_yet(key):
    feedback = attempt(key, "")
    assert not feedback.passed and feedback.text.startswith("Not yet: ")


@pytest.mark.parametrize("key, answer, hint", [(k, a, h) for k, cases in WRONG.items() for a, h in cases],
                         ids=[f"{k}-{i}" for k, cases in WRONG.items() for i in range(len(cases))])
def test_a_typical_wrong_answer_gets_its_hint(key, answer, hint):
    feedback = attempt(key, answer)
    assert not feedback.passed and hint in feedback.text, feedback.text


@pytest.mark.parametrize("key", sorted(NOTEBOOKS))
def test_the_solution_passes(key):
    feedback = attempt(key, None)
    assert feedback.passed and feedback.text.startswith("Pass: "), feedback.text


def test_every_notebook_has_wrong_answers_tested():
    assert sorted(WRONG) == sorted(NOTEBOOKS)
