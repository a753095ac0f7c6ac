"""Settings, connect() to Azure with fake credentials (no network), and secret hygiene."""

from __future__ import annotations

import json
import logging

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import ClientSecretCredential, DefaultAzureCredential
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient

from aci_helpers import ConfigurationError, connect, load_settings
from aci_helpers.auth import QuietCredential, read_auth_file, target_from_auth_file
from aci_helpers.errors import AuthenticationError
from aci_helpers.session import AZURE_POLLING_INTERVAL, DEFAULT_RESOURCE_GROUP, default_state_path

SECRET = "fake-SECRET-value-0123456789"
SUB = "00000000-1111-2222-3333-444444444444"
TENANT = "11111111-2222-3333-4444-555555555555"


def sdk_auth(**overrides):
    data = {
        "clientId": "22222222-3333-4444-5555-666666666666",
        "clientSecret": SECRET,
        "subscriptionId": SUB,
        "tenantId": TENANT,
        "activeDirectoryEndpointUrl": "https://login.microsoftonline.com",
        "resourceManagerEndpointUrl": "https://management.azure.com/",
        "activeDirectoryGraphResourceId": "https://graph.windows.net/",
        "sqlManagementEndpointUrl": "https://management.core.windows.net:8443/",
        "galleryEndpointUrl": "https://gallery.azure.com/",
        "managementEndpointUrl": "https://management.core.windows.net/",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def auth_file(tmp_path):
    def write(data=None, text=None, encoding="utf-8"):
        p = tmp_path / "my.azureauth"
        p.write_bytes((text if text is not None else json.dumps(data or sdk_auth())).encode(encoding))
        return p
    return write


# ---- settings -------------------------------------------------------------------------

def test_defaults(clean_env):
    st = load_settings()
    assert st.backend == "emulator"
    assert st.clock == "realtime"
    assert st.seed == 0
    assert st.location == "eastus"
    assert st.resource_group == DEFAULT_RESOURCE_GROUP == "aci-tutorial-rg"
    assert st.state == str(default_state_path())
    assert st.state.endswith("emulator.db") and "aci-tutorial" in st.state


def test_environment_then_arguments(clean_env):
    clean_env.setenv("ACI_BACKEND", "Azure")
    clean_env.setenv("ACI_EMULATOR_STATE", "memory")
    clean_env.setenv("ACI_EMULATOR_CLOCK", "instant")
    clean_env.setenv("ACI_EMULATOR_SEED", "42")
    clean_env.setenv("ACI_LOCATION", "westeurope")
    clean_env.setenv("ACI_RESOURCE_GROUP", "my-rg")
    st = load_settings()
    assert (st.backend, st.state, st.clock, st.seed, st.location, st.resource_group) == (
        "azure", None, "instant", 42, "westeurope", "my-rg")
    st = load_settings("emulator", state="/x/y.db", seed=1, location="northeurope", resource_group="rg2")
    assert (st.backend, st.state, st.seed, st.location, st.resource_group) == (
        "emulator", "/x/y.db", 1, "northeurope", "rg2")


@pytest.mark.parametrize("var,value,needle", [
    ("ACI_BACKEND", "aws", "'emulator'"),
    ("ACI_EMULATOR_CLOCK", "fast", "'instant'"),
    ("ACI_EMULATOR_SEED", "abc", "non-negative integer"),
    ("ACI_EMULATOR_SEED", "-1", "non-negative integer"),
])
def test_bad_settings_are_one_clear_error(clean_env, var, value, needle):
    clean_env.setenv(var, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert var in str(info.value) and needle in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_backend_lists_both(clean_env):
    with pytest.raises(ConfigurationError, match="'emulator'.*'azure'"):
        connect("local")


# ---- Azure: the sdk-auth file ---------------------------------------------------------

def test_auth_file_builds_lazy_clients(clean_env, auth_file, no_network):
    path = auth_file(sdk_auth(resourceManagerEndpointUrl="https://management.usgovcloudapi.net/",
                              activeDirectoryEndpointUrl="https://login.microsoftonline.us"))
    s = connect("azure", auth_location=path)
    assert s.backend == "azure" and s.subscription_id == SUB
    assert isinstance(s.aci, ContainerInstanceManagementClient)
    assert isinstance(s.resources, ResourceManagementClient)
    for client in (s.aci, s.resources):
        assert client._config.subscription_id == SUB
        assert client._config.credential_scopes == ["https://management.usgovcloudapi.net/.default"]
        assert client._config.polling_interval == AZURE_POLLING_INTERVAL
        assert isinstance(client._config.credential, QuietCredential)
    assert s.aci._client._base_url == "https://management.usgovcloudapi.net"
    assert s.resources._config.base_url == "https://management.usgovcloudapi.net"
    inner = s.credential._inner
    assert isinstance(inner, ClientSecretCredential)
    assert inner._authority == "https://login.microsoftonline.us"
    assert inner._tenant_id == TENANT


def test_auth_file_from_environment(clean_env, auth_file, no_network):
    clean_env.setenv("ACI_BACKEND", "azure")
    clean_env.setenv("AZURE_AUTH_LOCATION", str(auth_file()))
    s = connect()
    assert s.subscription_id == SUB
    assert s.aci._config.credential_scopes == ["https://management.azure.com/.default"]


def test_auth_file_written_by_powershell_utf16(clean_env, auth_file, no_network):
    path = auth_file(text=json.dumps(sdk_auth()), encoding="utf-16")
    assert read_auth_file(path).subscription_id == SUB


def test_explicit_subscription_overrides_the_file(clean_env, auth_file, no_network):
    s = connect("azure", auth_location=auth_file(), subscription_id="other-sub")
    assert s.subscription_id == "other-sub" == s.aci._config.subscription_id


def test_missing_file(clean_env, tmp_path):
    missing = tmp_path / "nope.azureauth"
    with pytest.raises(ConfigurationError) as info:
        connect("azure", auth_location=missing)
    msg = str(info.value)
    assert str(missing) in msg and "AZURE_AUTH_LOCATION" in msg and "does not exist" in msg


def test_malformed_json_names_the_path_not_the_content(clean_env, auth_file):
    path = auth_file(text='{"clientSecret": "%s", oops' % SECRET)
    with pytest.raises(ConfigurationError) as info:
        connect("azure", auth_location=path)
    assert str(path) in str(info.value) and "not valid JSON" in str(info.value)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    assert info.value.__cause__ is None
    assert not _secret_reachable(info.value, SECRET)


@pytest.mark.parametrize("text", ['{"clientSecret": "%s", oops', b'{"clientSecret": "%s" \xff}',
                                  '[{"clientSecret": "%s"}]'])
def test_no_secret_is_reachable_from_the_error(clean_env, auth_file, text):
    """JSONDecodeError.doc (and UnicodeDecodeError.object) quote the whole file: the raised
    error must not keep them as its __context__, nor the text in a frame of its traceback."""
    path = auth_file(text="x")
    _fill(path, text)  # no local of this frame (part of the traceback) holds the secret
    with pytest.raises(ConfigurationError) as info:
        connect("azure", auth_location=path)
    assert not _secret_reachable(info.value, SECRET)


def _fill(path, template) -> None:
    raw = template % (SECRET.encode() if isinstance(template, bytes) else SECRET)
    path.write_bytes(raw if isinstance(raw, bytes) else raw.encode())


def _secret_reachable(err: BaseException, secret: str) -> list[str]:
    """Where ``secret`` can still be read from ``err``: its chain and its frames' variables."""
    found, seen = [], set()
    todo: list = [err]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if any(secret in repr(v) for v in vars(e).values()) or secret in repr(e.args):
            found.append(f"{type(e).__name__} attributes")
        tb = e.__traceback__
        while tb is not None:
            if any(secret in repr(v) for v in tb.tb_frame.f_locals.values()):
                found.append(f"frame {tb.tb_frame.f_code.co_name}")
            tb = tb.tb_next
        todo += [e.__context__, e.__cause__]
    return found


def test_json_that_is_not_an_object(clean_env, auth_file):
    with pytest.raises(ConfigurationError, match="JSON object"):
        connect("azure", auth_location=auth_file(text="[1, 2]"))


@pytest.mark.parametrize("key", ["clientId", "clientSecret", "subscriptionId", "tenantId"])
def test_missing_key_is_named(clean_env, auth_file, key):
    with pytest.raises(ConfigurationError) as info:
        connect("azure", auth_location=auth_file(sdk_auth(**{key: None})))
    assert f"'{key}'" in str(info.value)
    assert SECRET not in str(info.value)


def test_non_https_endpoint_refused(clean_env, auth_file):
    with pytest.raises(ConfigurationError, match="resourceManagerEndpointUrl"):
        connect("azure", auth_location=auth_file(sdk_auth(resourceManagerEndpointUrl="http://arm.local")))


def test_invalid_tenant(clean_env, auth_file):
    with pytest.raises(ConfigurationError, match="tenantId"):
        connect("azure", auth_location=auth_file(sdk_auth(tenantId="not a tenant!")))


# ---- Azure: DefaultAzureCredential ----------------------------------------------------

def test_default_credential_needs_a_subscription(clean_env, tmp_path):
    clean_env.setenv("AZURE_CONFIG_DIR", str(tmp_path))  # no CLI profile there
    with pytest.raises(ConfigurationError) as info:
        connect("azure")
    assert "AZURE_SUBSCRIPTION_ID" in str(info.value) and "AZURE_AUTH_LOCATION" in str(info.value)


def test_default_credential(clean_env, no_network):
    clean_env.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    s = connect("azure", location="westeurope")
    assert isinstance(s.credential._inner, DefaultAzureCredential)
    assert s.aci._config.credential_scopes == ["https://management.azure.com/.default"]
    assert s.aci._client._base_url == "https://management.azure.com"
    assert s.location == "westeurope" and s.subscription_id == SUB


def test_default_credential_takes_the_cli_default_subscription(clean_env, tmp_path, no_network):
    profile = {"subscriptions": [{"id": "other", "isDefault": False}, {"id": SUB, "isDefault": True}]}
    (tmp_path / "azureProfile.json").write_text(json.dumps(profile), encoding="utf-8-sig")
    clean_env.setenv("AZURE_CONFIG_DIR", str(tmp_path))
    assert connect("azure").subscription_id == SUB


class _Failing:
    def __init__(self, message):
        self.message = message

    def get_token(self, *scopes, **kwargs):
        raise ClientAuthenticationError(message=self.message)


def test_quiet_credential_is_one_short_error():
    chain = "DefaultAzureCredential failed to retrieve a token.\n" + "\n".join(
        f"Attempted credential {i}: unavailable" for i in range(12))
    cred = QuietCredential(_Failing(chain), "Sign in with 'az login'.")
    with pytest.raises(AuthenticationError) as info:
        cred.get_token("https://management.azure.com/.default")
    msg = str(info.value)
    assert "az login" in msg and msg.count("\n") == 0 and "Attempted credential 3" not in msg
    assert isinstance(info.value, ClientAuthenticationError)


def test_identity_logging_is_quieted(clean_env, auth_file):
    logger = logging.getLogger("azure.identity")
    old = logger.level
    logger.setLevel(logging.NOTSET)
    try:
        connect("azure", auth_location=auth_file())
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(old)


# ---- secrets never shown --------------------------------------------------------------

def test_no_secret_in_repr_or_str(clean_env, auth_file, no_network):
    path = auth_file()
    s = connect("azure", auth_location=path)
    info = read_auth_file(path)
    target = target_from_auth_file(path)
    for obj in (s, info, target, s.credential, s.settings):
        assert SECRET not in repr(obj) and SECRET not in str(obj)
    assert repr(s) == (f"Session(backend='azure', subscription_id='{SUB}', location='eastus', "
                       "resource_group='aci-tutorial-rg')")


def test_no_secret_in_logs(clean_env, auth_file, caplog, no_network):
    caplog.set_level(logging.DEBUG)
    connect("azure", auth_location=auth_file())
    assert SECRET not in caplog.text


# ---- what a learner sees when signing in fails ---------------------------------------------

def test_all_missing_keys_are_named_at_once(clean_env, auth_file):
    with pytest.raises(ConfigurationError) as info:
        connect("azure", auth_location=auth_file(sdk_auth(subscriptionId=None, tenantId=None)))
    assert "'subscriptionId', 'tenantId'" in str(info.value) and SECRET not in str(info.value)


def test_unreachable_sign_in_is_not_blamed_on_the_secret():
    proxy = ("Authentication failed: ('Unable to connect to proxy', NewConnectionError(\"HTTPSConnection("
             "host='127.0.0.1', port=9): Failed to establish a new connection: [Errno 111] Connection refused\"))")
    cred = QuietCredential(_Failing(proxy), "Check the service principal: its secret may have expired.")
    with pytest.raises(AuthenticationError) as info:
        cred.get_token("https://management.azure.com/.default")
    msg = str(info.value)
    assert "could not be reached" in msg and "HTTPS_PROXY" in msg and "expired" not in msg
    assert "NewConnectionError" not in msg and msg.count("\n") == 0


def test_default_credential_failure_names_the_azure_cli_line():
    chain = ("DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
             "Attempted credentials:\n\tEnvironmentCredential: EnvironmentCredential authentication "
             "unavailable. Environment variables are not fully configured.\n"
             "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable.\n"
             "\tAzureCliCredential: Please run 'az login' to set up an account\n"
             "To mitigate this issue, please refer to the troubleshooting guidelines.")
    cred = QuietCredential(_Failing(chain), "Sign in with 'az login'.")
    with pytest.raises(AuthenticationError) as info:
        cred.get_token("https://management.azure.com/.default")
    assert str(info.value).endswith("Reason: AzureCliCredential: Please run 'az login' to set up an account")


def test_ipython_shows_our_errors_without_a_traceback(clean_env, tmp_path):
    """A notebook's first cell must show one line, not 50 lines of frames inside the helpers."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shown = []
        shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)
        shell.run_cell(f"from aci_helpers import connect; connect('azure', auth_location={str(tmp_path / 'x')!r})")
        shell.run_cell("from aci_helpers.auth import QuietCredential\n"
                       "from azure.core.exceptions import ClientAuthenticationError\n"
                       "class F:\n def get_token(self, *a, **k): raise ClientAuthenticationError('no')\n"
                       "QuietCredential(F(), 'Sign in.').get_token('x')")
    finally:
        InteractiveShell.clear_instance()
    assert [len(stb) for stb in shown] == [1, 1]
    assert shown[0][0].startswith("ConfigurationError: AZURE_AUTH_LOCATION points to")
    assert shown[1][0].startswith("AuthenticationError: Could not get an Azure token")
