"""JSON types of a container-group request, as ARM's deserializer checks them.

Real ARM deserializes a PUT body into the api-version's model before any business rule runs:
a value of the wrong JSON type is a 400 ``InvalidRequestContent`` naming its path, a ``null``
is the same as an absent property, and properties the model does not know (or that are
read-only) are dropped silently (they never come back in the answer).

The type trees (``data/api/<version>.json``, one per served api-version) are generated from
the OpenAPI files by :func:`build`, run by ``tools/gen_api_versions.py`` (a test regenerates
them when the reference is beside the checkout).
Node format: ``{"t": "string"|"number"|"integer"|"boolean"|"array"|"object"|"any",
"p": {name: node}, "a": node (map values), "i": node (array items)}``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from ..errors import InvalidRequestContent

_INT32 = (-(2 ** 31), 2 ** 31 - 1)


#: Read-only members of common-types' ProxyResource / TrackedResource, which the newest specs
#: reference from outside the file: an answer carries id, name and type; a request sets none.
_COMMON_READONLY = {"id": {"t": "string"}, "name": {"t": "string"}, "type": {"t": "string"}}


def build(spec: dict, root: str = "ContainerGroup", readonly: bool = False) -> dict:
    """The type tree of ``root`` from an OpenAPI 2.0 document; ``readonly=False`` drops
    read-only properties (a request's tree), ``True`` keeps them (an answer's tree)."""
    defs = spec["definitions"]

    def node(schema: dict, seen: tuple[str, ...]) -> dict | None:
        """The type-tree node of ``schema``; ``None`` when it is read-only."""
        if schema.get("readOnly") and not readonly:
            return None
        ref = schema.get("$ref")
        if ref is not None and not ref.startswith("#/"):
            return {"t": "object", "p": dict(_COMMON_READONLY)} if readonly else None
        if ref is not None:
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return {"t": "any"}
            return node(defs[name], seen + (name,))
        props: dict = {}
        for part in schema.get("allOf", []):
            sub = node(part, seen)
            if sub and sub.get("t") == "object":
                props.update(sub.get("p", {}))
        for name, sub in (schema.get("properties") or {}).items():
            n = node(sub, seen)
            if n is not None:
                props[name] = n
        t = schema.get("type")
        if t == "array":
            return {"t": "array", "i": node(schema.get("items", {}), seen) or {"t": "any"}}
        if t in ("string", "number", "integer", "boolean"):
            return {"t": t}
        if t == "object" or props or "allOf" in schema:
            out: dict = {"t": "object"}
            if props:
                out["p"] = props
            add = schema.get("additionalProperties")
            if isinstance(add, dict):
                out["a"] = node(add, seen) or {"t": "any"}
            elif not props:
                out["t"] = "any"          # a free-form object ("settings", "emptyDir")
                out["o"] = True           # ... but still an object
            return out
        return {"t": "any"}

    return node(defs[root], (root,)) or {"t": "any"}


@lru_cache(maxsize=None)
def container_group_schema(version: str = "2023-05-01") -> dict:
    """The container-group request type tree of api-version ``version``."""
    from .versions import api  # noqa: PLC0415
    return api(version).request


_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
          int: "a number", float: "a number", type(None): "null"}
_WANT = {"string": "a string", "number": "a number", "integer": "an integer",
         "boolean": "a boolean", "array": "an array", "object": "an object"}


def _where(path: str) -> str:
    return path or "the request body"


def _fail(path: str, want: str, value: Any) -> InvalidRequestContent:
    # The value itself is never echoed: it may be a secret (secureValue, password, key).
    return InvalidRequestContent(f"Path '{_where(path)}': expected {want}, got "
                                 f"{_NAMES.get(type(value), type(value).__name__)}.")


class _Mismatch(Exception):
    """Raised by the quick pass where the checked pass would answer an error (or might)."""


_ANY = {"t": "any"}
_SCALARS = {"string": str, "boolean": bool}


def conform(value: Any, node: dict, path: str = "") -> Any:
    """``value`` checked against ``node``: nulls and unknown/read-only properties removed.

    Raises :class:`BadRequest` ``InvalidRequestContent`` naming the JSON path of the first
    value of the wrong type. Returns a new structure (the input is not modified).

    A quick pass that names no path conforms a valid body (every PUT the notebooks send);
    only where it finds something wrong is the body walked again, naming each path, for
    the error's words."""
    try:
        return _quick(value, node)
    except _Mismatch:
        return _checked(value, node, path)


def _quick(value: Any, node: dict) -> Any:
    """:func:`_checked` without paths: the same result for a valid value, else _Mismatch
    (also where in doubt: numbers other than plain finite ones, null items)."""
    t = node.get("t", "any")
    if t == "object":
        if not isinstance(value, dict):
            raise _Mismatch
        props = node.get("p", {})
        add = node.get("a")
        out: dict = {}
        for k, v in value.items():
            if v is None:
                continue
            sub = props.get(k)
            if sub is None:
                if add is None:
                    continue
                sub = add
            st = sub.get("t", "any")
            want = _SCALARS.get(st)
            if want is not None:     # the common leaves, without a call
                if not isinstance(v, want):
                    raise _Mismatch
                out[k] = v
            elif st == "any" and not sub.get("o"):
                out[k] = v
            else:
                out[k] = _quick(v, sub)
        return out
    if t == "array":
        if not isinstance(value, list):
            raise _Mismatch
        item = node.get("i", _ANY)
        out_list = []
        for v in value:
            if v is None:
                raise _Mismatch
            out_list.append(_quick(v, item))
        return out_list
    if t == "any":
        if node.get("o") and not isinstance(value, dict):
            raise _Mismatch
        return value
    want = _SCALARS.get(t)
    if want is not None:
        if not isinstance(value, want):
            raise _Mismatch
        return value
    if t == "number" and (type(value) is int or type(value) is float and math.isfinite(value)):
        return value
    if t == "integer" and type(value) is int and _INT32[0] <= value <= _INT32[1]:
        return value
    raise _Mismatch


def _checked(value: Any, node: dict, path: str = "") -> Any:
    """:func:`conform`, naming the path of the first value of the wrong type."""
    t = node.get("t", "any")
    if t == "any":
        if node.get("o") and not isinstance(value, dict):
            raise _fail(path, "an object", value)
        return value
    if t == "object":
        if not isinstance(value, dict):
            raise _fail(path, "an object", value)
        props = node.get("p", {})
        add = node.get("a")
        out: dict = {}
        for k, v in value.items():
            sub = props.get(k)
            if sub is None and add is None:
                continue                       # unknown or read-only: ignored, as ARM does
            if v is None:
                continue                       # null is the same as absent
            out[k] = _checked(v, sub if sub is not None else add, f"{path}.{k}" if path else k)
        return out
    if t == "array":
        if not isinstance(value, list):
            raise _fail(path, "an array", value)
        item = node.get("i", {"t": "any"})
        return [_checked(v, item, f"{path}[{i}]") if v is not None else _null_item(path, i, item)
                for i, v in enumerate(value)]
    if t == "string":
        if not isinstance(value, str):
            raise _fail(path, "a string", value)
        return value
    if t == "boolean":
        if not isinstance(value, bool):
            raise _fail(path, "a boolean", value)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(path, _WANT[t], value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(path, "a finite number", value)
    if t == "integer":
        if isinstance(value, float):
            if not value.is_integer():
                raise _fail(path, "an integer", value)
            value = int(value)
        if not (_INT32[0] <= value <= _INT32[1]):
            raise InvalidRequestContent(f"Path '{_where(path)}': the value {value} is outside "
                                        f"the range of a 32-bit integer.")
    return value


def _null_item(path: str, i: int, item: dict) -> Any:
    raise _fail(f"{path}[{i}]", _WANT.get(item.get("t", ""), "a value"), None)
