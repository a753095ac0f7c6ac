"""A program that reads nothing of its container's identity (start time, seed, HOSTNAME) is
interpreted once per spec and shared: the same output, exit and files as launching it anew
with another container's identity. One that reads any of it is its container's own."""

from __future__ import annotations

import sys

import pytest

from aci_helpers.emulator.runtime import images, launch

from .conftest import HELLO, ROMEO, SIDECAR, WORDCOUNT

# the module, not the function the package exports under the same name
LAUNCH = sys.modules["aci_helpers.emulator.runtime.launch"]
T0 = 1_704_067_200.0


def fresh(info, command=None, env=None, peers=(), seed=0, started_at=T0):
    """The program launched anew: neither shared nor cached."""
    cmd = tuple(command or ())
    env_key = tuple(sorted((env or {}).items()))
    return LAUNCH._launch.__wrapped__(info, cmd, env_key, tuple(peers), seed, started_at, ())


def observed(prog) -> tuple:
    """Everything a client can see of a program."""
    return (prog.output(10_000.0), prog.exit_after, prog.exit_code, prog.start_error,
            prog.writes, prog.settled, prog.description, prog.line_count(86_400.0 * 30))


@pytest.mark.parametrize("image, command, env", [
    (WORDCOUNT, ["python", "wordcount.py", ROMEO], {"NumWords": "5", "MinLength": "8"}),
    (HELLO, None, {}),
    ("node", None, {}),
    ("hello-world", None, {}),
    ("python:3.12-slim", ["python", "-V"], {}),
])
def test_a_program_that_reads_no_identity_is_shared_and_unchanged(catalog, image, command, env):
    info = catalog.resolve(image)
    one = launch(info, command=command, env=env, seed=1, started_at=T0)
    two = launch(info, command=command, env=env, seed=2, started_at=T0 + 3600)
    assert one.identity_free and two is one
    assert observed(fresh(info, command, env, seed=2, started_at=T0 + 3600)) == observed(one)


@pytest.mark.parametrize("image, command, peers", [
    ("alpine", ["/bin/sh", "-c", "echo $HOSTNAME"], ()),        # a shell: its variables
    ("alpine", ["hostname"], ()),                               # a utility
    (WORDCOUNT, None, ()),                                      # its CMD is `sh -c ...`
    ("alpine", ["/bin/sh", "-c", "date; sleep 5; date"], ()),   # the start time
    ("nginx", None, ()),                                        # dates in its log
    ("httpd", None, ()),                                        # a random thread id
    (HELLO, None, (SIDECAR,)),                                  # dated access-log lines
    ("python:3.12-slim", ["python", "-c", "import os; print(os.environ)"], ()),
])
def test_a_program_that_reads_its_identity_is_its_own(catalog, image, command, peers):
    info = catalog.resolve(image)
    peer_infos = [catalog.resolve(p) for p in peers]
    one = launch(info, command=command, peers=peer_infos, seed=1, started_at=T0)
    two = launch(info, command=command, peers=peer_infos, seed=2, started_at=T0 + 3600)
    assert not one.identity_free and two is not one
    assert observed(two) == observed(fresh(info, command, seed=2, started_at=T0 + 3600,
                                           peers=peer_infos))


@pytest.mark.parametrize("key", sorted(images._BUILTIN), ids="/".join)
def test_every_built_in_images_shared_program_is_what_another_identity_would_see(catalog, key):
    """The tracking is sound for every image's own program: where a launch says it read no
    identity, launching it with another seed and start time shows exactly the same."""
    registry, repository = key
    tag = images._BUILTIN[key][1]
    info = catalog.resolve(f"{registry}/{repository}:{'latest' if tag == 'any' else tag}")
    one = fresh(info, seed=1, started_at=T0)
    two = fresh(info, seed=987_654_321, started_at=T0 + 86_400 * 400 + 0.5)
    if one.identity_free:
        assert two.identity_free and observed(two) == observed(one)
