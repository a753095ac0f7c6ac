"""Request decoding at the door: what no handler should ever see.

Checked once per request, before routing (the path) or before the transaction (the body),
for every route and every field alike: encoded slashes in names (data, not separators),
the body's size, UTF-8, lone surrogates and nesting depth. A refusal here is an ARM error answer and changes
nothing; the guesses are named in :mod:`assumptions`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import assumptions as A
from .errors import InvalidRequestContent, RequestContentTooLarge

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


#: An absolute http(s) URL of printable ASCII, without a fragment or brackets (every URL an
#: SDK sends): split by one match, as ``urlsplit`` splits it (tested), at a tenth of its cost.
_NOT_PLAIN = r"\x00-\x20\x7f-\U0010ffff"
_PLAIN_URL = re.compile(rf"(https?)://([^/?#\[\]{_NOT_PLAIN}]*)((?:/[^?#{_NOT_PLAIN}]*)?)"
                        rf"(?:\?([^#{_NOT_PLAIN}]*))?")


def split_url(url: str) -> tuple[str, str, str, str]:
    """(scheme, netloc, path, query) of ``url``, as ``urllib.parse.urlsplit`` reads them."""
    m = _PLAIN_URL.fullmatch(url)
    if m is not None:
        return m.group(1), m.group(2), m.group(3), m.group(4) or ""
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, parts.query


def decode_path(raw: str) -> str:
    """The path for routing: each segment percent-decoded, but a "/" or "%" that was
    encoded inside a segment stays encoded (``%2F``, ``%25``), so that it is part of a name
    and never a separator that reaches a sub-resource (ENCODED_SLASH_IS_DATA)."""
    if "%" not in raw:
        return raw or "/"
    return "/".join(_segment(s) for s in raw.split("/")) or "/"


def _segment(raw: str) -> str:
    if "%" not in raw:
        return raw
    return unquote(raw).replace("%", "%25").replace("/", "%2F")


def query(raw: str) -> dict[str, str]:
    """The query's parameters, names in lower case (blank values kept), as ``parse_qsl``
    reads them; without an escape or a ``+`` (nearly every request: ``api-version=...``)
    a plain split gives the same, at a tenth of the cost."""
    if "%" in raw or "+" in raw:
        pairs = parse_qsl(raw, keep_blank_values=True)
    else:
        pairs = [part.partition("=")[::2] for part in raw.split("&") if part]
    return {k.lower(): v for k, v in pairs}


def name_of(param: str) -> str:
    """A routed path parameter as the name it stands for (``a%2Fb`` -> ``a/b``)."""
    if "%" not in param:
        return param
    return param.replace("%2F", "/").replace("%2f", "/").replace("%25", "%")


def check_body(body: bytes) -> Any:
    """Refuse a body ARM would not take; return its JSON when it parses (else ``None``: the
    handler reports the syntax error in its own words)."""
    if len(body) > A.MAX_REQUEST_BYTES:
        raise RequestContentTooLarge(f"The request content size exceeds the maximum size of "
                                     f"4 MB. (This one is {len(body):,} bytes; a container "
                                     f"group's definition is a few KB: look for a file's whole "
                                     f"content in a value.)")
    if not body:
        return None
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        raise InvalidRequestContent(f"the body is not valid UTF-8: byte "
                                    f"0x{body[exc.start]:02X} at position {exc.start} (line "
                                    f"{line}) cannot start or continue a character. Send the "
                                    f"JSON encoded as UTF-8") from None
    try:
        data = _DECODER.decode(text)
    except (ValueError, RecursionError):
        return None
    # Only a \ud800-style escape makes a lone surrogate (UTF-8 text cannot hold one), and
    # nesting needs an opening bracket per level: most bodies need no walk at all.
    if _ESCAPED_SURROGATE.search(text) or text.count("{") + text.count("[") >= A.MAX_JSON_DEPTH:
        _check_tree(data)
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN / Infinity: the handler explains it


#: ``json.loads(text, parse_constant=_no_constant)``, its decoder built once.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _path(parts: list) -> str:
    out = ""
    for p in parts:
        if isinstance(p, str):  # a key may itself hold the lone surrogate being reported
            p = p.encode("utf-8", "backslashreplace").decode("utf-8")
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out if len(out) <= 160 else out[:157] + "..."


def _check_tree(data: Any) -> None:
    """Depth and lone surrogates over the whole document, iteratively (no recursion)."""
    stack: list[tuple[Any, list, int]] = [(data, [], 0)]
    while stack:
        node, where, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth >= A.MAX_JSON_DEPTH:
                raise InvalidRequestContent(
                    f"The reader's MaxDepth of {A.MAX_JSON_DEPTH} has been exceeded. Path "
                    f"'{_path(where)}'. JSON objects and arrays may nest at most "
                    f"{A.MAX_JSON_DEPTH} levels deep")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for k, v in items:
                if isinstance(k, str) and _SURROGATE.search(k):
                    _lone_surrogate(k, where + [k])
                stack.append((v, where + [k], depth + 1))
        elif isinstance(node, str) and _SURROGATE.search(node):
            _lone_surrogate(node, where)


def _lone_surrogate(text: str, where: list) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise InvalidRequestContent(
            f"Cannot read invalid UTF-16 JSON text: invalid surrogate value '0x{code:X}' at "
            f"path '{_path(where)}' (a lone \\u{code:x} escape is not a character). Remove "
            f"it, or send a complete surrogate pair such as \\ud83d\\ude00") from None
