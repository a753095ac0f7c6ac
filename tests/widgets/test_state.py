"""The explorer's state model without a single widget, and the trainer's view over it."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from aci_helpers.widgets import render
from aci_helpers.widgets.state import CreateForm, ExplorerState, NotNow
from aci_helpers.trainer.workshop import setup


@pytest.fixture
def st(s):
    return ExplorerState(s)


def put(s, name, rg, kind="web"):
    """A group in an existing resource group (make_group's PUT of the group would drop its tags)."""
    from aci_helpers.builders import single_container_group, task_container_group

    build = task_container_group if kind == "task" else single_container_group
    s.aci.container_groups.begin_create_or_update(rg, name, build(name, s.location)).result()


def test_the_state_needs_no_ipywidgets():
    import subprocess

    code = ("import sys; from aci_helpers.widgets import state, render; "
            "assert 'ipywidgets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_refresh_select_act_and_buttons(s, st, make_group):
    make_group("web-1")
    assert st.refresh() is False
    (key,) = st.groups
    assert st.buttons().start and st.buttons().stop  # nothing selected: all disabled
    assert st.select(key) == "s.aci.container_groups.get('aci-tutorial-rg', 'web-1')"
    b = st.buttons()
    assert b.start and not b.stop and not b.restart and b.delete_confirm
    assert not st.buttons("web-1").delete_confirm
    act = st.action("stop")
    assert act.call == "s.aci.container_groups.stop('aci-tutorial-rg', 'web-1')"
    act.start()
    st.refresh()
    assert st.selected_row.state == "Stopped" and not st.buttons().start
    st.busy[key] = "start web-1"
    with pytest.raises(NotNow, match="Wait: start web-1 is still running"):
        st.action("start")


def test_delete_only_with_the_name_typed(s, st, make_group):
    make_group("web-1")
    st.refresh()
    st.select(next(iter(st.groups)))
    with pytest.raises(NotNow, match="Nothing was deleted"):
        st.delete("web-")
    st.delete(" web-1 ").start().result()
    assert st.refresh() is True and st.selected is None


def test_form_errors_and_create(s, st):
    form = CreateForm("form-1", s.resource_group, "mcr.microsoft.com/azuredocs/aci-helloworld",
                      1.0, 1.5, 80, environment="NOPE")
    with pytest.raises(ValueError, match="NAME=value"):
        st.create(form)
    st.secure_env["TOKEN"] = "x"
    act = st.create(CreateForm("form-1", s.resource_group,
                               "mcr.microsoft.com/azuredocs/aci-helloworld", 1.0, 1.5, 80))
    assert act.start().result().name == "form-1"


def test_a_stopped_group_says_its_ip_is_released_not_pending(s, st, make_group):
    """Issue 8: a Stopped group's header said "IP not yet". The emulator lists the IP a
    stopped group had (as recorded, STOPPED_GROUP_LISTS_LAST_IP); a stopped group without one
    says it has none while stopped."""
    make_group("web-1", dns_name_label="web-1-demo")
    s.aci.container_groups.stop(s.resource_group, "web-1")
    st.refresh()
    row = next(iter(st.groups.values()))
    assert row.ip and row.address.startswith(row.ip)
    released = dataclasses.replace(row, ip=None)   # as Azure may show it later: no address
    assert released.address.startswith("none while stopped")
    title = render.details_title(row)
    assert "not yet" not in title and "FQDN web-1-demo.eastus.azurecontainer.io" in title


def test_trainer_view_groups_by_participant_with_totals(s, st, make_group):
    setup(s, "ws1", ["Ada", "Grace"])
    setup(s, "ws2", ["Linus"])
    put(s, "ada-web", "aci-ws-ws1-ada")
    put(s, "ada-job", "aci-ws-ws1-ada", "task")
    put(s, "grace-web", "aci-ws-ws1-grace")
    put(s, "linus-web", "aci-ws-ws2-linus")
    st.refresh()
    assert st.workshops() == ["ws1", "ws2"]
    people = st.participants("ws1")
    assert [(p.name, [r.name for r in p.rows]) for p in people] == [
        ("Ada", ["ada-job", "ada-web"]), ("Grace", ["grace-web"])]
    assert [p.cpu_running for p in people] == [1, 1] and people[0].cost_per_hour > 0
    rows = st.class_status("ws1")  # what `aci-tutorial workshop status` reads, the same function
    html = render.participants_table("ws1", rows)
    assert "2 participants" in html and "linus" not in html.lower()
    assert f"${sum(p.cost_so_far for p in rows):.4f}" in html and "no check run yet" in html


def test_stop_all_of_a_workshop_needs_its_id_and_stops_only_it(s, st, make_group):
    setup(s, "ws1", ["Ada", "Grace"])
    setup(s, "ws2", ["Linus"])
    for name, rg in (("ada-web", "aci-ws-ws1-ada"), ("grace-web", "aci-ws-ws1-grace"),
                     ("linus-web", "aci-ws-ws2-linus")):
        put(s, name, rg)
    st.refresh()
    with pytest.raises(NotNow, match="type the workshop's id"):
        st.stop_workshop("ws1", "ws")
    acts = st.stop_workshop("ws1", "ws1")
    assert sorted(a.label for a in acts) == ["stop ada-web", "stop grace-web"]
    for a in acts:
        a.start()
    st.refresh()
    assert {r.name: r.state for r in st.groups.values()} == {
        "ada-web": "Stopped", "grace-web": "Stopped", "linus-web": "Running"}


def test_trainer_section_in_the_explorer(s, ex, make_group):
    setup(s, "ws1", ["Ada"])
    put(s, "ada-web", "aci-ws-ws1-ada")
    ex.refresh_button.click()
    t = ex.trainer
    assert "Open this section" in t.table.value  # closed: no requests for the class
    t.section.selected_index = 0
    assert t.workshop.value == "ws1" and "Ada" in t.table.value and not t.stop_all.disabled
    t.stop_all.click()
    assert t.confirm_box.layout.display == "flex" and t.confirm_box.button.disabled
    t.confirm_box.button.click()  # fires even when disabled: nothing happens
    assert s.aci.container_groups.get("aci-ws-ws1-ada", "ada-web").instance_view.state == "Running"
    t.stop_all.click()
    t.confirm_box.text.value = "ws1"
    assert not t.confirm_box.button.disabled
    t.confirm_box.button.click()
    assert s.aci.container_groups.get("aci-ws-ws1-ada", "ada-web").instance_view.state == "Stopped"
    assert "Stopped 1 group of workshop ws1." in t.result.value and t.stop_all.disabled
    assert "for each running group of workshop 'ws1'" in ex.last_call


def test_volume_rows_name_each_volume_its_mounts_and_never_a_secret(s, volumes_group):
    from aci_helpers.widgets.state import volume_rows

    rows = {r.name: r for r in volume_rows(volumes_group("vols"))}
    assert [rows[n].kind for n in ("scratch", "creds", "results", "code")] == [
        "emptyDir", "secret", "Azure Files", "gitRepo"]
    assert rows["results"].source == "acistore/results"
    assert rows["results"].mounts == (("vols", "/mnt/results", True),)
    assert rows["results"].secret_parts == ("storage account key",)
    assert rows["creds"].read_only and rows["creds"].secret_parts == ("values",)
    assert rows["code"].source == "https://github.com/me/private · directory ."
    assert rows["code"].has_credentials
    text = repr(rows)
    assert "pat-secret-99" not in text and "a2V5" not in text and "tok-123" not in text


def test_volumes_html_masks_the_key_the_secret_files_and_a_repository_token(volumes_group):
    html = render.containers_html(volumes_group("vols"))
    assert "<b>Volumes</b>" in html and "/mnt/results" in html and "acistore/results" in html
    assert f"https://{render.MASK}@github.com/me/private" in html
    assert "storage account key" in html and "read-only" in html
    assert "pat-secret-99" not in html and "a2V5" not in html and "tok-123" not in html


def test_a_locally_built_secret_volume_shows_its_file_names_not_values():
    from azure.mgmt.containerinstance import models as m

    g = m.ContainerGroup(location="eastus", os_type="Linux", containers=[m.Container(
        name="c", image="alpine", resources=m.ResourceRequirements(
            requests=m.ResourceRequests(cpu=1, memory_in_gb=1)),
        volume_mounts=[m.VolumeMount(name="s", mount_path="/s")])],
        volumes=[m.Volume(name="s", secret={"api-key": "c2VjcmV0LXZhbHVl"})])
    html = render.volumes_html(g)
    assert "file api-key" in html and render.MASK in html and "c2VjcmV0" not in html


def test_registry_servers_in_the_details_and_never_a_password(s):
    """Private registries of a group (notebook 08): server and how it signs in, no password,
    even in a locally built model that still holds one."""
    from azure.mgmt.containerinstance import models as m

    from aci_helpers import private_registry

    reg = private_registry(s)
    cg = m.ContainerGroup(
        location=s.location, os_type="Linux", restart_policy="Never",
        identity=m.ContainerGroupIdentity(type="UserAssigned", user_assigned_identities={
            reg.identity: m.UserAssignedIdentities()}),
        image_registry_credentials=[
            m.ImageRegistryCredential(server=reg.server, username=reg.username, password=reg.password),
            m.ImageRegistryCredential(server="other.azurecr.io", identity=reg.identity)],
        containers=[m.Container(name="c", image=reg.image(), resources=m.ResourceRequirements(
            requests=m.ResourceRequests(cpu=1, memory_in_gb=1)))])
    local = render.containers_html(cg)
    served = render.containers_html(s.aci.container_groups.begin_create_or_update(
        s.resource_group, "private", cg).result())
    for html in (local, served):
        assert f"<b>{reg.server}</b>: user <code>{reg.username}</code>, password" in html
        assert "<b>other.azurecr.io</b>: managed identity <code>aci-tutorial-pull</code>" in html
        assert str(reg.password) not in html and "••••••" in html
    assert "Registries" not in render.containers_html(m.ContainerGroup(
        location="eastus", os_type="Linux", containers=[]))


def test_a_participants_explorer_has_no_trainer_section(tmp_path, monkeypatch):
    """Only a trainer's explorer shows the class and Stop all (the settings file's role)."""
    from aci_helpers import connect
    from aci_helpers.settings_file import write_settings
    from aci_helpers.widgets._explorer import Explorer

    path = tmp_path / "settings.toml"
    monkeypatch.setenv("ACI_SETTINGS_FILE", str(path))
    write_settings({"workshop": "ws1", "participant": "p01", "role": "participant"}, path)
    ex = Explorer(connect())
    assert ex.trainer.section not in ex.children
    write_settings({"workshop": "ws1", "role": "trainer"}, path)
    ex = Explorer(connect())
    assert ex.trainer.section in ex.children
