"""Request / reply types shared by the handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .. import assumptions as A
from ..errors import InvalidRequestContent
from ..model.cloud import Cloud, Ctx
from ..model.records import Operation


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]          # keys lower-cased
    headers: dict[str, str]        # keys lower-cased
    body: bytes
    base_url: str                  # scheme://host of the request (absolute URLs point here)
    params: dict[str, str] = field(default_factory=dict)
    _json: Any = None
    fail_operation: Any = None     # an injected failure of this create's operation (faults.py)

    @property
    def api_version(self) -> str:
        """The ``api-version`` query parameter (empty when absent)."""
        return self.query.get("api-version", "")

    def json(self) -> Any:
        """The JSON body; malformed or empty JSON is an ARM InvalidRequestContent error."""
        if self._json is None:
            text = self.body.decode("utf-8-sig", errors="replace").strip() if self.body else ""
            if not text:
                raise InvalidRequestContent("the request body is empty; send a JSON object")
            try:
                self._json = json.loads(text, parse_constant=_no_constant)
            except json.JSONDecodeError as exc:
                raise InvalidRequestContent(f"{exc.msg} at line {exc.lineno}, column "
                                            f"{exc.colno}") from None
            except _BadConstant as exc:
                raise InvalidRequestContent(f"unexpected value {exc.args[0]}: JSON has no NaN "
                                            f"or Infinity; send a finite number") from None
            except (ValueError, RecursionError) as exc:
                # integers beyond Python's digit limit, nesting deeper than the parser allows
                what = ("the JSON is nested too deeply" if isinstance(exc, RecursionError)
                        else "a number has too many digits")
                raise InvalidRequestContent(what) from None
        return self._json


class _BadConstant(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _BadConstant(name)


@dataclass
class Reply:
    status: int
    body: Any = None               # JSON-able, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Env:
    """What a handler gets: the request, the model and the transaction context."""

    req: Request
    cloud: Cloud
    ctx: Ctx
    sockets: Any = None            # streams.Sockets: exec and attach sessions are issued here


def async_headers(env: Env, op: Operation) -> dict[str, str]:
    """``Azure-AsyncOperation`` (the status URL of ``op``) and ``Retry-After`` headers."""
    url = (f"{env.req.base_url}/subscriptions/{env.cloud.sub}/providers/"
           f"Microsoft.ContainerInstance/locations/{op.location}/operations/{op.id}"
           f"?api-version={A.ACI_OPERATION_API_VERSION}")
    return {"Azure-AsyncOperation": url, "Retry-After": str(A.RETRY_AFTER_SECONDS)}


def page(env: Env, items: list, next_key: str | None) -> Reply:
    """A 200 list reply of ``items``, with a ``nextLink`` when ``next_key`` is set."""
    body: dict = {"value": items}
    if next_key is not None:
        body["nextLink"] = (f"{env.req.base_url}{env.req.path}?api-version="
                            f"{quote(env.req.api_version)}&$skipToken={quote(next_key, safe='')}")
    return Reply(200, body)


def skip_token(env: Env) -> str | None:
    """The request's ``$skipToken``, or ``None``."""
    return env.req.query.get("$skiptoken")
