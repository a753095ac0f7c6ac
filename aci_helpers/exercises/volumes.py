"""09's check: a reader that mounts the tutorial's Azure Files share read-only."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ..models import restart_policy
from .cloud import get_group
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import ContainerGroup

    from ..session import Session


def _share_mounts(group: "ContainerGroup", share: Any) -> tuple[list[Any], list[Any]]:
    """(azureFile volumes of ``group`` naming the tutorial's share, all its azureFile volumes)."""
    files = [v for v in group.volumes or [] if v.azure_file is not None]
    ours = [v for v in files if (v.azure_file.storage_account_name or "").lower() == share.account
            and (v.azure_file.share_name or "").lower() == share.name]
    return ours, files


def check_share_reader(s: "Session", name: str, my_group: Any, share: Any) -> Feedback:
    """09: ``name`` mounts the tutorial's share read-only and printed the word counts it holds."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    mount_hint = ("Volume(name='results', azure_file=AzureFileVolume(share_name=share.name, "
                  "storage_account_name=share.account, storage_account_key=share.key))")
    if unanswered(my_group):
        # The first answer says what to build, never the expression that builds it.
        return not_yet("my_group is still None: build a ContainerGroup, a task, whose one alpine "
                       "container sees the share with the results at /mnt/results, without being "
                       "able to change it, and prints romeo_juliet.txt.")
    if not isinstance(my_group, ContainerGroup) or not my_group.containers:
        return not_yet(f"my_group is a {type(my_group).__name__}, not a ContainerGroup with a "
                       "container: use the model classes, as for the reader above.")
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud yet: run the cell, it sends my_group.")
    ours, files = _share_mounts(group, share)
    if not files:
        return not_yet(f"{name} has no Azure Files volume: add {mount_hint} to volumes.")
    if not ours:
        got = files[0].azure_file
        return not_yet(f"{name} mounts the share {got.storage_account_name}/{got.share_name}, "
                       f"not {share.account}/{share.name}: take the names from share.")
    volume = ours[0]
    mounts = [(c, vm) for c in group.containers for vm in c.volume_mounts or []
              if vm.name == volume.name]
    if not mounts:
        return not_yet(f"no container of {name} mounts the volume {volume.name!r}: add "
                       f"volume_mounts=[VolumeMount(name={volume.name!r}, mount_path="
                       "'/mnt/results', read_only=True)] to the container.")
    container, mount = mounts[0]
    if not (mount.read_only or volume.azure_file.read_only):
        return not_yet(f"{container.name} mounts the share read-write: a reader should not be "
                       "able to change the results. Set read_only=True on its VolumeMount.")
    policy = restart_policy(group)
    if policy != "Never":
        return not_yet(f"{name} has restart policy {policy}: it would print the file again "
                       "and again. A reader is a task: restart_policy=ContainerGroupRestartPolicy.NEVER.")
    view = container.instance_view
    state = view.current_state if view is not None else None
    if state is None or state.state != "Terminated":
        return not_yet(f"{container.name} is still {state.state if state else 'starting'}: "
                       f"wait for it with wait_for_container(s, {name!r}).")
    text = s.aci.containers.list_logs(s.resource_group, name, container.name).content or ""
    try:
        rows = [(str(w), int(c)) for w, c in ast.literal_eval(text.strip())]
    except (ValueError, SyntaxError, TypeError):
        rows = []
    if not rows:
        where = mount.mount_path.rstrip("/") + "/romeo_juliet.txt"
        if "No such file" in text or "can't open" in text:
            if where in " ".join(container.command or []):  # the right path: no file there
                return not_yet(f"{container.name} found no {where}: the share has no "
                               "romeo_juliet.txt now (the writer task above puts it there; "
                               "a reset of the emulator, or deleting the share, removes it): "
                               "run the writer's cell, then your cell again.")
            return not_yet(f"{container.name} did not find the file: the share is mounted at "
                           f"{mount.mount_path}, so the file is {where}.")
        return not_yet(f"the log of {container.name} does not show the word counts: its "
                       f"command should be cat {where} (print it with get_logs(s, {name!r})).")
    return passed(f"{name} mounted {share.account}/{share.name} read-only at "
                  f"{mount.mount_path} and printed what the writer task left there, after its "
                  "group was deleted: " + ", ".join(f"{w} ({c})" for w, c in rows) + ".")
