"""Every helper against the emulator: instant clock, seed 0, an in-memory cloud per test."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.containerinstance.models import ContainerGroup
from matplotlib.figure import Figure

from aci_helpers import (
    WaitTimeout, aci_errors, cleanup, connect, containers_table, ensure_resource_group,
    estimate_cost, events_table, explain, follow_logs, get_logs, groups_table,
    multi_container_group, plot_timeline, single_container_group, task_container_group,
    unique_name, wait, wait_for_container, wait_for_operation, wait_for_state,
)
from aci_helpers.cleanup import CLEANUP_COLUMNS
from aci_helpers.views import CONTAINER_COLUMNS, EVENT_COLUMNS, GROUP_COLUMNS



def create(s, group, name):
    ensure_resource_group(s)
    return wait_for_operation(
        s.aci.container_groups.begin_create_or_update(s.resource_group, name, group))


def dtypes(df):
    return {c: str(t) for c, t in df.dtypes.items()}


def schema(cols):
    import pandas as pd

    return {c: str(pd.Series([], dtype=t).dtype) for c, t in cols.items()}


# ---- connect ---------------------------------------------------------------------------

def test_connect_to_the_emulator(s):
    assert s.backend == "emulator"
    assert s.location == "eastus" and s.resource_group == "aci-tutorial-rg"
    assert s.subscription_id == s.emulator.subscription_id
    assert "emulator" in repr(s) and "credential" not in repr(s)


def test_state_file_is_shared_between_sessions(tmp_path, clean_env):
    path = tmp_path / "state.db"
    a = connect("emulator", state=path, clock="instant")
    ensure_resource_group(a)
    b = connect("emulator", state=path, clock="instant")
    assert b.resources.resource_groups.check_existence("aci-tutorial-rg")


def test_memory_state_from_environment(clean_env):
    clean_env.setenv("ACI_EMULATOR_STATE", "memory")
    clean_env.setenv("ACI_EMULATOR_CLOCK", "instant")
    s = connect()
    assert s.settings.state is None and not s.resources.resource_groups.check_existence(s.resource_group)


def test_ensure_resource_group_tags_only_what_it_creates(s):
    rg = ensure_resource_group(s)
    assert rg.tags == {"created-by": "aci-tutorial"} and rg.location == "eastus"
    s.resources.resource_groups.create_or_update("my-own-group", {"location": "eastus"})
    assert not (ensure_resource_group(s, "my-own-group").tags or {})


def test_seeded_names_repeat(s):
    first = unique_name("aci", s)
    from aci_helpers.names import reset_names

    reset_names()
    assert unique_name("aci", s) == first


# ---- create, wait, views ---------------------------------------------------------------

def test_single_group_lifecycle(s, capsys):
    name = unique_name("aci", s)
    result = create(s, single_container_group(name, s.location), name)
    assert isinstance(result, ContainerGroup) and result.provisioning_state == "Succeeded"
    g = wait_for_state(s, name, "Running")
    assert g.instance_view.state == "Running"
    assert g.ip_address.fqdn == f"{name}.eastus.azurecontainer.io"
    df = containers_table(g)
    assert dtypes(df) == schema(CONTAINER_COLUMNS)
    assert df.loc[0, "name"] == name and df.loc[0, "state"] == "Running" and df.loc[0, "ports"] == "80/TCP"
    assert capsys.readouterr().out == ""  # TQDM_DISABLE=1: silent


def test_progress_summary_when_enabled(s, capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE")
    name = unique_name("aci", s)
    create(s, single_container_group(name, s.location), name)
    out = capsys.readouterr().out
    assert out.startswith(f"create {name}: ") and out.rstrip().endswith("Succeeded")
    wait_for_state(s, name)
    assert capsys.readouterr().out.strip() == f"{name}: Running"


def test_groups_table(s):
    a, b = unique_name("aci", s), unique_name("web", s)
    create(s, single_container_group(a, s.location), a)
    create(s, multi_container_group(b, s.location), b)
    listed = groups_table(s.aci.container_groups.list_by_resource_group(s.resource_group))
    assert dtypes(listed) == schema(GROUP_COLUMNS)
    assert sorted(listed["name"]) == sorted([a, b])
    assert listed["state"].isna().all()  # list results carry no instance view
    detailed = groups_table(s, details=True).set_index("name")
    assert detailed.loc[b, "cpu"] == 2.0 and detailed.loc[b, "memory_gb"] == 4.0
    assert detailed.loc[b, "containers"] == 2 and detailed.loc[b, "state"] == "Running"
    assert detailed.loc[a, "resource_group"] == s.resource_group
    assert detailed.loc[a, "tags"] == "created-by=aci-tutorial"


def test_empty_tables_keep_their_columns(s):
    assert dtypes(groups_table([])) == schema(GROUP_COLUMNS)
    g = single_container_group("aci-x")
    assert dtypes(events_table(g)) == schema(EVENT_COLUMNS) and events_table(g).empty
    assert isinstance(plot_timeline(g), Figure)


def test_task_events_and_timeline(s):
    name = unique_name("aci", s) + "-task"
    create(s, task_container_group(name, s.location), name)
    g = wait_for_container(s, name)
    c = g.containers[0].instance_view.current_state
    assert c.state == "Terminated" and c.exit_code == 0
    g = wait_for_state(s, name, ("Succeeded", "Failed"))
    assert g.instance_view.state == "Succeeded"
    ev = events_table(g)
    assert dtypes(ev) == schema(EVENT_COLUMNS)
    assert {"Pulling", "Pulled", "Started"} <= set(ev["name"])
    assert ev["first_timestamp"].is_monotonic_increasing
    fig = plot_timeline(g)
    assert isinstance(fig, Figure) and fig.axes[0].get_title() == f"Events of {name}"
    buf1, buf2 = io.BytesIO(), io.BytesIO()
    plot_timeline(g).savefig(buf1, format="png")
    plot_timeline(g).savefig(buf2, format="png")
    assert buf1.getvalue() == buf2.getvalue()


def test_task_logs_after_exit(s):
    name = unique_name("aci", s) + "-task"
    create(s, task_container_group(name, s.location), name)
    wait_for_container(s, name)
    logs = get_logs(s, name)
    assert "('BENVOLIO', 74)" in logs
    assert get_logs(s, name, tail=1).strip() == logs.strip().splitlines()[-1].strip()
    out = io.StringIO()
    assert follow_logs(s, name, file=out) == logs and out.getvalue() == logs


def test_get_logs_tail_and_timestamps(s):
    name = unique_name("aci", s)
    create(s, multi_container_group(name, s.location), name)
    wait_for_state(s, name, "Running")
    sidecar = f"{name}-2"
    logs = get_logs(s, name, sidecar)
    assert "HTTP/1.1 200 OK" in logs
    last = get_logs(s, name, sidecar, tail=1)
    assert last.strip() == logs.strip().splitlines()[-1].strip() or len(last.splitlines()) == 1
    stamped = get_logs(s, name, sidecar, tail=2, timestamps=True)
    assert len(stamped.splitlines()) == 2 and stamped[:4].isdigit()
    assert get_logs(s, name).startswith(get_logs(s, name, f"{name}-1")[:10])  # default: first container


def test_follow_logs_prints_each_line_once(s):
    name = unique_name("aci", s) + "-task"
    g = task_container_group(name, s.location, env={},
                             command=["/bin/sh", "-c", "echo one; sleep 1; echo two; sleep 1"])
    create(s, g, name)
    out = io.StringIO()
    content = follow_logs(s, name, file=out)
    assert out.getvalue().splitlines() == content.splitlines()
    assert "one" in content and "two" in content


def test_wait_timeout_is_clear(s):
    name = unique_name("aci", s)
    create(s, single_container_group(name, s.location), name)
    with pytest.raises(WaitTimeout) as info:
        wait_for_container(s, name, timeout=3)  # a web server never terminates
    assert "wait_for_state(s," in str(info.value) and "Running" in str(info.value)


def test_wait_dispatch(s):
    name = unique_name("aci", s)
    ensure_resource_group(s)
    poller = s.aci.container_groups.begin_create_or_update(
        s.resource_group, name, single_container_group(name, s.location))
    assert wait(poller).name == name
    assert wait(s, name).instance_view.state == "Running"
    with pytest.raises(TypeError):
        wait("nope")


def test_cost_of_a_created_group(s):
    name = unique_name("aci", s)
    g = create(s, multi_container_group(name, s.location), name)
    est = estimate_cost(g, timedelta(minutes=30))
    assert (est.cpu, est.memory_gb, est.region) == (2.0, 4.0, "eastus")


# ---- errors from the service ----------------------------------------------------------

def test_explain_a_missing_group(s):
    ensure_resource_group(s)
    with pytest.raises(ResourceNotFoundError) as info:
        s.aci.container_groups.get(s.resource_group, "nope")
    text = explain(info.value)
    assert text.startswith(info.value.error.code) and "HTTP 404" in text
    assert info.value.error.message in text and "Hint:" in text


def test_aci_errors_on_a_bad_image(s, capsys):
    ensure_resource_group(s)
    g = single_container_group("aci-bad", s.location, image="mcr.microsoft.com/azuredocs/aci-helloword")  # a typo
    with aci_errors():
        wait_for_operation(s.aci.container_groups.begin_create_or_update(s.resource_group, "aci-bad", g))
    err = capsys.readouterr().err
    assert err and "Traceback" not in err and len(err.splitlines()) <= 3


# ---- cleanup ---------------------------------------------------------------------------

def test_cleanup_dry_run_then_delete(s):
    a = unique_name("aci", s)
    create(s, single_container_group(a, s.location), a)
    plan = cleanup(s)
    assert dtypes(plan) == schema(CLEANUP_COLUMNS)
    assert set(plan["status"]) == {"would delete"} and len(plan) == 2
    assert s.aci.container_groups.get(s.resource_group, a)  # dry run: still there
    done = cleanup(s, dry_run=False)
    assert set(done["status"]) == {"deleted"}
    assert not s.resources.resource_groups.check_existence(s.resource_group)
    assert cleanup(s).empty


def test_cleanup_never_touches_untagged(s):
    ensure_resource_group(s)
    mine = single_container_group("my-own-group", s.location)
    mine.tags = {"owner": "me"}
    wait_for_operation(s.aci.container_groups.begin_create_or_update(s.resource_group, "my-own-group", mine))
    ours = unique_name("aci", s)
    create(s, single_container_group(ours, s.location), ours)
    done = cleanup(s, dry_run=False).set_index("name")
    assert done.loc["my-own-group", "status"] == "kept" and not done.loc["my-own-group", "tagged"]
    assert done.loc[ours, "status"] == "deleted"
    assert done.loc[s.resource_group, "status"] == "kept"  # it still holds 'mine'
    assert s.aci.container_groups.get(s.resource_group, "my-own-group").name == "my-own-group"
    forced = cleanup(s, dry_run=False, force=True).set_index("name")
    assert forced.loc["my-own-group", "status"] == "deleted"
    assert forced.loc[s.resource_group, "status"] == "deleted"


def test_cleanup_keeps_a_resource_group_it_did_not_create(s):
    s.resources.resource_groups.create_or_update(s.resource_group, {"location": "eastus"})
    name = unique_name("aci", s)
    create(s, single_container_group(name, s.location), name)
    done = cleanup(s, dry_run=False, force=True).set_index("name")
    assert done.loc[name, "status"] == "deleted"
    assert done.loc[s.resource_group, "status"] == "kept"
    assert s.resources.resource_groups.check_existence(s.resource_group)


# ---- interruptions and stopped groups ----------------------------------------------------

def _interrupt(_seconds):
    raise KeyboardInterrupt


def test_ctrl_c_leaves_the_group_and_says_how_to_resume(s, capsys):
    name = unique_name("aci", s)
    create(s, single_container_group(name, s.location), name)
    s.sleep = _interrupt  # the next poll is "interrupted by the user"
    with pytest.raises(KeyboardInterrupt):
        wait_for_container(s, name)
    out = capsys.readouterr().out
    assert f"wait_for_state(s, '{name}', container='{name}')" in out
    assert s.aci.container_groups.get(s.resource_group, name).instance_view.state == "Running"


def test_ctrl_c_while_following_logs(s):
    name = unique_name("aci", s)
    create(s, single_container_group(name, s.location), name)
    s.sleep = _interrupt
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        follow_logs(s, name, file=out)
    assert "keeps running" in out.getvalue() and f"get_logs(s, '{name}'" in out.getvalue()


def test_waiting_for_a_container_of_a_stopped_group_ends(s):
    name = unique_name("aci", s)
    create(s, single_container_group(name, s.location), name)
    s.aci.container_groups.stop(s.resource_group, name)
    g = wait_for_container(s, name, timeout=30)
    assert g.instance_view.state == "Stopped"
    assert containers_table(g)["state"].isna().all()
    assert wait_for_state(s, name).instance_view.state == "Stopped"


# ---- wait_for_operation: a reproducible summary line ------------------------------------

@pytest.mark.parametrize("late", [False, True], ids=["poller-running", "poller-finished"])
def test_wait_summary_does_not_depend_on_the_polling_thread(s, monkeypatch, capsys, late):
    """The SDK polls in a thread: whether it has finished when wait() looks must not show."""
    monkeypatch.setenv("TQDM_DISABLE", "")  # the summary line is printed only when not disabled
    monkeypatch.setattr("tqdm.std.tqdm.__init__", lambda self, *a, **k: setattr(self, "disable", True))
    ensure_resource_group(s)
    name = unique_name("aci", s)
    poller = s.aci.container_groups.begin_create_or_update(
        s.resource_group, name, single_container_group(name, s.location))
    if late:
        poller.result()  # the thread is done before wait() reads anything
    wait_for_operation(poller)
    # start and restart answer 204 without a state: only the polled final state shows
    s.aci.container_groups.stop(s.resource_group, name)
    for begin in (s.aci.container_groups.begin_start, s.aci.container_groups.begin_restart):
        action = begin(s.resource_group, name)
        if late:
            action.result()
        wait_for_operation(action)
    rg_poller = s.resources.resource_groups.begin_delete(s.resource_group)
    if late:
        rg_poller.result()
    wait_for_operation(rg_poller)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"create {name}: Pending → Succeeded", f"start {name}: Succeeded",
                     f"restart {name}: Succeeded",
                     f"delete resource group {s.resource_group}: InProgress → Succeeded"]


def test_timeline_running_bars_are_visible_and_tick_labels_unique(s):
    name = unique_name("aci", s) + "-multi"
    create(s, multi_container_group(name, s.location), name)
    fig = plot_timeline(s.aci.container_groups.get(s.resource_group, name))
    ax = fig.axes[0]
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and len(labels) == len(set(labels)), labels
    bars = [p for p in ax.patches if p.get_width() > 0]
    assert len(bars) == 2  # both containers are Running: one visible bar each


# ---- hints for what the emulator refuses, with its real messages ----------------------------

def _refused(s, name, group):
    ensure_resource_group(s)
    with pytest.raises(Exception) as info:
        s.aci.container_groups.begin_create_or_update(s.resource_group, name, group)
    return info.value


def _env_named(s, var):
    from azure.mgmt.containerinstance.models import EnvironmentVariable

    g = single_container_group("aci-env", s.location)
    g.containers[0].environment_variables = [EnvironmentVariable(name=var, value="1")]
    return g


@pytest.mark.parametrize("make,code,needle", [
    (lambda s: ("Bad_Name", single_container_group("Bad_Name", s.location, dns_name_label="okay-label")),
     "ContainerGroupNameInvalid", "Container group names"),
    (lambda s: ("aci-x", single_container_group("aci-x", s.location, dns_name_label="1-bad")),
     "InvalidDnsNameLabel", "DNS name labels: 5-63"),
    (lambda s: ("aci-env", _env_named(s, "-bad")), "InvalidContainerEnvironmentVariable", "start with a letter or '_'"),
    (lambda s: ("aci-big", multi_container_group("aci-big", s.location, cpu=3, memory_gb=2)),
     "ServiceUnavailable", "Read 'Resource requested'"),
    (lambda s: ("aci-p", single_container_group("aci-p", s.location, cpu=1.25)),
     "InvalidResourceRequestPrecision", "one decimal place"),
    (lambda s: ("aci-loc", single_container_group("aci-loc", "marsnorth")),
     "LocationNotAvailableForResourceType", "ACI_LOCATION"),
])
def test_each_refusal_gets_its_own_hint(s, make, code, needle):
    e = _refused(s, *make(s))
    text = explain(e)
    assert text.startswith(f"{code} (HTTP ") and "\nHint: " in text
    assert needle in text.split("\nHint: ")[1]


def test_a_taken_dns_label_and_an_invalid_update_get_hints(s):
    create(s, single_container_group("aci-a", s.location, dns_name_label="taken-label"), "aci-a")
    taken = _refused(s, "aci-b", single_container_group("aci-b", s.location, dns_name_label="taken-label"))
    assert "unique per region" in explain(taken)
    changed = _refused(s, "aci-a", single_container_group("aci-a", s.location, dns_name_label="taken-label", cpu=2))
    assert "delete the group, then create it again" in explain(changed)


def test_quota_hint_says_how_to_really_delete():
    from aci_helpers.errors import HINTS

    assert "cleanup(s, dry_run=False)" in HINTS["ContainerGroupQuotaReached"]


class _InterruptedPoller:
    """The real poller of an operation, whose next wait is interrupted by the user (Ctrl-C)."""

    def __init__(self, poller):
        self._poller = poller

    def __getattr__(self, name):
        return getattr(self._poller, name)

    def done(self):
        return False

    def wait(self, timeout=None):
        raise KeyboardInterrupt


@pytest.mark.parametrize("op", ["create", "delete"])
def test_ctrl_c_during_an_operation_says_how_to_resume(s, capsys, op):
    name = unique_name("aci", s)
    if op == "create":
        ensure_resource_group(s)
        poller = s.aci.container_groups.begin_create_or_update(
            s.resource_group, name, single_container_group(name, s.location))
    else:
        create(s, single_container_group(name, s.location), name)
        poller = s.aci.container_groups.begin_delete(s.resource_group, name)
    with pytest.raises(KeyboardInterrupt):
        wait_for_operation(_InterruptedPoller(poller))
    out = capsys.readouterr().out
    assert f"{op} {name} goes on in Azure, untouched. To wait again: wait(poller)" in out
    # wait_for_state reads a group: a fine way to follow a create, useless after a delete.
    assert (f"wait_for_state(s, '{name}')" in out) == (op == "create")


def test_groups_table_shows_the_default_restart_policy_when_the_version_omits_it(s):
    """SDK 10.2 (api-version 2026-06-01-preview) gets no restartPolicy back for a group
    created without one; the table shows the policy the service applies: Always."""
    from azure.mgmt.containerinstance import ContainerInstanceManagementClient

    from aci_helpers.builders import single_container_group
    from aci_helpers.session import ensure_resource_group
    from aci_helpers.views import groups_table
    ensure_resource_group(s)
    newer = ContainerInstanceManagementClient(s.credential, s.subscription_id,
                                              transport=s.emulator.transport(),
                                              api_version="2026-06-01-preview")
    g = single_container_group("no-policy", s.location)
    g.restart_policy = None
    newer.container_groups.begin_create_or_update(s.resource_group, "no-policy", g).result()
    got = newer.container_groups.get(s.resource_group, "no-policy")
    assert got.restart_policy is None
    assert groups_table([got])["restart_policy"].tolist() == ["Always"]


def test_a_task_settles_when_it_ends_not_while_it_runs(s):
    """wait_for_state(s, task) must not return at Running: a task is still at work then."""
    from aci_helpers.errors import WaitTimeout
    from aci_helpers.wait import settled_states

    ensure_resource_group(s)
    endless = "aci-endless-task"
    create(s, task_container_group(endless, s.location, command=["/bin/sh", "-c", "tail -f /dev/null"],
                                   env={}), endless)
    with pytest.raises(WaitTimeout, match="still Running"):
        wait_for_state(s, endless, timeout=3)
    name = "aci-settle-task"
    create(s, task_container_group(name, s.location), name)
    assert wait_for_state(s, name).instance_view.state == "Succeeded"
    assert settled_states(s.aci.container_groups.get(s.resource_group, name)) == (
        "Succeeded", "Failed", "Stopped")
    assert "Running" in settled_states(single_container_group("aci-web", s.location))


def test_a_failed_create_shows_failed_before_its_error(s, monkeypatch, capsys):
    """A create whose operation fails (a program missing from the image, as Azure reports it):
    wait() shows the operation's last status, Failed, then raises the service's error."""
    from azure.core.exceptions import HttpResponseError

    monkeypatch.setenv("TQDM_DISABLE", "")
    monkeypatch.setattr("tqdm.std.tqdm.__init__", lambda self, *a, **k: setattr(self, "disable", True))
    ensure_resource_group(s)
    name = unique_name("aci", s) + "-one"
    with pytest.raises(HttpResponseError, match="executable file not found"):
        wait_for_operation(s.aci.container_groups.begin_create_or_update(
            s.resource_group, name, task_container_group(name, s.location, command=["echo hi"], env={})))
    assert capsys.readouterr().out.splitlines() == [f"create {name}: Pending → Failed"]
