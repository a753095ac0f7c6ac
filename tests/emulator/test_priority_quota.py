"""Spot priority (Microsoft's Spot page: no public IP, listed regions; the recording echoes
"priority": "Spot") and the per-object core quota a notebook lowers to show the refusal."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import models as m

from aci_helpers.emulator import assumptions as A

from .conftest import RG, container, group


def refused(cloud, name, cg) -> HttpResponseError:
    before = [g.name for g in cloud.aci.container_groups.list()]
    with pytest.raises(HttpResponseError) as e:
        cloud.aci.container_groups.begin_create_or_update(RG, name, cg)
    assert [g.name for g in cloud.aci.container_groups.list()] == before
    return e.value


@pytest.mark.parametrize("sent", ["Spot", "spot", "SPOT"])
def test_spot_is_canonicalised_and_echoed(cloud, sent):
    g = cloud.aci.container_groups.begin_create_or_update(
        RG, "spot", group(priority=sent, restart="Never")).result()
    assert g.priority == "Spot"
    for api in A.ACI_API_VERSIONS:     # every served version documents priority
        status, _, body = cloud.raw("GET", cloud.cg_path("spot"), api=api)
        assert status == 200 and body["properties"]["priority"] == "Spot", api


def test_regular_is_allowed_everywhere_and_omitted_stays_omitted(cloud):
    cg = group(priority="regular")
    cg.location = "eastus"
    assert cloud.aci.container_groups.begin_create_or_update(RG, "reg", cg).result().priority == "Regular"
    assert cloud.aci.container_groups.begin_create_or_update(RG, "none", group()).result().priority is None


@pytest.mark.parametrize("value", ["Cheap", "", "Spot "])
def test_unknown_priority_is_refused(cloud, value):
    err = refused(cloud, "g1", group(priority=value))
    assert (err.status_code, err.error.code) == (400, "InvalidContainerGroupPriority")
    assert "'Regular' (the default) or 'Spot'" in err.error.message


def test_spot_outside_its_regions_is_refused(cloud):
    cg = group(priority="Spot")
    cg.location = "eastus"
    err = refused(cloud, "g1", cg)
    assert err.error.code == "SpotContainerGroupNotSupported"
    assert "eastus2, westeurope, westus" in err.error.message


def test_spot_without_public_ip_vnet_or_zones(cloud):
    ip = m.IpAddress(ports=[m.Port(port=80)], type="Public")
    err = refused(cloud, "g1", group(container(ports=[m.ContainerPort(port=80)]), ip=ip,
                                     priority="Spot"))
    assert err.error.code == "SpotContainerGroupNotSupported" and "public IP" in err.error.message
    err = refused(cloud, "g1", group(priority="Spot", zones=["1"]))
    assert "availability zones" in err.error.message
    err = refused(cloud, "g1", group(priority="Spot", sku="Confidential"))
    assert "Confidential" in err.error.message


def test_spot_cores_have_their_own_quota(cloud):
    """Spot cores count against StandardSpotCores, not StandardCores (Microsoft's support
    article 'ContainerGroupQuotaReached error when deploying Spot containers')."""
    cloud.aci.container_groups.begin_create_or_update(RG, "spot", group(priority="Spot")).result()
    cloud.aci.container_groups.begin_create_or_update(RG, "regular", group(container(cpu=2))).result()
    usage = {u.name.value: (u.current_value, u.limit) for u in cloud.aci.location.list_usage("westus")}
    assert usage["StandardCores"] == (2, 1000)
    assert usage["StandardSpotCores"] == (1, A.DEFAULT_SPOT_QUOTA_CORES)
    cloud.emu.quota_cores = 2  # the standard quota is full: a Spot group still fits
    cloud.aci.container_groups.begin_create_or_update(RG, "spot2", group(priority="Spot")).result()
    cloud.aci.container_groups.stop(RG, "spot2")  # a stopped group counts no more
    usage = {u.name.value: u.current_value for u in cloud.aci.location.list_usage("westus")}
    assert usage["StandardSpotCores"] == 1


def test_a_spot_quota_of_zero_refuses_every_spot_group(cloud):
    """Microsoft's article: 0 Spot cores on subscriptions that are neither Enterprise Agreement
    nor default ones; the refusal names StandardSpotCores, in the article's words."""
    cloud.emu.spot_quota_cores = 0
    limits = {u.name.value: u.limit for u in cloud.aci.location.list_usage("westus")}
    assert limits["StandardSpotCores"] == 0
    err = refused(cloud, "spot", group(priority="Spot"))
    assert (err.status_code, err.error.code) == (400, "ContainerGroupQuotaReached")
    assert err.error.message == (
        "Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota "
        "'StandardSpotCores' exceeded in region 'westus'. Limit: '0', Usage: '0' Requested: '1'.")
    cloud.aci.container_groups.begin_create_or_update(RG, "regular", group()).result()


@pytest.mark.parametrize("bad", [-1, True, "10", float("nan"), float("inf"), None])
def test_the_spot_quota_is_a_number_of_zero_or_more(cloud, bad):
    with pytest.raises(ValueError, match="zero or more"):
        cloud.emu.spot_quota_cores = bad
    assert cloud.emu.spot_quota_cores == A.DEFAULT_SPOT_QUOTA_CORES


def test_lowering_the_quota_refuses_what_goes_over(cloud):
    cloud.aci.container_groups.begin_create_or_update(RG, "one", group()).result()
    cloud.emu.quota_cores = 2
    limits = {u.name.value: u.limit for u in cloud.aci.location.list_usage("westus")}
    assert limits["StandardCores"] == 2
    err = refused(cloud, "big", group(container(cpu=2)))
    assert (err.status_code, err.error.code) == (400, "ContainerGroupQuotaReached")
    assert err.error.message == (
        "Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota "
        "'StandardCores' exceeded in region 'westus'. Limit: '2', Usage: '1' Requested: '2'.")
    cloud.aci.container_groups.begin_create_or_update(RG, "fits", group()).result()


@pytest.mark.parametrize("bad", [0, -1, True, "10", float("nan"), float("inf"), None])
def test_quota_must_be_a_positive_number(cloud, bad):
    with pytest.raises(ValueError, match="positive number"):
        cloud.emu.quota_cores = bad
    assert cloud.emu.quota_cores == 1000
