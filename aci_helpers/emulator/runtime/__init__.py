"""The emulator's simulated container runtime: which images exist, what a container
prints and when it exits. Pure and deterministic: no clock, no network, no threads, no
settings; the only I/O is loading the shipped word-count data.

    from aci_helpers.emulator.runtime import ImageCatalog, launch

    catalog = ImageCatalog.default()
    info = catalog.resolve("mcr.microsoft.com/azuredocs/aci-helloworld", registry_servers=[])
    prog = launch(info, command=None, env={}, peers=[], seed=0)
    prog.exit_after, prog.exit_code      # None, None: a web server runs forever
    prog.output(until=10.0)              # [(0.0, 'listening on port 80')]

``start_exec(info, "/bin/sh", ..., at=t)`` runs a command inside a running container, on a
terminal (exec.py). Add images with ``catalog.add(reference, default_command=[...], behaviour=...)`` or
``catalog.add_entries([...])`` (a list of ``add()`` keyword objects: the emulator reads
them from the file named by ``ACI_EMULATOR_IMAGES``). See README.md in this directory.
"""

from .errors import ImageNotFound, OutputTooLarge, RegistryCredentialsRequired, RuntimeImageError
from .files import FileOp, Mount, Volume
from .images import (BEHAVIOURS, PUBLIC_REGISTRIES, ImageCatalog, ImageInfo, Reference,
                     normalise_server, parse_reference)
from .exec import ExecChanges, ExecSession, Terminal, exec_refusal, start_exec
from .launch import container_env, launch, missing_program
from .program import Cycle, Program

__all__ = [
    "BEHAVIOURS", "Cycle", "ExecChanges", "ExecSession", "FileOp", "ImageCatalog", "ImageInfo",
    "ImageNotFound", "Mount", "OutputTooLarge", "PUBLIC_REGISTRIES", "Program", "Reference",
    "RegistryCredentialsRequired", "RuntimeImageError", "Terminal", "Volume", "container_env",
    "exec_refusal", "launch", "missing_program", "normalise_server", "parse_reference",
    "start_exec",
]
