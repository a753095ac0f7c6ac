"""The secrets rule: no response body, in any scenario, carries a secret a request sent.

Secrets are seeded with distinctive fake strings (scenarios.SECRETS); every recorded
response byte of every scenario is searched for each of them (and for the decoded content
of the secret volume). The test also proves the secrets were really sent, so it cannot pass
vacuously.
"""

from __future__ import annotations

import base64

import pytest

from . import scenarios as S


@pytest.fixture(scope="module")
def all_runs():
    return {name: S.run(name) for name in S.SCENARIOS}


def _needles() -> dict[str, bytes]:
    out = {what: value.encode() for what, value in S.SECRETS.items()}
    out["secret volume content (decoded)"] = base64.b64decode(S.SECRETS["secret volume content"])
    return out


def test_the_secrets_were_sent(all_runs):
    sent = b"".join(x.request_body for run in all_runs.values() for x in run.exchanges)
    for what, needle in _needles().items():
        if what.endswith("(decoded)"):
            continue
        assert needle in sent, f"the scenarios never sent the {what}"


def test_no_response_carries_a_secret(all_runs):
    leaks = []
    for name, run in all_runs.items():
        for x in run.exchanges:
            blob = x.response_body + "".join(f"{k}: {v}\n" for k, v in
                                             x.response_headers.items()).encode()
            for what, needle in _needles().items():
                if needle in blob:
                    leaks.append(f"[{name}] {x.method} {x.url} -> {x.status}: the {what}")
    assert not leaks, "secrets in responses:\n" + "\n".join(leaks)


def test_secret_bearing_members_come_back_blanked_like_the_recordings(all_runs):
    """What is left where a secret was: the variable's name, ``secret: {}``, the registry
    without password, the share without key, Log Analytics without workspaceKey."""
    import json
    run = all_runs["secrets"]
    got = next(json.loads(x.response_body) for x in run.exchanges
               if x.method == "GET" and x.url.split("?")[0].endswith("/containerGroups/secrets"))
    p = got["properties"]
    env = {e["name"]: e for e in p["containers"][0]["properties"]["environmentVariables"]}
    assert env["HIDDEN"] == {"name": "HIDDEN"} and env["PLAIN"] == {"name": "PLAIN",
                                                                  "value": "visible"}
    vols = {v["name"]: v for v in p["volumes"]}
    assert vols["secrets"] == {"name": "secrets", "secret": {}}     # azcli_test_container_create
    assert "storageAccountKey" not in vols["share"]["azureFile"]
    assert vols["share"]["azureFile"]["storageAccountName"] == "conformancestore"
    assert [set(c) for c in p["imageRegistryCredentials"]] == [{"server", "username"}]
    # sdkpy_test_mgmt_containerinstance: {"logAnalytics":{"workspaceId":"workspaceId"}}
    assert p["diagnostics"] == {"logAnalytics": {"workspaceId": "conformance-workspace"}}
