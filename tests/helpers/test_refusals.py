"""Helpers refuse arguments they cannot use, and cleanup never deletes what it could not check
(issue 9, defects 7, 10 and 12). Each refusal names the argument and what to pass."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from aci_helpers import (ArgumentError, ConfigurationError, cleanup, connect,
                         ensure_resource_group, estimate_cost, multi_container_group,
                         single_container_group, task_container_group, wait_for_operation,
                         wait_for_state)


def _create(s, name: str, tags: dict | None = None) -> None:
    ensure_resource_group(s)
    g = single_container_group(name, s.location)
    if tags is not None:
        g.tags = tags
    wait_for_operation(s.aci.container_groups.begin_create_or_update(s.resource_group, name, g))


# ---- 10: cleanup ------------------------------------------------------------------------

def test_cleanup_keeps_the_resource_group_when_its_resources_cannot_be_listed(s):
    """It used to say "would delete - created by the tutorial" (on Azure, untagged resources
    in the group would have gone too)."""
    _create(s, "aci-ours")
    s.emulator.inject_fault("GET", r"/resources$", status=403, code="AuthorizationFailed",
                            message="No read permission on the resources.", times=10)
    plan = cleanup(s).set_index("name")
    row = plan.loc[s.resource_group]
    assert row["status"] == "kept"
    assert "could not be listed (AuthorizationFailed)" in row["reason"]
    assert "force=True" in row["reason"]
    done = cleanup(s, dry_run=False).set_index("name")
    assert done.loc["aci-ours", "status"] == "deleted"
    assert done.loc[s.resource_group, "status"] == "kept"
    assert s.resources.resource_groups.check_existence(s.resource_group)


def test_cleanup_checks_again_right_before_deleting_the_resource_group(s, monkeypatch):
    """An untagged group created after the listing used to be deleted with the group."""
    _create(s, "aci-ours")
    api = s.aci.container_groups
    original = api.begin_delete

    def meanwhile_someone_creates(rg, name, **kw):
        if name == "aci-ours":  # another kernel, between cleanup's listing and its deletes
            _create(s, "someone-else", tags={"owner": "me"})
        return original(rg, name, **kw)

    monkeypatch.setattr(api, "begin_delete", meanwhile_someone_creates)
    done = cleanup(s, dry_run=False).set_index("name")
    assert done.loc["aci-ours", "status"] == "deleted"
    assert done.loc[s.resource_group, "status"] == "kept"
    assert "someone-else" in done.loc[s.resource_group, "reason"]
    assert s.aci.container_groups.get(s.resource_group, "someone-else").name == "someone-else"


@pytest.mark.parametrize("bad", ["", "   ", 5])
def test_cleanup_refuses_an_empty_resource_group_name(s, bad):
    """``resource_group=""`` used to fall back to the session's group."""
    with pytest.raises(ArgumentError, match="name a resource group"):
        cleanup(s, resource_group=bad)


# ---- 12: builders, cost, wait, connect ---------------------------------------------------------

def test_a_command_string_is_refused():
    """``command="echo hi"`` used to become ['e', 'c', 'h', 'o', ...]."""
    with pytest.raises(ArgumentError) as info:
        task_container_group("aci-task", command="echo hi")
    assert "['/bin/sh', '-c', 'echo hi']" in str(info.value)
    with pytest.raises(ArgumentError, match="list of strings"):
        task_container_group("aci-task", command=["sleep", 5])
    assert task_container_group("aci-task", command=("echo", "hi")).containers[0].command == \
        ["echo", "hi"]


@pytest.mark.parametrize("kw", [dict(cpu=-1, memory_gb=1), dict(cpu=math.nan, memory_gb=1),
                                dict(cpu=1, memory_gb=math.inf), dict(cpu=True, memory_gb=1),
                                dict(cpu="1", memory_gb=1),
                                dict(cpu=1, memory_gb=1, duration=-5),
                                dict(cpu=1, memory_gb=1, duration=timedelta(hours=-1)),
                                dict(cpu=1, memory_gb=1, duration=math.nan)])
def test_estimate_cost_refuses_what_is_not_an_amount(kw):
    """Negative, NaN and infinite costs used to be returned."""
    with pytest.raises(ArgumentError, match="not a finite number of zero or more; pass"):
        estimate_cost(**kw)
    assert isinstance(ArgumentError("x"), ValueError)  # code catching ValueError still works


@pytest.mark.parametrize("states, wanted", [("running", ("Running",)),
                                            (["RUNNING", "failed"], ("Running", "Failed"))])
def test_wait_for_state_matches_states_as_the_service_spells_them(s, states, wanted):
    """``states="running"`` used to wait out its whole timeout."""
    _create(s, "aci-wait")
    group = wait_for_state(s, "aci-wait", states=states, timeout=30)
    assert group.instance_view.state in wanted


@pytest.mark.parametrize("states", ["Runing", [], ["Running", 3]])
def test_wait_for_state_refuses_unknown_states(s, states):
    with pytest.raises(ArgumentError) as info:
        wait_for_state(s, "aci-wait", states=states)
    assert "Pending, Creating, Running, Succeeded, Failed, Stopped" in str(info.value)


@pytest.mark.parametrize("seed", [1.5, True, 2.0, "1.5"])
def test_connect_refuses_a_seed_that_is_not_an_integer(clean_env, seed):
    """``seed=1.5`` and ``seed=True`` used to pass as 1."""
    with pytest.raises(ConfigurationError, match="seed.*must be a non-negative integer"):
        connect("emulator", state="memory", seed=seed)


@pytest.mark.parametrize("name", ["web", "abcd", "1web-app"])
def test_a_group_name_that_cannot_be_a_dns_label_needs_one(name):
    """Valid group names of 1-4 characters used to be sent as DNS labels ACI refuses."""
    with pytest.raises(ArgumentError) as info:
        single_container_group(name)
    assert "dns_name_label=" in str(info.value) and "5-63 characters" in str(info.value)
    g = single_container_group(name, dns_name_label="my-web-label")
    assert g.ip_address.dns_name_label == "my-web-label"
    assert single_container_group("web-1").ip_address.dns_name_label == "web-1"


def test_a_multi_container_name_too_long_for_its_containers():
    """62 characters built container names of 64 (ACI allows 63)."""
    with pytest.raises(ArgumentError, match="at most 61 characters"):
        multi_container_group("a" * 62)
    assert [c.name for c in multi_container_group("a" * 61).containers] == \
        ["a" * 61 + "-1", "a" * 61 + "-2"]


# ---- 7: where the state file goes -------------------------------------------------------------

@pytest.mark.parametrize("where", ["file", "missing-under-file"])
def test_a_state_path_that_cannot_have_a_folder_names_the_variable(clean_env, tmp_path, where):
    """It used to be a raw FileExistsError / NotADirectoryError."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    state = blocker / "state.db" if where == "file" else blocker / "sub" / "state.db"
    clean_env.setenv("ACI_EMULATOR_STATE", str(state))
    with pytest.raises(ConfigurationError) as info:
        connect("emulator")
    msg = str(info.value)
    assert "(from ACI_EMULATOR_STATE)" in msg and str(state) in msg and "'memory'" in msg
    clean_env.delenv("ACI_EMULATOR_STATE")
    with pytest.raises(ConfigurationError, match=r"from connect\(state=\.\.\.\)"):
        connect("emulator", state=state)


# ---- 2 and 6: a damaged record in the shared state file stays a local problem --------------------

def test_a_damaged_group_leaves_tables_and_cleanup_working(clean_env, tmp_path):
    """A group stored with a lone surrogate (by an older emulator) used to break list, get,
    groups_table, cleanup and the resource-group list in every kernel."""
    import json
    import sqlite3

    from aci_helpers import groups_table

    path = tmp_path / "state.db"
    s = connect("emulator", state=path, clock="instant", seed=0)
    for name in ("aci-good", "aci-bad"):
        _create(s, name)
    con = sqlite3.connect(path)
    doc = json.loads(con.execute("SELECT doc FROM container_groups WHERE name='aci-bad'")
                     .fetchone()[0])
    doc["tags"]["note"] = "\ud800"
    con.execute("UPDATE container_groups SET doc=? WHERE name='aci-bad'", (json.dumps(doc),))
    con.commit()
    con.close()
    other = connect("emulator", state=path, clock="instant", seed=0)  # another kernel
    assert groups_table(other)["name"].tolist() == ["aci-good"]
    assert [g.name for g in other.resources.resource_groups.list()] == [other.resource_group]
    plan = cleanup(other).set_index("name")
    assert plan.loc["aci-good", "status"] == "would delete"
    assert plan.loc[other.resource_group, "status"] == "kept"  # it holds something unreadable
    assert "aci-bad" in plan.loc[other.resource_group, "reason"]
