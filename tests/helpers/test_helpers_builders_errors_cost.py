"""Builders, error explanations and cost estimates: pure functions on SDK model objects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.transport import HttpResponse
from azure.mgmt.containerinstance.models import (
    Container, ContainerGroup, ContainerGroupRestartPolicy, EnvironmentVariable, IpAddress,
    OperatingSystemTypes, ResourceRequirements,
)

from aci_helpers import (
    ConfigurationError, aci_errors, estimate_cost, explain, multi_container_group, price_table,
    single_container_group, task_container_group,
)
from aci_helpers.cost import PRICE_API, PRICE_READ_ON, PRICE_SOURCE, lookup_url
from aci_helpers.errors import explain_error

TAG = {"created-by": "aci-tutorial"}


def test_single():
    g = single_container_group("aci-123456", "eastus")
    assert isinstance(g, ContainerGroup) and g.os_type == OperatingSystemTypes.LINUX
    (c,) = g.containers
    assert isinstance(c, Container) and c.name == "aci-123456"
    assert c.image == "mcr.microsoft.com/azuredocs/aci-helloworld"
    assert isinstance(c.resources, ResourceRequirements)
    assert (c.resources.requests.cpu, c.resources.requests.memory_in_gb) == (1.0, 1.0)
    assert [p.port for p in c.ports] == [80]
    assert isinstance(g.ip_address, IpAddress)
    assert g.ip_address.type == "Public" and g.ip_address.dns_name_label == "aci-123456"
    assert [(p.port, p.protocol) for p in g.ip_address.ports] == [(80, "TCP")]
    assert g.tags == TAG and g.location == "eastus"


def test_multi_keeps_the_sample_numbers():
    g = multi_container_group("aci-1", "eastus")
    app, side = g.containers
    assert (app.name, side.name) == ("aci-1-1", "aci-1-2")
    assert app.image.endswith("aci-helloworld") and side.image.endswith("aci-tutorial-sidecar")
    assert app.resources is side.resources  # one shared object, as in the sample
    assert (app.resources.requests.cpu, app.resources.requests.memory_in_gb) == (1.0, 2.0)
    assert [p.port for p in app.ports] == [80] and not side.ports
    assert g.ip_address.dns_name_label == "aci-1" and g.tags == TAG


def test_task():
    g = task_container_group("aci-1-task", "eastus", secure_env={"TOKEN": "s3cret"})
    (c,) = g.containers
    assert c.image.endswith("aci-wordcount")
    assert c.command == ["python", "wordcount.py", "http://shakespeare.mit.edu/romeo_juliet/full.html"]
    env = {e.name: e for e in c.environment_variables}
    assert all(isinstance(e, EnvironmentVariable) for e in env.values())
    assert (env["NumWords"].value, env["MinLength"].value) == ("5", "8")
    assert env["TOKEN"].secure_value == "s3cret" and env["TOKEN"].value is None
    assert g.restart_policy == ContainerGroupRestartPolicy.NEVER
    assert g.ip_address is None and g.tags == TAG


def test_task_without_defaults_and_extra_tags():
    g = task_container_group("t", command=None, env={}, restart_policy="OnFailure", tags={"k": "v"})
    assert g.containers[0].command is None and g.containers[0].environment_variables == []
    assert g.restart_policy == "OnFailure" and g.tags == {**TAG, "k": "v"}


def test_builders_serialize_like_the_sdk_sends_them():
    body = single_container_group("aci-1").serialize()
    assert body["properties"]["containers"][0]["properties"]["resources"]["requests"] == {
        "memoryInGB": 1.0, "cpu": 1.0}
    assert body["properties"]["osType"] == "Linux" and body["tags"] == TAG


# ---- errors ----------------------------------------------------------------------------

class _Resp(HttpResponse):
    def __init__(self, status, body):
        super().__init__(None, None)
        self.status_code = status
        self.reason = "Bad"
        self.content_type = "application/json"
        self._body = body.encode()
        self.headers = {"Content-Type": "application/json"}

    def body(self):
        return self._body


def arm_error(cls, status, code, message):
    import json

    return cls(response=_Resp(status, json.dumps({"error": {"code": code, "message": message}})))


def test_explain_not_found():
    msg = ("The Resource 'Microsoft.ContainerInstance/containerGroups/aci-9' under resource group "
           "'rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    err = arm_error(ResourceNotFoundError, 404, "ResourceNotFound", msg)
    text = explain(err)
    assert text.startswith("ResourceNotFound (HTTP 404): " + msg)
    assert "Hint:" in text and "list_by_resource_group" in text


@pytest.mark.parametrize("code,message,needle", [
    ("InaccessibleImage", "The image 'nope' in container group 'g' is not accessible.", "image"),
    ("ContainerGroupQuotaReached", "... quota 'StandardCores' exceeded ...", "quota"),
    ("ResourceGroupNotFound", "Resource group 'rg' could not be found.", "ensure_resource_group"),
    ("InvalidContainerName", "The container name 'A' in container group 'g' is invalid. The container "
     "name must contain no more than 63 characters and must match the regex '[a-z0-9]([-a-z0-9]*"
     "[a-z0-9])?' (e.g. 'my-name').", "lowercase"),
    ("SomeUnconfirmedCode", "The DNS name label 'x' in container group 'g' not available. Try using "
     "a different label.", "unique per region"),
    # Azure's code and message for an environment variable name (Azure/azure-rest-api-specs#19173)
    ("InvalidContainerEnvironmentVariable", "The environment variable name in container 'es' of "
     "container group 'es' is invalid. A valid environment variable name must start with alphabetic "
     "character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or "
     "'MY_NAME',  or 'MyName').", "start with a letter or '_', followed by letters, digits or '_'"),
    ("SomeOtherCode", "A valid environment variable name must start with alphabetic character or '_'",
     "not 'discovery.type'"),
    # the Spot quota (Microsoft's support article) and a program missing from the image
    ("ContainerGroupQuotaReached", "Resource type 'Microsoft.ContainerInstance/containerGroups' "
     "container group quota 'StandardSpotCores' exceeded in region 'westus'. Limit: '0', Usage: '0' "
     "Requested: '1'.", "Regular priority"),
    ("ContainerActivationFailed", "There was an error during CodePackage activation.GrpcStatusCode="
     "UNKNOWN, ErrorMessage=failed to create containerd task: ... executable file not found in "
     "$PATH: unknown", "not a program in the image"),
])
def test_hints(code, message, needle):
    e = explain_error(arm_error(HttpResponseError, 400, code, message))
    assert (e.code, e.status, e.message) == (code, 400, message)
    assert needle in e.hint
    assert e._repr_markdown_().startswith(f"**{code}** (HTTP 400): ")


def test_explain_unknown_code_has_no_hint():
    e = explain_error(arm_error(HttpResponseError, 400, "Weird", "Something odd."))
    assert e.hint is None and str(e) == "Weird (HTTP 400): Something odd."


def test_aci_errors_prints_short_form_and_swallows(capsys):
    with aci_errors():
        raise arm_error(ResourceNotFoundError, 404, "ResourceNotFound", "gone")
    err = capsys.readouterr().err
    assert err.startswith("ResourceNotFound (HTTP 404): gone") and "Traceback" not in err


def test_aci_errors_reraise(capsys):
    with pytest.raises(ResourceNotFoundError):
        with aci_errors(reraise=True):
            raise arm_error(ResourceNotFoundError, 404, "ResourceNotFound", "gone")
    assert "ResourceNotFound" in capsys.readouterr().err


def test_aci_errors_lets_other_errors_through():
    with pytest.raises(KeyError):
        with aci_errors():
            raise KeyError("x")


def test_explain_configuration_error():
    assert explain(ConfigurationError("set X")) == "ConfigurationError: set X"


# ---- cost ------------------------------------------------------------------------------

def test_cost_of_the_multi_group_for_an_hour():
    est = estimate_cost(multi_container_group("aci-1", "eastus"), timedelta(hours=1))
    assert (est.cpu, est.memory_gb, est.seconds) == (2.0, 4.0, 3600.0)
    # the Retail Prices API's hourly rates (eastus, Linux, as read in 2026), billed per second
    assert est.total == pytest.approx(2 * 0.0405 + 4 * 0.00445)
    assert est.per_vcpu_second == pytest.approx(0.0405 / 3600)
    text = str(est)
    assert "Estimated" in text and "not re-checked" in text
    assert PRICE_SOURCE in text and PRICE_READ_ON in text and PRICE_API in text and est.note is None
    assert "armRegionName eq 'eastus'" in text


def test_cost_unknown_region_says_so():
    est = estimate_cost(cpu=1, memory_gb=1, duration=60, region="West Europe")
    assert est.region == "westeurope" and "East US rates" in est.note and "Note:" in str(est)
    assert "armRegionName eq 'westeurope'" in str(est)  # where to look up the region's own
    assert lookup_url("westeurope").startswith(PRICE_API + "?$filter=serviceName eq 'Container Instances'")
    assert est._repr_markdown_().startswith("```text")


def test_cost_needs_inputs():
    with pytest.raises(ValueError):
        estimate_cost(duration=60)
    with pytest.raises(ValueError):
        estimate_cost(cpu=1, memory_gb=1, duration=-1)


def test_price_table_cites_source_and_date():
    df = price_table()
    row = df.iloc[0]
    assert row["region"] == "eastus" and row["per_vcpu_hour"] == 0.0405
    assert row["per_gb_hour"] == 0.00445 and row["per_gb_second"] == pytest.approx(0.00445 / 3600)
    assert row["source"] == PRICE_SOURCE and row["read_on"] == PRICE_READ_ON
    assert row["look_up"] == lookup_url("eastus")


def test_markdown_keeps_what_html_or_emphasis_would_eat():
    e = explain_error(ConfigurationError("write it to <file>, not *there* or my_file"))
    md = e._repr_markdown_()
    assert "&lt;file&gt;" in md and r"\*there\*" in md and r"my\_file" in md


def test_cost_lines_stay_short_enough_not_to_wrap():
    est = estimate_cost(multi_container_group("aci-970777-multi", "eastus"), timedelta(hours=1))
    assert max(len(line) for line in str(est).splitlines()) <= 80
