"""The explorer's Exec and Attach tabs, driven headless (issue 19): a command typed and run
in the selected group's running container, its output shown; what the container prints,
streamed; the group's secure values never shown by the panel itself, the password never."""

from __future__ import annotations

import asyncio
import time

import pytest
from azure.mgmt.containerinstance import models as m

from aci_helpers.widgets import Explorer
from aci_helpers.widgets import _exec

websocket = pytest.importorskip("websocket")

SECRET = "s3cr3t-only-inside-42"
TICKING = 'echo up; while true; do echo "$(date +%T) tick"; sleep 1; done'


def app_group(s, command: str = TICKING, restart: str = "Always") -> m.ContainerGroup:
    return m.ContainerGroup(
        location=s.location, os_type="Linux", restart_policy=restart, containers=[m.Container(
            name="app", image="alpine:3.20", command=["/bin/sh", "-c", command],
            environment_variables=[m.EnvironmentVariable(name="API_KEY", secure_value=SECRET)],
            resources=m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1)))])


def create(s, name: str, group: m.ContainerGroup) -> None:
    """Create ``name`` and wait until it has settled (a server Running, a task Succeeded)."""
    from aci_helpers import wait_for_state

    s.aci.container_groups.begin_create_or_update(s.resource_group, name, group).result()
    wait_for_state(s, name)


def every_value(widget) -> str:
    """The values of ``widget`` and all its descendants (what the browser is sent)."""
    parts = []
    stack = [widget]
    while stack:
        w = stack.pop()
        for attr in ("value", "description", "placeholder", "tooltip"):
            v = getattr(w, attr, None)
            if isinstance(v, str):
                parts.append(v)
        stack.extend(getattr(w, "children", ()))
    return "\n".join(parts)


@pytest.fixture
def explorer(s):
    made = []

    def make() -> Explorer:
        ex = Explorer(s)
        made.append(ex)
        return ex

    yield make
    for ex in made:
        ex.close()
    s.emulator.close()   # the exec endpoint the first exec started


def test_the_tabs_and_what_may_be_pressed(s, explorer):
    create(s, "web-1", app_group(s))
    create(s, "job-1", app_group(s, "echo done", restart="Never"))
    ex = explorer()
    assert ex.tabs.titles == ("Containers", "Events", "Logs", "Exec", "Attach")
    assert ex.exec_panel.run_button.disabled and ex.attach_view.attach_button.disabled
    ex.row_button("web-1").click()
    assert not ex.exec_panel.run_button.disabled and not ex.attach_view.attach_button.disabled
    assert ex.exec_panel.container.options == ("app",)
    ex.row_button("job-1").click()      # a task that has ended: nothing runs
    assert ex.exec_panel.run_button.disabled and ex.attach_view.attach_button.disabled
    assert "job-1 is Succeeded: exec and attach need a running container" in ex.exec_panel.note.value
    s.aci.container_groups.stop(s.resource_group, "web-1")
    ex.refresh()
    ex.row_button("web-1").click()
    assert ex.exec_panel.run_button.disabled and "Press <b>Start</b> first" in ex.exec_panel.note.value


def test_a_command_runs_and_its_output_is_shown_with_the_call(s, explorer):
    create(s, "web-1", app_group(s))
    ex = explorer()
    ex.row_button("web-1").click()
    panel = ex.exec_panel
    assert SECRET not in every_value(ex)          # nothing of the group's secure values
    panel.command.value = "ls /; echo a b | wc -w"
    panel.run_button.click()
    assert "$ ls /; echo a b | wc -w\nbin    dev" in panel.output.value
    assert "\n2\n" in panel.output.value
    assert ex.last_call.startswith("exec_command(s, 'web-1', 'app', 'ls /; echo a b | wc -w') = "
                                   "s.aci.containers.execute_command('aci-tutorial-rg', 'web-1', 'app'")
    assert SECRET not in every_value(ex)
    panel.command.value = "echo $API_KEY"            # only what a command prints
    panel.run_button.click()
    assert f"$ echo $API_KEY\n{SECRET}\n" in panel.output.value
    panel.clear_button.click()
    assert panel.output.value == "" and SECRET not in every_value(ex)


def test_the_password_never_reaches_the_page(s, explorer, monkeypatch):
    sent = []
    real = websocket.WebSocket.send

    def spy(self, payload, *args, **kwargs):
        if isinstance(payload, str) and payload.endswith("[[EOM]]"):
            sent.append(payload)
        return real(self, payload, *args, **kwargs)

    monkeypatch.setattr(websocket.WebSocket, "send", spy)
    create(s, "web-1", app_group(s))
    ex = explorer()
    ex.row_button("web-1").click()
    ex.exec_panel.command.value = "pwd"
    ex.exec_panel.run_button.click()
    ex.tabs.selected_index = 4
    ex.attach_view.attach_button.click()
    ex.attach_view.stop_button.click()
    assert sent and not any(p in every_value(ex) or p in ex.last_call for p in sent)


def test_errors_and_limits_are_said_in_the_panel(s, explorer, monkeypatch):
    create(s, "web-1", app_group(s))
    ex = explorer()
    ex.row_button("web-1").click()
    panel = ex.exec_panel
    panel.run_button.click()                          # nothing typed
    assert "Type a command first" in panel.note.value and panel.output.value == ""
    monkeypatch.setattr(_exec, "EXEC_TIMEOUT", 1.0)
    panel.command.value = "sleep infinity"
    panel.run_button.click()
    assert "did not finish within 1 s" in panel.output.value and not panel.run_button.disabled
    monkeypatch.setattr(_exec, "EXEC_HISTORY", 3)
    for i in range(5):
        panel.command.value = f"echo run-{i}"
        panel.run_button.click()
    assert [line for line, _ in panel.transcript] == ["echo run-2", "echo run-3", "echo run-4"]


def test_with_a_kernel_loop_the_command_runs_beside_it(s, explorer):
    create(s, "web-1", app_group(s))
    ex = explorer()
    ex.row_button("web-1").click()
    panel = ex.exec_panel

    async def click_and_wait() -> tuple[bool, str]:
        panel.command.value = "hostname"
        panel.run_button.click()
        busy = panel.run_button.disabled and panel.run_button.description == "Running…"
        await panel.task
        return busy, panel.output.value

    busy, out = asyncio.run(click_and_wait())
    assert busy and "$ hostname\nSandboxHost-" in out and not panel.run_button.disabled


@pytest.fixture
def realtime(monkeypatch):
    """A session on the realtime clock, 20 times faster: the app prints as time passes."""
    from aci_helpers import connect, ensure_resource_group
    from aci_helpers.names import reset_names

    monkeypatch.setenv("TQDM_DISABLE", "1")
    reset_names()
    session = connect("emulator", state="memory", clock="realtime", seed=0, speed=20)
    ensure_resource_group(session)
    yield session
    session.close()
    session.emulator.close()


def test_attach_streams_what_it_prints_from_now_on(realtime):
    s = realtime
    create(s, "web-1", app_group(s))
    ex = Explorer(s)
    try:
        ex.row_button("web-1").click()
        view = ex.attach_view
        view.attach_button.click()
        assert view.attached and view.attach_button.disabled and not view.stop_button.disabled
        assert ex.last_call == ("s.aci.containers.attach('aci-tutorial-rg', 'web-1', 'app'), then "
                                "its WebSocket (the password in the Authorization header)")
        text = view.read_for(0.6)
        assert text.count(" tick\n") >= 3 and "up\n" not in text    # from now on
        assert "tick" in view.output.value and SECRET not in every_value(ex)
        view.stop_button.click()
        assert not view.attached and "keeps running" in view.status.value
        # the group stopped: the socket closes, the tab says why
        view.attach_button.click()
        s.aci.container_groups.stop(s.resource_group, "web-1")
        view.read_for(1.0)
        assert not view.attached and "The socket closed" in view.status.value
    finally:
        ex.close()


def test_attach_ends_when_another_group_is_selected_or_the_explorer_closes(realtime):
    s = realtime
    create(s, "web-1", app_group(s))
    create(s, "web-2", app_group(s))
    ex = Explorer(s)
    ex.row_button("web-1").click()
    ex.attach_view.attach_button.click()
    ex.row_button("web-2").click()
    assert not ex.attach_view.attached and not ex.attach_view.attach_button.disabled
    ex.attach_view.attach_button.click()
    assert ex.attach_view.attached
    ex.close()
    assert not ex.attach_view.attached


def test_attach_with_a_kernel_loop_streams_live(realtime):
    s = realtime
    create(s, "web-1", app_group(s))
    ex = Explorer(s)
    view = ex.attach_view

    async def attach_awhile() -> str:
        ex.row_button("web-1").click()
        view.attach_button.click()
        deadline = time.monotonic() + 5
        while view.text.count("tick") < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)    # the page stays usable meanwhile
        view.stop_button.click()
        await view.task
        return view.text

    try:
        assert asyncio.run(attach_awhile()).count("tick") >= 3
        assert not view.attached
    finally:
        ex.close()
