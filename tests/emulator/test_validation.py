"""Refused requests: real codes and messages, and nothing changes."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import models as m

from .conftest import RG, container, group


def refuse(cloud, name, cg):
    before = [g.name for g in cloud.aci.container_groups.list()]
    with pytest.raises(HttpResponseError) as e:
        cloud.aci.container_groups.begin_create_or_update(RG, name, cg)
    assert [g.name for g in cloud.aci.container_groups.list()] == before  # nothing changed
    return e.value


def test_group_name(cloud):
    for bad in ("Upper", "-lead", "trail-", "a--b", "x" * 64):
        err = refuse(cloud, bad, group())
        assert err.status_code == 400 and err.error.code == "ContainerGroupNameInvalid"
        assert f"'{bad}'" in err.error.message


def test_container_name(cloud):
    err = refuse(cloud, "g1", group(container(name="Bad_Name")))
    assert err.error.code == "InvalidContainerName"
    assert err.error.message == (
        "The container name 'Bad_Name' in container group 'g1' is invalid. The container name "
        "must contain no more than 63 characters and must match the regex "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?' (e.g. 'my-name').")
    err = refuse(cloud, "g1", group(container(name="a"), container(name="a")))
    assert err.error.code == "DuplicateContainerNames"


def test_dns_label_invalid_and_taken(cloud):
    ports = [m.ContainerPort(port=80)]
    ip = m.IpAddress(ports=[m.Port(port=80)], type="Public", dns_name_label="1abc")
    err = refuse(cloud, "g1", group(container(ports=ports), ip=ip))
    assert err.error.code == "InvalidDnsNameLabel"
    assert err.error.message.startswith("The DNS name label '1abc' in container group 'g1' is "
                                        "invalid. It can contain only lowercase letters")
    ip.dns_name_label = "mylabel"
    cloud.aci.container_groups.begin_create_or_update(RG, "g1", group(container(ports=ports),
                                                                      ip=ip)).result()
    err = refuse(cloud, "g2", group(container(ports=ports), ip=ip))
    assert err.status_code == 409 and err.error.code == "DnsNameLabelNotAvailable"
    assert err.error.message == ("The DNS name label 'mylabel' in container group 'g2' not "
                                 "available. Try using a different label.")


def test_env_var_names(cloud):
    """Azure's rule and words (Azure/azure-rest-api-specs#19173): a letter or '_' first, then
    letters, digits or '_'."""
    for bad in ("1X", "A-B", "discovery.type", "-Dkey", "MY VAR"):
        err = refuse(cloud, "g1", group(container(env=[m.EnvironmentVariable(name=bad, value="v")])))
        assert err.error.code == "InvalidContainerEnvironmentVariable"
        assert err.error.message == (
            "The environment variable name in container 'c1' of container group 'g1' is invalid. "
            "A valid environment variable name must start with alphabetic character or '_', "
            "followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or "
            "'MY_NAME',  or 'MyName').")
    for good in ("_X", "X_", "my_name", "A1", "x" * 64):
        cloud.aci.container_groups.begin_create_or_update(
            RG, "g2", group(container(env=[m.EnvironmentVariable(name=good, value="v")]))).result()


def test_cpu_memory_limits(cloud):
    assert refuse(cloud, "g1", group(container(cpu=1.25))).error.code == \
        "InvalidResourceRequestPrecision"
    assert refuse(cloud, "g1", group(container(mem=1.55))).error.code == \
        "InvalidResourceRequestPrecision"
    # Over the region's maximum: the capacity answer real Azure gives (409 ServiceUnavailable,
    # virtual-kubelet/virtual-kubelet#592), not a validation error.
    err = refuse(cloud, "g1", group(container(cpu=4.5)))
    assert (err.status_code, err.error.code) == (409, "ServiceUnavailable")
    assert err.error.message.startswith(
        "The requested resource is not available in the location 'westus' at this moment. "
        "Please retry with a different resource request or in another location.")
    err = refuse(cloud, "g1", group(container(name="a", cpu=3, mem=9),
                                    container(name="b", cpu=1, mem=8)))
    assert err.error.message.endswith("Resource requested: '4' CPU '17' GB memory 'Linux' OS")
    err = refuse(cloud, "g1", group(container(cpu=0.5, mem=0.5)))
    assert "at least 1 CPU and 1 GB" in err.error.message
    # a container may ask for less than 1 CPU when the group as a whole has enough
    cloud.aci.container_groups.begin_create_or_update(
        RG, "ok", group(container(name="a", cpu=0.5), container(name="b", cpu=0.5))).result()
    lim = container(cpu=1)
    lim.resources.limits = m.ResourceLimits(cpu=2)
    assert refuse(cloud, "g1", group(lim)).error.code == \
        "ContainerLimitGreaterThanContainerGroupTotalRequest"


def test_ports_and_counts(cloud):
    err = refuse(cloud, "g1", group(container(ports=[m.ContainerPort(port=70000)])))
    assert err.error.code == "InvalidPort"
    ports = [m.ContainerPort(port=p) for p in range(80, 86)]
    ip = m.IpAddress(ports=[m.Port(port=p) for p in range(80, 86)], type="Public")
    assert refuse(cloud, "g1", group(container(ports=ports), ip=ip)).error.code == "TooManyPorts"
    ip = m.IpAddress(ports=[m.Port(port=81)], type="Public")
    err = refuse(cloud, "g1", group(container(ports=[m.ContainerPort(port=80)]), ip=ip))
    assert err.error.code == "InvalidIpAddressPorts"
    many = [container(name=f"c{i}", cpu=0.1, mem=0.1) for i in range(61)]
    assert refuse(cloud, "g1", group(*many)).error.code == "TooManyContainers"
    vols = [m.Volume(name=f"v{i}", empty_dir={}) for i in range(21)]
    assert refuse(cloud, "g1", group(volumes=vols)).error.code == "TooManyVolumes"
    mount = container()
    mount.volume_mounts = [m.VolumeMount(name="missing", mount_path="/m")]
    assert refuse(cloud, "g1", group(mount)).error.code == "InvalidVolume"


def test_images(cloud):
    err = refuse(cloud, "g1", group(container(image="mcr.microsoft.com/azuredocs/aci-helloword")))
    assert err.error.code == "InaccessibleImage"
    assert err.error.message == (
        "The image 'mcr.microsoft.com/azuredocs/aci-helloword' in container group 'g1' is not "
        "accessible. Please check the image and registry credential.")
    err = refuse(cloud, "g1", group(container(image="myregistry.azurecr.io/app:v1")))
    assert err.error.code == "InaccessibleImage"
    creds = [m.ImageRegistryCredential(server="myregistry.azurecr.io", username="u",
                                       password="p4ss-secret")]
    cloud.aci.container_groups.begin_create_or_update(
        RG, "g1", group(container(image="myregistry.azurecr.io/app:v1"),
                        image_registry_credentials=creds)).result()


def test_location_and_enums(cloud):
    cg = group()
    cg.location = "atlantis"
    err = refuse(cloud, "g1", cg)
    assert err.error.code == "LocationNotAvailableForResourceType"
    cg = group()
    cg.restart_policy = "Sometimes"
    assert refuse(cloud, "g1", cg).error.code == "InvalidRestartPolicy"


def test_tag_names_with_reserved_characters(cloud):
    cg = group()
    cg.tags = {"bad<tag": "x", "team": "a/b is fine in a value"}
    err = refuse(cloud, "g-tags", cg)
    assert err.status_code == 400 and err.error.code == "InvalidTagNameCharacters"
    assert err.error.message == ("The tag names 'bad<tag' have reserved characters "
                                 "'<,>,%,&,\\,?,/' or control characters.")
    with pytest.raises(HttpResponseError) as e:
        cloud.res.resource_groups.create_or_update("rg-tags", {"location": "eastus",
                                                                      "tags": {"a/b": "x"}})
    assert e.value.error.code == "InvalidTagNameCharacters"
    assert not cloud.res.resource_groups.check_existence("rg-tags")
