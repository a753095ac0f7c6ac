"""Resource-provider registration (Microsoft.Resources ``providers``): get, register, unregister."""

from __future__ import annotations

from .base import Env, Reply


def get(env: Env) -> Reply:
    """GET /subscriptions/{sub}/providers/{namespace}."""
    return Reply(200, env.cloud.provider(env.ctx, env.req.params["namespace"]))


def register(env: Env) -> Reply:
    """POST .../providers/{namespace}/register."""
    return Reply(200, env.cloud.provider_register(env.ctx, env.req.params["namespace"], True))


def unregister(env: Env) -> Reply:
    """POST .../providers/{namespace}/unregister."""
    return Reply(200, env.cloud.provider_register(env.ctx, env.req.params["namespace"], False))
