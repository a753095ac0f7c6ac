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
    rg, created = env.cloud.resource_groups.create_or_update(env.ctx, env.req.params["rg"], body)
    return Reply(201 if created else 200, rg.describe())


def get(env: Env) -> Reply:
    """GET a resource group."""
    return Reply(200, env.cloud.resource_groups.require(env.ctx, env.req.params["rg"]).describe())


def head(env: Env) -> Reply:
    """HEAD: 204 when the resource group exists (also while it is being deleted), else 404
    from ARM's gateway (``x-ms-failure-cause: gateway``, as the .NET SDK's records show)."""
    found = env.cloud.resource_groups.find(env.ctx, env.req.params["rg"])
    if found is None:
        return Reply(404, None, {"x-ms-failure-cause": "gateway"})
    return Reply(204)


def patch(env: Env) -> Reply:
    """PATCH a resource group's tags or managedBy."""
    body = env.req.json()
    if not isinstance(body, dict):
        raise InvalidRequestContent("the request body must be a JSON object")
    return Reply(200, env.cloud.resource_groups.update(env.ctx, env.req.params["rg"], body)
                 .describe())


def _status_url(env: Env, token: str) -> str:
    return (f"{env.req.base_url}/subscriptions/{env.cloud.sub}/operationresults/{token}"
            f"?api-version={quote(env.req.api_version)}")


def delete(env: Env) -> Reply:
    """DELETE: start deleting a resource group; 202 with a status URL to poll."""
    token = env.cloud.resource_groups.delete(env.ctx, env.req.params["rg"])
    return Reply(202, None, {"Location": _status_url(env, token),
                             "Retry-After": str(A.RG_DELETE_RETRY_AFTER_SECONDS)})


def delete_status(env: Env) -> Reply:
    """GET a resource-group deletion's status: 202 while it runs, then 200."""
    token = env.req.params["token"]
    if env.cloud.resource_groups.deletion_running(env.ctx, token):
        return Reply(202, None, {"Location": _status_url(env, token),
                                 "Retry-After": str(A.RG_DELETE_RETRY_AFTER_SECONDS)})
    return Reply(200)


def list_(env: Env) -> Reply:
    """GET one page of the subscription's resource groups."""
    rgs, nxt = env.cloud.resource_groups.list(env.ctx, skip_token(env), A.PAGE_SIZE)
    return page(env, [rg.describe() for rg in rgs], nxt)


def resources(env: Env) -> Reply:
    """GET one page of a resource group's resources (its container groups)."""
    items, nxt = env.cloud.resource_groups.resources(env.ctx, env.req.params["rg"],
                                                     skip_token(env), A.PAGE_SIZE)
    return page(env, items, nxt)
