"""Secrets are never returned by any operation, nor logged, nor in a repr."""

from __future__ import annotations

import logging

from azure.mgmt.containerinstance import models as m

from .conftest import RG, container, group

SECRETS = ["s3cret-env-value", "registry-p4ssword", "c2VjcmV0LXZvbHVtZQ==", "storage-key-123",
           "workspace-key-456", "/subscriptions/x/workspaces/secret-ws"]


def test_no_secret_in_any_response_or_log(cloud, caplog):
    caplog.set_level(logging.DEBUG)
    c = container(image="myregistry.azurecr.io/app:v1",
                  env=[m.EnvironmentVariable(name="PLAIN", value="visible"),
                       m.EnvironmentVariable(name="TOKEN", secure_value=SECRETS[0])])
    c.volume_mounts = [m.VolumeMount(name="sec", mount_path="/s"),
                       m.VolumeMount(name="share", mount_path="/f")]
    cg = group(c,
               image_registry_credentials=[m.ImageRegistryCredential(
                   server="myregistry.azurecr.io", username="user", password=SECRETS[1])],
               volumes=[m.Volume(name="sec", secret={"k": SECRETS[2]}),
                        m.Volume(name="share", azure_file=m.AzureFileVolume(
                            share_name="s", storage_account_name="acct",
                            storage_account_key=SECRETS[3]))],
               diagnostics=m.ContainerGroupDiagnostics(log_analytics=m.LogAnalytics(
                   workspace_id="ws", workspace_key=SECRETS[4],
                   workspace_resource_id=SECRETS[5])))
    r = cloud.aci.container_groups.begin_create_or_update(RG, "g1", cg).result()
    cloud.aci.container_groups.get(RG, "g1")
    list(cloud.aci.container_groups.list())
    cloud.aci.container_groups.update(RG, "g1", m.Resource(tags={"a": "b"}))
    cloud.aci.container_groups.begin_delete(RG, "g1").result()
    env = {e.name: e for e in r.containers[0].environment_variables}
    assert env["TOKEN"].secure_value is None and env["TOKEN"].value is None
    assert env["PLAIN"].value == "visible"
    assert r.volumes[0].secret == {} and r.volumes[1].azure_file.storage_account_key is None
    assert r.image_registry_credentials[0].password is None
    assert r.diagnostics.log_analytics.workspace_key is None
    blob = b"\n".join(cloud.bodies())
    for s in SECRETS:
        assert s.encode() not in blob
    for rec in caplog.records:
        for s in SECRETS:
            assert s not in rec.getMessage()
    for s in SECRETS:
        assert s not in repr(cloud.emu) and s not in repr(cloud.transport)
