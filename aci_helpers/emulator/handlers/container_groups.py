"""Container groups and containers."""

from __future__ import annotations

from .. import assumptions as A
from ..errors import InvalidParameter
from .base import Env, Reply, async_headers, page, skip_token


def list_by_subscription(env: Env) -> Reply:
    """GET one page of the subscription's container groups."""
    items, nxt = env.cloud.cg_list(env.ctx, None, skip_token(env), A.PAGE_SIZE)
    return page(env, items, nxt)


def list_by_resource_group(env: Env) -> Reply:
    """GET one page of a resource group's container groups."""
    items, nxt = env.cloud.cg_list(env.ctx, env.req.params["rg"], skip_token(env), A.PAGE_SIZE)
    return page(env, items, nxt)


def get(env: Env) -> Reply:
    """GET a container group, with its instance view."""
    p = env.req.params
    return Reply(200, env.cloud.cg_get(env.ctx, p["rg"], p["name"]))


def put(env: Env) -> Reply:
    """PUT: create (201) or update (200) a container group, with async-operation headers."""
    p = env.req.params
    created, body, op, loc = env.cloud.cg_put(env.ctx, p["rg"], p["name"], env.req.json())
    return Reply(201 if created else 200, body, async_headers(env, loc, op))


def patch(env: Env) -> Reply:
    """PATCH a container group's tags."""
    p = env.req.params
    return Reply(200, env.cloud.cg_patch(env.ctx, p["rg"], p["name"], env.req.json()))


def delete(env: Env) -> Reply:
    """DELETE a container group: 200 with its last body, DELETE_ABSENT_STATUS when none."""
    p = env.req.params
    body = env.cloud.cg_delete(env.ctx, p["rg"], p["name"])
    return Reply(A.DELETE_ABSENT_STATUS) if body is None else Reply(200, body)


def restart(env: Env) -> Reply:
    """POST restart: 204 with async-operation headers."""
    p = env.req.params
    op, loc = env.cloud.cg_restart(env.ctx, p["rg"], p["name"])
    return Reply(204, None, async_headers(env, loc, op))


def stop(env: Env) -> Reply:
    """POST stop: 204."""
    p = env.req.params
    env.cloud.cg_stop(env.ctx, p["rg"], p["name"])
    return Reply(204)


def start(env: Env) -> Reply:
    """POST start: ``START_STATUS`` with async-operation headers."""
    p = env.req.params
    op, loc = env.cloud.cg_start(env.ctx, p["rg"], p["name"])
    return Reply(A.START_STATUS, None, async_headers(env, loc, op))


def outbound(env: Env) -> Reply:
    """GET the outbound network dependency endpoints (an empty list)."""
    p = env.req.params
    return Reply(200, env.cloud.cg_outbound(env.ctx, p["rg"], p["name"]))


def logs(env: Env) -> Reply:
    """GET a container's logs; ``tail`` and ``timestamps`` are checked as ARM does."""
    p = env.req.params
    q = env.req.query
    tail = None
    if q.get("tail") not in (None, ""):
        try:
            tail = int(q["tail"])
        except ValueError:
            tail = -1
        if tail < 0:
            raise InvalidParameter(f"The value '{q['tail']}' of the query parameter 'tail' is "
                                   f"invalid: it must be a non-negative integer (the number of "
                                   f"lines to return from the end of the log).")
    ts_raw = (q.get("timestamps") or "false").lower()
    if ts_raw not in ("true", "false"):
        raise InvalidParameter(f"The value '{q['timestamps']}' of the query parameter "
                               f"'timestamps' is invalid: use 'true' or 'false'.")
    content = env.cloud.logs(env.ctx, p["rg"], p["name"], p["container"], tail,
                             ts_raw == "true")
    return Reply(200, {"content": content})


def exec_(env: Env) -> Reply:
    """POST exec: always an error (not implemented; 404 first if the container is missing)."""
    p = env.req.params
    if env.req.body:
        env.req.json()  # malformed bodies are still a 400 first
    env.cloud.exec_or_attach(env.ctx, p["rg"], p["name"], p["container"], "exec")
    raise AssertionError("unreachable")


def attach(env: Env) -> Reply:
    """POST attach: always an error (not implemented; 404 first if the container is missing)."""
    p = env.req.params
    env.cloud.exec_or_attach(env.ctx, p["rg"], p["name"], p["container"], "attach")
    raise AssertionError("unreachable")
