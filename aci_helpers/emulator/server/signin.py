"""The sign-in a real client performs, as the local cloud's own behaviour (not Azure's).

- ARM's ``GET /metadata/endpoints``: where the cloud's sign-in and ARM are (``az cloud
  register --endpoint-resource-manager`` reads it).
- Microsoft Entra ID, with the local server as its authority host: the OpenID
  configuration MSAL reads (``/{tenant}/v2.0/.well-known/openid-configuration``, and the v1
  one), instance discovery (``/common/discovery/instance``, for a client that did not turn it
  off), the signing keys and the token endpoints (v2 and v1).

The token endpoint accepts any client id and secret for any tenant
(``assumptions.SIGNIN_ACCEPTS_ANY_CLIENT``); the tokens are JWT-shaped, unsigned and good for
this local cloud only. Bad requests get Entra ID's error shape (``error``,
``error_description`` with an AADSTS code, ``error_codes``), as MSAL expects. Nothing here
logs or echoes a secret.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

from .. import assumptions as A

#: The ARM audience of the public cloud: a client asks for tokens for it (``…/.default``).
MANAGEMENT_AUDIENCE = "https://management.core.windows.net/"
CLOUD_NAME = "AciTutorialLocal"


def arm_metadata(base: str) -> dict[str, Any]:
    """ARM's cloud metadata (api-version 2022-09-01 shape) for the local cloud at ``base``
    (``https://127.0.0.1:PORT``): sign-in and ARM on the same server."""
    return {
        "name": CLOUD_NAME,
        "portal": base + "/",
        "resourceManager": base + "/",
        "authentication": {"loginEndpoint": base + "/", "audiences": [
            MANAGEMENT_AUDIENCE, base + "/"], "tenant": "common",
            "identityProvider": "AAD"},
        "media": base + "/", "graphAudience": base + "/", "graph": base + "/",
        "batch": base + "/", "sqlManagement": base + "/", "gallery": base + "/",
        "vmImageAliasDoc": base + "/vm-image-aliases",
        "microsoftGraphResourceId": base + "/",
        "activeDirectoryDataLake": base + "/",
        "suffixes": {"acrLoginServer": "azurecr.io", "keyVaultDns": "vault.azure.net",
                     "storage": "core.windows.net", "sqlServerHostname": "database.windows.net",
                     "azureDataLakeStoreFileSystem": "azuredatalakestore.net",
                     "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net"},
    }


def openid_configuration(base: str, tenant: str, v2: bool = True) -> dict[str, Any]:
    """The tenant's OpenID Connect discovery document, pointing at this server."""
    tid = A.TENANT_ID if tenant.lower() in ("common", "organizations") else tenant
    root = f"{base}/{tenant}"
    v = "/v2.0" if v2 else ""
    return {
        "token_endpoint": f"{root}/oauth2{v}/token",
        "authorization_endpoint": f"{root}/oauth2{v}/authorize",
        "device_authorization_endpoint": f"{root}/oauth2{v}/devicecode",
        "end_session_endpoint": f"{root}/oauth2{v}/logout",
        "jwks_uri": f"{base}/{tenant}/discovery{v}/keys",
        "issuer": f"{base}/{tid}{v}" if v2 else f"{base}/{tid}/",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                  "client_secret_basic"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid", "oid"],
        "tenant_region_scope": "NA",
        "cloud_instance_name": base.split("//", 1)[-1],
        "request_uri_parameter_supported": False,
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
    }


def instance_discovery(base: str, authorization_endpoint: str = "") -> dict[str, Any]:
    """``/common/discovery/instance``: this host is its own (and only) alias."""
    host = base.split("//", 1)[-1]
    return {"tenant_discovery_endpoint": f"{base}/common/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}]}


def keys() -> dict[str, Any]:
    """The signing keys: none (the local cloud's tokens are unsigned)."""
    return {"keys": []}


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SignInError(Exception):
    """A token request Entra ID would refuse: ``status`` and its JSON body."""

    def __init__(self, status: int, error: str, code: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        now = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())
        trace = str(uuid.uuid4())
        self.body = {"error": error,
                     "error_description": f"AADSTS{code}: {description} Trace ID: {trace} "
                                          f"Correlation ID: {trace} Timestamp: {now}",
                     "error_codes": [code], "timestamp": now, "trace_id": trace,
                     "correlation_id": trace}


def _form(body: bytes, content_type: str) -> dict[str, str]:
    if "application/x-www-form-urlencoded" not in content_type.lower():
        raise SignInError(400, "invalid_request", 900144,
                          "The request body must be application/x-www-form-urlencoded.")
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=64))
    except (UnicodeDecodeError, ValueError):
        raise SignInError(400, "invalid_request", 900144,
                          "The request body could not be read as a form.") from None


def token(base: str, tenant: str, body: bytes, content_type: str, *, v2: bool = True,
          now: float | None = None) -> dict[str, Any]:
    """Answer a token request (client credentials, any client id and secret), or raise
    :class:`SignInError` naming the missing parameter as Entra ID does."""
    form = _form(body, content_type)
    grant = form.get("grant_type", "")
    if not grant:
        raise SignInError(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'grant_type'.")
    if grant != "client_credentials":
        raise SignInError(400, "unsupported_grant_type", 70003,
                          f"The app requested an unsupported grant type '{grant[:40]}'. The local "
                          "cloud signs in service principals (client credentials) only.")
    client = form.get("client_id", "")
    if not client:
        raise SignInError(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'client_id'.")
    if not (form.get("client_secret") or form.get("client_assertion")):
        raise SignInError(401, "invalid_client", 7000216,
                          "'client_assertion', 'client_secret' or 'request' is required for the "
                          "'client_credentials' grant type.")
    if v2 and not form.get("scope"):
        raise SignInError(400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'scope'.")
    tid = A.TENANT_ID if tenant.lower() in ("common", "organizations") else tenant
    issued = int(time.time() if now is None else now)
    audience = (form.get("scope", "").split(" ")[0].removesuffix(".default").removesuffix("/")
                or form.get("resource", MANAGEMENT_AUDIENCE)).rstrip("/") + "/"
    claims = {"aud": audience, "iss": f"{base}/{tid}/", "iat": issued, "nbf": issued,
              "exp": issued + A.TOKEN_SECONDS, "appid": client[:100], "oid": client[:100],
              "sub": client[:100], "tid": tid, "idtyp": "app", "ver": "1.0"}
    access = f"{_b64({'typ': 'JWT', 'alg': 'none'})}.{_b64(claims)}.aci-emulator"
    answer: dict[str, Any] = {"token_type": "Bearer", "expires_in": A.TOKEN_SECONDS,
                              "ext_expires_in": A.TOKEN_SECONDS, "access_token": access}
    if not v2:
        answer.update(expires_on=str(issued + A.TOKEN_SECONDS), not_before=str(issued),
                      resource=audience)
    return answer
