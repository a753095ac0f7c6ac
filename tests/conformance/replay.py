"""Replaying a vcrpy cassette of real Azure traffic against the emulator.

Each recorded interaction is sent again, adapted: the emulator's subscription instead of the
recording's, and the 2023-05-01 api-version where the recording used a
Microsoft.ContainerInstance one the emulator does not serve (unless the interaction is *about*
the api-version). The
async operation URLs are the emulator's own (its operation ids differ). Names of resource
groups and container groups are kept: they are valid in both clouds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from aci_helpers.emulator.assumptions import ACI_API_VERSIONS

from .scenarios import Cloud
from .wire import ASYNC_URL, OPERATION_STATUS, is_aci

RECORDED_SUB = "00000000-0000-0000-0000-000000000000"
API = "2023-05-01"
#: The resource-group api-version sent where a recording's test proxy sanitised it to "**"
#: (the .NET session records of 2023; Azure.ResourceManager's own default then).
SANITISED_API = "**"
RESOURCES_API = "2022-09-01"
#: Response headers whose presence must match the recording.
RELEVANT_HEADERS = ("azure-asyncoperation", "location", "content-type", "x-ms-failure-cause",
                    "cache-control", "pragma", "expires", "date")
#: ARM's fixed values of some of them (every recorded answer)
FIXED_HEADER_VALUES = {"cache-control": "no-cache", "pragma": "no-cache", "expires": "-1"}
_RG_IN_PATH = re.compile(r"/resourcegroups/([^/?]+)", re.IGNORECASE)
#: The provider's own registration GET (a Microsoft.Resources API on the namespace's path).
_PROVIDER_ITSELF = re.compile(r"^/subscriptions/[^/]+/providers/Microsoft\.ContainerInstance/?$",
                              re.IGNORECASE)


@dataclass
class Recorded:
    index: int
    method: str
    url: str
    path: str
    api_version: str | None
    body: str | None
    status: int
    headers: dict[str, str]
    response: Any          # parsed JSON or None
    text: str

    @property
    def label(self) -> str:
        return f"#{self.index} {self.method} {self.path}?api-version={self.api_version}"


@dataclass
class Replayed:
    recorded: Recorded
    url: str
    status: int
    headers: dict[str, str]
    body: Any


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def interactions(cassette: dict) -> list[Recorded]:
    out = []
    for i, it in enumerate(cassette["interactions"]):
        req, resp = it["request"], it["response"]
        parts = urlsplit(req["uri"])
        text = _text(resp.get("body", {}).get("string"))
        headers = {k.lower(): (v[0] if isinstance(v, list) else v)
                   for k, v in (resp.get("headers") or {}).items()}
        out.append(Recorded(i, req["method"].upper(), req["uri"], parts.path,
                            dict(parse_qsl(parts.query)).get("api-version"),
                            _text(req.get("body")) or None, resp["status"]["code"], headers,
                            json.loads(text) if text.strip() else None, text))
    return out


def api_version_is_the_point(rec: Recorded) -> bool:
    """An interaction that shows the answer to an api-version the service does not know."""
    err = rec.response.get("error") if isinstance(rec.response, dict) else None
    return isinstance(err, dict) and err.get("code") == "NoRegisteredProviderFound"


#: A secret a transcript blanked (transcripts.py) is sent as a value every secret member
#: accepts: the Base64 of the placeholder itself (secret volumes need Base64).
_BLANKED, _BLANKED_SENT = '"<blanked>"', '"PGJsYW5rZWQ+"'


def _is_rg_path(path: str, name: str) -> bool:
    """Whether ``path`` is the resource group ``name`` itself (not something in it)."""
    return path.lower().rstrip("/").endswith(f"/resourcegroups/{name.lower()}")


@dataclass
class Replayer:
    cloud: Cloud
    recorded: list[Recorded]
    #: recorded operation id -> the emulator's Azure-AsyncOperation URL for the same step
    operations: dict[str, str] = field(default_factory=dict)

    def setup(self) -> None:
        """Create the resource groups the recording's successful requests used, with the
        location and tags the recording shows; not those the recording creates itself (its
        first request on the group's own path is a HEAD that found none, or a PUT answered
        201): the replay sends that request as recorded."""
        recs = self.recorded
        rgs: dict[str, dict] = {}
        own: set[str] = set()
        seen: set[str] = set()
        for rec in recs:
            m = _RG_IN_PATH.search(rec.path)
            if not m:
                continue
            name = m.group(1)
            if _is_rg_path(rec.path, name) and name.lower() not in seen:
                seen.add(name.lower())
                if (rec.method, rec.status) in (("HEAD", 404), ("PUT", 201)):
                    own.add(name.lower())
            if rec.status >= 400 and (rec.status in (401, 403, 404) or
                                      _is_rg_path(rec.path, name)):
                continue     # a refusal by the resource provider still found its group
            info = rgs.setdefault(name, {"location": "westus"})
            body = rec.response if isinstance(rec.response, dict) else {}
            if _is_rg_path(rec.path, name):
                info["location"] = body.get("location", info["location"])
                if "tags" in body:
                    info["tags"] = body["tags"]
            elif rec.body:
                loc = json.loads(rec.body).get("location")
                if loc and "tags" not in info:
                    info["location"] = loc
        for name, info in rgs.items():
            if name.lower() not in own:
                self.cloud.res.resource_groups.create_or_update(name, info)
        self._profiles_used()

    def _profiles_used(self) -> None:
        """Create the container group profiles (and their resource groups) that a recorded
        group names but the recording does not create (a standby pool's, made before it),
        from the group the recording's answer shows: the profile's containers as answered
        (without instance views), its osType, restartPolicy, sku and ipAddress type and
        ports."""
        made = {r.path.lower() for r in self.recorded if r.method == "PUT"}
        for rec in self.recorded:
            ref = (json.loads(rec.body).get("properties") or {}).get("containerGroupProfile") \
                if rec.method == "PUT" and rec.body else None
            if not ref or ref["id"].lower() in made or not isinstance(rec.response, dict):
                continue
            made.add(ref["id"].lower())
            answer = rec.response["properties"]
            props = {k: answer[k] for k in ("osType", "restartPolicy", "sku") if k in answer}
            props["containers"] = [
                {"name": c["name"], "properties": {k: v for k, v in c["properties"].items()
                                                   if k != "instanceView"}}
                for c in answer["containers"]]
            if "ipAddress" in answer:
                props["ipAddress"] = {k: answer["ipAddress"][k] for k in ("type", "ports")}
            path = ref["id"].replace(RECORDED_SUB, self.cloud.sub)
            rg = _RG_IN_PATH.search(path).group(1)
            if not self.cloud.res.resource_groups.check_existence(rg):
                self.cloud.res.resource_groups.create_or_update(
                    rg, {"location": rec.response["location"]})
            status, _, body = self.cloud.raw(
                "PUT", path, {"location": rec.response["location"], "properties": props},
                api=rec.api_version)
            assert status == 201, f"{rec.label}: the profile it names could not be made: {body}"

    def adapt_url(self, rec: Recorded) -> str:
        if OPERATION_STATUS.match(rec.path):
            op = rec.path.rsplit("/", 1)[-1]
            if op not in self.operations:
                raise AssertionError(f"{rec.label}: the emulator gave no operation for {op}")
            return self.operations[op]
        parts = urlsplit(rec.url.replace(RECORDED_SUB, self.cloud.sub))
        query = dict(parse_qsl(parts.query))
        if query.get("api-version") == SANITISED_API and not is_aci(rec.path):
            query["api-version"] = RESOURCES_API
        if is_aci(rec.path) and query.get("api-version") not in ACI_API_VERSIONS and \
                not api_version_is_the_point(rec) and not _PROVIDER_ITSELF.match(rec.path):
            query["api-version"] = API
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"

    def send(self, rec: Recorded) -> Replayed:
        """Send one recorded request to the emulator, adapted (subscription, api-version,
        operation URLs, blanked secrets), and keep the operation URL it answers with."""
        url = self.adapt_url(rec)
        body = rec.body.replace(RECORDED_SUB, self.cloud.sub).replace(
            _BLANKED, _BLANKED_SENT).encode() if rec.body else None
        status, headers, data = self.cloud.raw(rec.method, url, body, api=None)
        headers = {k.lower(): v for k, v in headers.items()}
        recorded_op = rec.headers.get("azure-asyncoperation")
        if recorded_op and headers.get("azure-asyncoperation"):
            m = ASYNC_URL.match(recorded_op)
            if m:
                self.operations[m.group("op")] = headers["azure-asyncoperation"]
        return Replayed(rec, url, status, headers, data)
