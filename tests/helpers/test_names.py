"""unique_name: one stable name per prefix and learner, so re-runs update instead of adding."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from aci_helpers import ConfigurationError, connect, unique_name
from aci_helpers.names import describe_names, name_suffix, reset_names, suffix_file


@pytest.fixture
def fresh(clean_env, tmp_path):
    """No ACI_/AZURE_ variables, a private cache dir for the Azure suffix file."""
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    reset_names()
    yield clean_env
    reset_names()


def test_the_same_name_every_time_on_the_emulator(fresh):
    s = connect(state="memory", clock="instant")
    first = unique_name("aci", s)
    assert first == "aci-970777"  # seed 0: the committed notebooks' names
    assert unique_name("aci", s) == first and unique_name("aci") == first
    reset_names()
    assert unique_name("aci", s) == first
    assert unique_name("web", s) == "web-970777"  # one suffix per learner, any prefix


def test_the_seed_picks_the_suffix(fresh):
    fresh.setenv("ACI_EMULATOR_SEED", "7")
    a = unique_name("aci")
    fresh.setenv("ACI_EMULATOR_SEED", "8")
    assert re.fullmatch(r"aci-\d{6}", a) and unique_name("aci") != a


def test_on_azure_drawn_once_and_kept_in_a_file(fresh, tmp_path):
    fresh.setenv("ACI_BACKEND", "azure")
    path = suffix_file()
    assert str(path).startswith(str(tmp_path)) and not path.exists()
    name = unique_name("aci")
    assert re.fullmatch(r"aci-\d{6}", name)
    assert path.read_text().strip() == name_suffix()
    reset_names()  # a new kernel reads the file: same name
    assert unique_name("aci") == name
    code = "from aci_helpers import unique_name; print(unique_name('aci'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == name
    assert str(path) in describe_names() and "drawn at random once" in describe_names()


def test_a_damaged_suffix_file_is_a_clear_error(fresh):
    fresh.setenv("ACI_BACKEND", "azure")
    path = suffix_file()
    path.parent.mkdir(parents=True)
    path.write_text("NOT OK\n")
    with pytest.raises(ConfigurationError, match="Delete the file"):
        unique_name("aci")


def test_the_suffix_can_be_set(fresh):
    fresh.setenv("ACI_NAME_SUFFIX", "ws42")
    assert unique_name("aci") == "aci-ws42"
    assert "set by ACI_NAME_SUFFIX" in describe_names()
    fresh.setenv("ACI_NAME_SUFFIX", "Bad Suffix")
    with pytest.raises(ConfigurationError, match="ACI_NAME_SUFFIX"):
        unique_name("aci")


def test_the_emulator_says_where_its_names_come_from(fresh):
    text = describe_names(connect(state="memory", clock="instant", seed=3))
    assert "ACI_EMULATOR_SEED=3" in text and text.startswith("Your names end in -")


@pytest.mark.parametrize("prefix", ["", "-aci", "aci-", "1aci", "ACI", "a--b", "a_b", "a" * 57])
def test_bad_prefixes_are_refused(fresh, prefix):
    with pytest.raises(ValueError, match="unique_name: the prefix"):
        unique_name(prefix)


def test_a_prefix_that_is_not_text_is_refused(fresh):
    with pytest.raises(TypeError, match="must be a str"):
        unique_name(7)  # type: ignore[arg-type]


def test_longest_prefix_gives_a_valid_dns_label(fresh):
    name = unique_name("a" * 56)
    assert len(name) == 63


def test_a_notebooks_own_names_carry_the_notebook(fresh):
    from aci_helpers.names import notebook_name, owner_of, scenario_names

    s = connect(state="memory", clock="instant")
    assert notebook_name("09", "try", s) == "aci-970777-09-try"
    assert notebook_name("03b", session=s) == "aci-970777-03b"
    assert scenario_names(s) == {"01": "aci-970777", "02": "aci-970777-multi",
                                 "03": "aci-970777-task"}
    # no two notebooks can give the same name: the notebook is part of it
    assert len({notebook_name(nb, "try", s) for nb in ("01", "03", "09")}) == 3
    assert owner_of("aci-970777-09-try", s) == "09" and owner_of("aci-970777-10-typo", s) == "10"
    assert owner_of("aci-970777-multi", s) == "02" and owner_of("aci-970777", s) == "01"
    assert owner_of("web-970777", s) == "07"
    assert owner_of("aci-970777-try", s) is None  # an earlier version's name
    assert owner_of("aci-123456-09-try", s) is None  # another learner's
    assert owner_of("other", s) is None


@pytest.mark.parametrize("notebook, purpose", [("3", "try"), ("03B", "try"), (3, "try"),
                                               ("03", "Try"), ("03", "-try"), ("03", "a" * 50)])
def test_bad_notebook_names_are_refused(fresh, notebook, purpose):
    from aci_helpers.names import notebook_name

    with pytest.raises(ValueError, match="notebook_name"):
        notebook_name(notebook, purpose)
