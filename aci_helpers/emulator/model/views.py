"""Wire shapes of stored documents, with every secret removed."""

from __future__ import annotations

from .lifecycle import GroupView
from .validation import _CONTAINER_PROPS_ORDER, _GROUP_PROPS_ORDER, ordered

CG_TYPE = "Microsoft.ContainerInstance/containerGroups"


def group_id(sub: str, rg: str, name: str) -> str:
    """The ARM resource id of a container group."""
    return (f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/"
            f"containerGroups/{name}")


def _public_container(c: dict, iv: dict | None, with_view: bool) -> dict:
    p = dict(c["properties"])
    env = p.get("environmentVariables")
    if env is not None:
        # secureValue never leaves the store: the variable comes back as its name (and a Key
        # Vault secureValueReference, which is no secret, when one was sent).
        p["environmentVariables"] = [
            {k: v for k, v in e.items() if k != "secureValue"} if "secureValue" in e else e
            for e in env]
    if with_view and iv is not None:
        p["instanceView"] = iv
    return {"name": c["name"], "properties": ordered(p, _CONTAINER_PROPS_ORDER)}


def _public_volume(v: dict) -> dict:
    out = dict(v)
    if "secret" in out:
        out["secret"] = {}
    if isinstance(out.get("azureFile"), dict):
        out["azureFile"] = {k: x for k, x in out["azureFile"].items() if k != "storageAccountKey"}
    return out


def public_member(k: str, v: object) -> object:
    """Member ``k`` of a group's (or a profile's) properties without its secrets; containers
    without an instance view."""
    if k in ("containers", "initContainers"):
        return [_public_container(c, None, False) for c in v]
    if k == "imageRegistryCredentials":
        return [{x: y for x, y in cred.items() if x != "password"} for cred in v]
    if k == "volumes":
        return [_public_volume(vol) for vol in v]
    if k == "extensions":
        # protectedSettings are secrets (e.g. a kubeconfig): never returned.
        return [{**x, "properties": {y: z for y, z in x["properties"].items()
                                     if y != "protectedSettings"}}
                if isinstance(x.get("properties"), dict) else x for x in v]
    if k == "diagnostics":
        d = dict(v)
        if isinstance(d.get("logAnalytics"), dict):
            d["logAnalytics"] = {x: y for x, y in d["logAnalytics"].items()
                                 if x not in ("workspaceKey", "workspaceResourceId")}
        return d
    return v


def public_group(doc: dict, sub: str, view: GroupView | None, with_view: bool,
                 provisioning: str, current_ip: str | None) -> dict:
    """The container group as the service returns it (``with_view``: get, not list)."""
    props = doc["properties"]
    p: dict = {}
    for k, v in props.items():
        if k == "containers":
            p[k] = [_public_container(c, view.containers.get(c["name"]) if view else None,
                                      with_view) for c in v]
        elif k == "initContainers" and with_view and view is not None:
            p[k] = [_public_container(c, view.init.get(c["name"]), True) for c in v]
        elif k == "ipAddress":
            if v.get("type") == "Private" and not current_ip:
                continue   # recorded: a Private group's answers omit ipAddress until it has one
            ip = {"ports": v["ports"]}
            if current_ip:
                ip["ip"] = current_ip
            for x in v:
                if x not in ("ports",):
                    ip[x] = v[x]
            if "dnsNameLabel" in v:
                ip["fqdn"] = f"{v['dnsNameLabel']}.{doc['location']}.azurecontainer.io"
            p[k] = ip
        else:
            p[k] = public_member(k, v)
    p["provisioningState"] = provisioning
    if with_view and view is not None:
        p["instanceView"] = {"events": list(view.events), "state": view.state}
    out: dict = {"properties": ordered(p, _GROUP_PROPS_ORDER)}
    if "identity" in doc:
        out["identity"] = doc["identity"]
    out["id"] = group_id(sub, doc["rg"], doc["name"])
    out["name"] = doc["name"]
    out["type"] = CG_TYPE
    out["location"] = doc.get("location_as_sent", doc["location"])
    if "tags" in doc:
        out["tags"] = doc["tags"]
    if "zones" in doc:
        out["zones"] = doc["zones"]
    return out
