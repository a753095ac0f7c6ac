"""file_share(): the emulated share on the emulator, the learner's own on Azure; the key
never shown."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aci_helpers import ConfigurationError, FileShare, file_share
from aci_helpers.storage import MASK, Secret

AZURE = SimpleNamespace(backend="azure", resource_group="my-rg", location="westeurope")


def test_the_emulator_share_is_stable_per_seed_and_its_key_masked(s):
    share = file_share(s)
    assert share == file_share(s)  # running the notebook again finds the same share
    assert share.account.startswith("acitutorial") and share.name == "aci-results"
    assert len(share.key) == 88 and isinstance(share.key, Secret)
    shown = [repr(share), repr(share.key), f"{share.key}", f"{share}"]
    assert all(str(share.key) not in text for text in shown) and MASK in repr(share)


def test_on_azure_the_share_comes_from_the_environment(clean_env):
    clean_env.setenv("ACI_STORAGE_ACCOUNT", "mystore123")
    clean_env.setenv("ACI_STORAGE_KEY", "the-real-key==")
    share = file_share(AZURE)
    assert share == FileShare("mystore123", "aci-results", Secret("the-real-key=="))
    assert "the-real-key" not in repr(share)


def test_on_azure_without_the_variables_the_error_says_how_to_make_the_share(clean_env):
    clean_env.setenv("ACI_STORAGE_ACCOUNT", "mystore123")
    with pytest.raises(ConfigurationError) as e:
        file_share(AZURE)
    text = str(e.value)
    assert "Missing now: ACI_STORAGE_KEY." in text
    assert "az storage account create -g my-rg -n <account> -l westeurope" in text
    assert "az storage share create --name aci-results" in text


@pytest.mark.parametrize("var, value, words", [
    ("ACI_STORAGE_ACCOUNT", "My_Store", "storage account name"),
    ("ACI_STORAGE_SHARE", "Results--x", "file share name"),
])
def test_on_azure_names_azure_would_refuse_are_refused_here(clean_env, var, value, words):
    clean_env.setenv("ACI_STORAGE_ACCOUNT", "mystore123")
    clean_env.setenv("ACI_STORAGE_KEY", "k")
    clean_env.setenv(var, value)
    with pytest.raises(ConfigurationError, match=words):
        file_share(AZURE)
