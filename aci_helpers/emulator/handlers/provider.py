"""Provider-level answers: async operation status, usages, capabilities, cached images,
the operations list."""

from __future__ import annotations

from .. import assumptions as A
from ..model import provider_data
from ..model.validation import canonical_location
from .base import Env, Reply


def operation_status(env: Env) -> Reply:
    """GET an async operation's status."""
    p = env.req.params
    # Real ACI sends no Retry-After; without one the SDK would sleep its default 30 s.
    return Reply(200, env.cloud.container_groups.operation(env.ctx, p["loc"], p["op"]),
                 {"Retry-After": str(A.RETRY_AFTER_SECONDS)})


def usages(env: Env) -> Reply:
    """GET a region's usages (container groups, cores) and their limits."""
    return Reply(200, {"value": env.cloud.usages(env.ctx, env.req.params["loc"])})


def capabilities(env: Env) -> Reply:
    """GET a region's capabilities."""
    loc = canonical_location(env.req.params["loc"], "locations/capabilities")
    return Reply(200, {"value": provider_data.capabilities(loc)})


def cached_images(env: Env) -> Reply:
    """GET the cached images (the region is only validated)."""
    canonical_location(env.req.params["loc"], "locations/cachedImages")
    return Reply(200, {"value": provider_data.cached_images()})


def operations(env: Env) -> Reply:
    """GET the Microsoft.ContainerInstance operations list."""
    return Reply(200, {"value": provider_data.operations()})
