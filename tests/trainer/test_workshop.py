"""`aci-tutorial workshop setup/status/cleanup` for 30 participants on the emulator."""

from __future__ import annotations

import pytest

from aci_helpers.builders import single_container_group, task_container_group
from aci_helpers.session import NAME_SUFFIX_TAG, PARTICIPANT_TAG, REGION_TAG, WORKSHOP_TAG


def rg_names(s) -> set[str]:
    return {rg.name for rg in s.resources.resource_groups.list()}


def create(s, rg: str, name: str, kind=single_container_group):
    return s.aci.container_groups.begin_create_or_update(rg, name, kind(name, s.location)).result()


def test_setup_status_cleanup_for_30_participants(state, cli):
    s = state
    code, out, _ = cli("workshop", "setup", "--workshop", "ws1", "--participants", "30")
    assert code == 0, out
    assert "backend: emulator" in out and "30 created, 0 already there" in out
    groups = {rg.name: rg.tags for rg in s.resources.resource_groups.list()}
    assert len(groups) == 30
    p07 = groups["aci-ws-ws1-p07"]
    assert p07 == {"created-by": "aci-tutorial", WORKSHOP_TAG: "ws1", PARTICIPANT_TAG: "p07",
                   REGION_TAG: "eastus", NAME_SUFFIX_TAG: p07[NAME_SUFFIX_TAG]}
    assert (f"aci-tutorial workshop join --workshop ws1 --participant p07 --location eastus "
            f"--suffix {p07[NAME_SUFFIX_TAG]}") in out
    assert len({t[NAME_SUFFIX_TAG] for t in groups.values()}) == 30  # distinct names per participant
    # The emulator's default quota holds fewer than 30 at the measured peak: setup says so,
    # and places them all.
    from aci_helpers.trainer.workshop import participant_needs
    assert f"Warning: the regions' quota has no room for {30 - 100 // participant_needs().cores} of them" in out
    # Setup again: idempotent, nothing new.
    code, out, _ = cli("workshop", "setup", "--workshop", "ws1", "--participants", "30")
    assert code == 0 and "0 created, 30 already there" in out and len(rg_names(s)) == 30

    # Participants work: p01 a web server and a task, p02 a web server it stops.
    create(s, "aci-ws-ws1-p01", "web-p01")
    create(s, "aci-ws-ws1-p01", "job-p01", task_container_group)
    create(s, "aci-ws-ws1-p02", "web-p02")
    s.aci.container_groups.stop("aci-ws-ws1-p02", "web-p02")
    code, out, _ = cli("workshop", "status", "--workshop", "ws1")
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("p01 "))
    assert "aci-ws-ws1-p01" in line and "1 Running, 1 Succeeded" in line and "$" in line
    assert "1 Stopped" in next(ln for ln in out.splitlines() if ln.startswith("p02 "))
    assert "30 participants, 3 container groups, 1 CPU in use" in out

    # Look-alikes cleanup must not touch: untagged with the workshop's prefix, another workshop's.
    s.resources.resource_groups.create_or_update("aci-ws-ws1-byhand", {"location": "eastus"})
    create(s, "aci-ws-ws1-byhand", "keep-me")
    cli("workshop", "setup", "--workshop", "ws2", "--participants", "2")
    code, out, _ = cli("workshop", "cleanup", "--workshop", "ws1", "--yes")
    assert "kept: aci-ws-ws1-byhand: not tagged with this workshop" in out
    assert "Deleted 30 resource groups" in out
    # The look-alike still holds a group: never "nothing left" then (exit 1).
    assert code == 1 and "Nothing of workshop" not in out
    assert "Left: aci-ws-ws1-byhand still holds 1 container group (keep-me)" in out
    assert rg_names(s) == {"aci-ws-ws1-byhand", "aci-ws-ws2-p01", "aci-ws-ws2-p02"}
    assert [g.name for g in s.aci.container_groups.list()] == ["keep-me"]


def test_cleanup_asks_and_a_wrong_answer_deletes_nothing(state, cli):
    from aci_helpers.trainer.cli import build_parser
    from aci_helpers.trainer.workshop_cli import cmd_cleanup

    cli("workshop", "setup", "--workshop", "ws1", "--participants", "3")
    args = build_parser().parse_args(["workshop", "cleanup", "--workshop", "ws1"])
    asked = []
    assert cmd_cleanup(args, ask=lambda q: asked.append(q) or "ws") == 3
    assert "Type the workshop id (ws1)" in asked[0] and len(rg_names(state)) == 3
    assert cmd_cleanup(args, ask=lambda q: "ws1") == 0
    assert rg_names(state) == set()


def test_cleanup_without_a_terminal_needs_yes(state, cli, monkeypatch):
    import io

    cli("workshop", "setup", "--workshop", "ws1", "--participants", "2")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, _ = cli("workshop", "cleanup", "--workshop", "ws1")
    assert code == 3 and "add --yes. Nothing was deleted." in out and len(rg_names(state)) == 2


def test_cleanup_of_an_unknown_workshop_deletes_nothing(state, cli):
    state.resources.resource_groups.create_or_update("aci-ws-nope-p01", {"location": "eastus"})
    code, out, _ = cli("workshop", "cleanup", "--workshop", "nope", "--yes")
    assert code == 0 and "Nothing carries the tag of workshop 'nope': nothing to delete." in out
    assert "kept: aci-ws-nope-p01" in out
    assert rg_names(state) == {"aci-ws-nope-p01"}


def test_setup_refuses_a_taken_name_and_creates_nothing(state, cli):
    state.resources.resource_groups.create_or_update("aci-ws-ws1-p02", {"location": "eastus"})
    code, _, err = cli("workshop", "setup", "--workshop", "ws1", "--participants", "3")
    assert code == 2 and "aci-ws-ws1-p02 (not tagged by a workshop)" in err
    assert "changed nothing" in err and rg_names(state) == {"aci-ws-ws1-p02"}


def test_setup_from_a_names_file(state, cli, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("# the class\nAda Lovelace\n\nGrace Hopper\n")
    code, out, _ = cli("workshop", "setup", "--workshop", "ws1", "--names", str(names))
    assert code == 0 and "aci-ws-ws1-ada-lovelace" in out
    assert "--participant 'Ada Lovelace'" in out
    tags = {rg.name: rg.tags[PARTICIPANT_TAG] for rg in state.resources.resource_groups.list()}
    assert tags == {"aci-ws-ws1-ada-lovelace": "Ada Lovelace", "aci-ws-ws1-grace-hopper": "Grace Hopper"}


@pytest.mark.parametrize("args, message", [
    (["--workshop", "Bad_ID", "--participants", "3"], "Workshop id 'Bad_ID' is not valid"),
    (["--workshop", "ws1", "--participants", "0"], "--participants must be a whole number"),
])
def test_setup_bad_input_is_exit_2_and_changes_nothing(state, cli, args, message):
    code, _, err = cli("workshop", "setup", *args)
    assert code == 2 and message in err and rg_names(state) == set()


def test_status_of_an_unknown_workshop(state, cli):
    code, out, _ = cli("workshop", "status", "--workshop", "nope")
    assert code == 1 and "No resource group carries workshop 'nope'" in out


def test_plan_says_whether_they_fit_and_how_to_spread(state, cli):
    from aci_helpers.trainer.workshop import participant_needs

    needs = participant_needs()
    assert needs.cores >= 1 and needs.groups >= 1
    fit = 100 // needs.cores  # the emulator's default quota: 100 cores per region
    code, out, _ = cli("workshop", "plan", "--participants", str(fit))
    assert code == 0 and f"{fit} participants fit: {fit} in eastus." in out
    code, out, _ = cli("workshop", "plan", "--participants", str(fit + 5))
    assert code == 1 and "do not fit: 5 have no room" in out and "ask for a Standard Cores quota" in out
    code, out, _ = cli("workshop", "plan", "--participants", str(fit + 5), "--region", "eastus",
                       "--region", "westeurope")
    assert code == 0 and f"{fit} in eastus, 5 in westeurope" in out


def test_one_of_each_reads_as_one(state, cli):
    """`workshop status` said "1 container groups" (and "1 participants")."""
    s = state
    cli("workshop", "setup", "--workshop", "solo", "--participants", "1")
    create(s, "aci-ws-solo-p01", "web-p01")
    code, out, _ = cli("workshop", "status", "--workshop", "solo")
    assert code == 0 and "1 participant, 1 container group, 1 CPU in use" in out, out
    code, out, _ = cli("workshop", "plan", "--participants", "1")
    assert code == 0 and "1 participant fits:" in out, out
    code, out, _ = cli("workshop", "cleanup", "--workshop", "solo", "--yes")
    assert "Would delete 1 resource group of workshop 'solo'" in out
    assert "Deleted 1 resource group in" in out, out
