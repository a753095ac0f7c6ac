"""Fixtures for the simulated runtime tests."""

from __future__ import annotations

import pytest

from aci_helpers.emulator.runtime import ImageCatalog, Program, launch

HELLO = "mcr.microsoft.com/azuredocs/aci-helloworld"
SIDECAR = "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar"
WORDCOUNT = "mcr.microsoft.com/azuredocs/aci-wordcount"
ROMEO = "http://shakespeare.mit.edu/romeo_juliet/full.html"


@pytest.fixture(scope="session")
def catalog() -> ImageCatalog:
    return ImageCatalog.default()


@pytest.fixture
def run(catalog):
    """run(image, command=None, env=None, peers=()) -> Program."""

    def _run(image: str, command=None, env=None, peers=(), seed=0, **kw) -> Program:
        info = catalog.resolve(image)
        return launch(info, command=command, env=env or {},
                      peers=[catalog.resolve(p) for p in peers], seed=seed, **kw)

    return _run


def lines(prog: Program, until: float = 1e6, tail=None) -> list[str]:
    return [text for _, text in prog.output(until, tail=tail)]
