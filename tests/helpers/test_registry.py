"""private_registry(): the emulator's tutorial registry, Azure's from the environment; the
password never shows in a repr, a format, an SDK model's printout or an error."""

from __future__ import annotations

import pytest
from azure.mgmt.containerinstance import models as m

from aci_helpers import ConfigurationError, ensure_resource_group, get_logs, private_registry
from aci_helpers.registry import ENV, MASK, Secret


def test_secret_is_masked_everywhere_but_str():
    """And inside an azure-mgmt-containerinstance 10.1 model (newer models copy it to a str:
    notebook 08 prints a credential's fields, never the credential)."""
    pw = Secret("hunter2-value")
    assert repr(pw) == repr(MASK) and f"{pw}" == MASK and f"{pw:>10}" == f"{MASK:>10}"
    assert str(pw) == "hunter2-value" and pw == "hunter2-value"
    cred = m.ImageRegistryCredential(server="r.azurecr.io", username="u", password=pw)
    assert "hunter2" not in str(cred) and "hunter2" not in str([cred])
    assert cred.serialize()["password"] == "hunter2-value"     # what the SDK sends


def test_the_emulators_registry_pulls_both_tutorial_images(s):
    ensure_resource_group(s)
    reg = private_registry(s)
    assert reg.server.startswith("acitutorial") and reg.server.endswith(".azurecr.io")
    assert reg.username == reg.server.split(".")[0]
    assert str(reg.password) not in repr(reg) and "'********'" in repr(reg)
    assert reg.identity.endswith("/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"
                                 "aci-tutorial-pull")
    assert private_registry(s) == reg          # again: the same registry and login
    cg = m.ContainerGroup(
        location=s.location, os_type="Linux", restart_policy="Never",
        image_registry_credentials=[m.ImageRegistryCredential(
            server=reg.server, username=reg.username, password=reg.password)],
        containers=[m.Container(name="c", image=reg.image("aci-wordcount:v1"),
                                resources=m.ResourceRequirements(
                                    requests=m.ResourceRequests(cpu=1, memory_in_gb=1)))])
    s.aci.container_groups.begin_create_or_update(s.resource_group, "wc", cg).result()
    assert "('the', 990)" in get_logs(s, "wc")


def test_on_azure_the_environment_names_the_registry(monkeypatch, clean_env, no_network):
    from aci_helpers import connect

    clean_env.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000001")
    s = connect("azure")
    with pytest.raises(ConfigurationError) as e:
        private_registry(s)
    text = str(e.value)
    assert "az acr import" in text and "az role assignment create --role AcrPull" in text
    assert all(v in text for v in ENV.values())
    values = {"ACI_REGISTRY_SERVER": "MyReg.azurecr.io", "ACI_REGISTRY_USERNAME": "myreg",
              "ACI_REGISTRY_PASSWORD": "s3cret-from-env", "ACI_REGISTRY_IDENTITY": "/subscriptions/x"}
    for k, v in values.items():
        clean_env.setenv(k, v)
    reg = private_registry(s)
    assert (reg.server, reg.username, str(reg.password)) == ("myreg.azurecr.io", "myreg",
                                                             "s3cret-from-env")
    assert "s3cret" not in repr(reg)


def test_no_committed_notebook_holds_the_registry_password(s):
    """The committed outputs come from seed 0: that registry's password appears nowhere."""
    from pathlib import Path

    reg = private_registry(s)
    for path in (Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"):
        assert str(reg.password) not in path.read_text(), path.name
