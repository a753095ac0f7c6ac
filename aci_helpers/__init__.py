"""Helpers for the Azure Container Instances notebooks.

``connect()`` gives the real SDK clients, on the in-process emulator (default) or on
Azure (``ACI_BACKEND=azure``). The other helpers take away what is not the lesson:
waiting, tables, logs, cleanup, cost, short error messages. Imported lazily, so
``import aci_helpers`` stays cheap (no pandas, matplotlib or SDK models until used).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError
from .session import Session, connect

# Two functions share their name with their module: ``wait`` and ``cleanup``. Imported
# lazily, whichever of ``import aci_helpers.wait`` (e.g. by ``wait_for_state``) and
# ``from aci_helpers import wait`` came first decided what the name meant, and a learner
# could get the module ("'module' object is not callable"). Both modules are light.
from .cleanup import cleanup
from .wait import wait

_EXPORTS = {
    # session
    "load_settings": "session", "Settings": "session", "ensure_resource_group": "session",
    "TUTORIAL_TAGS": "session", "default_state_path": "session",
    # names
    "unique_name": "names",
    # builders
    "single_container_group": "builders", "multi_container_group": "builders",
    "task_container_group": "builders", "tutorial_tags": "builders", "resources": "builders",
    "public_ip": "builders", "environment": "builders", "HELLOWORLD_IMAGE": "builders",
    "SIDECAR_IMAGE": "builders", "WORDCOUNT_IMAGE": "builders",
    # waiting
    "wait_for_operation": "wait", "wait_for_state": "wait",
    "wait_for_container": "wait", "wait_for_restarts": "wait",
    # views
    "groups_table": "views", "containers_table": "views", "events_table": "views",
    "plot_timeline": "views",
    # logs
    "get_logs": "logs", "follow_logs": "logs",
    # cost
    "estimate_cost": "cost", "price_table": "cost", "CostEstimate": "cost",
    # errors
    "explain": "errors", "explain_error": "errors", "aci_errors": "errors",
    "AuthenticationError": "errors", "WaitTimeout": "errors", "AciHelpersError": "errors",
    # second track: volumes (09)
    "file_share": "storage", "FileShare": "storage",
    "ArgumentError": "errors",
    # second track: private registries (08), diagnosis (10)
    "private_registry": "registry", "PrivateRegistry": "registry", "Secret": "storage",
    "diagnose": "diagnosis", "diagnose_group": "diagnosis", "Diagnosis": "diagnosis",
    # second track: inside a running container (12)
    "exec_command": "terminal", "ExecError": "terminal",
}

__all__ = ["connect", "Session", "ConfigurationError", "cleanup", "wait", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aci_helpers' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs; at run time the names load on first use
    from .builders import (HELLOWORLD_IMAGE, SIDECAR_IMAGE, WORDCOUNT_IMAGE, environment,  # noqa: F401
                           multi_container_group, public_ip, resources, single_container_group,
                           task_container_group, tutorial_tags)
    from .cost import CostEstimate, estimate_cost, price_table  # noqa: F401
    from .diagnosis import Diagnosis, diagnose, diagnose_group  # noqa: F401
    from .errors import (AciHelpersError, ArgumentError, AuthenticationError,  # noqa: F401
                         WaitTimeout, aci_errors, explain, explain_error)
    from .logs import follow_logs, get_logs  # noqa: F401
    from .names import unique_name  # noqa: F401
    from .terminal import ExecError, exec_command  # noqa: F401
    from .registry import PrivateRegistry, private_registry  # noqa: F401
    from .session import (TUTORIAL_TAGS, Settings, default_state_path,  # noqa: F401
                          ensure_resource_group, load_settings)
    from .storage import FileShare, Secret, file_share  # noqa: F401
    from .views import containers_table, events_table, groups_table, plot_timeline  # noqa: F401
    from .wait import (wait_for_container, wait_for_operation, wait_for_restarts,  # noqa: F401
                       wait_for_state)
