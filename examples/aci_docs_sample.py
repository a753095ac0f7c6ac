#!/usr/bin/env python3
"""Azure Container Instances from Python, without the tutorial kit: the docs sample, today.

Today's version of ``src/aci_docs_sample.py`` from Azure-Samples/aci-docs-sample-python
(2019), whose code Microsoft's page "Azure Container Instances libraries for Python" shows.
The same seven sections, in the same order: authenticate, create a single-container group,
a multi-container group, a task-based group (polling, then its logs once it has finished),
list, get, delete. Plain SDK: azure-identity, azure-mgmt-containerinstance and
azure-mgmt-resource; the Azure CLI command that does the same is in a comment next to each
SDK call.

On Azure (creates billable resources for a few minutes, then deletes them)::

    pip install azure-identity azure-mgmt-containerinstance azure-mgmt-resource
    az login
    export AZURE_SUBSCRIPTION_ID=$(az account show --query id -o tsv)
    python aci_docs_sample.py

Offline, on the tutorial kit's emulator (from the kit's checkout, with its .venv)::

    .venv/bin/python examples/aci_docs_sample.py --emulator

Before it deletes what it made, it waits for ENTER, as the 2019 sample did, so that you can
look around (``az container list``, the portal); ``--yes`` skips the pause, and without a
terminal (a pipe, CI, a notebook's ``!`` line) it does not wait.

``--emulator`` swaps only the credential and the HTTP transport (and the emulator's
subscription id); every other line is the same on both. It reads ACI_EMULATOR_CLOCK
(``realtime``, the default, or ``instant``) and ACI_EMULATOR_SPEED. The emulator's cloud
lives in memory and ends with the script.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import Any

from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from azure.mgmt.containerinstance.models import (
    Container,
    ContainerGroup,
    ContainerGroupNetworkProtocol,
    ContainerGroupRestartPolicy,
    ContainerPort,
    EnvironmentVariable,
    IpAddress,
    OperatingSystemTypes,
    Port,
    ResourceRequests,
    ResourceRequirements,
)
from azure.mgmt.resource.resources import ResourceManagementClient

HELLOWORLD_IMAGE = "mcr.microsoft.com/azuredocs/aci-helloworld"
SIDECAR_IMAGE = "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar"
WORDCOUNT_IMAGE = "mcr.microsoft.com/azuredocs/aci-wordcount"
# Real ACI sends no Retry-After header, so the SDK's poller would wait 30 s between polls.
POLLING_INTERVAL = 5
TASK_TIMEOUT = 600  # seconds to wait for the task's container to finish


def authenticate(use_emulator: bool) -> tuple[ContainerInstanceManagementClient,
                                               ResourceManagementClient]:
    """Section 1: the two management clients, on Azure or (``--emulator``) offline."""
    if use_emulator:
        credential, subscription_id, client_options = _emulator()
    else:
        from azure.identity import DefaultAzureCredential

        # az login   (DefaultAzureCredential also takes AZURE_CLIENT_ID/AZURE_TENANT_ID/
        # AZURE_CLIENT_SECRET or a managed identity; in production, prefer the specific
        # credential you deploy with, e.g. ManagedIdentityCredential)
        credential = DefaultAzureCredential()
        # az account show --query id --output tsv
        subscription_id = os.environ.get("AZURE_SUBSCRIPTION_ID", "").strip()
        if not subscription_id:
            sys.exit("Set AZURE_SUBSCRIPTION_ID to the subscription to use, e.g. "
                     "export AZURE_SUBSCRIPTION_ID=$(az account show --query id -o tsv); "
                     "or run with --emulator to try this sample offline.")
        client_options = {"polling_interval": POLLING_INTERVAL}
    aci_client = ContainerInstanceManagementClient(credential, subscription_id, **client_options)
    resource_client = ResourceManagementClient(credential, subscription_id, **client_options)
    return aci_client, resource_client


def _emulator() -> tuple[Any, str, dict[str, Any]]:
    """The tutorial kit's emulator: its credential, its subscription and its transport."""
    try:
        from aci_helpers.emulator import Emulator
    except ImportError:
        sys.exit("--emulator needs the tutorial kit: run this script with the kit's Python "
                 "(.venv/bin/python examples/aci_docs_sample.py --emulator).")
    try:
        emulator = Emulator(state=None, clock=os.environ.get("ACI_EMULATOR_CLOCK", "realtime"),
                            speed=float(os.environ.get("ACI_EMULATOR_SPEED", "1")))
    except ValueError as err:
        sys.exit(f"Cannot start the emulator: {err} (ACI_EMULATOR_CLOCK / ACI_EMULATOR_SPEED)")
    return emulator.credential(), emulator.subscription_id, {"transport": emulator.transport()}


def create_resource_group(resource_client: ResourceManagementClient, name: str,
                          location: str) -> None:
    """Create (or update) the resource group everything else goes in."""
    print(f"Creating resource group '{name}' in {location}...")
    # az group create --name <name> --location <location>
    resource_client.resource_groups.create_or_update(name, {"location": location})


def create_container_group(aci_client: ContainerInstanceManagementClient,
                           resource_group: str, name: str, location: str,
                           image: str) -> None:
    """Section 2: one container, 1 CPU and 1 GB, public IP on TCP 80, DNS label = name."""
    print(f"Creating container group '{name}'...")
    container = Container(
        name=name,
        image=image,
        resources=ResourceRequirements(requests=ResourceRequests(memory_in_gb=1, cpu=1.0)),
        ports=[ContainerPort(port=80)],
    )
    group = ContainerGroup(
        location=location,
        containers=[container],
        os_type=OperatingSystemTypes.LINUX,
        ip_address=IpAddress(ports=[Port(protocol=ContainerGroupNetworkProtocol.TCP, port=80)],
                             type="Public", dns_name_label=name),
    )
    # az container create --resource-group <rg> --name <name> --image <image> --os-type Linux \
    #     --cpu 1 --memory 1 --ports 80 --ip-address Public --dns-name-label <name>
    result = aci_client.container_groups.begin_create_or_update(
        resource_group, name, group).result()
    print(f"Once DNS has propagated, container group '{result.name}' will be reachable at "
          f"http://{result.ip_address.fqdn}")


def create_container_group_multi(aci_client: ContainerInstanceManagementClient,
                                 resource_group: str, name: str, location: str,
                                 image1: str, image2: str) -> None:
    """Section 3: an app (port 80) and a sidecar in one group, sharing its network."""
    print(f"Creating container group '{name}'...")
    # One ResourceRequirements object for both containers, as in 2019: each asks for
    # 1 CPU and 2 GB (the group asks for the sum).
    resources = ResourceRequirements(requests=ResourceRequests(memory_in_gb=2, cpu=1.0))
    container_1 = Container(name=f"{name}-1", image=image1, resources=resources,
                            ports=[ContainerPort(port=80)])
    container_2 = Container(name=f"{name}-2", image=image2, resources=resources)
    group = ContainerGroup(
        location=location,
        containers=[container_1, container_2],
        os_type=OperatingSystemTypes.LINUX,
        ip_address=IpAddress(ports=[Port(protocol=ContainerGroupNetworkProtocol.TCP, port=80)],
                             type="Public", dns_name_label=name),
    )
    # az container create --resource-group <rg> --file multi.yaml
    #     (the CLI's flags describe one container; several need a YAML or ARM template)
    result = aci_client.container_groups.begin_create_or_update(
        resource_group, name, group).result()
    print(f"Once DNS has propagated, container group '{result.name}' will be reachable at "
          f"http://{result.ip_address.fqdn}")


def run_task_based_container(aci_client: ContainerInstanceManagementClient,
                             resource_group: str, name: str, location: str, image: str,
                             start_command_line: list[str] | None) -> None:
    """Section 4: a run-once container (command override, environment variables,
    restart policy Never); poll the creation, wait for the job to end, print its logs."""
    print(f"Creating container group '{name}' with start command {start_command_line}")
    container = Container(
        name=name,
        image=image,
        resources=ResourceRequirements(requests=ResourceRequests(memory_in_gb=1, cpu=1.0)),
        command=start_command_line,
        environment_variables=[EnvironmentVariable(name="NumWords", value="5"),
                               EnvironmentVariable(name="MinLength", value="8")],
    )
    group = ContainerGroup(location=location, containers=[container],
                           os_type=OperatingSystemTypes.LINUX,
                           restart_policy=ContainerGroupRestartPolicy.NEVER)
    # az container create --resource-group <rg> --name <name> --image <image> --os-type Linux \
    #     --cpu 1 --memory 1 --restart-policy Never \
    #     --environment-variables NumWords=5 MinLength=8 \
    #     --command-line "python wordcount.py http://shakespeare.mit.edu/romeo_juliet/full.html"
    poller = aci_client.container_groups.begin_create_or_update(resource_group, name, group)
    while not poller.done():
        print(".", end="", flush=True)
        poller.wait(1)
    group = poller.result()
    print(f"\nCreation of container group '{name}' finished: provisioning state "
          f"{group.provisioning_state}")

    # Provisioning done is not job done: the 2019 sample read the logs here, while the
    # task could still be running. Wait for the group to finish first.
    deadline = time.monotonic() + TASK_TIMEOUT
    dots = ""
    while True:
        # az container show --resource-group <rg> --name <name> --query instanceView.state
        group = aci_client.container_groups.get(resource_group, name)
        state = group.instance_view.state if group.instance_view else None
        if state in ("Succeeded", "Failed", "Stopped"):
            break
        if time.monotonic() > deadline:
            sys.exit(f"Container group '{name}' is still {state} after {TASK_TIMEOUT} s.")
        print(".", end="", flush=True)
        dots = "\n"
        time.sleep(2)
    print(f"{dots}Container group '{name}' finished: {state}")
    # az container logs --resource-group <rg> --name <name>
    logs = aci_client.containers.list_logs(resource_group, name, container.name)
    print(f"Logs for container '{container.name}':")
    print(logs.content)


def list_container_groups(aci_client: ContainerInstanceManagementClient,
                          resource_group: str) -> None:
    """Section 5: the groups of the resource group (without their instance view)."""
    print(f"Listing container groups in resource group '{resource_group}'...")
    # az container list --resource-group <rg> --output table
    for group in aci_client.container_groups.list_by_resource_group(resource_group):
        print(f"  {group.name}")


def print_container_group_details(aci_client: ContainerInstanceManagementClient,
                                  resource_group: str, name: str) -> None:
    """Section 6: get one group, with its instance view, and print its containers."""
    print(f"Getting container group details for container group '{name}'...")
    # az container show --resource-group <rg> --name <name>
    group = aci_client.container_groups.get(resource_group, name)
    print("------------------------")
    print(f"Name:   {group.name}")
    print(f"State:  {group.provisioning_state}")
    print(f"FQDN:   {group.ip_address.fqdn if group.ip_address else None}")
    print(f"IP:     {group.ip_address.ip if group.ip_address else None}")
    print(f"Region: {group.location}")
    print("Containers:")
    for container in group.containers:
        view = container.instance_view
        # Only a get fills the instance view, and only once the container exists.
        state = (view.current_state.state if view and view.current_state
                 else "(no instance view yet)")
        print(f"  Name:  {container.name}")
        print(f"  Image: {container.image}")
        print(f"  State: {state}")
        print("  ----------")


def delete_resources(aci_client: ContainerInstanceManagementClient,
                     resource_client: ResourceManagementClient, resource_group: str,
                     names: list[str]) -> None:
    """Section 7: delete the container groups, then the resource group."""
    for name in names:
        print(f"Deleting container group '{name}'...")
        # az container delete --resource-group <rg> --name <name> --yes
        aci_client.container_groups.begin_delete(resource_group, name).result()
    print(f"Deleting resource group '{resource_group}'...")
    # az group delete --name <rg> --yes
    resource_client.resource_groups.begin_delete(resource_group).result()
    print("Deleted.")


def main(argv: list[str] | None = None) -> int:
    """Run the seven sections in the 2019 sample's order."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emulator", action="store_true",
                        help="run offline on the tutorial kit's emulator (only the credential "
                             "and the transport change)")
    parser.add_argument("--location", default="eastus", help="region (default: eastus)")
    parser.add_argument("--resource-group", help="default: aci-rg-<6 random digits>")
    parser.add_argument("--yes", action="store_true",
                        help="delete at the end without waiting for ENTER (without a terminal, "
                             "it does not wait either)")
    args = parser.parse_args(argv)

    suffix = random.randint(100000, 999999)  # DNS name labels are unique per region
    resource_group = args.resource_group or f"aci-rg-{suffix}"
    name = f"aci-{suffix}"
    multi_name = f"{name}-multi"
    task_name = f"{name}-task"

    aci_client, resource_client = authenticate(args.emulator)
    try:
        create_resource_group(resource_client, resource_group, args.location)
        create_container_group(aci_client, resource_group, name, args.location,
                               HELLOWORLD_IMAGE)
        create_container_group_multi(aci_client, resource_group, multi_name, args.location,
                                     HELLOWORLD_IMAGE, SIDECAR_IMAGE)
        run_task_based_container(aci_client, resource_group, task_name, args.location,
                                 WORDCOUNT_IMAGE,
                                 ["python", "wordcount.py",
                                  "http://shakespeare.mit.edu/romeo_juliet/full.html"])
        list_container_groups(aci_client, resource_group)
        print_container_group_details(aci_client, resource_group, name)
        if args.yes:
            pass
        elif sys.stdin.isatty():
            input("Press ENTER to delete all resources created by this sample: ")
        else:  # the 2019 sample's pause is for a person at a terminal; nobody can press ENTER
            print("No terminal to press ENTER in: deleting now (--yes skips the pause).")
        delete_resources(aci_client, resource_client, resource_group,
                         [name, multi_name, task_name])
    except HttpResponseError as err:
        print(f"Azure refused a request: {err.message}", file=sys.stderr)
        print(f"Delete what was created with: az group delete --name {resource_group} --yes",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
