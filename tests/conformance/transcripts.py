"""Public recordings of real ACI traffic, committed as normalised transcripts
(``public/*.json``; where each comes from: ``public/PROVENANCE.md``).

A transcript keeps, per interaction: method, path, api-version, request body, status, the
response headers that carry behaviour (``Azure-AsyncOperation``, ``Location``,
``Retry-After``, ``x-ms-failure-cause``) and the response body. Secrets are blanked; the
headers ARM sends on every answer and vcrpy's noise are dropped. To keep them short, a
transcript may name strings once (``vars``: ``${CG}`` in any string) and bodies once
(``bodies``: ``"@name"`` for a response, a request or any value in them).
"""

from __future__ import annotations

import json
from pathlib import Path
from string import Template
from typing import Any

from .replay import Recorded

PUBLIC = Path(__file__).resolve().parent / "public"
#: Response headers a transcript keeps (all others were dropped when it was made).
KEPT_HEADERS = ("azure-asyncoperation", "location", "retry-after", "x-ms-failure-cause")


#: Interactions matched per transcript, and why each other one differs (``test_public_recordings``).
EXPECTED = PUBLIC / "expected.json"


def transcript_files() -> list[Path]:
    return sorted(p for p in PUBLIC.glob("*.json") if p != EXPECTED)


def _expand(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return Template(value).substitute(names) if "${" in value else value
    if isinstance(value, list):
        return [_expand(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, names) for k, v in value.items()}
    return value


def load(path: Path) -> tuple[dict, list[Recorded]]:
    """(source, interactions) of one transcript, every ``${NAME}`` and ``@body`` expanded."""
    data = json.loads(path.read_text(encoding="utf-8"))
    names = data.get("vars", {})
    bodies = {k: _expand(v, names) for k, v in data.get("bodies", {}).items()}

    def body(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("@") and value[1:] in bodies:
            return bodies[value[1:]]
        if isinstance(value, list):
            return [body(v) for v in value]
        if isinstance(value, dict):
            return {k: body(v) for k, v in value.items()}
        return _expand(value, names)

    out = []
    for i, it in enumerate(data["interactions"]):
        path_ = _expand(it["path"], names)
        api = it.get("api_version")
        url = f"https://management.azure.com{path_}" + (f"?api-version={api}" if api else "")
        request, response = body(it.get("request")), body(it.get("response"))
        headers = {k.lower(): _expand(v, names) for k, v in it.get("headers", {}).items()}
        if response is not None:
            headers.setdefault("content-type", "application/json; charset=utf-8")
        text = json.dumps(response) if response is not None else ""
        out.append(Recorded(i, it["method"].upper(), url, path_, api,
                            json.dumps(request) if request is not None else None,
                            it["status"], headers, response, text))
    return data["source"], out
