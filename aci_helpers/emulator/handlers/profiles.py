"""Container group profiles (2024-05-01-preview and later): model/profiles.py."""

from __future__ import annotations

from .base import Env, Reply


def list_by_subscription(env: Env) -> Reply:
    """GET the subscription's profiles, each at its latest revision."""
    return Reply(200, {"value": env.cloud.profiles.list(env.ctx, None)})


def list_by_resource_group(env: Env) -> Reply:
    """GET a resource group's profiles, each at its latest revision."""
    return Reply(200, {"value": env.cloud.profiles.list(env.ctx, env.req.params["rg"])})


def get(env: Env) -> Reply:
    """GET a profile at its latest revision."""
    p = env.req.params
    return Reply(200, env.cloud.profiles.get(env.ctx, p["rg"], p["item"]))


def put(env: Env) -> Reply:
    """PUT: 201 with revision 1, or 200 with the next revision (no async operation)."""
    p = env.req.params
    body, created = env.cloud.profiles.create_or_update(env.ctx, p["rg"], p["item"],
                                                        env.req.json())
    return Reply(201 if created else 200, body)


def patch(env: Env) -> Reply:
    """PATCH a profile's tags."""
    p = env.req.params
    return Reply(200, env.cloud.profiles.update_tags(env.ctx, p["rg"], p["item"], env.req.json()))


def delete(env: Env) -> Reply:
    """DELETE: 200 with no body (as recorded), 204 when there was no such profile."""
    p = env.req.params
    return Reply(200 if env.cloud.profiles.delete(env.ctx, p["rg"], p["item"]) else 204)


def revisions(env: Env) -> Reply:
    """GET every revision of a profile."""
    p = env.req.params
    return Reply(200, {"value": env.cloud.profiles.revisions(env.ctx, p["rg"], p["item"])})


def revision(env: Env) -> Reply:
    """GET one revision of a profile."""
    p = env.req.params
    return Reply(200, env.cloud.profiles.get(env.ctx, p["rg"], p["item"], p["rev"]))
