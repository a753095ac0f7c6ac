"""Authentication for the ``azure`` backend.

Two ways in, tried in this order:

1. ``AZURE_AUTH_LOCATION`` names a file written by ``az ad sp create-for-rbac --sdk-auth``
   (the 2019 sample's method; the CLI marks ``--sdk-auth`` deprecated and, today, wants
   ``--role`` together with ``--scopes``). ``get_client_from_auth_file`` (deprecated; it refuses today's
   clients) is replaced as azure-identity's migration guide shows: a ``ClientSecretCredential``
   with the file's authority, and clients built with the file's ARM endpoint, scope and
   subscription.
2. Otherwise ``DefaultAzureCredential`` (environment variables, managed identity, Azure
   CLI login, ...) with ``AZURE_SUBSCRIPTION_ID``.

Credentials are lazy: nothing here touches the network. Failures raise one short
:class:`~aci_helpers.errors.ConfigurationError` or :class:`AuthenticationError`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken, TokenCredential
from azure.core.exceptions import ClientAuthenticationError

from .errors import AuthenticationError, ConfigurationError

PUBLIC_ARM_ENDPOINT = "https://management.azure.com"

AUTH_FILE_KEYS = ("clientId", "clientSecret", "subscriptionId", "tenantId")
_NOT_JSON = object()


@dataclass(frozen=True)
class AzureTarget:
    """Everything needed to build the clients. ``repr`` never shows the credential."""

    credential: TokenCredential = field(repr=False)
    subscription_id: str
    base_url: str
    credential_scopes: tuple[str, ...]
    method: str  # "auth-file" or "default-credential"
    #: Builds the same sign-in as an azure-identity ``aio`` credential (for ``Session.aio()``).
    aio_credential: Any = field(default=None, repr=False, compare=False)

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments that point a management client at this target's endpoint."""
        return {"base_url": self.base_url, "credential_scopes": list(self.credential_scopes)}


@dataclass(frozen=True)
class SdkAuthFile:
    """The fields of an ``--sdk-auth`` file that we use. The secret stays out of ``repr``."""

    path: Path
    client_id: str
    client_secret: str = field(repr=False)
    tenant_id: str
    subscription_id: str
    authority: str
    resource_manager: str


def _read_json(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigurationError(
            f"AZURE_AUTH_LOCATION points to {path}, which does not exist. Fix the path, or "
            "unset AZURE_AUTH_LOCATION and sign in with 'az login' instead (auth files come "
            "from 'az ad sp create-for-rbac ... --sdk-auth', which the CLI marks deprecated)."
        ) from None
    except OSError as err:
        raise ConfigurationError(
            f"Cannot read the auth file {path} (AZURE_AUTH_LOCATION): {err.strerror}."
        ) from None
    # PowerShell's '>' writes UTF-16 with a BOM; the CLI writes UTF-8 (maybe with a BOM).
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    data: Any = _NOT_JSON
    try:
        data = json.loads(raw.decode(encoding))
    except (UnicodeDecodeError, json.JSONDecodeError):
        pass
    # The decode and parse errors quote the file, which holds a secret: raised here, outside
    # the except block, the error has no __context__ pointing at them, and the text is gone
    # from this frame (a traceback keeps frames' variables).
    del raw
    if data is _NOT_JSON:
        raise ConfigurationError(
            f"The auth file {path} (AZURE_AUTH_LOCATION) is not valid JSON. Expected the output "
            "of 'az ad sp create-for-rbac --role Contributor --scopes /subscriptions/ID --sdk-auth', "
            "or unset AZURE_AUTH_LOCATION and use 'az login'."
        )
    if not isinstance(data, dict):
        del data  # may hold the secret too (a list of objects)
        raise ConfigurationError(
            f"The auth file {path} (AZURE_AUTH_LOCATION) must hold a JSON object, as written by "
            "'az ad sp create-for-rbac ... --sdk-auth'."
        )
    return data


def read_auth_file(path: str | os.PathLike[str]) -> SdkAuthFile:
    """Read and check an ``az ad sp create-for-rbac --sdk-auth`` file."""
    p = Path(path).expanduser()
    data = _read_json(p)
    missing = [key for key in AUTH_FILE_KEYS
               if not isinstance(data.get(key), str) or not data[key].strip()]
    if missing:
        raise ConfigurationError(
            f"The auth file {p} (AZURE_AUTH_LOCATION) has no {', '.join(repr(k) for k in missing)}. "
            "Recreate it with 'az ad sp create-for-rbac --role Contributor --scopes "
            "/subscriptions/ID --sdk-auth', or unset AZURE_AUTH_LOCATION and use 'az login'."
        )
    authority = (data.get("activeDirectoryEndpointUrl") or "https://login.microsoftonline.com")
    arm = (data.get("resourceManagerEndpointUrl") or PUBLIC_ARM_ENDPOINT)
    for key, value in (("activeDirectoryEndpointUrl", authority), ("resourceManagerEndpointUrl", arm)):
        if not isinstance(value, str) or not value.startswith("https://"):
            raise ConfigurationError(
                f"The auth file {p} (AZURE_AUTH_LOCATION): '{key}' must be an https:// URL."
            )
    return SdkAuthFile(
        path=p,
        client_id=data["clientId"].strip(),
        client_secret=data["clientSecret"],
        tenant_id=data["tenantId"].strip(),
        subscription_id=data["subscriptionId"].strip(),
        authority=authority.rstrip("/"),
        # The CLI writes "https://management.azure.com/"; the scope must not get "//.default".
        resource_manager=arm.rstrip("/"),
    )


NETWORK_ADVICE = ("Microsoft Entra ID (the sign-in service) could not be reached: check the network, "
                  "and HTTPS_PROXY if you are behind a proxy.")
_NETWORK_FAILURE = re.compile(
    r"Unable to connect to proxy|Failed to establish a new connection|Connection refused|"
    r"Name or service not known|getaddrinfo failed|nodename nor servname|timed out|"
    r"Max retries exceeded|Connection aborted|Connection reset", re.I)
# DefaultAzureCredential lists every credential it tried; for a learner the Azure CLI's line
# is the one that matters (az login), then the environment's.
_CHAIN_LINE = re.compile(r"^\s*(AzureCliCredential|EnvironmentCredential):\s*(.+)$", re.M)


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _reason(text: str) -> str:
    """The useful line of a credential's failure: the CLI's in a chain, else the first."""
    found = dict(m.groups() for m in _CHAIN_LINE.finditer(text))
    for name in ("AzureCliCredential", "EnvironmentCredential"):
        if name in found:
            return _shorten(f"{name}: {found[name]}")
    return _shorten(text.splitlines()[0]) if text else ""


class QuietCredential:
    """Wraps a credential so a failed sign-in is one short error, not the chain's dump.

    ``DefaultAzureCredential`` raises a message listing every credential it tried and
    logs it again as a warning; a learner needs to know what to do instead.
    """

    def __init__(self, inner: TokenCredential, advice: str) -> None:
        self._inner = inner
        self._advice = advice

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        """The inner credential's token; a failed sign-in is one short AuthenticationError."""
        try:
            return self._inner.get_token(*scopes, **kwargs)
        except ClientAuthenticationError as err:  # CredentialUnavailableError is a subclass
            text = (err.message or str(err) or "").strip()
            if _NETWORK_FAILURE.search(text):
                # Not a credential problem: the sign-in endpoint could not be reached.
                advice, reason = NETWORK_ADVICE, _shorten(_NETWORK_FAILURE.search(text).group(0))
            else:
                advice, reason = self._advice, _reason(text)
            raise AuthenticationError(
                message=f"Could not get an Azure token ({type(self._inner).__name__}). "
                f"{advice}" + (f" Reason: {reason}" if reason else "")
            ) from None

    def close(self) -> None:
        """Close the inner credential, if it can be closed."""
        close = getattr(self._inner, "close", None)
        if close:
            close()

    def __enter__(self) -> "QuietCredential":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"QuietCredential({type(self._inner).__name__})"


def _quiet_identity_logging() -> None:
    # The chain logs its multi-line failure at WARNING before raising it; we raise a
    # short one instead. Respect a level the user set explicitly.
    logger = logging.getLogger("azure.identity")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)


def target_from_auth_file(path: str | os.PathLike[str]) -> AzureTarget:
    """Credential, endpoint, scope and subscription from an ``--sdk-auth`` file."""
    from azure.identity import ClientSecretCredential  # noqa: PLC0415  (heavy import)

    info = read_auth_file(path)
    try:
        credential = ClientSecretCredential(
            tenant_id=info.tenant_id,
            client_id=info.client_id,
            client_secret=info.client_secret,
            authority=info.authority,
        )
    except ValueError:
        # azure-identity validates tenantId and the authority; its text may quote values.
        raise ConfigurationError(
            f"The auth file {info.path} (AZURE_AUTH_LOCATION) has an invalid 'tenantId' or "
            "'activeDirectoryEndpointUrl'."
        ) from None
    _quiet_identity_logging()
    advice = (f"Check the service principal in {info.path} (AZURE_AUTH_LOCATION): its secret may "
              "have expired; give it a new one with 'az ad sp credential reset --id CLIENT_ID', "
              "or unset AZURE_AUTH_LOCATION and use 'az login'.")
    def aio_credential() -> Any:
        from azure.identity.aio import ClientSecretCredential as AioSecret  # noqa: PLC0415
        return AioSecret(tenant_id=info.tenant_id, client_id=info.client_id,
                         client_secret=info.client_secret, authority=info.authority)

    return AzureTarget(
        credential=QuietCredential(credential, advice),
        subscription_id=info.subscription_id,
        base_url=info.resource_manager,
        credential_scopes=(f"{info.resource_manager}/.default",),
        method="auth-file",
        aio_credential=aio_credential,
    )


def cli_default_subscription() -> str | None:
    """The subscription ``az account set`` chose, read from the CLI's profile (no network)."""
    config_dir = Path(os.environ.get("AZURE_CONFIG_DIR") or Path.home() / ".azure")
    try:
        profile = json.loads((config_dir / "azureProfile.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    for sub in profile.get("subscriptions", []) if isinstance(profile, dict) else []:
        if isinstance(sub, dict) and sub.get("isDefault") and sub.get("id"):
            return str(sub["id"])
    return None


def target_from_default_credential(subscription_id: str | None) -> AzureTarget:
    """``DefaultAzureCredential`` for the public cloud and ``subscription_id``.

    Without one, the Azure CLI's default subscription is used if you are signed in.
    """
    subscription_id = subscription_id or cli_default_subscription()
    if not subscription_id:
        raise ConfigurationError(
            "No Azure subscription: sign in with 'az login' (its default subscription is used), "
            "or set AZURE_SUBSCRIPTION_ID, e.g. export AZURE_SUBSCRIPTION_ID=$(az account show "
            "--query id -o tsv), or AZURE_AUTH_LOCATION to an auth file, or pass "
            "connect(subscription_id=...)."
        )
    from azure.identity import DefaultAzureCredential  # noqa: PLC0415

    _quiet_identity_logging()
    advice = ("Sign in with 'az login', or set AZURE_CLIENT_ID, AZURE_TENANT_ID and "
              "AZURE_CLIENT_SECRET for a service principal.")
    return AzureTarget(
        credential=QuietCredential(DefaultAzureCredential(), advice),
        subscription_id=subscription_id.strip(),
        base_url=PUBLIC_ARM_ENDPOINT,
        credential_scopes=(f"{PUBLIC_ARM_ENDPOINT}/.default",),
        method="default-credential",
        aio_credential=_aio_default_credential,
    )


def _aio_default_credential() -> Any:
    from azure.identity.aio import DefaultAzureCredential as AioDefault  # noqa: PLC0415
    return AioDefault()


def azure_target(auth_location: str | None, subscription_id: str | None) -> AzureTarget:
    """Pick the auth file if one is named, else the default credential chain.

    An explicit ``subscription_id`` overrides the file's (the service principal may
    have a role on several subscriptions).
    """
    if auth_location:
        target = target_from_auth_file(auth_location)
        if subscription_id:
            target = AzureTarget(target.credential, subscription_id.strip(), target.base_url,
                                 target.credential_scopes, target.method,
                                 target.aio_credential)
        return target
    return target_from_default_credential(subscription_id)
