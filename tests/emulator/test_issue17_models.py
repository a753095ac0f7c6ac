"""What issue 17's public evidence says the service does, modelled: volume kinds by
api-version (secretReference from the versions that define it). More cases follow the
create's order, the failed creates and the Spot quota."""

from __future__ import annotations

RG_PATH = "/subscriptions/{sub}/resourcegroups/rg1"


def _rg(cloud) -> None:
    status, _, _ = cloud.raw("PUT", RG_PATH.format(sub=cloud.sub), {"location": "westus"},
                             api="2021-04-01")
    assert status in (200, 201)


def _secret_reference_group() -> dict:
    return {"location": "westus", "properties": {
        "osType": "Linux", "restartPolicy": "Never",
        "secretReferences": [{"name": "token", "secretReferenceUri": "https://kv.vault.azure.net/secrets/token",
                              "identity": "/subscriptions/x/resourceGroups/r/providers/"
                                          "Microsoft.ManagedIdentity/userAssignedIdentities/u"}],
        "volumes": [{"name": "v", "secretReference": {"token.txt": "token"}}],
        "containers": [{"name": "c", "properties": {
            "image": "alpine", "command": ["cat", "/mnt/v/token.txt"],
            "resources": {"requests": {"cpu": 1, "memoryInGB": 1}},
            "volumeMounts": [{"name": "v", "mountPath": "/mnt/v"}]}}]}}


def test_a_secret_reference_volume_is_accepted_where_the_version_defines_it(cloud):
    """2025-09-01 (the 2025-09-01 spec's Volume.secretReference) and later accept it, and
    answer it; 2023-05-01 does not know the kind, so the volume has none and is refused."""
    _rg(cloud)
    for api in ("2025-09-01", "2026-05-01"):
        status, _, body = cloud.raw("PUT", cloud.cg_path(f"ref-{api[:4]}"), _secret_reference_group(), api=api)
        assert status == 201, body
        assert body["properties"]["volumes"] == [{"name": "v", "secretReference": {"token.txt": "token"}}]
        status, _, logs = cloud.raw("GET", cloud.cg_path(f"ref-{api[:4]}") + "/containers/c/logs", api=api)
        assert status == 200 and "cannot" in logs["content"].splitlines()[0]  # no Key Vault offline
    status, _, body = cloud.raw("PUT", cloud.cg_path("ref-2023"), _secret_reference_group(), api="2023-05-01")
    assert status == 400 and body["error"]["code"] == "InvalidVolume", body
