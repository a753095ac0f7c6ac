"""The OpenAPI (swagger 2.0) spec of an api-version as JSON-Schema validators.

Swagger 2.0 Schema Objects are a dialect of JSON Schema draft 4: ``$ref`` into
``#/definitions``, ``allOf``, ``properties``, ``required``, ``enum``, ``items``,
``additionalProperties`` mean what draft 4 says. The extensions (``x-ms-*``, ``readOnly``,
``discriminator`` - none in this spec -, ``x-ms-client-flatten``) do not constrain a response:
draft 4 ignores unknown keywords, which is right for them (``x-ms-client-flatten`` only changes
the SDK's Python model, never the wire). The formats swagger adds (``int32``, ``double``,
``date-time``) get a checker here.

Responses are validated the way Azure's own validator (oav) does it: a property marked
``x-ms-secret: true`` is never returned, so it is not *required* in a response (the
recordings agree: ``diagnostics.logAnalytics`` comes back without its required
``workspaceKey`` - sdkpy_test_mgmt_containerinstance.test_container_instance.yaml).

Nothing here copies the spec: it is read from ``../shared/reference`` at test time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_URI = "urn:aci-spec:2023-05-01"
COMMON_URI = "urn:aci-spec:common-types"

#: The newest specs reference Azure's common-types (``../../common-types/resource-management/
#: v5/types.json#/definitions/X``), which the reference does not hold. These stand-ins say
#: only what ARM's common types say of the members an ACI answer can carry: id, name and type
#: are read-only strings, systemData an object, ErrorResponse ARM's error envelope.
COMMON_TYPES = {"definitions": {
    "ProxyResource": {"type": "object", "properties": {
        "id": {"type": "string", "readOnly": True}, "name": {"type": "string", "readOnly": True},
        "type": {"type": "string", "readOnly": True},
        "systemData": {"$ref": "#/definitions/systemData"}}},
    "TrackedResource": {"type": "object", "required": ["location"], "allOf": [
        {"$ref": "#/definitions/ProxyResource"}], "properties": {
        "location": {"type": "string"},
        "tags": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "systemData": {"type": "object", "readOnly": True},
    "ManagedServiceIdentity": {"type": "object"},
    "ErrorResponse": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "target": {"type": "string"},
        "details": {"type": "array"}}}}},
}}
_EXTERNAL = re.compile(r"^(?:\.\./)+common-types/resource-management/v\d+/[a-z]+\.json(#.*)$")

_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("int32")
def _int32(value: Any) -> bool:
    return not isinstance(value, int) or -(2 ** 31) <= value < 2 ** 31


@FORMATS.checks("double")
def _double(value: Any) -> bool:
    return True  # any JSON number; the type keyword already says "number"


@FORMATS.checks("date-time")
def _date_time(value: Any) -> bool:
    return not isinstance(value, str) or bool(_DATE_TIME.match(value))


@dataclass(frozen=True)
class SpecOperation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern
    responses: dict

    def response_schema(self, status: int) -> tuple[str, dict | None]:
        """(the responses key used, its schema or None). ``default`` when the status is not
        declared (ARM errors)."""
        key = str(status) if str(status) in self.responses else "default"
        resp = self.responses.get(key)
        if resp is None:
            raise KeyError(f"{self.operation_id} declares no response {status} and no default")
        return key, resp.get("schema")


class Spec:
    """The loaded spec: operations by (method, path), validators by definition."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.uri = f"urn:aci-spec:{path.parent.name}"
        self.doc = _local_common_refs(json.loads(path.read_text(encoding="utf-8")))
        self.response_doc = _response_view(self.doc)
        self.registry = Registry().with_resources([
            (self.uri, Resource(contents=self.response_doc, specification=DRAFT4)),
            (COMMON_URI, Resource(contents=_response_view(COMMON_TYPES),
                                  specification=DRAFT4))])

    # ---------------------------------------------------------------- operations
    @cached_property
    def operations(self) -> list[SpecOperation]:
        out = []
        for template, item in self.doc["paths"].items():
            rx = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            pattern = re.compile("^" + rx + "/?$", re.IGNORECASE)
            for method, op in item.items():
                if method == "parameters":
                    continue
                out.append(SpecOperation(op["operationId"], method.upper(), template, pattern,
                                         op["responses"]))
        return out

    def operation_for(self, method: str, path: str) -> SpecOperation | None:
        """The spec operation whose path template matches ``path`` (case-insensitively, like
        ARM) and whose method is ``method``."""
        hits = [o for o in self.operations
                if o.method == method.upper() and o.pattern.match(path)]
        # A literal segment beats a parameter (".../containerGroups" vs ".../{name}")
        hits.sort(key=lambda o: o.template.count("{"))
        return hits[0] if hits else None

    # ---------------------------------------------------------------- validators
    def validator(self, schema: dict) -> jsonschema.Draft4Validator:
        """A draft-4 validator of ``schema`` (a Schema Object of this spec, or a ``$ref``)."""
        return jsonschema.Draft4Validator(self._absolute(schema), registry=self.registry,
                                          format_checker=FORMATS)

    def definition(self, name: str) -> jsonschema.Draft4Validator:
        if name not in self.doc["definitions"]:
            raise KeyError(f"no definition {name!r} in the spec")
        return self.validator({"$ref": f"#/definitions/{name}"})

    def _absolute(self, schema: dict) -> dict:
        """Rewrite local refs of a sub-schema so that they resolve against the spec."""
        def fix(node: Any) -> Any:
            if isinstance(node, dict):
                return {k: (self.uri + v if k == "$ref" and isinstance(v, str)
                            and v.startswith("#") else fix(v)) for k, v in node.items()}
            if isinstance(node, list):
                return [fix(x) for x in node]
            return node
        return fix(schema)

    def errors(self, schema: dict, instance: Any) -> list[str]:
        """Readable validation errors (empty when valid)."""
        out = []
        for err in sorted(self.validator(schema).iter_errors(instance),
                          key=lambda e: list(e.absolute_path)):
            where = json_path(err.absolute_path)
            out.append(f"{where}: {err.message[:300]}")
        return out

    # ---------------------------------------------------------------- strictness
    def resolve(self, schema: dict) -> dict:
        """Follow ``$ref`` chains to a Schema Object."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if ref.startswith(COMMON_URI + "#/definitions/"):
                schema = COMMON_TYPES["definitions"][ref.split("/")[-1]]
                seen += 1
                continue
            if not ref.startswith("#/definitions/"):
                raise ValueError(f"unsupported $ref {ref!r}")
            schema = self.doc["definitions"][ref.split("/")[-1]]
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref loop at {ref!r}")
        return schema

    def undeclared(self, schema: dict, instance: Any, path: str = "$") -> Iterator[str]:
        """Generic paths (``$.properties.containers[].name``) of object members the spec does
        not declare. The spec never says ``additionalProperties: false``; this is the check it
        would make if it did. Free-form objects (no ``properties``; or ``additionalProperties``
        given) accept anything."""
        schema = self.resolve(schema)
        if isinstance(instance, dict):
            declared, extra_ok, subs = self._object_view(schema)
            if not declared and not subs:
                return
            for key, value in instance.items():
                child = f"{path}.{key}"
                if key in declared:
                    for sub in declared[key]:
                        yield from self.undeclared(sub, value, child)
                elif extra_ok is not None:
                    if isinstance(extra_ok, dict):
                        yield from self.undeclared(extra_ok, value, child)
                else:
                    yield child
        elif isinstance(instance, list):
            items = schema.get("items")
            if isinstance(items, dict):
                for value in instance:
                    yield from self.undeclared(items, value, path + "[]")

    def _object_view(self, schema: dict) -> tuple[dict[str, list[dict]], Any, list]:
        """Declared member schemas, the additionalProperties schema (or None) and the allOf
        parts of an object schema, merged through ``allOf``."""
        declared: dict[str, list[dict]] = {}
        extra: Any = schema.get("additionalProperties")
        if extra is False:
            extra = None
        parts = [self.resolve(p) for p in schema.get("allOf", [])]
        for name, sub in (schema.get("properties") or {}).items():
            declared.setdefault(name, []).append(sub)
        for part in parts:
            d, e, _ = self._object_view(part)
            for name, subs in d.items():
                declared.setdefault(name, []).extend(subs)
            if e is not None and extra is None:
                extra = e
        return declared, extra, parts


def _local_common_refs(doc: Any) -> Any:
    """``doc`` with references to Azure's common-types pointed at the stand-ins."""
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            m = _EXTERNAL.match(v) if k == "$ref" and isinstance(v, str) else None
            out[k] = COMMON_URI + m.group(1) if m else _local_common_refs(v)
        return out
    if isinstance(doc, list):
        return [_local_common_refs(x) for x in doc]
    return doc


def _response_view(doc: dict) -> dict:
    """The spec as a response validator sees it: ``x-ms-secret`` members not required."""
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            props = out.get("properties")
            if isinstance(out.get("required"), list) and isinstance(props, dict):
                out["required"] = [r for r in out["required"]
                                   if not (isinstance(props.get(r), dict)
                                           and props[r].get("x-ms-secret") is True)]
            return out
        if isinstance(node, list):
            return [walk(x) for x in node]
        return node
    return walk(doc)


def json_path(parts) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out
