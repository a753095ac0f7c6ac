"""Helpers shared by the conformance tests: exchanges as parsed JSON, spec look-ups."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

OPERATION_STATUS = re.compile(
    r"^/subscriptions/[^/]+/providers/Microsoft\.ContainerInstance/locations/[^/]+/operations/"
    r"[^/]+$", re.IGNORECASE)
RESOURCE_GROUPS = re.compile(r"^/subscriptions/[^/]+/resourcegroups(/[^/]+)?(/.*)?$",
                             re.IGNORECASE)
ACI = re.compile(r"/providers/Microsoft\.ContainerInstance(/|$)", re.IGNORECASE)

#: Azure-AsyncOperation: absolute, under the subscription's provider location operations.
ASYNC_URL = re.compile(
    r"^https://[^/]+/subscriptions/(?P<sub>[^/]+)/providers/Microsoft\.ContainerInstance/"
    r"locations/(?P<loc>[a-z0-9]+)/operations/"
    r"(?P<op>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"\?api-version=(?P<api>\d{4}-\d{2}-\d{2}(-preview)?)$")


@dataclass
class Wire:
    """One exchange, parsed."""

    method: str
    url: str
    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]      # lower-cased names
    body: Any                    # parsed JSON, or None when empty
    raw: bytes

    @property
    def label(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


def parse(exchange) -> Wire:
    parts = urlsplit(exchange.url)
    raw = exchange.response_body or b""
    body = json.loads(raw) if raw.strip() else None
    return Wire(exchange.method.upper(), exchange.url, unquote(parts.path),
                {k.lower(): v for k, v in parse_qsl(parts.query)}, exchange.status,
                {k.lower(): v for k, v in exchange.response_headers.items()}, body, raw)


def is_aci(path: str) -> bool:
    return bool(ACI.search(path))
