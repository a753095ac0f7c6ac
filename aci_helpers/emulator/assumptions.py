"""Every place the emulator had to guess, in one file.

The reference (``aci-behaviour.md``, the OpenAPI spec, the recordings) is silent or marked
*unconfirmed* on each value here. Each constant is also a row of the support matrix
(``docs/emulator-support.md``); a test checks that every public name here appears there.
"""

from __future__ import annotations

# --- identity -----------------------------------------------------------------------------
#: Subscription id of the emulated cloud. GUID-shaped and fixed so that runs are comparable.
SUBSCRIPTION_ID = "00000000-0000-0000-0000-0000000ac1e0"
#: Tenant id reported for managed identities (system- and user-assigned: the recorded answers
#: carry ``identity.tenantId`` for both; azure-cli test_container_create_with_msi.yaml).
TENANT_ID = "00000000-0000-0000-0000-0000000ac1e1"

# --- api versions -------------------------------------------------------------------------
#: Microsoft.ContainerInstance api-versions served, each validated and shaped by its own spec
#: (``data/api/<version>.json``): 2023-05-01 (azure-mgmt-containerinstance 10.1), the previews
#: the Azure CLI and SDK 10.2 betas send, the stable 2025-09-01 and 2026-05-01.
#: 2025-05-01-preview is not published, so it is not served.
ACI_API_VERSIONS = ("2023-05-01", "2024-05-01-preview", "2024-10-01-preview",
                    "2024-11-01-preview", "2025-09-01", "2026-05-01", "2026-06-01-preview")
#: Versions whose answers show ``restartPolicy: "Always"`` when the request omitted it. Newer
#: versions omit it (a 2024-05-01-preview answer to a PUT without restartPolicy carries none:
#: azure-cli test_container_reuse_from_standbypool_outbound.yaml, recorded 2025-07-21); the
#: containers still restart as ``Always`` in every version. For 2025-09-01 and later the
#: omission is assumed to continue (no recording).
RESTART_POLICY_ECHOED_WHEN_OMITTED = frozenset({"2023-05-01"})
#: api-version the service writes into Azure-AsyncOperation URLs (seen in every recording).
ACI_OPERATION_API_VERSION = "2018-06-01"
#: Microsoft.Resources api-versions accepted (resource-group shapes are stable across them):
#: every version azure-mgmt-resource 23-26 bundles (23.0: 2016-02-01 .. 2022-09-01, default
#: 2022-09-01; 23.3: default 2024-11-01; 23.4: default 2025-03-01; 24-26: up to 2025-04-01,
#: the default), the Azure CLI's 2021-04-01 / 2022-09-01, and the others ARM publishes between.
RESOURCES_API_VERSIONS = (
    "2016-02-01", "2016-09-01", "2017-05-10", "2018-02-01", "2018-05-01", "2019-03-01",
    "2019-05-01", "2019-05-10", "2019-07-01", "2019-08-01",
    "2019-10-01", "2020-06-01", "2020-10-01", "2021-01-01", "2021-04-01", "2022-09-01",
    "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-01-01", "2025-03-01",
    "2025-04-01",
)
#: Provider registration (Providers_Get/Register/Unregister) also answers 2016-02-01: the
#: version azure-mgmt-core's automatic registration policy sends on MissingSubscriptionRegistration.
PROVIDERS_API_VERSIONS = ("2016-02-01", *RESOURCES_API_VERSIONS)
#: An unknown api-version on a resource-group URL answers ARM's InvalidApiVersionParameter
#: (what ARM's own resource types answer); on a Microsoft.ContainerInstance URL the gateway's
#: NoRegisteredProviderFound (recorded).
RESOURCES_BAD_API_VERSION_CODE = "InvalidApiVersionParameter"

#: Regions where the emulated ACI exists (the list of the recorded NoRegisteredProviderFound).
LOCATIONS = (
    "westcentralus", "westus", "eastus", "westeurope", "westus2", "northeurope",
    "southeastasia", "eastus2", "centralus", "australiaeast", "uksouth", "southcentralus",
    "centralindia", "brazilsouth", "southindia", "northcentralus", "eastasia",
    "canadacentral", "japaneast", "koreacentral", "francecentral", "switzerlandnorth",
    "germanywestcentral", "uaenorth",
)

# --- paging -------------------------------------------------------------------------------
#: Container groups per page of a list answer before a ``nextLink`` (real page size unknown).
PAGE_SIZE = 100

# --- clocks -------------------------------------------------------------------------------
#: ``Retry-After`` (seconds) on async-operation answers. Real ACI sends none; without it the
#: SDK would wait its default 30 s between polls.
RETRY_AFTER_SECONDS = 1
#: Retry-After of a resource-group delete's Location answers (ARM sends 15; kept short).
RG_DELETE_RETRY_AFTER_SECONDS = 1
#: Epoch of the instant (virtual) clock: 2024-01-01T00:00:00Z.
INSTANT_EPOCH = 1704067200.0
#: Bound on how far one request may advance the instant clock (seconds of virtual time).
INSTANT_MAX_ADVANCE_SECONDS = 3600.0
#: How long a resource-group delete stays "Deleting" (seconds).
RG_DELETE_SECONDS = 2.0

# --- lifecycle timeline (seconds after a create / start / restart) --------------------------
#: provisioningState Pending -> Creating.
CREATING_AFTER = 0.5
#: "Pulling" event (per container).
PULLING_AFTER = 1.0
#: "Pulled" event.
PULLED_AFTER = 2.0
#: Pulling/Pulled events name the image by digest, ``alpine@sha256:<64 hex>`` (every recording
#: since 2021: azcli_test_container_create*.yaml, azcli_test_container_attach.yaml). The digest
#: itself is a guess: sha256 of the normalised reference (stable per image, not the registry's).
PULL_EVENTS_NAME_DIGEST = True
#: "Started" event; the container is Running, and the async operation and provisioningState
#: reach Succeeded here: Microsoft's states page defines Succeeded as the group having got its
#: containers into the running state, and the Azure CLI's recorded creates poll Pending before
#: the container's Started and Succeeded after it (azcli_test_container_create_with_confidential_sku,
#: _with_zone, _with_vnet, _exec). The durations are the emulator's (real ACI: tens of seconds).
STARTED_AFTER = 3.0
#: Crash-loop back-off before restart k (0-based): min(BASE * 2**k, CAP), kubelet-like.
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 300.0
#: The instant clock advances a crash loop (a container that exits and is restarted) to the
#: first restart at or after this many seconds from the run's start, on the same back-off
#: timeline as the realtime clock, and no further: about when the recordings looked at such
#: groups (azure-cli test_container_create_with_msi.yaml: alpine under Always, ~32 s after
#: the PUT: Running, restartCount 2). Later restarts happen as virtual time moves on.
INSTANT_CRASHLOOP_SETTLE_SECONDS = 30.0
#: currentState.detailStatus while a container waits out a back-off (seen in user reports).
BACKOFF_DETAIL_STATUS = "CrashLoopBackOff: Back-off restarting failed"
#: Message of the Warning "BackOff" event.
BACKOFF_EVENT_MESSAGE = "Back-off restarting failed container"

# --- limits -------------------------------------------------------------------------------
#: Default standard-core quota per region per subscription (Emulator(quota_cores=...)).
DEFAULT_QUOTA_CORES = 100
#: Container-group count limit reported by the usages list (not enforced).
CONTAINER_GROUPS_LIMIT = 5000
MAX_GROUP_CPU = 4.0
MAX_GROUP_MEMORY_GB = 16.0
MIN_GROUP_CPU = 1.0
MIN_GROUP_MEMORY_GB = 1.0
#: A group asking more than MAX_GROUP_CPU / MAX_GROUP_MEMORY_GB (the real maximum differs
#: per region and has grown over time) gets the capacity answer, as public reports of real
#: Azure show: 409 ServiceUnavailable at the PUT (virtual-kubelet/virtual-kubelet#592, the
#: message below); the same words appear in 2024-2025 reports. Those reports are of
#: virtual-network groups (the message ends "virtual network"); the shorter ending for other
#: groups is a guess.
ERR_OVER_REGION_MAXIMUM = ("ServiceUnavailable", 409)


def over_region_maximum_message(location: str, cpu: str, memory_gb: str, os_type: str,
                                virtual_network: bool) -> str:
    """The capacity message real Azure sends for a request over the region's maximum."""
    return (f"The requested resource is not available in the location '{location}' at this "
            f"moment. Please retry with a different resource request or in another location. "
            f"Resource requested: '{cpu}' CPU '{memory_gb}' GB memory '{os_type}' OS"
            + (" virtual network" if virtual_network else ""))


#: Requests past any region's size (e.g. cpu 1e30) are refused as invalid values, not
#: answered with the capacity message (what real Azure does with such numbers is unknown).
MAX_SANE_REQUEST = {"cpu": "1000", "memoryInGB": "10000"}
MAX_CONTAINERS = 60
MAX_VOLUMES = 20
MAX_PORTS_PER_IP = 5
#: Logs kept while running (bytes) and once stopped/terminated (bytes, lines).
LOG_LIMIT_RUNNING_BYTES = 4 * 1024 * 1024
LOG_LIMIT_STOPPED_BYTES = 16 * 1024
LOG_LIMIT_STOPPED_LINES = 1000
#: Logs of a stopped group (its containers are gone): an empty content (unconfirmed).
STOPPED_LOGS_CONTENT = ""

# --- error codes the reference leaves unconfirmed ---------------------------------------------
#: (code, HTTP status) per validation failure.
ERR_INVALID_GROUP_NAME = ("ContainerGroupNameInvalid", 400)
ERR_INVALID_CONTAINER_NAME = ("InvalidContainerName", 400)
ERR_INVALID_DNS_LABEL = ("InvalidDnsNameLabel", 400)
ERR_DNS_LABEL_TAKEN = ("DnsNameLabelNotAvailable", 409)
#: Azure's code (Azure/azure-rest-api-specs#19173, MicrosoftDocs/azure-docs#37092); the status a guess.
ERR_INVALID_ENV_NAME = ("InvalidContainerEnvironmentVariable", 400)
ERR_DUPLICATE_ENV_NAME = ("DuplicateEnvironmentVariables", 400)
ERR_INVALID_RESOURCES = ("InvalidContainerGroupResourceRequest", 400)
ERR_RESOURCE_PRECISION = ("InvalidResourceRequestPrecision", 400)
ERR_LIMITS_OVER_REQUEST = ("ContainerLimitGreaterThanContainerGroupTotalRequest", 400)
ERR_INVALID_PORT = ("InvalidPort", 400)
ERR_TOO_MANY_PORTS = ("TooManyPorts", 400)
ERR_TOO_MANY_CONTAINERS = ("TooManyContainers", 400)
ERR_TOO_MANY_VOLUMES = ("TooManyVolumes", 400)
ERR_DUPLICATE_CONTAINER = ("DuplicateContainerNames", 400)
ERR_INVALID_UPDATE = ("InvalidContainerGroupUpdate", 409)
ERR_REGISTRY_CREDENTIALS = ("InaccessibleImage", 400)
ERR_GROUP_STOPPED = ("ContainerGroupStopped", 409)
ERR_CONTAINER_NOT_FOUND = ("ContainerNotFound", 404)
ERR_MISSING_PROPERTY = ("InvalidRequestContent", 400)
ERR_UNSUPPORTED_FEATURE = ("UnsupportedFeature", 400)
ERR_INVALID_OS_TYPE = ("InvalidOsType", 400)
ERR_INVALID_RESTART_POLICY = ("InvalidRestartPolicy", 400)
ERR_INVALID_VOLUME = ("InvalidVolume", 400)
ERR_INVALID_TAGS = ("InvalidTagsPatch", 400)
ERR_UNKNOWN_ROUTE = ("InvalidResourceType", 404)
ERR_UNKNOWN_PATH = ("NotFound", 404)
ERR_METHOD_NOT_ALLOWED = ("MethodNotAllowed", 405)
ERR_NOT_IMPLEMENTED = ("NotImplemented", 501)
ERR_OPERATION_NOT_FOUND = ("OperationNotFound", 404)
#: A request to Microsoft.ContainerInstance while the subscription is not registered for it:
#: code and message as Microsoft's troubleshooting page shows them; the status is a guess.
ERR_NOT_REGISTERED = ("MissingSubscriptionRegistration", 409)
#: GET/register of a namespace other than Microsoft.ContainerInstance (the only one modelled;
#: real ARM knows them all): code and status are guesses.
ERR_UNKNOWN_NAMESPACE = ("InvalidResourceNamespace", 404)

# --- provider registration ----------------------------------------------------------------
#: ``providers.register``/``unregister`` take effect at once (real ARM answers Registering /
#: Unregistering first, for a minute or more); unregistering is allowed while groups exist.
PROVIDER_REGISTRATION_INSTANT = True

# --- delete -------------------------------------------------------------------------------
#: Answer of DELETE on a container group that does not exist: the spec's 204 (a real answer
#: was not recorded; ARM's convention for an absent resource).
DELETE_ABSENT_STATUS = 204

# --- start / restart ----------------------------------------------------------------------
#: Answer of POST .../start (the spec allows 202 or 204; 204 was seen live).
START_STATUS = 204
#: ``start`` on a group that is not stopped starts nothing and its operation succeeds at once.
START_WHEN_RUNNING_IS_NOOP = True
#: A PUT whose containers are unchanged (only tags differ) keeps the running containers;
#: any other accepted change redeploys them (a new run with new events).
UPDATE_SAME_SPEC_KEEPS_RUN = True
#: Stopped groups do not count toward the core quota (their resources are released).
STOPPED_GROUPS_USE_QUOTA = False
#: A stopped group shows no public IP (released with its resources) and ``start`` assigns a
#: new one. Microsoft's docs say only that the IP "can change when the container group is
#: restarted" (container-instances-stop-start).
STOP_RELEASES_IP = True
#: ``restart`` keeps the group's public IP (unconfirmed: the docs say it can change).
RESTART_KEEPS_IP = True
#: Logs returned are those of the current attempt of the container (kubectl-like).
LOGS_CURRENT_ATTEMPT_ONLY = True
#: An ipAddress port no container exposes is refused (ACI validates this; code unconfirmed).
ERR_IP_PORT_NOT_EXPOSED = ("InvalidIpAddressPorts", 400)
#: The same port twice in the ipAddress, or exposed by two containers of a group (they share
#: one network namespace), is refused (unconfirmed: code and message are guesses).
ERR_DUPLICATE_PORTS = ("DuplicatePorts", 400)
#: identity.type outside the api-version's enum is a deserialization error, as for any
#: non-string enum of the model (modelAsString: false in the spec).
IDENTITY_TYPES = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None")
#: One state file used by both clocks: an instant clock resumes virtual time at the latest
#: moment a realtime emulator wrote (never earlier); a realtime clock always uses the wall
#: clock (an instant file's virtual time, from INSTANT_EPOCH, is in its past: groups it made
#: simply look old). Virtual time pushed past the wall clock is not reconciled.
CLOCK_HANDOVER = "instant-resumes-at-realtime-high-water"
#: An image the catalog does not know, on a public registry (docker.io, mcr.microsoft.com,
#: ghcr.io, quay.io, gcr.io, public.ecr.aws), is one Azure would pull: it is accepted and runs
#: as an opaque process that never exits and whose log is one line saying its real output is
#: unknown (runtime/images.py OPAQUE_IMAGE_NOTE). A name within one or two edits of a catalog
#: repository of the same namespace (``aci-helloword``, ``ngnix``) keeps Azure's refusal
#: (InaccessibleImage); private registries (``*.azurecr.io``) still need credentials.
UNKNOWN_PUBLIC_IMAGES_RUN_OPAQUE = True

# --- volumes (notebook 09) ----------------------------------------------------------------
#: Wrong volume mounts (a mount path with ':', two mounts of one container on one path):
#: refused at PUT; the code is a guess (the spec says a mount path must not contain ':').
ERR_INVALID_VOLUME_MOUNT = ("InvalidVolumeMount", 400)
#: An azureFile volume without shareName, storageAccountName, or a key (storageAccountKey,
#: or storageAccountKeyReference in the versions that have it): refused at PUT (guess: the
#: spec makes the key optional; Azure needs it to mount the share).
ERR_AZURE_FILE_VOLUME = ("InvalidAzureFileVolume", 400)
#: A secret volume value that is not Base64 (Microsoft's docs: "the secret values must be
#: Base64-encoded"), or a file name with '/' or other characters: refused (guess: code).
ERR_SECRET_VOLUME = ("InvalidSecretVolume", 400)
#: A gitRepo volume without a repository, with a URL that is not http(s) (the docs: "the
#: full URL, including http:// or https://"), or a directory with '..' (the spec): refused
#: (guess: code).
ERR_GIT_REPO_VOLUME = ("InvalidGitRepoVolume", 400)
#: Secret volumes are mounted read-only (tmpfs, as Kubernetes mounts secrets; unconfirmed
#: for ACI): a write fails with "Read-only file system".
SECRET_VOLUMES_READ_ONLY = True
#: Repositories a gitRepo volume can "clone" offline: the file list of the docs' example
#: (Microsoft's docs, Mount a gitRepo volume: ls -l shows Dockerfile, LICENSE, README.md,
#: app). The files hold a one-line stand-in, not the real contents. Any other repository:
#: the volume is empty and each container mounting it logs a line saying why.
GIT_REPOSITORIES = {
    "github.com/azure-samples/aci-helloworld": (
        "Dockerfile", "LICENSE", "README.md", "app/index.js", "app/package.json"),
}
#: Containers of a group that share a volume are launched in rounds, each seeing the
#: others' writes of the previous round, until nothing changes or this many rounds ran (a
#: chain of containers each copying the previous one's file settles within it).
VOLUME_SHARING_ROUNDS = 4
#: Writes a container makes to a shared volume are seen by the other containers of its
#: group for the first hour of the run, and at most what its first 20,000 commands wrote (a
#: program that never settles into a repeating pattern is simulated no further); a container
#: that restarts within a run replays its first attempt.
VOLUME_WRITES_HORIZON_SECONDS = 3600.0
#: Azure Files: a group's run sees a share as stored when the run starts, plus what the
#: groups still running had written by then; a run's writes land in the stored share when
#: the run ends (stop, restart, redeploy, delete of the group or its resource group), in
#: the order runs end. Azure shows writes to every mounting group at once (SMB).
SHARE_WRITES_LAND_WHEN_RUN_ENDS = True
#: Text kept per emulated share (bytes); files past it (by name) are cut.
SHARE_MAX_BYTES = 1024 * 1024

# --- request decoding at the door (app.py), before any rule or store ---------------------------
#: Largest request body ARM takes: 4 MB. Larger ones get HTTP 413 ``RequestContentTooLarge``,
#: "The request content size exceeds the maximum size of 4 MB." (reported by users of ARM
#: deployments and azd; the emulator adds a hint).
MAX_REQUEST_BYTES = 4 * 1024 * 1024
ERR_REQUEST_TOO_LARGE = ("RequestContentTooLarge", 413)
#: Deepest nesting of JSON objects and arrays in a body (guess: ARM is .NET, and Json.NET's
#: reader refuses more than 64 levels with "The reader's MaxDepth of 64 has been exceeded").
#: Applies to every field, free-form ones (extensions' settings, tags) included.
MAX_JSON_DEPTH = 64
#: A body that is not UTF-8, or a JSON string holding a lone surrogate (``"\ud800"``), is
#: refused as undeserializable content (InvalidRequestContent) before anything is stored
#: (guess: .NET's System.Text.Json refuses both; what ARM itself answers was not found).
INVALID_TEXT_REFUSED = True
#: An encoded "/" (``%2F``) in a path segment is part of that segment (RFC 3986), never a
#: separator: ``containerGroups/a%2Fcontainers%2Fb%2Flogs`` names the group "a/containers/b/logs"
#: (refused or not found like any invalid name) instead of reaching a container's logs
#: (guess: ARM's own answer was not found).
ENCODED_SLASH_IS_DATA = True
#: Lines of one log answer that the emulator simulates one by one (a shell loop printing
#: the time, `echo $(date)`, or a loop that neither repeats nor ends): at most this many,
#: the latest; the answer then starts with LOG_SIMULATED_LINES_NOTE saying how many earlier
#: lines were left out. Ask for ``tail=N`` to read fewer. (Emulator-only: Azure keeps 4 MB.)
LOG_SIMULATED_LINES_LIMIT = 2000
LOG_SIMULATED_LINES_NOTE = ("[aci-emulator] {hidden:,} earlier lines are not shown: the emulator "
                            "simulates this container's output line by line and returns at most "
                            "the last 2,000 (use tail=N for fewer)")

# --- second track (issue 11, branch beyond): registries, Spot priority -------------------------
#: The emulator checks registry credentials only for registries it models: emulated registries
#: (Emulator.add_registry; an Azure Container Registry stand-in with one user, whose password is
#: kept as a salted hash, the images imported into it and the identities granted pull). A wrong
#: username or password, an identity not granted pull, a repository or tag that was never
#: imported: InaccessibleImage, Azure's one answer for all of them. Any other registry that is not
#: public accepts whatever credentials name its server (the emulator cannot check a real
#: password) and runs images it does not know as opaque processes (UNKNOWN_PUBLIC_IMAGES_RUN_OPAQUE).
#: A Key Vault passwordReference cannot be resolved, so an emulated registry refuses it.
EMULATED_REGISTRIES_CHECK_CREDENTIALS = True
#: A credential's ``identity`` that is not one of the group's user-assigned identities: the code
#: and message a user reported from the service (MicrosoftDocs/azure-docs#117644, where it named
#: the group's system-assigned identity); the status is a guess. Microsoft's page on pulling with
#: a managed identity allows only user-assigned ones for Windows containers and says nothing of
#: system-assigned ones on Linux: the emulator follows the report and refuses them too.
ERR_REGISTRY_IDENTITY = ("InvalidImageRegistryIdentity", 400)
#: A credential with neither an identity nor a username and password (code and message guessed).
ERR_REGISTRY_CREDENTIAL_INCOMPLETE = ("InvalidImageRegistryCredential", 400)
#: ``priority`` outside Regular/Spot (matched case-insensitively and canonicalised; code guessed).
ERR_INVALID_PRIORITY = ("InvalidContainerGroupPriority", 400)
#: Regions offering Spot container groups, from Microsoft's quota page ("East US 2, West Europe,
#: and West US"; the recorded Spot create ran in westus).
SPOT_LOCATIONS = ("eastus2", "westeurope", "westus")
#: A Spot group elsewhere, or with what Microsoft's Spot page lists as unsupported (a public IP,
#: a virtual network, the Confidential SKU, zones): refused at PUT, code and message guessed.
ERR_SPOT_UNSUPPORTED = ("SpotContainerGroupNotSupported", 400)
#: Azure may evict a Spot group at any time and then restarts it; the emulator never evicts.
SPOT_NEVER_EVICTED = True
#: Spot groups count against a quota of their own, StandardSpotCores, not StandardCores
#: (Microsoft's support article "ContainerGroupQuotaReached error when deploying Spot containers":
#: 100 cores on Enterprise Agreement subscriptions, 10 on default ones, 0 on others). The
#: emulator's default is the first, a guess at the subscription's kind (a workshop's class cloud
#: runs 30 Spot tasks at once); ``Emulator(spot_quota_cores=...)`` or ``emu.spot_quota_cores``
#: set it, 0 included. ``list_usage`` lists it as a StandardSpotCores row (whether Azure's list
#: does is not recorded: the 2021 recording predates Spot).
DEFAULT_SPOT_QUOTA_CORES = 100

# --- evidence review (issue 17): behaviours no cited public source backs -----------------------
#: ARM's conventions the emulator follows without a cited recording or document (each a row marked
#: *guess* in the support matrix): what a missing token, a missing api-version, malformed JSON, a
#: missing resource group and resource-group writes answer.
ARM_CONVENTIONS_UNCITED = (
    "401 AuthenticationFailed without Authorization",
    "400 MissingApiVersionParameter without api-version",
    "400 InvalidRequestContent for malformed JSON and wrong JSON types (code and message)",
    "404 ResourceGroupNotFound",
    "resource groups: PUT 201/200, HEAD 204/404, DELETE 202 + Location, list paging",
)
#: GET .../outboundNetworkDependenciesEndpoints answers an empty list (the spec gives the shape,
#: an array of strings; no recorded answer).
OUTBOUND_DEPENDENCIES_EMPTY = True
#: ``extensions[].properties.protectedSettings`` is never returned (no spec version marks it
#: ``x-ms-secret``; treated like the secrets that are).
PROTECTED_SETTINGS_NEVER_RETURNED = True
#: An exec-form command whose program (argv[0]) is not in the image fails the create: the
#: container cannot start, and the operation ends Failed at STARTED_AFTER with the container
#: runtime's words in a CodePackage activation error (MicrosoftDocs/azure-docs#106296, 2023;
#: in 2021 such a create hung, its container Waiting: hashicorp/terraform-provider-azurerm#13724).
#: The group is left provisioningState Failed, its containers Waiting (no exit code, an empty
#: log) with a Warning event "Failed" carrying the message. A shell's own "not found" is
#: different: the shell runs and exits 127 (POSIX). A program under a mount path is looked for
#: only when the container runs (its volume's files are not known before): exit 127 then.
#: Guesses: the operation error's code (ERR_ACTIVATION_FAILED), the message's first sentence,
#: the event's name, the group's state (FAILED_CREATE_GROUP_STATE).
EXEC_FORM_MISSING_PROGRAM_FAILS_CREATE = True
ERR_ACTIVATION_FAILED = "ContainerActivationFailed"


def activation_failure_message(container: str, group: str, runtime_error: str) -> str:
    """The error of a create whose container ``container`` could not start (its program is not
    in the image); ``runtime_error`` is the container runtime's line (``failed to create shim
    task: ... executable file not found in $PATH: unknown``), as MicrosoftDocs/azure-docs#106296
    quotes it inside "There was an error during CodePackage activation"."""
    return (f"Container '{container}' of container group '{group}' could not start. There was an "
            f"error during CodePackage activation.GrpcStatusCode=UNKNOWN, ErrorMessage=failed to "
            f"create containerd task: {runtime_error}")


#: The Warning event of a failed create: "InsufficientCapacity." for a region out of capacity
#: (Azure/Azure-Landing-Zones#2404, #2409: the operation's events, name with its dot; on demand
#: only, Emulator.inject_fault(..., during="operation")); "Failed" for a container that could
#: not start (a guess, the name of the Warning events of failed pulls on Microsoft's page).
CAPACITY_EVENT_NAME = "InsufficientCapacity."
ACTIVATION_EVENT_NAME = "Failed"
#: A group whose create's operation failed reads provisioningState Failed (Microsoft's states
#: page) and instanceView state Failed (a guess: no recorded GET after such a failure).
FAILED_CREATE_GROUP_STATE = "Failed"

# --- the local cloud (aci-tutorial serve: sign-in and the ARM calls around it) ------------
#: Microsoft.Resources subscriptions/tenants api-versions served (Subscriptions_List/Get,
#: Tenants_List): those azure-mgmt-resource's SubscriptionClient bundles; the Azure CLI 2.91
#: sends 2022-12-01.
SUBSCRIPTIONS_API_VERSIONS = ("2016-06-01", "2018-06-01", "2019-06-01", "2019-11-01",
                              "2021-01-01", "2022-12-01")
#: The emulated subscription's and tenant's display names (the emulator's own: no recording).
SUBSCRIPTION_NAME = "ACI tutorial (emulated)"
TENANT_NAME = "ACI tutorial local tenant (emulated)"
TENANT_DOMAIN = "aci-tutorial.local"
#: The emulator's sign-in (OpenID configuration, token) accepts ANY client id and secret for
#: any tenant and grants every request: it checks only that a client id and a secret (or an
#: assertion) were sent, with Entra ID's AADSTS codes when not. Real Entra ID checks them.
SIGNIN_ACCEPTS_ANY_CLIENT = True
#: Lifetime of the tokens the local cloud issues (Entra ID's are typically 60-90 minutes).
TOKEN_SECONDS = 3599
#: A container that omits ``resources`` gets these requests, and a group that omits ``osType``
#: this OS, in the api-versions whose spec no longer requires them (2024-05-01-preview on): the
#: Azure CLI 2.91 sends neither without ``--cpu``/``--memory``/``--os-type``, and the CLI's
#: documented defaults are 1 core, 1.5 GB and Linux (Microsoft's quickstart creates a group
#: with none of the three). 2023-05-01 requires them (its spec), as before.
DEFAULT_RESOURCE_REQUESTS = {"cpu": 1.0, "memoryInGB": 1.5}
DEFAULT_OS_TYPE = "Linux"
RESOURCES_REQUIRED_VERSIONS = frozenset({"2023-05-01"})

# --- exec and attach (issue 18; what is public: ../shared/reference/aci-exec.md) -------------
#: Seconds a password from execute_command/attach stays good, and it works once (a wrong one
#: spends the session too). Azure's rule is not public: guess.
EXEC_PASSWORD_TTL_SECONDS = 60.0
#: Sessions issued and not yet connected that one process keeps (the oldest go first): guess.
EXEC_PENDING_SESSIONS_MAX = 1024
#: The close code of a socket whose password is wrong, reused, expired or whose session is
#: unknown (1008, "policy violation", the standard code for a refused client): guess.
EXEC_REFUSED_CLOSE_CODE = 1008
#: Seconds the socket waits for the password before it closes (guess).
EXEC_PASSWORD_WAIT_SECONDS = 10.0
#: The socket's output is sent in binary frames of the terminal's bytes (UTF-8): the Azure CLI
#: writes text and binary frames alike; what ACI sends is not public (guess).
EXEC_OUTPUT_BINARY_FRAMES = True
#: The exec refusal of a command that names no program is worded as the one public ACI report
#: has it (Azure/azure-cli#8687, 2019: "rpc error: code = 2 desc = oci runtime error: exec
#: failed: container_linux.go:247: ..."); today's wording is not public (guess).
EXEC_REFUSAL_WORDING = "azure-cli#8687 (2019)"
#: The exec'd process's terminal (runtime/exec_tty.py): echo, erase and kill, Ctrl-C and Ctrl-D,
#: special keys ignored, no escape sequences of the shells' line editors (azure-cli#6537 reports
#: some from busybox): guess.
EXEC_TTY_KEYS_IGNORED = True
#: Attach streams the container's output as it is printed, read every this many seconds of
#: wall time (guess), with "\n" newlines (no terminal: ACI's containers have none).
ATTACH_POLL_SECONDS = 0.25
#: What an attach client sends is dropped: ACI's container processes have no standard input
#: (guess; Docker's attach would forward it).
ATTACH_INPUT_DROPPED = True
#: What exec sessions wrote is kept in the state for the next exec of the same run (the
#: container's own files until it restarts, volume writes for the run), up to this many bytes
#: per group; beyond, a session's writes are not kept (guess). The main processes never see
#: what an exec wrote (their output is simulated from the spec alone).
EXEC_KEPT_BYTES_MAX = 1_000_000
#: An exec request without terminalSize gets (rows, cols) = (24, 80), the Azure CLI's own
#: fallback without a terminal; sizes outside 1..EXEC_TERMINAL_MAX, or a command that is not a
#: string, are refused with 400 InvalidRequestContent (ARM's answer is not public: guess).
EXEC_DEFAULT_TERMINAL = (24, 80)
EXEC_TERMINAL_MAX = 10_000
#: Exec into a container that is not running (a stopped group, a container Waiting or
#: Terminated) answers 200 with a URI and password, as ACI does for a Terminated one
#: (ev:pub-exec); the socket then prints one [aci-emulator] line and closes (guess).
EXEC_NOT_RUNNING_CLOSES = True
