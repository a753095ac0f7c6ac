"""``aci-tutorial workshop STEP``: plan, setup, join, leave, status, reset, cleanup.

Registered by ``cli.build_parser``; exit codes and output rules are the CLI's (cli.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, Callable

from .out import table

OK, FAILED, USAGE, NOT_CONFIRMED = 0, 1, 2, 3


class UsageError(Exception):
    """Bad input found before anything changed (exit code 2)."""


def _connect(azure: bool) -> Any:
    from .. import connect  # noqa: PLC0415

    return connect("azure" if azure else None)


def _where(session: Any) -> str:
    served = _served(session)
    if served and session.emulator.state is None:
        return (f"backend: emulator served at {served[0]} (the class's cloud: participants "
                "join it with the line below). --azure (or ACI_BACKEND=azure) for the real "
                "subscription")
    if session.backend == "emulator":
        state = session.emulator.state or "in-memory"
        also = f", served at {served[0]} too" if served else ""
        return (f"backend: emulator (state file {state}{also}); a rehearsal on your own emulated "
                "cloud. --azure (or ACI_BACKEND=azure) for the real subscription")
    return f"backend: azure, subscription {session.subscription_id}"


def _served(session: Any) -> tuple[str, str] | None:
    """(URL, CA) of the served emulator this session's cloud is, if any: the one it uses
    (ACI_EMULATOR_URL), or a server (`aci-tutorial serve`) serving its state file now."""
    emu = session.emulator
    if emu is None:
        return None
    if emu.state is None:
        url = getattr(emu, "url", None)
        return (url, emu.ca_file) if url else None
    running = emu.local_cloud().running()
    return (running.url, running.ca_file) if running else None


def _positive(value: int, flag: str) -> None:
    if value < 1:
        raise UsageError(f"{flag} must be at least 1, not {value}.")


def _s(n: int) -> str:
    return "s" * (n != 1)


# ---------------------------------------------------------------------------------- steps
def cmd_plan(args: argparse.Namespace) -> int:
    """Participants per region against the quota."""
    from .workshop import cores_to_ask, normalise_regions, plan, spread  # noqa: PLC0415

    _positive(args.participants, "--participants")
    with _connect(args.azure) as s:
        print(_where(s))
        regions = normalise_regions(s, args.region)
        needs, rows = plan(s, regions)
    print(f"A participant needs {needs.cores} standard cores and {needs.groups} container "
          f"groups at once: at the peak, inside notebook {needs.where}, which the class may "
          f"reach together ({needs.how}; between notebooks {needs.between_cores} cores and "
          f"{needs.between_groups} groups). Counted at the peak.\n")
    print(table(["region", "cores used/limit", "groups used/limit", "participants that fit"],
                [(r.region, f"{r.cores_used}/{r.cores_limit}", f"{r.groups_used}/{r.groups_limit}",
                  r.fit) for r in rows], right={3}))
    placed, left = spread(args.participants, rows)
    print()
    if not left:
        how = ", ".join(f"{n} in {r}" for r, n in placed.items())
        one = args.participants == 1
        print(f"{args.participants} participant{_s(args.participants)} "
              f"{'fits' if one else 'fit'}: {how}.")
        return OK
    biggest = max(rows, key=lambda r: r.cores_limit)
    print(f"{args.participants} participant{_s(args.participants)} "
          f"{'does' if args.participants == 1 else 'do'} not fit: {left} "
          f"{'has' if left == 1 else 'have'} no room "
          f"({', '.join(f'{n} in {r}' for r, n in placed.items()) or 'none placed'}).\n"
          f"Add regions (--region R, several times), or ask for a Standard Cores quota of "
          f"{cores_to_ask(args.participants, needs, biggest)} in {biggest.region} "
          "(Azure portal → Quotas → Container Instances).")
    return FAILED


def cmd_setup(args: argparse.Namespace) -> int:
    """One tagged resource group per participant, in their region; the line each one runs."""
    from .workshop import check_workshop_id, participant_names, setup  # noqa: PLC0415

    check_workshop_id(args.workshop)
    names = participant_names(args.participants, args.names)
    regions = (args.region or []) + ([args.location] if args.location else [])
    began = time.perf_counter()
    with _connect(args.azure) as s:
        print(_where(s))
        rows = setup(s, args.workshop, names, regions or None)
        azure = s.backend == "azure"
        served = _served(s)
    took = time.perf_counter() - began
    print(table(["participant", "resource group", "region", "name suffix", "created/exists"],
                [(r.participant, r.resource_group, r.region, r.suffix, r.status) for r in rows]))
    created = sum(r.status == "created" for r in rows)
    per_region: dict[str, int] = {}
    for r in rows:
        per_region[r.region] = per_region.get(r.region, 0) + 1
    print(f"\n{created} created, {len(rows) - created} already there ({took:.1f} s); "
          + ", ".join(f"{n} in {reg}" for reg, n in per_region.items()) + ".")
    beyond = [r.participant for r in rows if r.beyond_quota]
    if beyond:
        print(f"Warning: the regions' quota has no room for {len(beyond)} of them at once "
              f"({', '.join(beyond[:5])}{' …' if len(beyond) > 5 else ''}): see "
              "`aci-tutorial workshop plan`, add --region, or ask for more quota.")
    print("\nEach participant runs their line once (a terminal, or with ! in a notebook); "
          "every kernel then uses their resource group, region and names:")
    for r in rows:
        print(f"  {r.join_line(args.workshop, azure, served)}")
    return OK


def cmd_join(args: argparse.Namespace) -> int:
    """Write the settings file every kernel reads (a participant's one step)."""
    from .join import join  # noqa: PLC0415

    if args.trainer and args.participant:
        raise UsageError("--trainer and --participant exclude each other: a trainer joins "
                         "to see the workshop, a participant to work in it.")
    done = join(args.workshop, args.participant, location=args.location, suffix=args.suffix,
                resource_group=args.resource_group, azure=args.azure, trainer=args.trainer,
                emulator_url=args.emulator_url, emulator_ca=args.emulator_ca)
    print(f"Wrote {done.path}:")
    for key, value in done.values.items():
        print(f"  {key} = {value}")
    for note in done.notes:
        print(f"Note: {note}")
    print("Every new kernel uses these settings (restart a running one: Kernel → Restart). "
          "Environment variables still win over the file.")
    return OK


def cmd_leave(args: argparse.Namespace) -> int:
    """Delete the settings file."""
    from .join import leave  # noqa: PLC0415

    path = leave()
    print(f"Deleted {path}: new kernels use the defaults again." if path else
          "No settings file: nothing to do.")
    return OK


def status_lines(people: list[Any], now: float | None = None) -> list[str]:
    """The status table and its summary, as lines (``--watch`` reprints them)."""
    now = now or time.time()
    out = [table(["participant", "resource group", "region", "groups", "states", "CPU in use",
                  "cost accrued", "progress"],
                 [(p.participant + (" (tags lost!)" if p.tags_lost else ""), p.resource_group,
                   p.location, len(p.groups), p.states, f"{p.cpu_in_use:g}",
                   f"${p.cost_so_far:.4f}", p.progress_text(now)) for p in people],
                 right={3, 5, 6})]
    cpu = sum(p.cpu_in_use for p in people)
    cost = sum(p.cost_so_far for p in people)
    groups = sum(len(p.groups) for p in people)
    out.append(f"\n{len(people)} participant{_s(len(people))}, {groups} container "
               f"group{_s(groups)}, {cpu:g} CPU in use, ${cost:.4f} accrued in total (an estimate: Linux "
               "pay-as-you-go rates of aci_helpers.cost, every run seen, deleted groups included).")
    stuck = sorted((p for p in people if p.stuck_for(now) is not None),
                   key=lambda p: -(p.stuck_for(now) or 0))
    if stuck:
        out.append("Stuck longest: " + "; ".join(
            f"{p.participant} {p.progress_text(now).split(' · ')[-1]}" for p in stuck[:5]))
    lost = [p.resource_group for p in people if p.tags_lost]
    if lost:
        out.append(f"Tags lost: {', '.join(lost)} (re-created without the workshop's tags; "
                   "their groups still run and bill). cleanup --also NAME deletes them.")
    out += [f"{p.participant}: {p.note}" for p in people if p.note]
    return out


def cmd_status(args: argparse.Namespace, sleep: Callable[[float], None] = time.sleep) -> int:
    """Participants, groups, states, CPU in use, cost accrued, progress; ``--watch`` refreshes."""
    from .status import status  # noqa: PLC0415
    from .workshop import check_workshop_id  # noqa: PLC0415

    check_workshop_id(args.workshop)
    rounds = 0
    tty = sys.stdout.isatty()
    with _connect(args.azure) as s:
        while True:
            began = time.perf_counter()
            people = status(s, args.workshop)
            took = time.perf_counter() - began
            if args.watch and tty:
                print("\033[H\033[2J", end="")  # refresh in place: clear, then redraw
            print(_where(s))
            if not people:
                print(f"No resource group carries workshop {args.workshop!r}: "
                      f"aci-tutorial workshop setup --workshop {args.workshop} --participants N")
                if not args.watch:
                    return FAILED
            else:
                print("\n".join(status_lines(people)))
            rounds += 1
            if not args.watch or (args.rounds and rounds >= args.rounds):
                return OK
            print(f"\n{time.strftime('%H:%M:%S')}: read in {took:.1f} s; again every "
                  f"{args.watch:g} s (Ctrl-C stops).", flush=True)
            try:
                sleep(args.watch)
            except KeyboardInterrupt:
                print("Stopped watching.")
                return OK


def cmd_reset(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    """Delete one participant's container groups; their resource group and tags stay."""
    from .teardown import reset_participant  # noqa: PLC0415
    from .workshop import check_workshop_id  # noqa: PLC0415

    check_workshop_id(args.workshop)
    if not args.yes and not _confirmed(f"Type the participant ({args.participant}) to delete "
                                       "all their container groups: ", args.participant, ask):
        return NOT_CONFIRMED
    with _connect(args.azure) as s:
        print(_where(s))
        rg, deleted = reset_participant(s, args.workshop, args.participant)
    print(f"Deleted {len(deleted)} container group{_s(len(deleted))} of {args.participant} "
          f"({', '.join(deleted) or 'none'}); {rg} stays, with its tags (region, name suffix, "
          "progress, cost).")
    return OK


def _confirmed(question: str, expected: str, ask: Callable[[str], str]) -> bool:
    if not sys.stdin.isatty() and ask is input:
        print("Not confirmed (no terminal to ask in): add --yes. Nothing was deleted.")
        return False
    if ask(question).strip() != expected:
        print("Not confirmed: nothing was deleted.")
        return False
    return True


def cmd_cleanup(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    """List, ask, delete, wait, report what is left."""
    from .status import status  # noqa: PLC0415
    from .teardown import cleanup, cleanup_plan  # noqa: PLC0415
    from .workshop import check_workshop_id  # noqa: PLC0415

    check_workshop_id(args.workshop)
    with _connect(args.azure) as s:
        print(_where(s))
        plan = cleanup_plan(s, args.workshop, args.also)
        for name, why in plan.kept:
            held = plan.running.get(name)
            print(f"kept: {name}: {why}" + (f"; it holds {', '.join(held)}" if held else ""))
        if not plan.delete:
            print(f"Nothing carries the tag of workshop {args.workshop!r}: nothing to delete.")
            return _left(plan.running)
        print(f"Would delete {len(plan.delete)} resource group{_s(len(plan.delete))} of workshop "
              f"{args.workshop!r} "
              "and everything in them:")
        for name in plan.delete:
            print(f"  {name}")
        if not args.yes and not _confirmed(f"Type the workshop id ({args.workshop}) to delete "
                                           "them: ", args.workshop, ask):
            return NOT_CONFIRMED
        people = status(s, args.workshop, force_ledger=True)
        total = sum(p.cost_so_far for p in people)
        began = time.perf_counter()
        deleted, failed = cleanup(s, plan)
        took = time.perf_counter() - began
        after = cleanup_plan(s, args.workshop)
    print(f"Deleted {len(deleted)} resource group{_s(len(deleted))} in {took:.1f} s. The "
          "workshop's estimated "
          f"cost: ${total:.4f} (what the ledger recorded, deleted groups included).")
    for line in failed:
        print(f"failed: {line}")
    if after.delete:
        print(f"Left: {', '.join(after.delete)}. Run cleanup again, or: az group delete --name <group>")
        return FAILED
    if after.running:
        return _left(after.running)
    print(f"Nothing of workshop {args.workshop!r} is left.")
    return FAILED if failed else OK


def _left(running: dict[str, list[str]]) -> int:
    """Say which look-alikes still hold container groups: never 'nothing left' then."""
    if not running:
        return OK
    for name, held in running.items():
        print(f"Left: {name} still holds {len(held)} container group{_s(len(held))} "
              f"({', '.join(held)}) although it lost the workshop's tags: on Azure they bill. "
              f"Delete it with --also {name}, or: az group delete --name {name}")
    return FAILED


# ---------------------------------------------------------------------------------- parser
def register(sub: Any, fmt: Any, epilog: str) -> None:
    """Add ``workshop`` and its steps to the ``aci-tutorial`` parser."""
    ws = sub.add_parser("workshop", formatter_class=fmt, epilog=epilog,
                        help="plan, set up, join, watch and clean up a workshop",
                        description="A workshop on one subscription: one tagged resource group "
                        "per participant. On the emulator (the default backend) it is a "
                        "rehearsal on your own emulated cloud; --azure for the subscription.")
    wsub = ws.add_subparsers(dest="workshop_command", required=True, metavar="STEP")

    def step(name: str, help_: str, desc: str, func: Callable[..., int]) -> argparse.ArgumentParser:
        sp = wsub.add_parser(name, help=help_, description=desc, formatter_class=fmt,
                             epilog=epilog)
        sp.add_argument("--azure", action="store_true",
                        help="on the Azure subscription (default: ACI_BACKEND, the emulator)")
        sp.set_defaults(func=func)
        return sp

    sp = step("plan", "do N participants fit in the quota?",
              "What one participant needs at once (measured from the notebooks) against each "
              "region's quota: whether N fit, how to spread them, or what quota to ask for. "
              "Region names are folded to Azure's (West Europe -> westeurope), duplicates "
              "dropped; a region without Container Instances is refused.", cmd_plan)
    sp.add_argument("--participants", type=int, required=True, help="number of participants")
    sp.add_argument("--region", action="append", help="a region to consider (repeat for several)")

    sp = step("setup", "a tagged resource group per participant",
              "Create aci-ws-<ID>-<participant> for each participant in the region plan "
              "spreads them to, tagged with the workshop, the participant, the region and a "
              "name suffix of their own, and print the `workshop join` line each one runs.",
              cmd_setup)
    sp.add_argument("--workshop", required=True, metavar="ID", help="the workshop's id, e.g. pycon-2026")
    who = sp.add_mutually_exclusive_group(required=True)
    who.add_argument("--participants", type=int, metavar="N", help="p01 ... pNN")
    who.add_argument("--names", metavar="FILE", help="a file of names, one a line")
    sp.add_argument("--region", action="append",
                    help="a region to spread participants over (repeat; default: ACI_LOCATION or eastus)")
    sp.add_argument("--location", help="one region for everyone (the same as a single --region)")

    sp = step("join", "a participant's one step: configure every kernel",
              "Write the settings file that every kernel's connect() reads: the workshop, the "
              "participant, their resource group, region and name suffix (setup prints each "
              "participant's line). Environment variables still win over it.", cmd_join)
    sp.add_argument("--workshop", required=True, metavar="ID")
    sp.add_argument("--participant", help="your name in the workshop (default: $JUPYTERHUB_USER)")
    sp.add_argument("--location", help="your region (default: read from your resource group)")
    sp.add_argument("--suffix", help="your names' suffix (default: read from your resource group)")
    sp.add_argument("--resource-group", help="default: aci-ws-<ID>-<participant>")
    sp.add_argument("--trainer", action="store_true",
                    help="the trainer's machine: the explorer shows the trainer's view")
    sp.add_argument("--emulator-url", metavar="URL",
                    help="the class's served emulator, https://127.0.0.1:PORT "
                    "(default: $ACI_EMULATOR_URL)")
    sp.add_argument("--emulator-ca", metavar="FILE",
                    help="its CA certificate (default: $ACI_EMULATOR_CA, else found beside the "
                    "server's state); join keeps a copy beside the settings file")

    sp = step("leave", "delete the settings file join wrote",
              "Delete the settings file: new kernels use the defaults again.", cmd_leave)

    sp = step("status", "what runs and how far each participant is",
              "A table of participants: resource group, region, container groups' states, CPU "
              "in use, estimated cost accrued (deleted groups included) and progress (the last "
              "notebook passed, the exercise they are on and for how long).", cmd_status)
    sp.add_argument("--workshop", required=True, metavar="ID")
    sp.add_argument("--watch", type=float, nargs="?", const=10.0, metavar="SECONDS",
                    help="refresh in place every SECONDS (default 10) until Ctrl-C")
    sp.add_argument("--rounds", type=int, default=0, help=argparse.SUPPRESS)

    sp = step("reset", "delete one participant's container groups",
              "Delete every container group in one participant's resource group (waiting); "
              "the resource group stays, with its tags: region, name suffix, progress, cost.",
              cmd_reset)
    sp.add_argument("--workshop", required=True, metavar="ID")
    sp.add_argument("--participant", required=True, help="e.g. p07")
    sp.add_argument("--yes", action="store_true", help="do not ask")

    sp = step("cleanup", "delete the workshop's resource groups",
              "List the resource groups carrying the workshop's tag (never one without it, "
              "whatever its name, unless named with --also), ask, delete them and all they "
              "hold, wait, report what is left: a look-alike that lost its tags but still "
              "holds container groups is reported, never 'nothing left'.", cmd_cleanup)
    sp.add_argument("--workshop", required=True, metavar="ID")
    sp.add_argument("--also", action="append", metavar="NAME",
                    help="also delete this look-alike resource group (named like the "
                    "workshop's, tags lost); repeat for several")
    sp.add_argument("--yes", action="store_true", help="do not ask")
