"""``aci-tutorial``: the trainer's command line (preflight, workshop, release, reset).

Exit codes: 0 done / all green; 1 a check is red or an operation failed; 2 bad usage or
input (nothing changed); 3 not confirmed (nothing changed). Output is plain text that
reads the same in a terminal and in a notebook (``!aci-tutorial preflight``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .out import Check, check_line, table
from .workshop_cli import UsageError, _connect, _s
from .workshop_cli import register as register_workshop

OK, FAILED, USAGE, NOT_CONFIRMED = 0, 1, 2, 3  # the same in workshop_cli.py
EXIT_CODES = ("exit codes: 0 done (every check green); 1 a check is red or an operation "
              "failed; 2 bad usage or input, nothing changed; 3 not confirmed, nothing changed")


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
    warned = sum(c.status == "warn" for c in checks)
    skipped = sum(c.status == "skip" for c in checks)
    print(f"\n{len(checks) - red - warned - skipped} ok, "
          + (f"{warned} warning{'s' * (warned != 1)}, " if warned else "")
          + (f"{skipped} skipped, " if skipped else "")
          + f"{red} failed ({sum(c.seconds for c in checks):.1f} s)")
    return FAILED if red else OK


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
    print(f"\n{len(done)} notebook{_s(len(done))} from {src}:\n  {out / 'participant'}  (no solutions, no "
          f"outputs; {removed} solution cells removed)\n  {out / 'trainer'}  (as committed)")
    if not removed:
        print("Note: no cell is tagged 'solution', so the participant copies differ only by "
              "their cleared outputs.")
    if args.git:
        from .release import commit_release  # noqa: PLC0415

        commit = commit_release(out, f"Release of {len(done)} notebook{_s(len(done))} from {src}")
        print(f"\nCommitted in {out} (a git repository, commit {commit}): push it where the hub "
              f"can read it (git -C {out} remote add origin URL && git -C {out} push -u origin "
              "main), then give participants the nbgitpuller link: https://HUB/hub/user-redirect/"
              "git-pull?repo=URL&branch=main&urlpath=lab/tree/REPO/participant")
    return OK


def cmd_reset(args: argparse.Namespace) -> int:
    """Empty the learner's emulator cloud."""
    from .. import connect  # noqa: PLC0415

    s = connect("emulator")
    with s:
        state = s.emulator.state
        url = getattr(s.emulator, "url", None)
        if url:   # the class's served emulator: its owner's account only (else it says why)
            try:
                s.emulator.reset()
            except PermissionError as err:   # not the server's account
                print(f"aci-tutorial: {err}", file=sys.stderr)
                return FAILED
            print(f"Emptied the emulator's cloud served at {url}: every participant's groups "
                  "are gone; every kernel sees an empty cloud at its next request.")
            return OK
        if state is None:
            print("ACI_EMULATOR_STATE=memory: each kernel has its own throw-away cloud; there "
                  "is nothing shared to reset.")
            return OK
        s.emulator.reset()
    print(f"Emptied the emulator's cloud in {state}. Every kernel using it sees an empty "
          "cloud at its next request.")
    return OK


# ---------------------------------------------------------------------------------- parser
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

    register_workshop(sub, fmt, EXIT_CODES)

    rel = sub.add_parser("release", formatter_class=fmt, epilog=EXIT_CODES,
                         help="participant copies without solutions",
                         description="Write OUTDIR/participant (notebooks without the cells "
                         "tagged 'solution', outputs cleared) and OUTDIR/trainer (as committed).")
    rel.add_argument("outdir", metavar="OUTDIR")
    rel.add_argument("--notebooks", help="the notebooks folder (default: ./notebooks)")
    rel.add_argument("--git", action="store_true",
                     help="make OUTDIR a git repository and commit the release (nbgitpuller "
                     "pulls from one)")
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

