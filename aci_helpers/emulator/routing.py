"""The routing table: (methods, path regex, case-insensitive) -> handler.

``family`` names the api-versions a route accepts. ``docs/emulator-support.md`` lists every
route by ``name`` (a test checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .handlers import container_groups as cg
from .handlers import preview as pre
from .handlers import profiles as cgp
from .handlers import provider as pv
from .handlers import providers as reg
from .handlers import resource_groups as rgs
from .handlers import subscriptions as subs

_SUB = r"/subscriptions/(?P<sub>[^/]+)"
_RG = _SUB + r"/resourcegroups/(?P<rg>[^/]+)"
_CI = r"/providers/microsoft\.containerinstance"
_CG = _RG + _CI + r"/containergroups/(?P<name>[^/]+)"
_C = _CG + r"/containers/(?P<container>[^/]+)"
_LOC = _SUB + _CI + r"/locations/(?P<loc>[^/]+)"


@dataclass(frozen=True)
class Route:
    name: str
    pattern: re.Pattern
    methods: dict[str, Callable]
    family: str          # aci | aci:<type> | aci-operation | resources | providers | tenant-aci
    #                      | subscriptions


def _r(name: str, path: str, family: str, **methods: Callable) -> Route:
    return Route(name, re.compile("^" + path + "/?$", re.IGNORECASE),
                 {m.upper(): h for m, h in methods.items()}, family)


def _preview(rtype: str) -> tuple[Route, ...]:
    """Routes of a resource type the newer versions document and the emulator does not model
    (handlers/preview.py): lists are empty, everything else is 501 NotImplemented."""
    fam, no = f"aci:{rtype}", pre.refuse(rtype)
    item = _RG + _CI + rf"/{rtype.lower()}/(?P<item>[^/]+)"
    out = [_r(f"{rtype}_List", _SUB + _CI + f"/{rtype.lower()}", fam, get=pre.empty_list),
           _r(f"{rtype}_ListByResourceGroup", _RG + _CI + f"/{rtype.lower()}", fam,
              get=pre.empty_list),
           _r(f"{rtype}_Item", item, fam, get=no, put=no, patch=no, delete=no)]
    actions = {"ngroups": ("start", "stop", "restart"), "sandboxGroups": ("connect",)}[rtype]
    out += [_r(f"{rtype}_{a.capitalize()}", item + f"/{a}", fam, post=no) for a in actions]
    return tuple(out)


def _profiles() -> tuple[Route, ...]:
    """Container group profiles (handlers/profiles.py)."""
    fam, rtype = "aci:containerGroupProfiles", "containerGroupProfiles"
    item = _RG + _CI + r"/containergroupprofiles/(?P<item>[^/]+)"
    return (_r(f"{rtype}_List", _SUB + _CI + "/containergroupprofiles", fam,
               get=cgp.list_by_subscription),
            _r(f"{rtype}_ListByResourceGroup", _RG + _CI + "/containergroupprofiles", fam,
               get=cgp.list_by_resource_group),
            _r(f"{rtype}_Item", item, fam, get=cgp.get, put=cgp.put, patch=cgp.patch,
               delete=cgp.delete),
            _r(f"{rtype}_Revisions", item + r"/revisions", fam, get=cgp.revisions),
            _r(f"{rtype}_Revision", item + r"/revisions/(?P<rev>[^/]+)", fam, get=cgp.revision))


ROUTES: tuple[Route, ...] = (
    _r("ContainerGroups_List", _SUB + _CI + r"/containergroups", "aci",
       get=cg.list_by_subscription),
    _r("ContainerGroups_ListByResourceGroup", _RG + _CI + r"/containergroups", "aci",
       get=cg.list_by_resource_group),
    _r("ContainerGroups_Item", _CG, "aci", get=cg.get, put=cg.put, patch=cg.patch,
       delete=cg.delete),
    _r("ContainerGroups_Restart", _CG + r"/restart", "aci", post=cg.restart),
    _r("ContainerGroups_Stop", _CG + r"/stop", "aci", post=cg.stop),
    _r("ContainerGroups_Start", _CG + r"/start", "aci", post=cg.start),
    _r("ContainerGroups_GetOutboundNetworkDependenciesEndpoints",
       _CG + r"/outboundnetworkdependenciesendpoints", "aci", get=cg.outbound),
    _r("Containers_ListLogs", _C + r"/logs", "aci", get=cg.logs),
    _r("Containers_ExecuteCommand", _C + r"/exec", "aci", post=cg.exec_),
    _r("Containers_Attach", _C + r"/attach", "aci", post=cg.attach),
    _r("Location_ListUsage", _LOC + r"/usages", "aci", get=pv.usages),
    _r("Location_ListCapabilities", _LOC + r"/capabilities", "aci", get=pv.capabilities),
    _r("Location_ListCachedImages", _LOC + r"/cachedimages", "aci", get=pv.cached_images),
    _r("ContainerInstance_OperationStatus", _LOC + r"/operations/(?P<op>[^/]+)",
       "aci-operation", get=pv.operation_status),
    _r("Operations_List", _CI + r"/operations", "tenant-aci", get=pv.operations),
    *_profiles(),
    *(route for t in pre.NAMES for route in _preview(t)),
    _r("ResourceGroups_List", _SUB + r"/resourcegroups", "resources", get=rgs.list_),
    _r("ResourceGroups_Item", _RG, "resources", put=rgs.put, get=rgs.get, head=rgs.head,
       patch=rgs.patch, delete=rgs.delete),
    _r("Resources_ListByResourceGroup", _RG + r"/resources", "resources", get=rgs.resources),
    _r("ResourceGroups_DeleteOperationResult", _SUB + r"/operationresults/(?P<token>[^/]+)",
       "resources", get=rgs.delete_status),
    # What a client lists right after sign-in (the local cloud's `az login`).
    _r("Subscriptions_List", r"/subscriptions", "subscriptions", get=subs.list_),
    _r("Subscriptions_Get", _SUB, "subscriptions", get=subs.get),
    _r("Tenants_List", r"/tenants", "subscriptions", get=subs.tenants),
    # After every Microsoft.ContainerInstance route: these match only the namespace itself.
    _r("Providers_Get", _SUB + r"/providers/(?P<namespace>[^/]+)", "providers", get=reg.get),
    _r("Providers_Register", _SUB + r"/providers/(?P<namespace>[^/]+)/register", "providers",
       post=reg.register),
    _r("Providers_Unregister", _SUB + r"/providers/(?P<namespace>[^/]+)/unregister",
       "providers", post=reg.unregister),
)

_CI_PREFIX = re.compile(r"^(?:/subscriptions/[^/]+(?:/resourcegroups/[^/]+)?)?"
                        r"/providers/microsoft\.containerinstance/(?P<type>.*)$", re.IGNORECASE)


def match(path: str) -> tuple[Route | None, dict[str, str] | None]:
    """The route whose pattern matches ``path`` and its parameters (``None`` when no route)."""
    found = _route_of(path)
    if found is None:
        return None, None
    index, places = found
    route = ROUTES[index]
    if places is None:
        return route, route.pattern.match(path).groupdict()
    segments = path.split("/")
    return route, {name: segments[i] for i, name in places}


# Trying every pattern in turn costs a resource group's route 34 regular expressions. Which
# route a path takes depends only on its shape: how many segments, and which of them are a
# word some pattern spells out (the others can only meet a parameter). So the first route
# found for a shape serves every path of that shape, and each parameter is the segment at
# the place the first match found it (a [^/]+ parameter is one whole segment). Kept only
# while every pattern is made of such words and [^/]+ parameters, and for ASCII paths (where
# lower() is IGNORECASE).
_PARAM = re.compile(r"\(\?P<\w+>\[\^/\]\+\)")
_WORD = re.compile(r"(?:[A-Za-z0-9_-]|\\\.)*")


def _words() -> frozenset[str] | None:
    words: set[str] = set()
    for route in ROUTES:
        for seg in _PARAM.sub("\0", route.pattern.pattern[1:].removesuffix("/?$")).split("/"):
            if _WORD.fullmatch(seg):
                words.add(seg.replace("\\.", ".").lower())
            elif seg != "\0":
                return None
    return frozenset(words)


_WORDS = _words()
#: shape -> (route index, the segment index of each parameter, or None: use the pattern)
_BY_SHAPE: dict[tuple[str, ...], tuple[int, tuple[tuple[int, str], ...] | None] | None] = {}


def _route_of(path: str) -> tuple[int, tuple[tuple[int, str], ...] | None] | None:
    shape = None
    if _WORDS is not None and path.isascii():
        shape = tuple(s if s in _WORDS else "*" for s in path.lower().split("/"))
        if shape in _BY_SHAPE:
            return _BY_SHAPE[shape]
    found = None
    for i, route in enumerate(ROUTES):
        m = route.pattern.match(path)
        if m is not None:
            found = (i, _places(path, m) if shape is not None else None)
            break
    if shape is not None:
        if len(_BY_SHAPE) > 4096:
            _BY_SHAPE.clear()
        _BY_SHAPE[shape] = found
    return found


def _places(path: str, m: re.Match) -> tuple[tuple[int, str], ...] | None:
    """Where each parameter of match ``m`` sits among the segments of ``path`` (in the
    pattern's order); None when one is not a whole segment (then the pattern is used)."""
    segments = path.split("/")
    places = []
    for name, _ in sorted(m.re.groupindex.items(), key=lambda item: item[1]):
        i = path.count("/", 0, m.start(name))
        if i >= len(segments) or segments[i] != m.group(name):
            return None
        places.append((i, name))
    return tuple(places)


def provider_resource_type(path: str) -> str | None:
    """For an unknown path under Microsoft.ContainerInstance, the type it asked for."""
    m = _CI_PREFIX.match(path)
    if not m:
        return None
    parts = [p for p in m.group("type").split("/") if p]
    return "/".join(parts[0::2]) or None
