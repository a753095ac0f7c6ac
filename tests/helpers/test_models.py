"""aci_helpers.models: the one reading of SDK models that the tables, waits, cost, diagnosis,
cleanup, explorer and workshop share."""

from __future__ import annotations

import pytest
from azure.mgmt.containerinstance.models import (
    Container, ContainerGroup, ContainerGroupPropertiesInstanceView, ContainerGroupRestartPolicy,
)

from aci_helpers import estimate_cost, groups_table, multi_container_group, single_container_group
from aci_helpers.models import (
    GroupRow, enum_text, group_requests, group_state, is_tutorial_resource, resource_group_of,
    restart_policy,
)

ID = ("/subscriptions/0000/resourceGroups/My-RG/providers/Microsoft.ContainerInstance/"
      "containerGroups/web")


def test_cpu_and_memory_are_summed_over_containers_and_one_without_resources_counts_nothing():
    g = multi_container_group("app-1", "eastus")
    assert group_requests(g) == (2.0, 4.0)
    g.containers.append(Container(name="bare", image="busybox", resources=None))
    assert group_requests(g) == (2.0, 4.0)
    assert estimate_cost(g, 3600).cpu == 2.0  # the cost estimate reads the same sums


def test_restart_policy_enum_or_string_and_the_default():
    g = single_container_group("web-1", "eastus")
    g.restart_policy = ContainerGroupRestartPolicy.NEVER
    assert restart_policy(g) == "Never" and enum_text(g.restart_policy) == "Never"
    g.restart_policy = "OnFailure"
    assert restart_policy(g) == "OnFailure"
    g.restart_policy = None  # newer api-versions leave out the default
    assert restart_policy(g) == "Always" and enum_text(None) is None


def test_group_state_prefers_the_instance_view():
    g = ContainerGroup(location="eastus", containers=[], os_type="Linux")
    assert group_state(g) is None
    g.instance_view = ContainerGroupPropertiesInstanceView()
    assert group_state(g) is None  # a view without a state: the provisioning state (none)


@pytest.mark.parametrize("resource_id, rg", [
    (ID, "My-RG"),
    (ID.replace("resourceGroups", "resourcegroups"), "My-RG"),  # ARM's casing varies
    ("/subscriptions/0000", None),
    ("", None),
    (None, None),
])
def test_resource_group_of_an_arm_id(resource_id, rg):
    assert resource_group_of(resource_id) == rg


def test_tutorial_tag():
    assert is_tutorial_resource({"created-by": "aci-tutorial", "other": "x"})
    assert not is_tutorial_resource({"created-by": "someone"})
    assert not is_tutorial_resource(None)


def test_one_reading_for_the_explorer_row_and_the_table(s):
    from aci_helpers import ensure_resource_group, wait

    ensure_resource_group(s)
    group = single_container_group("web-1", s.location)
    group.restart_policy = None
    wait(s.aci.container_groups.begin_create_or_update(s.resource_group, "web-1", group))
    got = s.aci.container_groups.get(s.resource_group, "web-1")
    row = GroupRow.of(got)
    table = groups_table(s, details=True).iloc[0]
    assert (row.name, row.resource_group, row.state, row.restart_policy, row.cpu, row.memory_gb) \
        == (table["name"], table["resource_group"], table["state"], table["restart_policy"],
            table["cpu"], table["memory_gb"]) == ("web-1", s.resource_group, "Running", "Always",
                                                  1.0, 1.0)
