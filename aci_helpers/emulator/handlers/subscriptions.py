"""Microsoft.Resources subscriptions and tenants: what a client lists right after sign-in.

One subscription in one tenant (``assumptions.SUBSCRIPTION_ID``, ``TENANT_ID``); the Azure
CLI's ``az login`` lists both, ``az account show`` prints them."""

from __future__ import annotations

from .. import assumptions as A
from .base import Env, Reply


def _subscription(env: Env) -> dict:
    return {"id": f"/subscriptions/{env.cloud.sub}", "authorizationSource": "RoleBased",
            "managedByTenants": [], "subscriptionId": env.cloud.sub, "tenantId": A.TENANT_ID,
            "displayName": A.SUBSCRIPTION_NAME, "state": "Enabled",
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                     "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"}}


def list_(env: Env) -> Reply:
    """GET /subscriptions: the emulated subscription."""
    return Reply(200, {"count": {"type": "Total", "value": 1}, "value": [_subscription(env)]})


def get(env: Env) -> Reply:
    """GET /subscriptions/{sub} (another id is ARM's SubscriptionNotFound, in app.py)."""
    return Reply(200, _subscription(env))


def tenants(env: Env) -> Reply:
    """GET /tenants: the emulated tenant."""
    return Reply(200, {"value": [{
        "id": f"/tenants/{A.TENANT_ID}", "tenantId": A.TENANT_ID, "countryCode": "US",
        "displayName": A.TENANT_NAME, "domains": [A.TENANT_DOMAIN],
        "tenantCategory": "Home", "defaultDomain": A.TENANT_DOMAIN, "tenantType": "AAD"}]})
