"""The image catalog's one setting, ACI_EMULATOR_IMAGES, is read by the Emulator when it is
made, once, and handed down: the runtime reads no setting and no file; a file that cannot
be used is refused before the state is touched; the registries see the same catalog."""

from __future__ import annotations

import json

import pytest

from aci_helpers.emulator import CatalogFileError, Emulator
from aci_helpers.emulator.image_catalog import IMAGES_VARIABLE, load_catalog
from aci_helpers.emulator.runtime import (ImageCatalog, ImageNotFound,
                                          RegistryCredentialsRequired, launch)

from .conftest import RG, LOC, Cloud, container, group

JOB = "myreg.azurecr.io/job:1"


def images_file(tmp_path, entries) -> str:
    path = tmp_path / "images.json"
    path.write_text(entries if isinstance(entries, str) else json.dumps(entries))
    return str(path)


def test_the_runtime_reads_no_setting(tmp_path, monkeypatch):
    monkeypatch.setenv(IMAGES_VARIABLE, images_file(tmp_path, [{"reference": JOB}]))
    with pytest.raises(RegistryCredentialsRequired):   # the file was not read
        ImageCatalog.default().resolve(JOB)
    assert load_catalog().resolve(JOB).reference == JOB


def test_entries_are_added_all_or_none():
    cat = ImageCatalog.default()
    with pytest.raises(ValueError, match="entry 1: unknown behaviour 'nope'"):
        cat.add_entries([{"reference": JOB}, {"reference": "a.azurecr.io/b:1", "behaviour": "nope"}])
    with pytest.raises(RegistryCredentialsRequired):   # nor the good first entry kept
        cat.resolve(JOB)
    for bad, why in (({"reference": JOB}, "top level is not a list"),
                     ([["x"]], "entry 0 is not an object with a 'reference'"),
                     ([{"reference": JOB, "colour": 1}], "entry 0: .*colour"),
                     ([{"reference": "Bad Ref"}], "entry 0: The image 'Bad Ref' was not found")):
        with pytest.raises(ValueError, match=why):
            cat.add_entries(bad)
    cat.add_entries([{"reference": JOB, "default_command": ["echo", "done"]}])
    prog = launch(cat.resolve(JOB))
    assert prog.output(1) == [(0.0, "done")] and prog.exit_code == 0


def test_the_emulator_reads_the_file_once_when_made(tmp_path, monkeypatch):
    path = images_file(tmp_path, [{"reference": JOB, "default_command": ["echo", "done"]}])
    monkeypatch.setenv(IMAGES_VARIABLE, path)
    cloud = Cloud(Emulator(None, clock="instant"))
    images_file(tmp_path, "{not json")            # later changes are not read
    monkeypatch.delenv(IMAGES_VARIABLE)
    cloud.res.resource_groups.create_or_update(RG, {"location": LOC})
    cloud.aci.container_groups.begin_create_or_update(
        RG, "job", group(container(image=JOB), restart="Never")).result()
    assert cloud.aci.containers.list_logs(RG, "job", "c1").content == "done\n"
    # the registries import from the same catalog
    login = cloud.emu.add_registry("contoso.azurecr.io", {"job:2": JOB})
    assert login.server == "contoso.azurecr.io"


def test_an_unusable_file_is_refused_before_the_state_is_opened(tmp_path, monkeypatch):
    state = tmp_path / "state.db"
    for content, why in (("{not json", "Expecting property name"),
                         ([{"reference": JOB, "behaviour": "nope"}], "entry 0: unknown behaviour")):
        monkeypatch.setenv(IMAGES_VARIABLE, images_file(tmp_path, content))
        with pytest.raises(CatalogFileError, match=f"images.json.*{why}"):
            Emulator(state, clock="instant")
        assert not state.exists()
    monkeypatch.setenv(IMAGES_VARIABLE, str(tmp_path / "missing.json"))
    with pytest.raises(CatalogFileError, match="missing.json.*No such file"):
        Emulator(None)


def test_an_empty_setting_means_the_built_ins(monkeypatch):
    monkeypatch.setenv(IMAGES_VARIABLE, "")
    with pytest.raises(ImageNotFound):
        load_catalog().resolve("mcr.microsoft.com/azuredocs/aci-helloword")
