"""Container groups and containers."""

from __future__ import annotations

from .. import assumptions as A
from ..errors import InvalidParameter
from ..model import validation as V
from .base import Env, Reply, async_headers, page, skip_token


def _list(env: Env, rg: str | None) -> Reply:
    groups = env.cloud.container_groups
    items, nxt = groups.list(env.ctx, rg, skip_token(env), A.PAGE_SIZE)
    return page(env, [groups.describe(env.ctx, g, with_view=False) for g in items], nxt)


def list_by_subscription(env: Env) -> Reply:
    """GET one page of the subscription's container groups."""
    return _list(env, None)


def list_by_resource_group(env: Env) -> Reply:
    """GET one page of a resource group's container groups."""
    return _list(env, env.req.params["rg"])


def get(env: Env) -> Reply:
    """GET a container group, with its instance view."""
    p, groups = env.req.params, env.cloud.container_groups
    return Reply(200, groups.describe(env.ctx, groups.find(env.ctx, p["rg"], p["name"])))


def put(env: Env) -> Reply:
    """PUT: create (201) or update (200) a container group, with async-operation headers."""
    p, groups = env.req.params, env.cloud.container_groups
    done = groups.create_or_update(env.ctx, p["rg"], p["name"], env.req.json())
    return Reply(201 if done.created else 200, groups.describe(env.ctx, done.group),
                 async_headers(env, done.operation))


def patch(env: Env) -> Reply:
    """PATCH a container group's tags."""
    p, groups = env.req.params, env.cloud.container_groups
    group = groups.update_tags(env.ctx, p["rg"], p["name"], env.req.json())
    return Reply(200, groups.describe(env.ctx, group))


def delete(env: Env) -> Reply:
    """DELETE a container group: 200 with its last body, DELETE_ABSENT_STATUS when none."""
    p = env.req.params
    body = env.cloud.container_groups.delete(env.ctx, p["rg"], p["name"])
    return Reply(A.DELETE_ABSENT_STATUS) if body is None else Reply(200, body)


def restart(env: Env) -> Reply:
    """POST restart: 204 with async-operation headers."""
    p = env.req.params
    op = env.cloud.container_groups.restart(env.ctx, p["rg"], p["name"])
    return Reply(204, None, async_headers(env, op))


def stop(env: Env) -> Reply:
    """POST stop: 204."""
    p = env.req.params
    env.cloud.container_groups.stop(env.ctx, p["rg"], p["name"])
    return Reply(204)


def start(env: Env) -> Reply:
    """POST start: ``START_STATUS`` with async-operation headers."""
    p = env.req.params
    op = env.cloud.container_groups.start(env.ctx, p["rg"], p["name"])
    return Reply(A.START_STATUS, None, async_headers(env, op))


def outbound(env: Env) -> Reply:
    """GET the outbound network dependency endpoints (an empty list)."""
    p = env.req.params
    return Reply(200, env.cloud.container_groups.outbound_endpoints(env.ctx, p["rg"], p["name"]))


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
    content = env.cloud.containers.logs(env.ctx, p["rg"], p["name"], p["container"], tail,
                                        ts_raw == "true")
    return Reply(200, {"content": content})


def exec_(env: Env) -> Reply:
    """POST exec: a WebSocket URI and its password (404 first for a missing container; 200
    for a container that is not running too, as ACI answers: ev:pub-exec)."""
    p = env.req.params
    command, rows, cols = V.exec_request(env.req.json() if env.req.body else {})
    plan = env.cloud.containers.exec_plan(env.ctx, p["rg"], p["name"], p["container"])
    return Reply(200, env.sockets.exec(plan, command, rows, cols))


def attach(env: Env) -> Reply:
    """POST attach: a WebSocket URI and its password; the socket streams what the container
    prints from now on (404 first for a missing container)."""
    p = env.req.params
    cursor = env.cloud.containers.attach_cursor(env.ctx, p["rg"], p["name"], p["container"])
    return Reply(200, env.sockets.attach(cursor))
