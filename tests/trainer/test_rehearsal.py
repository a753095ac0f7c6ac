"""What a trainer hit in the rehearsal of issue 20, each on the path where it was seen: a
workshop on one emulated cloud (a shared state file), participants configured as the README
says (`aci-tutorial workshop join`), notebooks run as they are."""

from __future__ import annotations

import io
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from aci_helpers import connect, ensure_resource_group, unique_name
from aci_helpers.builders import single_container_group, task_container_group
from aci_helpers.cleanup import cleanup, keep_resource_group
from aci_helpers.names import reset_names
from aci_helpers.progress import TAG_PREFIX
from aci_helpers.session import NAME_SUFFIX_TAG, REGION_TAG, WORKSHOP_TAG
from aci_helpers.settings_file import read_settings
from aci_helpers.trainer.workshop import participant_needs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """This test's own settings file (the suite's default is none)."""
    path = tmp_path / "config" / "settings.toml"
    monkeypatch.setenv("ACI_SETTINGS_FILE", str(path))
    reset_names()
    yield path
    reset_names()


def tags(s, rg):
    return s.resources.resource_groups.get(rg).tags or {}


def test_notebook_06_keeps_a_workshop_group_brought_with_aci_resource_group(state, cli, monkeypatch):
    """The blocker: 06 deleted aci-ws-demo-p03 (it carries created-by=aci-tutorial)."""
    cli("workshop", "setup", "--workshop", "demo", "--participants", "3")
    before = tags(state, "aci-ws-demo-p03")
    monkeypatch.setenv("ACI_RESOURCE_GROUP", "aci-ws-demo-p03")
    nb = nbformat.read(ROOT / "notebooks" / "06_delete_container_groups.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "aci-ws-demo-p03 left alone: it is a resource group of workshop 'demo', kept" in printed
    assert "exists: False" not in printed
    assert state.resources.resource_groups.check_existence("aci-ws-demo-p03")
    # Its tags are kept; the one 06 adds is its check's progress, for the trainer.
    after = tags(state, "aci-ws-demo-p03")
    assert {k: v for k, v in after.items() if not k.startswith(TAG_PREFIX)} == before
    assert after[f"{TAG_PREFIX}06"].startswith("deleted=P")
    assert [g.name for g in state.aci.container_groups.list_by_resource_group("aci-ws-demo-p03")] == []


def test_cleanup_keeps_workshop_and_brought_groups(state, monkeypatch):
    state.resources.resource_groups.create_or_update(
        "aci-ws-demo-p01", {"location": "eastus", "tags": {"created-by": "aci-tutorial",
                                                          WORKSHOP_TAG: "demo"}})
    s = connect(resource_group="aci-ws-demo-p01")
    rows = cleanup(s, dry_run=False)
    assert rows.iloc[-1]["status"] == "kept" and "of workshop 'demo', kept" in rows.iloc[-1]["reason"]
    # Brought with ACI_RESOURCE_GROUP: the tutorial made it (tagged), but the learner named it.
    monkeypatch.setenv("ACI_RESOURCE_GROUP", "my-own-rg")
    mine = connect()
    ensure_resource_group(mine)
    assert "you brought it with ACI_RESOURCE_GROUP" in keep_resource_group(
        mine, mine.resources.resource_groups.get("my-own-rg"))
    assert cleanup(mine, dry_run=False).iloc[-1]["status"] == "kept"
    assert mine.resources.resource_groups.check_existence("my-own-rg")
    # The default group stays the tutorial's to delete.
    monkeypatch.delenv("ACI_RESOURCE_GROUP")
    default = connect()
    ensure_resource_group(default)
    assert keep_resource_group(default, default.resources.resource_groups.get("aci-tutorial-rg")) is None


def test_cleanup_never_says_nothing_left_while_a_group_that_lost_its_tags_runs(state, cli):
    """07 re-created p03's group without tags after 06 deleted it; two groups ran in it."""
    cli("workshop", "setup", "--workshop", "demo", "--participants", "3")
    state.resources.resource_groups.begin_delete("aci-ws-demo-p03").result()
    state.resources.resource_groups.create_or_update("aci-ws-demo-p03", {"location": "eastus"})
    for name in ("web-p03xx", "job-p03xx"):
        kind = single_container_group if name.startswith("web") else task_container_group
        state.aci.container_groups.begin_create_or_update(
            "aci-ws-demo-p03", name, kind(name, "eastus")).result()
    code, out, _ = cli("workshop", "status", "--workshop", "demo")
    assert code == 0 and "p03 (tags lost!)" in out and "Tags lost: aci-ws-demo-p03" in out
    code, out, _ = cli("workshop", "cleanup", "--workshop", "demo", "--yes")
    assert code == 1 and "Nothing of workshop" not in out
    assert "Left: aci-ws-demo-p03 still holds 2 container groups (job-p03xx, web-p03xx)" in out
    code, out, _ = cli("workshop", "cleanup", "--workshop", "demo", "--yes", "--also", "aci-ws-demo-p03")
    assert code == 0 and "Nothing of workshop 'demo' is left." in out
    assert list(state.resources.resource_groups.list()) == []
    code, _, err = cli("workshop", "cleanup", "--workshop", "demo", "--yes", "--also", "other-rg")
    assert code == 2 and "--also names other-rg" in err and "''" not in err


def test_setup_spreads_regions_as_plan_does_and_hands_them_out(state, cli):
    fit = _fit()
    n = fit + 5
    code, out, _ = cli("workshop", "plan", "--participants", str(n), "--region", "westeurope",
                       "--region", "northeurope")
    assert code == 0 and f"{n} participants fit: {fit} in westeurope, 5 in northeurope." in out
    code, out, _ = cli("workshop", "setup", "--workshop", "demo", "--participants", str(n),
                       "--region", "westeurope", "--region", "northeurope")
    assert code == 0 and f"{fit} in westeurope, 5 in northeurope." in out
    assert "participant  resource group" in out and "created/exists" in out  # the header
    rgs = {rg.name: rg for rg in state.resources.resource_groups.list()}
    first_north = f"p{fit + 1:02d}"
    north = rgs[f"aci-ws-demo-{first_north}"]
    assert north.location == "northeurope" and north.tags[REGION_TAG] == "northeurope"
    assert rgs["aci-ws-demo-p01"].tags[REGION_TAG] == "westeurope"
    assert (f"--participant {first_north} --location northeurope "
            f"--suffix {north.tags[NAME_SUFFIX_TAG]}") in out


def test_join_configures_every_kernel_and_participants_get_distinct_names(state, cli, settings, monkeypatch):
    cli("workshop", "setup", "--workshop", "demo", "--participants", "2", "--region", "northeurope")
    code, out, _ = cli("workshop", "join", "--workshop", "demo", "--participant", "p02")
    assert code == 0 and f"Wrote {settings}" in out  # region and suffix read from the tags
    p02 = tags(state, "aci-ws-demo-p02")
    assert read_settings(settings) == {
        "workshop": "demo", "participant": "p02", "role": "participant",
        "resource_group": "aci-ws-demo-p02", "location": "northeurope",
        "name_suffix": p02[NAME_SUFFIX_TAG]}
    s = connect()
    assert (s.resource_group, s.location) == ("aci-ws-demo-p02", "northeurope")
    assert s.settings.resource_group_from == "settings file" and s.settings.workshop == "demo"
    name2 = unique_name("aci", s)
    assert name2 == f"aci-{p02[NAME_SUFFIX_TAG]}"
    # The other participant, on the same cloud: their notebook 01 does not collide.
    p01 = tags(state, "aci-ws-demo-p01")
    cli("workshop", "join", "--workshop", "demo", "--participant", "p01", "--location",
        "North Europe", "--suffix", p01[NAME_SUFFIX_TAG])
    reset_names()
    s1 = connect()
    name1 = unique_name("aci", s1)
    assert name1 != name2 and s1.location == "northeurope"
    for sess, name in ((s1, name1), (s, name2)):
        sess.aci.container_groups.begin_create_or_update(
            sess.resource_group, name, single_container_group(name, sess.location)).result()
    # An environment variable still wins over the file, and join says so.
    monkeypatch.setenv("ACI_RESOURCE_GROUP", "elsewhere")
    assert connect().resource_group == "elsewhere"
    code, out, _ = cli("workshop", "join", "--workshop", "demo", "--participant", "p01")
    assert "ACI_RESOURCE_GROUP=elsewhere is set here and wins over the file" in out
    code, out, _ = cli("workshop", "leave")
    assert code == 0 and not settings.exists()


def test_a_damaged_settings_file_is_named(settings):
    from aci_helpers.errors import ConfigurationError

    settings.parent.mkdir(parents=True)
    settings.write_text('resource_grup = "x"\n')
    with pytest.raises(ConfigurationError, match="unknown key 'resource_grup'"):
        connect()
    settings.write_text('name_suffix = "Bad Suffix"\n')
    with pytest.raises(ConfigurationError, match="name_suffix = 'Bad Suffix' is not valid"):
        connect()


def _fit() -> int:
    """Participants a region of the emulator's default quota (100 cores) holds."""
    return 100 // participant_needs().cores


def test_plan_normalises_regions(state, cli):
    args = [a for r in ["WestEurope", "westeurope", "west europe"] for a in ("--region", r)]
    code, out, _ = cli("workshop", "plan", "--participants", str(_fit()), *args)
    assert code == 0 and out.count("westeurope ") == 1 and f"{_fit()} in westeurope." in out


def test_plan_refuses_an_unknown_region(state, cli):
    code, _, err = cli("workshop", "plan", "--participants", "2", "--region", "westeurop")
    assert code == 2 and "Region 'westeurop' offers no Azure Container Instances" in err
    assert "did you mean westeurope" in err


def test_reset_one_participant(state, cli):
    cli("workshop", "setup", "--workshop", "demo", "--participants", "2")
    for rg in ("aci-ws-demo-p01", "aci-ws-demo-p02"):
        state.aci.container_groups.begin_create_or_update(
            rg, "web-abcde", single_container_group("web-abcde", "eastus",
                                                    dns_name_label=f"web-{rg[-3:]}")).result()
    before = tags(state, "aci-ws-demo-p01")
    code, out, _ = cli("workshop", "reset", "--workshop", "demo", "--participant", "p01", "--yes")
    assert code == 0 and "Deleted 1 container group of p01 (web-abcde)" in out
    assert list(state.aci.container_groups.list_by_resource_group("aci-ws-demo-p01")) == []
    assert len(list(state.aci.container_groups.list_by_resource_group("aci-ws-demo-p02"))) == 1
    after = tags(state, "aci-ws-demo-p01")
    assert {k: v for k, v in after.items() if k != "aci-tutorial-cost"} == before
    code, _, err = cli("workshop", "reset", "--workshop", "demo", "--participant", "p09", "--yes")
    assert code == 2 and "No resource group of workshop 'demo' for participant 'p09'" in err


def test_status_keeps_cost_after_stop_and_delete(state, cli):
    cli("workshop", "setup", "--workshop", "demo", "--participants", "1")
    cg = state.aci.container_groups
    cg.begin_create_or_update("aci-ws-demo-p01", "web-abcde",
                              single_container_group("web-abcde", "eastus")).result()
    cg.begin_create_or_update("aci-ws-demo-p01", "job-abcde",
                              task_container_group("job-abcde", "eastus")).result()
    from aci_helpers.trainer.status import status

    first = status(state, "demo")[0].cost_so_far
    assert first > 0
    cg.stop("aci-ws-demo-p01", "web-abcde")
    stopped = status(state, "demo")[0].cost_so_far
    assert stopped >= first  # the stopped run still counts
    cg.begin_delete("aci-ws-demo-p01", "job-abcde").result()
    cg.begin_delete("aci-ws-demo-p01", "web-abcde").result()
    gone = status(state, "demo")[0]
    assert gone.groups == [] and gone.cost_so_far == pytest.approx(stopped, abs=0.01)
    code, out, _ = cli("workshop", "status", "--workshop", "demo")
    assert f"${gone.cost_so_far:.4f}" in out and "accrued in total" in out


def test_preflight_away_from_the_checkout_does_not_call_a_warning_ok(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("aci_helpers.trainer.preflight.find_notebooks", lambda folder=None: None)
    code, out, _ = cli("preflight")
    assert "! warn notebooks: no notebooks folder found" in out
    assert "4 ok, 1 warning, 0 failed" in out and code == 0


def test_status_watch_refreshes(state, cli, monkeypatch):
    cli("workshop", "setup", "--workshop", "demo", "--participants", "1")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, _ = cli("workshop", "status", "--workshop", "demo", "--watch", "0.01", "--rounds", "2")
    assert code == 0 and out.count("1 participant, 0 container groups") == 2
