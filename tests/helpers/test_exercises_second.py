"""The second track's checks: the skeleton says Not yet, typical mistakes get their hint, the
solution passes; each reads the cloud and changes nothing."""

from __future__ import annotations

from azure.mgmt.containerinstance import models as m

from aci_helpers import ensure_resource_group, private_registry, task_container_group, wait_for_container
from aci_helpers.exercises import check_fixed_loop, check_identity_pull, check_spot_task


def create(s, name, group):
    s.aci.container_groups.begin_create_or_update(s.resource_group, name, group).result()
    wait_for_container(s, name)


def test_identity_pull(s):
    ensure_resource_group(s)
    reg = private_registry(s)
    name = "mi-task"
    right = [m.ImageRegistryCredential(server=reg.server, identity=reg.identity)]
    assert check_identity_pull(s, name, reg, None).text.startswith("Not yet: my_credentials is still None")
    assert "takes a list" in check_identity_pull(s, name, reg, right[0]).text
    with_password = [m.ImageRegistryCredential(server=reg.server, username=reg.username,
                                               password=reg.password)]
    assert "leave username and password out" in check_identity_pull(s, name, reg, with_password).text
    other = [m.ImageRegistryCredential(server="other.azurecr.io", identity=reg.identity)]
    assert "the image is on" in check_identity_pull(s, name, reg, other).text
    assert "is not in the cloud" in check_identity_pull(s, name, reg, right).text
    task = task_container_group(name, s.location, image=reg.image("aci-wordcount:v1"))
    task.identity = m.ContainerGroupIdentity(type="UserAssigned", user_assigned_identities={
        reg.identity: m.UserAssignedIdentities()})
    task.image_registry_credentials = with_password
    create(s, name, task)
    assert "still pulls with a username and password" in check_identity_pull(s, name, reg, right).text
    task.image_registry_credentials = right
    create(s, name, task)
    feedback = check_identity_pull(s, name, reg, right)
    assert feedback.passed and str(reg.password) not in feedback.text, feedback.text


def test_fixed_loop(s):
    ensure_resource_group(s)
    name = "loop"
    create_always = task_container_group(name, s.location, restart_policy="Always")
    s.aci.container_groups.begin_create_or_update(s.resource_group, name, create_always).result()
    assert check_fixed_loop(s, name, None).text.startswith("Not yet: my_restart_policy is still None")
    assert "'Always' is what restarts" in check_fixed_loop(s, name, "Always").text
    assert "not a restart policy" in check_fixed_loop(s, name, "Sometimes").text
    assert "still has restart policy Always" in check_fixed_loop(s, name, "Never").text
    s.aci.container_groups.begin_delete(s.resource_group, name).result()
    create(s, name, task_container_group(name, s.location, restart_policy="OnFailure"))
    feedback = check_fixed_loop(s, name, m.ContainerGroupRestartPolicy.ON_FAILURE)
    assert feedback.passed and "0 restarts" in feedback.text, feedback.text


def test_spot_task(s):
    ensure_resource_group(s)
    name = "spot"
    assert check_spot_task(s, name, None).text.startswith("Not yet: my_spot_task is still None")
    regular = task_container_group(name, "westus")
    assert "set it to 'Spot'" in check_spot_task(s, name, regular).text
    east = task_container_group(name, "eastus")
    east.priority = "Spot"
    assert "does not offer Spot groups" in check_spot_task(s, name, east).text
    spot = task_container_group(name, "westus")
    spot.priority = "Spot"
    assert "is not in the cloud" in check_spot_task(s, name, spot).text
    create(s, name, spot)
    feedback = check_spot_task(s, name, spot)
    assert feedback.passed and "westus" in feedback.text, feedback.text
