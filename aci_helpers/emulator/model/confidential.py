"""The Confidential SKU: the policy the service fills in when a request gives none.

A Confidential group created with ``confidentialComputeProperties: {}`` (the Azure CLI,
2023-05-05) or without it (the Azure SDK for .NET, 2023-04-26) is answered, at the PUT and
in every later answer, with the same ``ccePolicy``: the base64 of a Rego policy that allows
everything (``api_svn`` 0.10.0). Both recordings are in ``tests/conformance/public``."""

from __future__ import annotations

import base64

#: The service's default confidential computing enforcement policy, as recorded (byte for
#: byte: one line keeps its trailing space).
DEFAULT_CCE_POLICY_REGO = """package policy

api_svn := "0.10.0"

mount_device := {"allowed": true}
mount_overlay := {"allowed": true}
create_container := {"allowed": true, "env_list": null, "allow_stdio_access": true}
unmount_device := {"allowed": true} \n\
unmount_overlay := {"allowed": true}
exec_in_container := {"allowed": true, "env_list": null}
exec_external := {"allowed": true, "env_list": null, "allow_stdio_access": true}
shutdown_container := {"allowed": true}
signal_container_process := {"allowed": true}
plan9_mount := {"allowed": true}
plan9_unmount := {"allowed": true}
get_properties := {"allowed": true}
dump_stacks := {"allowed": true}
runtime_logging := {"allowed": true}
load_fragment := {"allowed": true}
scratch_mount := {"allowed": true}
scratch_unmount := {"allowed": true}
"""
DEFAULT_CCE_POLICY = base64.b64encode(DEFAULT_CCE_POLICY_REGO.encode()).decode()


def fill_default_policy(props: dict) -> None:
    """Give a Confidential group without a ``ccePolicy`` the service's default one."""
    if props.get("sku") != "Confidential":
        return
    ccp = props.get("confidentialComputeProperties")
    ccp = dict(ccp) if isinstance(ccp, dict) else {}
    if not ccp.get("ccePolicy"):
        ccp["ccePolicy"] = DEFAULT_CCE_POLICY
    props["confidentialComputeProperties"] = ccp
