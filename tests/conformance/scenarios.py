"""Realistic scenarios driven through the real, unmodified SDK clients on an instant-clock
emulator; every (request, response) pair is recorded by the emulator's transport.

The scenarios follow the tutorial's three shapes (helloworld with a public IP and a DNS
label; helloworld + sidecar; the wordcount task) plus a failing task, a stop/start/restart
life cycle, the location-level reads, and the usual mistakes (errors are answers too).
Secrets are seeded with distinctive fake strings so that a test can grep every response.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from azure.mgmt.containerinstance import models as m
from azure.mgmt.resource.resources import ResourceManagementClient

from aci_helpers.emulator import Emulator, Exchange

BASE = "https://management.azure.com"
LOC = "westus"
RG = "aci-conformance-rg"
API = "2023-05-01"

HELLO = "mcr.microsoft.com/azuredocs/aci-helloworld"
SIDECAR = "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar"
WORDCOUNT = "mcr.microsoft.com/azuredocs/aci-wordcount"

#: Fake secrets, distinctive enough that finding one in a response cannot be a coincidence.
SECRETS = {
    "secureValue": "S3cureValue-c0nformance-7f3a9d",
    "registry password": "R3gistryPassw0rd-c0nformance-b81e44",
    "secret volume content": "U2VjcmV0Vm9sdW1lLWMwbmZvcm1hbmNlLTU1YzE=",  # base64 of a secret
    "storage account key": "St0rageAccountKey-c0nformance-2d6f0c==",
    "log analytics workspace key": "W0rkspaceKey-c0nformance-91ab3e",
}
REGISTRY = "acitutorialconformance.azurecr.io"


class Cloud:
    """An emulator (instant clock, seed 0), a recording transport and both SDK clients."""

    #: Every cloud made and not yet closed: conftest closes them at the end of each module
    #: (an exec starts the emulator's socket server, whose thread would outlive the test).
    made: list["Cloud"] = []

    def __init__(self, seed: int = 0, api: str = API) -> None:
        self.api = api
        self.emu = Emulator(state=None, clock="instant", seed=seed)
        Cloud.made.append(self)
        self.sub = self.emu.subscription_id
        self.transport = self.emu.transport(record=True)
        self.aci = ContainerInstanceManagementClient(self.emu.credential(), self.sub,
                                                     transport=self.transport, api_version=api)
        self.res = ResourceManagementClient(self.emu.credential(), self.sub,
                                            transport=self.transport)

    @property
    def exchanges(self) -> list[Exchange]:
        return self.transport.exchanges

    def raw(self, method: str, path_or_url: str, body: Any = None, *,
            api: str | None = "") -> tuple[int, dict, Any]:
        """One raw request through the same (recording) transport (``api=""``: the cloud's)."""
        api = self.api if api == "" else api
        url = path_or_url if path_or_url.startswith("http") else BASE + path_or_url
        if api is not None and "api-version=" not in url:
            url += ("&" if "?" in url else "?") + f"api-version={api}"
        headers = {"Authorization": "Bearer conformance", "Accept": "application/json"}
        content = None
        if body is not None:
            content = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = "application/json"
        resp = self.transport.send(HttpRequest(method, url, headers=headers, content=content))
        data = resp.read()
        return resp.status_code, dict(resp.headers), (json.loads(data) if data else None)

    def cg_path(self, name: str, rg: str = RG) -> str:
        return (f"/subscriptions/{self.sub}/resourceGroups/{rg}/providers/"
                f"Microsoft.ContainerInstance/containerGroups/{name}")

    def loc_path(self, what: str, loc: str = LOC) -> str:
        return (f"/subscriptions/{self.sub}/providers/Microsoft.ContainerInstance/locations/"
                f"{loc}/{what}")

    def expect_error(self, call: Callable[[], Any]) -> HttpResponseError:
        try:
            call()
        except HttpResponseError as exc:
            return exc
        raise AssertionError("the call was expected to fail")


# ---------------------------------------------------------------------------- builders
def _res(cpu: float = 1.0, mem: float = 1.5) -> m.ResourceRequirements:
    return m.ResourceRequirements(requests=m.ResourceRequests(cpu=cpu, memory_in_gb=mem))


def helloworld_group(label: str) -> m.ContainerGroup:
    return m.ContainerGroup(
        location=LOC, os_type="Linux", tags={"tutorial": "aci"},
        containers=[m.Container(name="hello", image=HELLO, resources=_res(),
                                ports=[m.ContainerPort(port=80, protocol="TCP")])],
        ip_address=m.IpAddress(type="Public", dns_name_label=label,
                               ports=[m.Port(port=80, protocol="TCP")]))


UAI = ("/subscriptions/{sub}/resourceGroups/" + RG + "/providers/"
       "Microsoft.ManagedIdentity/userAssignedIdentities/aci-conformance-id")


def sidecar_group(label: str, sub: str) -> m.ContainerGroup:
    return m.ContainerGroup(
        location=LOC, os_type="Linux",
        identity=m.ContainerGroupIdentity(
            type="SystemAssigned, UserAssigned",
            user_assigned_identities={UAI.format(sub=sub): m.UserAssignedIdentities()}),
        containers=[m.Container(name="app", image=HELLO, resources=_res(1.0, 1.0),
                                ports=[m.ContainerPort(port=80, protocol="TCP")]),
                    m.Container(name="sidecar", image=SIDECAR, resources=_res(1.0, 1.0))],
        ip_address=m.IpAddress(type="Public", dns_name_label=label,
                               ports=[m.Port(port=80, protocol="TCP")]))


def wordcount_group() -> m.ContainerGroup:
    return m.ContainerGroup(
        location=LOC, os_type="Linux", restart_policy="Never",
        containers=[m.Container(
            name="wordcount", image=WORDCOUNT, resources=_res(1.0, 1.5),
            command=["python", "wordcount.py", "http://shakespeare.mit.edu/romeo_juliet/full.html"],
            environment_variables=[
                m.EnvironmentVariable(name="NumWords", value="5"),
                m.EnvironmentVariable(name="MinLength", value="8"),
                m.EnvironmentVariable(name="API_TOKEN", secure_value=SECRETS["secureValue"])])])


def failing_task_group() -> m.ContainerGroup:
    return m.ContainerGroup(
        location=LOC, os_type="Linux", restart_policy="Never",
        containers=[m.Container(name="fails", image="alpine:latest", resources=_res(1.0, 1.0),
                                command=["/bin/sh", "-c", "echo starting; exit 3"])])


def secrets_group() -> m.ContainerGroup:
    """Every kind of secret a container group can carry."""
    return m.ContainerGroup(
        location=LOC, os_type="Linux", restart_policy="OnFailure",
        image_registry_credentials=[m.ImageRegistryCredential(
            server=REGISTRY, username="conformance", password=SECRETS["registry password"])],
        containers=[m.Container(
            name="private", image=f"{REGISTRY}/tutorial/app:v1", resources=_res(1.0, 1.0),
            environment_variables=[
                m.EnvironmentVariable(name="PLAIN", value="visible"),
                m.EnvironmentVariable(name="HIDDEN", secure_value=SECRETS["secureValue"])],
            volume_mounts=[m.VolumeMount(name="secrets", mount_path="/mnt/secrets"),
                           m.VolumeMount(name="share", mount_path="/mnt/share")])],
        volumes=[m.Volume(name="secrets", secret={"token": SECRETS["secret volume content"]}),
                 m.Volume(name="share", azure_file=m.AzureFileVolume(
                     share_name="data", storage_account_name="conformancestore",
                     storage_account_key=SECRETS["storage account key"]))],
        diagnostics=m.ContainerGroupDiagnostics(log_analytics=m.LogAnalytics(
            workspace_id="conformance-workspace",
            workspace_key=SECRETS["log analytics workspace key"])))


def volumes_group(command: str, *mounts: tuple[str, str], volumes: list) -> m.ContainerGroup:
    """Notebook 09's shapes: alpine task containers mounting the given volumes."""
    return m.ContainerGroup(
        location=LOC, os_type="Linux", restart_policy="Never", volumes=volumes,
        containers=[m.Container(name="c1", image="alpine:3.20", resources=_res(1.0, 1.0),
                                command=["/bin/sh", "-c", command],
                                volume_mounts=[m.VolumeMount(name=v, mount_path=p)
                                               for v, p in mounts])])


def _share(read_only: bool | None = None) -> m.Volume:
    return m.Volume(name="share", azure_file=m.AzureFileVolume(
        share_name="results", storage_account_name="conformancestore", read_only=read_only,
        storage_account_key=SECRETS["storage account key"]))


# ---------------------------------------------------------------------------- scenarios
def _rg(c: Cloud) -> None:
    c.res.resource_groups.create_or_update(RG, {"location": LOC, "tags": {"tutorial": "aci"}})
    c.res.resource_groups.get(RG)


def scenario_helloworld(c: Cloud) -> None:
    """Single container, public IP + DNS label; every life-cycle operation on it."""
    _rg(c)
    cg = c.aci.container_groups
    cg.begin_create_or_update(RG, "helloworld", helloworld_group("aci-conf-hello")).result()
    cg.get(RG, "helloworld")
    list(cg.list())
    list(cg.list_by_resource_group(RG))
    c.aci.containers.list_logs(RG, "helloworld", "hello", tail=10)
    c.aci.containers.list_logs(RG, "helloworld", "hello", timestamps=True)
    cg.update(RG, "helloworld", m.Resource(tags={"tutorial": "aci", "step": "patched"}))
    # PUT again with only new tags: an update (200), no redeploy
    g = helloworld_group("aci-conf-hello")
    g.tags = {"tutorial": "aci", "step": "updated"}
    cg.begin_create_or_update(RG, "helloworld", g).result()
    cg.get_outbound_network_dependencies_endpoints(RG, "helloworld")
    cg.begin_restart(RG, "helloworld").result()
    cg.get(RG, "helloworld")
    cg.stop(RG, "helloworld")
    cg.get(RG, "helloworld")
    list(cg.list_by_resource_group(RG))
    c.aci.containers.list_logs(RG, "helloworld", "hello")
    cg.begin_start(RG, "helloworld").result()
    cg.get(RG, "helloworld")
    cg.begin_delete(RG, "helloworld").result()
    # deleting what no longer exists (spec: 204)
    cg.begin_delete(RG, "helloworld").result()


def scenario_sidecar(c: Cloud) -> None:
    _rg(c)
    cg = c.aci.container_groups
    cg.begin_create_or_update(RG, "sidecar", sidecar_group("aci-conf-sidecar", c.sub)).result()
    cg.get(RG, "sidecar")
    c.aci.containers.list_logs(RG, "sidecar", "app")
    c.aci.containers.list_logs(RG, "sidecar", "sidecar")
    list(cg.list())
    cg.begin_delete(RG, "sidecar").result()


def scenario_wordcount(c: Cloud) -> None:
    _rg(c)
    cg = c.aci.container_groups
    cg.begin_create_or_update(RG, "wordcount", wordcount_group()).result()
    cg.get(RG, "wordcount")
    c.aci.containers.list_logs(RG, "wordcount", "wordcount")
    list(cg.list_by_resource_group(RG))
    cg.begin_delete(RG, "wordcount").result()


def scenario_failing_task(c: Cloud) -> None:
    _rg(c)
    cg = c.aci.container_groups
    cg.begin_create_or_update(RG, "failing", failing_task_group()).result()
    cg.get(RG, "failing")
    c.aci.containers.list_logs(RG, "failing", "fails")
    cg.begin_delete(RG, "failing").result()


def scenario_secrets(c: Cloud) -> None:
    _rg(c)
    cg = c.aci.container_groups
    cg.begin_create_or_update(RG, "secrets", secrets_group()).result()
    cg.get(RG, "secrets")
    list(cg.list())
    c.aci.containers.list_logs(RG, "secrets", "private")
    g = secrets_group()
    g.tags = {"rotated": "no"}
    cg.begin_create_or_update(RG, "secrets", g).result()
    cg.update(RG, "secrets", m.Resource(tags={"patched": "yes"}))
    cg.begin_restart(RG, "secrets").result()
    cg.stop(RG, "secrets")
    cg.begin_start(RG, "secrets").result()
    cg.begin_delete(RG, "secrets").result()


def scenario_volumes(c: Cloud) -> None:
    """Notebook 09: emptyDir and gitRepo, a share outliving its writer, wrong mounts."""
    _rg(c)
    cg = c.aci.container_groups
    cg.begin_create_or_update(RG, "scratch", volumes_group(
        "echo hi > /v/f; cat /v/f", ("tmp", "/v"), volumes=[m.Volume(name="tmp", empty_dir={})])).result()
    cg.get(RG, "scratch")
    cg.begin_create_or_update(RG, "git", volumes_group(
        "ls /r", ("repo", "/r"), volumes=[m.Volume(name="repo", git_repo=m.GitRepoVolume(
            repository="https://github.com/Azure-Samples/aci-helloworld", directory=".",
            revision="0123456789abcdef0123456789abcdef01234567"))])).result()
    cg.get(RG, "git")
    c.aci.containers.list_logs(RG, "git", "c1")
    cg.begin_create_or_update(RG, "writer", volumes_group(
        "echo kept > /s/out.txt", ("share", "/s"), volumes=[_share()])).result()
    cg.begin_delete(RG, "writer").result()
    cg.begin_create_or_update(RG, "reader", volumes_group(
        "cat /s/out.txt", ("share", "/s"), volumes=[_share(read_only=True)])).result()
    cg.get(RG, "reader")
    c.aci.containers.list_logs(RG, "reader", "c1")
    list(cg.list_by_resource_group(RG))
    c.expect_error(lambda: cg.begin_create_or_update(RG, "typo", volumes_group(
        "true", ("nope", "/v"), volumes=[m.Volume(name="tmp", empty_dir={})])))
    c.expect_error(lambda: cg.begin_create_or_update(RG, "twice", volumes_group(
        "true", ("a", "/v"), ("b", "/v"),
        volumes=[m.Volume(name="a", empty_dir={}), m.Volume(name="b", empty_dir={})])))
    keyless = _share()
    keyless.azure_file.storage_account_key = None
    c.expect_error(lambda: cg.begin_create_or_update(RG, "keyless", volumes_group(
        "true", ("share", "/s"), volumes=[keyless])))
    for name in ("scratch", "git", "reader"):
        cg.begin_delete(RG, name).result()


def scenario_location_reads(c: Cloud) -> None:
    """Provider-level GETs: usages, capabilities, cached images, the operations list."""
    list(c.aci.location.list_usage(LOC))
    list(c.aci.location.list_capabilities(LOC))
    list(c.aci.location.list_cached_images(LOC))
    list(c.aci.operations.list())


def scenario_errors(c: Cloud) -> None:
    """Mistakes a learner makes; each answer is an ARM error (CloudError)."""
    cg = c.aci.container_groups
    c.expect_error(lambda: cg.get("no-such-rg", "nothing"))              # ResourceGroupNotFound
    _rg(c)
    c.expect_error(lambda: cg.get(RG, "nothing"))                        # ResourceNotFound
    c.expect_error(lambda: c.aci.containers.list_logs(RG, "nothing", "c"))
    bad_image = helloworld_group("aci-conf-bad")
    bad_image.containers[0].image = "mcr.microsoft.com/azuredocs/aci-helloword"   # a typo
    c.expect_error(lambda: cg.begin_create_or_update(RG, "badimage", bad_image))
    c.expect_error(lambda: cg.begin_create_or_update(RG, "Bad_Name", helloworld_group("aci-x1")))
    cg.begin_create_or_update(RG, "fixed", helloworld_group("aci-conf-fixed")).result()
    changed = helloworld_group("aci-conf-fixed")
    changed.containers[0].resources = _res(2.0, 1.5)
    c.expect_error(lambda: cg.begin_create_or_update(RG, "fixed", changed))  # InvalidUpdate
    taken = helloworld_group("aci-conf-fixed")                            # DNS label taken
    c.expect_error(lambda: cg.begin_create_or_update(RG, "taken", taken))
    c.expect_error(lambda: c.aci.containers.list_logs(RG, "fixed", "no-such-container"))
    cg.stop(RG, "fixed")
    c.expect_error(lambda: cg.begin_restart(RG, "fixed"))               # stopped
    c.raw("GET", c.cg_path("fixed"), api="2021-03-01")                    # unknown api-version
    c.raw("GET", c.cg_path("fixed"), api=None)                            # missing api-version
    c.raw("PUT", c.cg_path("broken"), b"{not json")                       # malformed JSON
    c.raw("GET", c.loc_path("operations/00000000-0000-0000-0000-00000000dead"),
          api="2018-06-01")                                              # unknown operation
    c.expect_error(lambda: list(c.aci.location.list_usage("atlantis")))  # unknown location
    cg.begin_delete(RG, "fixed").result()


def scenario_exec_attach(c: Cloud) -> None:
    """exec and attach: a WebSocket URI and its password (issue 18), and a missing container."""
    _rg(c)
    c.aci.container_groups.begin_create_or_update(RG, "shell",
                                                  helloworld_group("aci-conf-shell")).result()
    c.aci.containers.execute_command(
        RG, "shell", "hello", m.ContainerExecRequest(
            command="/bin/sh", terminal_size=m.ContainerExecRequestTerminalSize(rows=24, cols=80)))
    c.aci.containers.attach(RG, "shell", "hello")
    c.expect_error(lambda: c.aci.containers.attach(RG, "shell", "nope"))


def scenario_preview_surface(c: Cloud) -> None:
    """Resource types the newer versions document and the emulator does not model: the
    lists answer an empty page, everything else an honest 501."""
    from aci_helpers.emulator.model.versions import api
    _rg(c)
    base = f"/subscriptions/{c.sub}/resourceGroups/{RG}/providers/Microsoft.ContainerInstance"
    for rtype in sorted(api(c.api).resource_types - {"containerGroups", "containerGroupProfiles"}):
        c.raw("GET", f"/subscriptions/{c.sub}/providers/Microsoft.ContainerInstance/{rtype}")
        c.raw("GET", f"{base}/{rtype}")
        c.raw("PUT", f"{base}/{rtype}/item1", {"location": LOC, "properties": {}})
        c.raw("GET", f"{base}/{rtype}/item1")


def scenario_profiles(c: Cloud) -> None:
    """Container group profiles, where the version documents them: create, a second revision,
    get, both revisions, tags, the lists, delete."""
    from aci_helpers.emulator.model.versions import api
    _rg(c)
    if "containerGroupProfiles" not in api(c.api).resource_types:
        return
    prov = f"/subscriptions/{c.sub}/providers/Microsoft.ContainerInstance/containerGroupProfiles"
    base = f"/subscriptions/{c.sub}/resourceGroups/{RG}/providers/Microsoft.ContainerInstance/" \
           f"containerGroupProfiles"
    body = {"location": LOC, "properties": {
        "osType": "Linux", "restartPolicy": "Never",
        "containers": [{"name": "c1", "properties": {
            "image": "alpine:latest", "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.0}}}}]}}
    c.raw("PUT", f"{base}/p1", body)
    body["properties"]["restartPolicy"] = "OnFailure"
    c.raw("PUT", f"{base}/p1", body)
    c.raw("GET", f"{base}/p1")
    c.raw("PATCH", f"{base}/p1", {"tags": {"k": "v"}})
    c.raw("GET", f"{base}/p1/revisions")
    c.raw("GET", f"{base}/p1/revisions/1")
    c.raw("GET", base)
    c.raw("GET", prov)
    c.raw("DELETE", f"{base}/p1")


SCENARIOS: dict[str, Callable[[Cloud], None]] = {
    "helloworld": scenario_helloworld,
    "sidecar": scenario_sidecar,
    "wordcount": scenario_wordcount,
    "failing-task": scenario_failing_task,
    "secrets": scenario_secrets,
    "volumes": scenario_volumes,
    "location-reads": scenario_location_reads,
    "errors": scenario_errors,
    "exec-attach": scenario_exec_attach,
    "preview-surface": scenario_preview_surface,
    "profiles": scenario_profiles,
}


def run(name: str, api: str = API) -> Cloud:
    c = Cloud(api=api)
    SCENARIOS[name](c)
    return c
