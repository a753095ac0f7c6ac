"""Resource groups (Microsoft.Resources)."""

from __future__ import annotations

from urllib.parse import quote

from .. import assumptions as A
from ..errors import InvalidRequestContent
from .base import Env, Reply, page, skip_token


def put(env: Env) -> Reply:
    """PUT: create (201) or update (200) a resource group."""
    body = env.req.json()
    if not isinstance(body, dict):
        raise InvalidRequestContent("the request body must be a JSON object")
    created, wire = env.cloud.rg_put(env.ctx, env.req.params["rg"], body)
    return Reply(201 if created else 200, wire)


def get(env: Env) -> Reply:
    """GET a resource group."""
    return Reply(200, env.cloud.rg_get(env.ctx, env.req.params["rg"]))


def head(env: Env) -> Reply:
    """HEAD: 204 when the resource group exists, else 404."""
    return Reply(204 if env.cloud.rg_exists(env.ctx, env.req.params["rg"]) else 404)


def patch(env: Env) -> Reply:
    """PATCH a resource group's tags or managedBy."""
    body = env.req.json()
    if not isinstance(body, dict):
        raise InvalidRequestContent("the request body must be a JSON object")
    return Reply(200, env.cloud.rg_patch(env.ctx, env.req.params["rg"], body))


def _status_url(env: Env, token: str) -> str:
    return (f"{env.req.base_url}/subscriptions/{env.cloud.sub}/operationresults/{token}"
            f"?api-version={quote(env.req.api_version)}")


def delete(env: Env) -> Reply:
    """DELETE: start deleting a resource group; 202 with a status URL to poll."""
    token = env.cloud.rg_delete(env.ctx, env.req.params["rg"])
    return Reply(202, None, {"Location": _status_url(env, token),
                             "Retry-After": str(A.RG_DELETE_RETRY_AFTER_SECONDS)})


def delete_status(env: Env) -> Reply:
    """GET a resource-group deletion's status: 202 while it runs, then 200."""
    token = env.req.params["token"]
    if env.cloud.rg_delete_status(env.ctx, token):
        return Reply(202, None, {"Location": _status_url(env, token),
                                 "Retry-After": str(A.RG_DELETE_RETRY_AFTER_SECONDS)})
    return Reply(200)


def list_(env: Env) -> Reply:
    """GET one page of the subscription's resource groups."""
    items, nxt = env.cloud.rg_list(env.ctx, skip_token(env), A.PAGE_SIZE)
    return page(env, items, nxt)


def resources(env: Env) -> Reply:
    """GET one page of a resource group's resources (its container groups)."""
    items, nxt = env.cloud.rg_resources(env.ctx, env.req.params["rg"], skip_token(env),
                                        A.PAGE_SIZE)
    return page(env, items, nxt)
