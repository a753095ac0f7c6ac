"""The checks of the notebooks' "Try it" exercises.

Each check reads the cloud (and the learner's answer) and returns a :class:`Feedback`:
``Not yet: <hint>`` for the unfilled skeleton and for each common mistake, ``Pass: <what was
seen>`` only when the cloud shows the result. A check never changes anything in the cloud.
The cell convention (tags ``exercise`` / ``check`` / ``solution``) is described in the README.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import ResourceNotFoundError

from .cost import estimate_cost, group_requests
from .errors import _md
from .session import TUTORIAL_TAGS

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import ContainerGroup

    from .session import Session


@dataclass(frozen=True)
class Feedback:
    """A check's answer: ``passed`` and the sentence shown (``Pass: ...`` / ``Not yet: ...``)."""

    passed: bool
    text: str

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)

    def _repr_markdown_(self) -> str:
        # Prose wraps between words; a notebook's plain-text output breaks lines mid-word.
        head, _, rest = self.text.partition(": ")
        return f"**{head}:** {_md(rest)}"


def _pass(text: str) -> Feedback:
    return Feedback(True, f"Pass: {text}")


def _not_yet(text: str) -> Feedback:
    return Feedback(False, f"Not yet: {text}")


def _get(s: "Session", name: str) -> "ContainerGroup | None":
    try:
        return s.aci.container_groups.get(s.resource_group, name)
    except ResourceNotFoundError:
        return None


def _is_tutorial(tags: dict[str, str] | None) -> bool:
    return all((tags or {}).get(k) == v for k, v in TUTORIAL_TAGS.items())


def _requests_of(group: "ContainerGroup") -> list[tuple[Any, Any]]:
    return [(c.resources.requests.cpu, c.resources.requests.memory_in_gb)
            if c.resources is not None and c.resources.requests is not None else (None, None)
            for c in group.containers or []]


def _num(value: Any) -> str:
    """2.0 as '2', '2' (text) as "'2'": the learner sees what they wrote."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return repr(value)


def _same(values: Iterable[Any], wanted: Iterable[float]) -> bool:
    try:
        return all(float(v) == w for v, w in zip(values, wanted, strict=True))
    except (TypeError, ValueError):
        return False


def _container_view(group: "ContainerGroup") -> tuple[str | None, int | None]:
    view = group.containers[0].instance_view
    state = view.current_state if view is not None else None
    return (state.state, state.exit_code) if state is not None else (None, None)


def _in_place_refusal(name: str) -> str:
    return (f"CPU and memory cannot change in place (Azure refuses such an update): delete it "
            f"with wait(s.aci.container_groups.begin_delete(s.resource_group, {name!r})), then "
            "run your cell again")


# ---- 00 ------------------------------------------------------------------------------------

def check_tutorial_groups(s: "Session", answer: Any) -> Feedback:
    """00: ``answer`` lists exactly the names of the resource groups tagged by the tutorial."""
    if answer is None or answer is Ellipsis:
        return _not_yet("tutorial_groups is still empty: set it to a list of names, e.g. with a "
                        "list comprehension over s.resources.resource_groups.list().")
    if isinstance(answer, str) or not isinstance(answer, (list, tuple, set)):
        return _not_yet(f"tutorial_groups should be a list of names, not {type(answer).__name__} "
                        f"{str(answer)[:40]!r}.")
    if any(not isinstance(item, str) for item in answer):
        if all(hasattr(item, "name") for item in answer):
            return _not_yet("put the names in the list (g.name), not the ResourceGroup objects.")
        return _not_yet("every item of tutorial_groups should be a name (a str).")
    if len(set(answer)) != len(list(answer)):
        return _not_yet("a name appears twice: list each resource group once.")
    everything = {g.name.lower(): g for g in s.resources.resource_groups.list()}
    tagged = sorted(g.name for g in everything.values() if _is_tutorial(g.tags))
    given = {n.lower() for n in answer}
    unknown = sorted(n for n in answer if n.lower() not in everything)
    if unknown:
        return _not_yet(f"there is no resource group {', '.join(unknown)} in the subscription.")
    untagged = sorted(n for n in answer if not _is_tutorial(everything[n.lower()].tags))
    if untagged:
        return _not_yet(f"{', '.join(untagged)} does not carry the tag created-by=aci-tutorial: "
                        "keep only the groups whose (g.tags or {}).get('created-by') is "
                        "'aci-tutorial'.")
    missing = [n for n in tagged if n.lower() not in given]
    if missing:
        return _not_yet(f"the subscription holds {len(tagged)} tagged resource group(s); your "
                        f"list misses {', '.join(missing)}. Did you list them all, over every "
                        "page of resource_groups.list()?")
    return _pass(f"the subscription holds {len(everything)} resource group(s), {len(tagged)} of "
                 f"them tagged created-by=aci-tutorial, and your list names exactly those: "
                 f"{', '.join(tagged)}.")


# ---- 01 ------------------------------------------------------------------------------------

def check_try_group(s: "Session", name: str, my_group: Any) -> Feedback:
    """01: ``name`` is in the cloud with 2 CPUs, 1.5 GB and the DNS label ``name``."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    wanted = (2.0, 1.5)
    if my_group is None or my_group is Ellipsis:
        return _not_yet("my_group is still None: build a ContainerGroup requesting 2 CPUs and "
                        f"1.5 GB, with the DNS label {name!r}, and run the cell (it sends it).")
    if not isinstance(my_group, ContainerGroup) or not my_group.containers:
        return _not_yet(f"my_group is a {type(my_group).__name__}, not a ContainerGroup with a "
                        "container: use the model classes or single_container_group(...).")
    (cpu, mem), *_ = _requests_of(my_group)
    if not _same((cpu, mem), wanted):
        text_hint = (" (text: write numbers, e.g. cpu=2)"
                     if isinstance(cpu, str) or isinstance(mem, str) else "")
        return _not_yet(f"my_group requests {_num(cpu)} CPU and {_num(mem)} GB{text_hint}; "
                        "2 CPUs and 1.5 GB are wanted.")
    label = my_group.ip_address.dns_name_label if my_group.ip_address is not None else None
    if label != name:
        return _not_yet(f"my_group's DNS label is {label!r}; {name!r} is wanted "
                        "(ip_address.dns_name_label, or single_container_group's name).")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud yet: run the cell with my_group set (it "
                        "calls begin_create_or_update and waits).")
    cloud_cpu, cloud_mem = group_requests(group)
    if (cloud_cpu, cloud_mem) != wanted:
        return _not_yet(f"my_group is right, but {name} in the cloud still requests "
                        f"{cloud_cpu:g} CPU and {cloud_mem:g} GB: {_in_place_refusal(name)}.")
    ip = group.ip_address
    if ip is None or ip.dns_name_label != name or 80 not in [p.port for p in ip.ports or []]:
        return _not_yet(f"{name} in the cloud has no public port 80 under the label {name!r}: "
                        "send my_group again.")
    if group.provisioning_state != "Succeeded":
        return _not_yet(f"{name} is still {group.provisioning_state}: wait for it (wait(poller)).")
    cost = estimate_cost(group, timedelta(hours=1)).total
    one = estimate_cost(cpu=1, memory_gb=1, duration=timedelta(hours=1)).total
    return _pass(f"{name} is in the cloud with 2 CPUs and 1.5 GB at http://{ip.fqdn}; an hour "
                 f"of it would cost about ${cost:.3f} (the 1-CPU group: ${one:.3f}).")


# ---- 02 ------------------------------------------------------------------------------------

def check_lean_group(s: "Session", name: str, my_group: Any) -> Feedback:
    """02: ``name`` runs an app with 1 CPU / 1.5 GB and a sidecar with 0.5 CPU / 0.5 GB."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    wanted = [(1.0, 1.5), (0.5, 0.5)]
    if my_group is None or my_group is Ellipsis:
        return _not_yet(f"my_group is still None: start from multi_container_group({name!r}, "
                        "s.location) and give each container its own requests.")
    if not isinstance(my_group, ContainerGroup) or len(my_group.containers or []) != 2:
        return _not_yet("my_group should be a ContainerGroup with two containers, the app first "
                        "and the sidecar second.")
    app, sidecar = my_group.containers
    if app.resources is not None and (app.resources is sidecar.resources
                                      or app.resources.requests is sidecar.resources.requests):
        return _not_yet("both containers still share one ResourceRequirements object, so what you "
                        "set on one, the other gets too: give each its own, e.g. "
                        "my_group.containers[1].resources = resources(0.5, 0.5).")
    for who, got, want in zip(("app", "sidecar"), _requests_of(my_group), wanted):
        if not _same(got, want):
            return _not_yet(f"the {who} requests {_num(got[0])} CPU and {_num(got[1])} GB; "
                            f"{want[0]:g} and {want[1]:g} are wanted.")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud yet: run the cell with my_group set (it "
                        "sends it).")
    cloud = [(float(c), float(m)) for c, m in _requests_of(group)]
    if cloud != wanted:
        return _not_yet(f"my_group is right, but {name} in the cloud requests "
                        f"{', '.join(f'{c:g} CPU/{m:g} GB' for c, m in cloud)}: "
                        f"{_in_place_refusal(name)}.")
    lean = estimate_cost(group, timedelta(hours=1)).total
    fat = estimate_cost(cpu=2, memory_gb=4, duration=timedelta(hours=1)).total
    return _pass(f"{name} is in the cloud with 1.5 CPUs and 2 GB in all (app 1 CPU / 1.5 GB, "
                 f"sidecar 0.5 / 0.5): about ${lean:.3f} an hour instead of ${fat:.3f}.")


# ---- 03 ------------------------------------------------------------------------------------

def check_word_count(s: "Session", name: str, num_words: Any, min_length: Any) -> Feedback:
    """03: the task ``name`` ran with the learner's NumWords=3, MinLength=10 and printed them."""
    if num_words is None or min_length is None:
        return _not_yet("set MY_NUM_WORDS (how many words to print) and MY_MIN_LENGTH (the "
                        "shortest word to count), then run the cell: it creates the task.")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (num_words, min_length)):
        return _not_yet("MY_NUM_WORDS and MY_MIN_LENGTH should be whole numbers (the cell turns "
                        "them into the strings environment variables are).")
    if (num_words, min_length) == (10, 3):
        return _not_yet("swapped: NumWords is how many words to print (3), MinLength the "
                        "shortest word that counts (10).")
    if (num_words, min_length) != (3, 10):
        return _not_yet(f"the exercise asks for the 3 most frequent words of at least 10 "
                        f"letters; you set {num_words} and {min_length}.")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud yet: run the cell, it creates the task.")
    env = {v.name: v.value for v in group.containers[0].environment_variables or []}
    sent = (env.get("NumWords"), env.get("MinLength"))
    if sent != (str(num_words), str(min_length)):
        return _not_yet(f"the task in the cloud ran with NumWords={sent[0]}, MinLength={sent[1]}: "
                        "run the cell again to send your values.")
    state, code = _container_view(group)
    if state != "Terminated":
        return _not_yet(f"{name} is still {state or 'starting'}: wait for it to end with "
                        f"wait_for_container(s, {name!r}).")
    if code != 0:
        return _not_yet(f"the task failed (exit code {code}): read its log with "
                        f"get_logs(s, {name!r}).")
    text = s.aci.containers.list_logs(s.resource_group, name, group.containers[0].name).content
    try:
        rows = ast.literal_eval(text or "")
        words = [(str(w), int(c)) for w, c in rows]
    except (ValueError, SyntaxError, TypeError):
        return _not_yet(f"the log of {name} is not a list of (word, count): print it with "
                        f"get_logs(s, {name!r}).")
    if len(words) != num_words or any(len(w) < min_length for w, _ in words):
        return _not_yet(f"the log shows {words}: not {num_words} words of at least "
                        f"{min_length} letters.")
    return _pass(f"{name} ran with NumWords=3 and MinLength=10 and printed the 3 most frequent "
                 "words of at least 10 letters: " + ", ".join(f"{w} ({c})" for w, c in words) + ".")


# ---- 03b -----------------------------------------------------------------------------------

def check_two_commands(s: "Session", name: str, command: Any) -> Feedback:
    """03b: the task ``name`` ran two commands and its log is ``FOO`` then ``BAR``."""
    if command is None or command is Ellipsis:
        return _not_yet("my_command is still None: write the command list that runs "
                        "'echo FOO' and then 'echo BAR' in one container, then run the cell.")
    if isinstance(command, str):
        return _not_yet("the command is a list of strings, one item per argument, not one "
                        "string.")
    if not isinstance(command, (list, tuple)) or not command or \
            not all(isinstance(a, str) for a in command):
        return _not_yet("my_command should be a non-empty list of strings.")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud yet: run the cell, it creates the task.")
    ran = list(group.containers[0].command or [])
    if ran != list(command):
        return _not_yet(f"the task in the cloud ran {ran}: run the cell again to send "
                        f"{list(command)}.")
    state, code = _container_view(group)
    if state != "Terminated":
        return _not_yet(f"{name} is still {state or 'starting'}: wait for it with "
                        f"wait_for_container(s, {name!r}).")
    if code == 127:
        return _not_yet(f"exit code 127: there is no program named {command[0]!r}. Each item "
                        "is one argument, with no shell to split it; to run two commands, run a "
                        "shell: ['/bin/sh', '-c', '<both commands>'].")
    log = s.aci.containers.list_logs(s.resource_group, name, group.containers[0].name).content
    lines = (log or "").splitlines()
    if code != 0:
        return _not_yet(f"the task ended with exit code {code}; its log: {lines[:3]}.")
    if lines == ["FOO", "BAR"]:
        return _pass(f"{name} ran {list(command)} and printed FOO, then BAR.")
    if len(lines) == 1 and "echo" in lines[0]:
        return _not_yet(f"echo printed the rest as text ({lines[0]!r}): ';' and '&&' mean "
                        "something only to a shell. Run one: ['/bin/sh', '-c', "
                        "'echo FOO; echo BAR'].")
    if lines == ["FOO"]:
        return _not_yet("only FOO: after the script of 'sh -c', the next items become its "
                        "arguments ($0, $1...), they are not run. Put both commands in the one "
                        "string after -c.")
    return _not_yet(f"the log is {lines[:4]}; FOO then BAR is wanted.")


# ---- 04 ------------------------------------------------------------------------------------

def check_public_fqdns(s: "Session", fn: Any) -> Feedback:
    """04: ``fn(listed)`` maps each public group to its FQDN and sends no request at all.

    The check lists the resource group itself, calls ``fn`` on that list while recording
    every request the session sends, then reads each group with ``get`` to compare.
    """
    if not callable(fn):
        return _not_yet("public_fqdns should be a function of the listed groups.")
    listed = list(s.aci.container_groups.list_by_resource_group(s.resource_group))
    with s.requests.capture() as sent:
        try:
            answer = fn(listed)
        except AttributeError as err:
            return _not_yet(f"it crashed ({err}): a group without a public IP (a task) has "
                            "ip_address None; check it before reading .fqdn.")
    if answer is None:
        return _not_yet("public_fqdns returned None: return a dict {name: fqdn}.")
    if not isinstance(answer, dict):
        return _not_yet(f"public_fqdns returned a {type(answer).__name__}; a dict "
                        "{name: fqdn} is wanted.")
    if sent:
        shown = ", ".join(f"{r.method} .../{r.url.rsplit('/', 2)[-2]}/{r.url.rsplit('/', 1)[-1]}"
                          for r in sent[:3])
        return _not_yet(f"your function sent {len(sent)} request(s) ({shown}). The listed groups "
                        "already carry their ip_address: read g.ip_address.fqdn, no get needed.")
    expected = {}
    for g in listed:  # the check's own reads, after the learner's function
        ip = s.aci.container_groups.get(s.resource_group, g.name).ip_address
        if ip is not None and ip.type in ("Public", None):
            expected[g.name] = ip.fqdn
    extra = sorted(set(answer) - set(expected))
    if extra:
        return _not_yet(f"{', '.join(map(str, extra))} has no public IP address: leave out the "
                        "groups whose ip_address is None.")
    missing = sorted(set(expected) - set(answer))
    if missing:
        return _not_yet(f"{', '.join(missing)} has a public IP address but is missing.")
    wrong = sorted(n for n in expected if answer[n] != expected[n])
    if wrong:
        return _not_yet(f"the FQDN of {', '.join(wrong)} is not right: use g.ip_address.fqdn "
                        "(None when the group has no DNS label).")
    return _pass(f"{len(answer)} public group(s) ({', '.join(sorted(answer)) or 'none'}) found "
                 f"in a list of {len(listed)}, and your function sent no request.")


# ---- 05 ------------------------------------------------------------------------------------

def check_container_states(s: "Session", name: str, fn: Any) -> Feedback:
    """05: ``fn(group)`` gives each container's state from ``get`` and ``None`` from ``list``."""
    if not callable(fn):
        return _not_yet("container_states should be a function of a container group.")
    got = s.aci.container_groups.get(s.resource_group, name)
    listed = next((g for g in s.aci.container_groups.list_by_resource_group(s.resource_group)
                   if g.name == name), None)
    if listed is None:
        return _not_yet(f"{name} is not in the list of {s.resource_group}: run the cells above.")
    try:
        from_get, from_list = fn(got), fn(listed)
    except AttributeError as err:
        return _not_yet(f"it crashed ({err}): a listed group's containers have no instance "
                        "view; check c.instance_view for None before reading it.")
    names = [c.name for c in got.containers]
    if from_get is None:
        return _not_yet("container_states returned None: return a dict {container name: state}.")
    if not isinstance(from_get, dict) or list(from_get) != names:
        return _not_yet(f"return a dict with one key per container, in order: {names}.")
    truth = {c.name: (c.instance_view.current_state.state
                      if c.instance_view is not None and c.instance_view.current_state else None)
             for c in got.containers}
    if from_get != truth:
        return _not_yet(f"for the group read with get, each container's "
                        f"instance_view.current_state.state is wanted: {truth}; got {from_get}.")
    if not isinstance(from_list, dict) or any(v is not None for v in from_list.values()):
        return _not_yet("a listed group has no instance view: its states should all be None.")
    return _pass(f"with get {from_get}; with list {from_list}.")


# ---- 06 ------------------------------------------------------------------------------------

def _poller_request(poller: Any) -> tuple[str | None, str | None]:
    """The method and the resource name of a poller's first request, if they can be read."""
    try:
        request = poller.polling_method()._initial_response.http_request
    except AttributeError:
        return None, None
    return request.method.upper(), request.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]


def check_deleted(s: "Session", name: str, poller: Any) -> Feedback:
    """06: ``name`` was created, then deleted, and ``poller`` is its finished delete poller."""
    from azure.core.polling import LROPoller  # noqa: PLC0415

    if poller is None or poller is Ellipsis:
        return _not_yet(f"my_poller is still None: create {name}, delete it with begin_delete "
                        "and keep what begin_delete returns in my_poller.")
    if not isinstance(poller, LROPoller):
        return _not_yet(f"my_poller is a {type(poller).__name__}: keep the LROPoller that "
                        "begin_delete returns (not its result).")
    method, target = _poller_request(poller)
    if method == "PUT":
        return _not_yet("my_poller is the poller of the create (a PUT): keep the one "
                        "begin_delete returns.")
    if target is not None and target.lower() != name.lower():
        return _not_yet(f"my_poller deleted {target}, not {name}.")
    if not poller.done():
        return _not_yet("the deletion is still running: wait for it with wait(my_poller).")
    if poller.status() != "Succeeded":
        return _not_yet(f"the deletion ended as {poller.status()!r}.")
    if _get(s, name) is not None:
        return _not_yet(f"{name} still exists in the cloud.")
    created = any(r.method == "PUT" and r.url.lower().endswith(f"/containergroups/{name.lower()}")
                  for r in s.requests.entries)
    if not created:
        return _not_yet(f"{name} is gone, but this session never created it (deleting what does "
                        "not exist also succeeds): create it first, then delete it.")
    return _pass(f"{name} was created, then deleted: the delete poller reported "
                 f"{poller.status()} and get now answers 404.")


# ---- 07 ------------------------------------------------------------------------------------

def check_stopped(s: "Session", name: str) -> Feedback:
    """07: the cloud shows ``name`` Stopped (whatever stopped it: the check reads the cloud)."""
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud: run the cell that creates the three groups.")
    state = group.instance_view.state if group.instance_view is not None else None
    if state == "Stopped":
        return _pass(f"the cloud shows {name} Stopped. The Stop button sends "
                     f"s.aci.container_groups.stop({s.resource_group!r}, {name!r}); a stopped "
                     "group is not billed, and Start runs it again (maybe with a new IP address).")
    others = []
    for listed in s.aci.container_groups.list_by_resource_group(s.resource_group):
        other = _get(s, listed.name) if listed.name != name else None  # a list has no state
        if other is not None and other.instance_view is not None \
                and other.instance_view.state == "Stopped":
            others.append(other.name)
    if others:
        return _not_yet(f"{', '.join(others)} is Stopped, but {name} is {state}: the exercise "
                        f"asks you to stop the web server {name}.")
    return _not_yet(f"{name} is {state}: click its name in the explorer, then Stop. (The check "
                    "asks the cloud, not the widget.)")


# ---- 09 ------------------------------------------------------------------------------------

def _share_mounts(group: "ContainerGroup", share: Any) -> tuple[list[Any], list[Any]]:
    """(azureFile volumes of ``group`` naming the tutorial's share, all its azureFile volumes)."""
    files = [v for v in group.volumes or [] if v.azure_file is not None]
    ours = [v for v in files if (v.azure_file.storage_account_name or "").lower() == share.account
            and (v.azure_file.share_name or "").lower() == share.name]
    return ours, files


def check_share_reader(s: "Session", name: str, my_group: Any, share: Any) -> Feedback:
    """09: ``name`` mounts the tutorial's share read-only and printed the word counts it holds."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    mount_hint = (f"Volume(name='results', azure_file=AzureFileVolume(share_name=share.name, "
                  f"storage_account_name=share.account, storage_account_key=share.key))")
    if my_group is None or my_group is Ellipsis:
        return _not_yet(f"my_group is still None: build a ContainerGroup with restart policy "
                        f"Never, the volume {mount_hint}, and one alpine container that mounts it "
                        "read-only at /mnt/results and runs cat /mnt/results/romeo_juliet.txt.")
    if not isinstance(my_group, ContainerGroup) or not my_group.containers:
        return _not_yet(f"my_group is a {type(my_group).__name__}, not a ContainerGroup with a "
                        "container: use the model classes, as for the reader above.")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud yet: run the cell, it sends my_group.")
    ours, files = _share_mounts(group, share)
    if not files:
        return _not_yet(f"{name} has no Azure Files volume: add {mount_hint} to volumes.")
    if not ours:
        got = files[0].azure_file
        return _not_yet(f"{name} mounts the share {got.storage_account_name}/{got.share_name}, "
                        f"not {share.account}/{share.name}: take the names from share.")
    volume = ours[0]
    mounts = [(c, vm) for c in group.containers for vm in c.volume_mounts or []
              if vm.name == volume.name]
    if not mounts:
        return _not_yet(f"no container of {name} mounts the volume {volume.name!r}: add "
                        f"volume_mounts=[VolumeMount(name={volume.name!r}, mount_path="
                        "'/mnt/results', read_only=True)] to the container.")
    container, mount = mounts[0]
    if not (mount.read_only or volume.azure_file.read_only):
        return _not_yet(f"{container.name} mounts the share read-write: a reader should not be "
                        "able to change the results. Set read_only=True on its VolumeMount.")
    policy = str(getattr(group.restart_policy, "value", group.restart_policy) or "Always")
    if policy != "Never":
        return _not_yet(f"{name} has restart policy {policy}: it would print the file again "
                        "and again. A reader is a task: restart_policy=ContainerGroupRestartPolicy.NEVER.")
    view = container.instance_view
    state = view.current_state if view is not None else None
    if state is None or state.state != "Terminated":
        return _not_yet(f"{container.name} is still {state.state if state else 'starting'}: "
                        f"wait for it with wait_for_container(s, {name!r}).")
    text = s.aci.containers.list_logs(s.resource_group, name, container.name).content or ""
    try:
        rows = [(str(w), int(c)) for w, c in ast.literal_eval(text.strip())]
    except (ValueError, SyntaxError, TypeError):
        rows = []
    if not rows:
        where = mount.mount_path.rstrip("/") + "/romeo_juliet.txt"
        if "No such file" in text or "can't open" in text:
            return _not_yet(f"{container.name} did not find the file: the share is mounted at "
                            f"{mount.mount_path}, so the file is {where}.")
        return _not_yet(f"the log of {container.name} does not show the word counts: its "
                        f"command should be cat {where} (print it with get_logs(s, {name!r})).")
    return _pass(f"{name} mounted {share.account}/{share.name} read-only at "
                 f"{mount.mount_path} and printed what the writer task left there, after its "
                 "group was deleted: " + ", ".join(f"{w} ({c})" for w, c in rows) + ".")


CHECKS: dict[str, Callable[..., Feedback]] = {
    "00": check_tutorial_groups, "01": check_try_group, "02": check_lean_group,
    "03": check_word_count, "03b": check_two_commands, "04": check_public_fqdns,
    "05": check_container_states, "06": check_deleted, "07": check_stopped,
    "09": check_share_reader,
}


# ---- 08, 10, 11: the second track's checks live in their own module -------------------------

_SECOND_TRACK = ("check_identity_pull", "check_fixed_loop", "check_spot_task")


def __getattr__(name: str) -> Any:
    # Loaded on first use: the module imports this one (Feedback and the helpers above).
    if name in _SECOND_TRACK:
        from . import _exercises_second  # noqa: PLC0415

        return getattr(_exercises_second, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
