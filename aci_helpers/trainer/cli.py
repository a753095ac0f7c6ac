"""``aci-tutorial``: the trainer's command line (preflight, workshop, release, reset).

Exit codes: 0 done / all green; 1 a check is red or an operation failed; 2 bad usage or
input (nothing changed); 3 not confirmed (nothing changed). Output is plain text that
reads the same in a terminal and in a notebook (``!aci-tutorial preflight``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

from .out import Check, check_line, table

OK, FAILED, USAGE, NOT_CONFIRMED = 0, 1, 2, 3
EXIT_CODES = ("exit codes: 0 done (every check green); 1 a check is red or an operation "
              "failed; 2 bad usage or input, nothing changed; 3 not confirmed, nothing changed")


class UsageError(Exception):
    """Bad input found before anything changed (exit code 2)."""


def _connect(azure: bool) -> Any:
    from .. import connect  # noqa: PLC0415

    return connect("azure" if azure else None)


def _where(session: Any) -> str:
    if session.backend == "emulator":
        state = session.emulator.state or "in-memory"
        return (f"backend: emulator (state file {state}); a rehearsal on your own emulated "
                "cloud. --azure (or ACI_BACKEND=azure) for the real subscription")
    return f"backend: azure, subscription {session.subscription_id}"


# ---------------------------------------------------------------------------------- commands
def cmd_preflight(args: argparse.Namespace) -> int:
    """Local checks, then (``--azure``) the subscription's."""
    from .preflight import azure_checks, local_checks  # noqa: PLC0415

    print("Local checks")
    checks = local_checks(args.notebooks)
    for c in checks:
        print(check_line(c))
    if args.azure:
        print("\nAzure checks")
        from ..errors import AciHelpersError  # noqa: PLC0415

        try:
            session = _connect(azure=True)
        except AciHelpersError as err:
            check = Check("configuration", "fail", str(err),
                          "see docs/azure.md: az login, or AZURE_AUTH_LOCATION")
            print(check_line(check))
            checks.append(check)
        else:
            with session:
                az = azure_checks(session, session.credential, region=args.region,
                                  participants=args.participants)
            for c in az:
                print(check_line(c))
            checks += az
    red = sum(c.failed for c in checks)
    print(f"\n{len(checks) - red} ok, {red} failed ({sum(c.seconds for c in checks):.1f} s)")
    return FAILED if red else OK


def cmd_plan(args: argparse.Namespace) -> int:
    """Participants per region against the quota."""
    from .workshop import cores_to_ask, plan, spread  # noqa: PLC0415

    _positive(args.participants, "--participants")
    regions = args.region or [None]
    with _connect(args.azure) as s:
        print(_where(s))
        needs, rows = plan(s, [r or s.location for r in regions])
    print(f"A participant needs {needs.cores} standard cores and {needs.groups} container "
          f"groups at once ({needs.how}).\n")
    print(table(["region", "cores used/limit", "groups used/limit", "participants that fit"],
                [(r.region, f"{r.cores_used}/{r.cores_limit}", f"{r.groups_used}/{r.groups_limit}",
                  r.fit) for r in rows], right={3}))
    placed, left = spread(args.participants, rows)
    print()
    if not left:
        how = ", ".join(f"{n} in {r}" for r, n in placed.items())
        print(f"{args.participants} participants fit: {how}.")
        return OK
    biggest = max(rows, key=lambda r: r.cores_limit)
    print(f"{args.participants} participants do not fit: {left} have no room "
          f"({', '.join(f'{n} in {r}' for r, n in placed.items()) or 'none placed'}).\n"
          f"Add regions (--region R, several times), or ask for a Standard Cores quota of "
          f"{cores_to_ask(args.participants, needs, biggest)} in {biggest.region} "
          "(Azure portal → Quotas → Container Instances).")
    return FAILED


def cmd_setup(args: argparse.Namespace) -> int:
    """One tagged resource group per participant; the line each participant sets."""
    from .workshop import check_workshop_id, participant_names, setup  # noqa: PLC0415

    check_workshop_id(args.workshop)
    names = participant_names(args.participants, args.names)
    began = time.perf_counter()
    with _connect(args.azure) as s:
        print(_where(s))
        rows = setup(s, args.workshop, names, args.location)
    took = time.perf_counter() - began
    print(table(["participant", "resource group", "", "each participant runs"],
                [(r.participant, r.resource_group, r.status, r.env_line) for r in rows]))
    created = sum(r.status == "created" for r in rows)
    print(f"\n{created} created, {len(rows) - created} already there ({took:.1f} s). In a "
          "notebook: %env ACI_RESOURCE_GROUP=<their group>.")
    return OK


def cmd_status(args: argparse.Namespace) -> int:
    """Participants, groups, states, CPU in use, cost so far."""
    from .workshop import check_workshop_id, status  # noqa: PLC0415

    check_workshop_id(args.workshop)
    with _connect(args.azure) as s:
        print(_where(s))
        people = status(s, args.workshop)
    if not people:
        print(f"No resource group carries workshop {args.workshop!r}: "
              f"aci-tutorial workshop setup --workshop {args.workshop} --participants N")
        return FAILED
    print(table(["participant", "resource group", "groups", "states", "CPU in use", "est. cost so far"],
                [(p.participant, p.resource_group, len(p.groups), p.states, f"{p.cpu_in_use:g}",
                  f"${p.cost_so_far:.4f}") for p in people], right={2, 4, 5}))
    cpu = sum(p.cpu_in_use for p in people)
    cost = sum(p.cost_so_far for p in people)
    print(f"\n{len(people)} participants, {sum(len(p.groups) for p in people)} container groups, "
          f"{cpu:g} CPU in use, ${cost:.4f} so far (an estimate: Linux pay-as-you-go rates of "
          "aci_helpers.cost, since each group's containers last started).")
    return OK


def cmd_cleanup(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    """List, ask, delete, wait, report what is left."""
    from .workshop import check_workshop_id, cleanup, cleanup_plan  # noqa: PLC0415

    check_workshop_id(args.workshop)
    with _connect(args.azure) as s:
        print(_where(s))
        plan = cleanup_plan(s, args.workshop)
        for name, why in plan.kept:
            print(f"kept: {name}: {why}")
        if not plan.delete:
            print(f"Nothing carries workshop {args.workshop!r}'s tag: nothing to delete.")
            return OK
        print(f"Would delete {len(plan.delete)} resource groups of workshop {args.workshop!r} "
              "and everything in them:")
        for name in plan.delete:
            print(f"  {name}")
        if not args.yes:
            if not sys.stdin.isatty() and ask is input:
                print("Not confirmed (no terminal to ask in): add --yes. Nothing was deleted.")
                return NOT_CONFIRMED
            answer = ask(f"Type the workshop id ({args.workshop}) to delete them: ")
            if answer.strip() != args.workshop:
                print("Not confirmed: nothing was deleted.")
                return NOT_CONFIRMED
        began = time.perf_counter()
        deleted, failed = cleanup(s, plan)
        took = time.perf_counter() - began
        left = cleanup_plan(s, args.workshop).delete
    print(f"Deleted {len(deleted)} resource groups in {took:.1f} s.")
    for line in failed:
        print(f"failed: {line}")
    if left:
        print(f"Left: {', '.join(left)}. Run cleanup again, or: az group delete --name <group>")
        return FAILED
    print(f"Nothing of workshop {args.workshop!r} is left.")
    return FAILED if failed else OK


def cmd_release(args: argparse.Namespace) -> int:
    """Participant copies without solutions and outputs; the trainer's copy with them."""
    from .release import release  # noqa: PLC0415
    from .preflight import find_notebooks  # noqa: PLC0415

    src = find_notebooks(args.notebooks)
    if src is None:
        raise UsageError("No notebooks folder found: run from the repository's folder or pass "
                         "--notebooks DIR.")
    done = release(src, args.outdir)
    out = Path(args.outdir)
    print(table(["notebook", "exercises", "solution cells removed"],
                [(r.name, r.exercise_cells, r.solution_cells) for r in done], right={1, 2}))
    removed = sum(r.solution_cells for r in done)
    print(f"\n{len(done)} notebooks from {src}:\n  {out / 'participant'}  (no solutions, no "
          f"outputs; {removed} solution cells removed)\n  {out / 'trainer'}  (as committed)")
    if not removed:
        print("Note: no cell is tagged 'solution', so the participant copies differ only by "
              "their cleared outputs.")
    return OK


def cmd_reset(args: argparse.Namespace) -> int:
    """Empty the learner's emulator cloud."""
    from .. import connect  # noqa: PLC0415

    s = connect("emulator")
    with s:
        state = s.emulator.state
        if state is None:
            print("ACI_EMULATOR_STATE=memory: each kernel has its own throw-away cloud; there "
                  "is nothing shared to reset.")
            return OK
        s.emulator.reset()
    print(f"Emptied the emulator's cloud in {state}. Every kernel using it sees an empty "
          "cloud at its next request.")
    return OK


# ---------------------------------------------------------------------------------- parser
def _positive(value: int, flag: str) -> None:
    if value < 1:
        raise UsageError(f"{flag} must be at least 1, not {value}.")


def build_parser() -> argparse.ArgumentParser:
    """The command line, with --help on every subcommand."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(
        prog="aci-tutorial", formatter_class=fmt,
        description="The trainer's tools for the ACI notebook tutorial.", epilog=EXIT_CODES)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    pre = sub.add_parser("preflight", formatter_class=fmt, epilog=EXIT_CODES,
                         help="will this machine (and subscription) work?",
                         description="Check Python, the pinned packages, the Jupyter kernel, an "
                         "emulator round trip and the notebooks' imports; with --azure also "
                         "sign-in, subscription, provider registration, quota and the right to "
                         "create a resource group. Each line is ok or FAIL with its fix.")
    pre.add_argument("--azure", action="store_true", help="also check the Azure subscription")
    pre.add_argument("--region", help="region for the quota check (default: ACI_LOCATION or eastus)")
    pre.add_argument("--participants", type=int, default=1,
                     help="participants the quota must hold (default 1)")
    pre.add_argument("--notebooks", help="the notebooks folder (default: ./notebooks)")
    pre.set_defaults(func=cmd_preflight)

    ws = sub.add_parser("workshop", formatter_class=fmt, epilog=EXIT_CODES,
                        help="plan, set up, watch and clean up a workshop",
                        description="A workshop on one subscription: one tagged resource group "
                        "per participant. On the emulator (the default backend) it is a "
                        "rehearsal on your own emulated cloud; --azure for the subscription.")
    wsub = ws.add_subparsers(dest="workshop_command", required=True, metavar="STEP")

    def step(name: str, help_: str, desc: str, func: Callable[..., int]) -> argparse.ArgumentParser:
        sp = wsub.add_parser(name, help=help_, description=desc, formatter_class=fmt,
                             epilog=EXIT_CODES)
        sp.add_argument("--azure", action="store_true",
                        help="on the Azure subscription (default: ACI_BACKEND, the emulator)")
        sp.set_defaults(func=func)
        return sp

    sp = step("plan", "do N participants fit in the quota?",
              "What one participant needs at once (measured from the notebooks) against each "
              "region's quota: whether N fit, how to spread them, or what quota to ask for.",
              cmd_plan)
    sp.add_argument("--participants", type=int, required=True, help="number of participants")
    sp.add_argument("--region", action="append", help="a region to consider (repeat for several)")

    sp = step("setup", "a tagged resource group per participant",
              "Create aci-ws-<ID>-<participant> for each participant, tagged with the workshop "
              "and the participant, and print the ACI_RESOURCE_GROUP line each one sets.",
              cmd_setup)
    sp.add_argument("--workshop", required=True, metavar="ID", help="the workshop's id, e.g. pycon-2026")
    who = sp.add_mutually_exclusive_group(required=True)
    who.add_argument("--participants", type=int, metavar="N", help="p01 ... pNN")
    who.add_argument("--names", metavar="FILE", help="a file of names, one a line")
    sp.add_argument("--location", help="region of the resource groups (default: ACI_LOCATION or eastus)")

    sp = step("status", "what runs, per participant",
              "A table of participants, their resource groups, container groups' states, CPU "
              "in use and estimated cost so far.", cmd_status)
    sp.add_argument("--workshop", required=True, metavar="ID")

    sp = step("cleanup", "delete the workshop's resource groups",
              "List the resource groups carrying the workshop's tag (never one without it, "
              "whatever its name), ask, delete them and all they hold, wait, report what is "
              "left.", cmd_cleanup)
    sp.add_argument("--workshop", required=True, metavar="ID")
    sp.add_argument("--yes", action="store_true", help="do not ask")

    rel = sub.add_parser("release", formatter_class=fmt, epilog=EXIT_CODES,
                         help="participant copies without solutions",
                         description="Write OUTDIR/participant (notebooks without the cells "
                         "tagged 'solution', outputs cleared) and OUTDIR/trainer (as committed).")
    rel.add_argument("outdir", metavar="OUTDIR")
    rel.add_argument("--notebooks", help="the notebooks folder (default: ./notebooks)")
    rel.set_defaults(func=cmd_release)

    rs = sub.add_parser("reset", formatter_class=fmt, epilog=EXIT_CODES,
                        help="empty your emulator cloud",
                        description="Empty the emulator's shared state file (ACI_EMULATOR_STATE "
                        "or the per-user default); every kernel sees the empty cloud.")
    rs.set_defaults(func=cmd_reset)
    from .local_cloud import register as register_local_cloud  # noqa: PLC0415

    register_local_cloud(sub, fmt, EXIT_CODES)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    from ..errors import AciHelpersError  # noqa: PLC0415
    from .release import ReleaseError  # noqa: PLC0415
    from .workshop import WorkshopError  # noqa: PLC0415

    # Box-drawing and check marks in a Windows console or a C locale must not crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, WorkshopError, ReleaseError) as err:
        print(f"aci-tutorial: {err}", file=sys.stderr)
        return USAGE
    except AciHelpersError as err:
        print(f"aci-tutorial: {err}", file=sys.stderr)
        return FAILED
    except BrokenPipeError:  # `aci-tutorial ... | head`: the reader left, nothing to say
        return OK
    except KeyboardInterrupt:
        print("aci-tutorial: interrupted.", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - an SDK error: one readable line, not a traceback
        from ..errors import explain_error  # noqa: PLC0415

        e = explain_error(err) if hasattr(err, "status_code") else None
        text = f"{e.code}: {e.message}" + (f"\nhint: {e.hint}" if e.hint else "") if e else \
            f"{type(err).__name__}: {err}"
        print(f"aci-tutorial: {text}", file=sys.stderr)
        return FAILED

