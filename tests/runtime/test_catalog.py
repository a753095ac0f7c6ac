"""Image reference normalisation and catalog resolution."""

from __future__ import annotations

import pytest

from aci_helpers.emulator.runtime import (ImageCatalog, ImageNotFound,
                                          RegistryCredentialsRequired, launch, parse_reference)
from aci_helpers.emulator.runtime.images import OPAQUE_IMAGE_NOTE

from .conftest import HELLO, SIDECAR, WORDCOUNT, lines


@pytest.mark.parametrize("image, canonical", [
    ("nginx", "docker.io/library/nginx:latest"),
    ("nginx:1.25-alpine", "docker.io/library/nginx:1.25-alpine"),
    ("library/nginx", "docker.io/library/nginx:latest"),
    ("docker.io/nginx", "docker.io/library/nginx:latest"),
    ("index.docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27"),
    ("DOCKER.IO/alpine", "docker.io/library/alpine:latest"),
    ("microsoft/aci-helloworld", "docker.io/microsoft/aci-helloworld:latest"),
    ("mcr.microsoft.com/azuredocs/aci-helloworld", "mcr.microsoft.com/azuredocs/aci-helloworld:latest"),
    ("myreg.azurecr.io/app:v1", "myreg.azurecr.io/app:v1"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
])
def test_normalisation(image, canonical):
    assert str(parse_reference(image)) == canonical


@pytest.mark.parametrize("image", ["", "Nginx", "nginx:", "nginx@sha256:123", "a b", " nginx",
                                   "nginx:bad/tag", "myreg.azurecr.io/App"])
def test_malformed_references_are_not_found(catalog, image):
    with pytest.raises(ImageNotFound, match="not found"):
        catalog.resolve(image)


@pytest.mark.parametrize("image", [
    HELLO, SIDECAR, WORDCOUNT, f"{HELLO}:latest",
    "microsoft/aci-helloworld", "microsoft/aci-tutorial-sidecar", "microsoft/aci-wordcount",
    "nginx", "nginx:1.27.3", "nginx:1.25-alpine", "alpine:3.20", "busybox:1.36", "ubuntu:22.04",
    "ubuntu:jammy", "debian:bookworm-slim", "python:3.12", "python:3.12-slim", "node:20-alpine",
    "httpd:2.4", "redis:7", "hello-world", "docker.io/library/redis:latest",
    "mcr.microsoft.com/azure-cli", "mcr.microsoft.com/oss/nginx/nginx:1.15.5-alpine",
    "alpine@sha256:" + "b" * 64, f"{HELLO}@sha256:" + "a" * 64,
])
def test_known_images_resolve(catalog, image):
    info = catalog.resolve(image)
    assert info.os_type == "Linux"
    assert info.reference == str(parse_reference(image))


def test_tutorial_images(catalog):
    hello = catalog.resolve(HELLO)
    assert hello.behaviour == "helloworld" and hello.ports == (80,)
    assert hello.default_command == ["node", "/usr/src/app/index.js"]
    assert catalog.resolve(SIDECAR).behaviour == "sidecar"
    wc = catalog.resolve(WORDCOUNT)
    assert wc.default_command == ["/bin/sh", "-c",
                                  "python wordcount.py http://shakespeare.mit.edu/hamlet/full.html"]
    assert dict(wc.env)["NumWords"] == "10" and dict(wc.env)["MinLength"] == "0"


@pytest.mark.parametrize("image", [
    "mcr.microsoft.com/azuredocs/aci-helloword",  # the typo from the issue
    "mcr.microsoft.com/azuredocs/aci-helloworld:v2",  # the tutorial images only publish latest
    "ngnix", "nginx:not-a-tag", "pyhton:3.12", "microsoft/aci-hellowrld",
    "mcr.microsoft.com/azuredocs/aci-wordcont",
])
def test_typos_of_catalog_images_are_not_found(catalog, image):
    with pytest.raises(ImageNotFound) as exc:
        catalog.resolve(image)
    assert image in str(exc.value)


@pytest.mark.parametrize("image", [
    "hashicorp/http-echo:latest", "docker.io/library/nosuchimage", "ghcr.io/someone/app:v1",
    "mcr.microsoft.com/azuredocs/aci-hellofiles", "quay.io/prometheus/node-exporter",
])
def test_unknown_public_images_run_as_opaque_processes(catalog, image):
    """A well-formed reference on a public registry is an image Azure would pull: it runs,
    forever, and its log says that its real output is unknown to the emulator."""
    from aci_helpers.emulator.runtime import launch
    info = catalog.resolve(image)
    assert info.behaviour == "opaque"
    prog = launch(info)
    assert prog.exit_after is None
    [(t, line)] = prog.output(until=3600)
    assert t == 0 and line.startswith("[aci-emulator] ") and "opaque" in line
    assert info.familiar in line
    # a command override still runs through the shell interpreter
    assert launch(info, command=["/bin/sh", "-c", "echo hi"]).output(1) == [(0.0, "hi")]


@pytest.mark.parametrize("image", ["myregistry.azurecr.io/app:v1", "registry.example.com:5000/x"])
def test_private_registry_needs_credentials(catalog, image):
    with pytest.raises(RegistryCredentialsRequired) as exc:
        catalog.resolve(image)
    assert "imageRegistryCredentials" in str(exc.value)
    assert exc.value.server == parse_reference(image).registry


def test_private_registry_with_credentials_follows_the_unknown_image_rule(catalog):
    """With credentials, an image nobody added is one Azure would pull: opaque, like an
    unknown public image (runs forever, one line saying its output is unknown)."""
    info = catalog.resolve("myregistry.azurecr.io/app:v1", ["MyRegistry.azurecr.io"])
    assert info.behaviour == "opaque"
    prog = launch(info, None, {}, [], 0)
    assert prog.exit_after is None and prog.exit_code is None
    assert lines(prog) == [OPAQUE_IMAGE_NOTE.format(image="myregistry.azurecr.io/app:v1")]
    # ... but a command override still runs in its shell
    prog = launch(info, ["/bin/sh", "-c", "echo hi"], {}, [], 0)
    assert lines(prog) == ["hi"] and prog.exit_code == 0


def test_credentials_for_another_server_do_not_help(catalog):
    with pytest.raises(RegistryCredentialsRequired):
        catalog.resolve("a.azurecr.io/app", ["b.azurecr.io"])


def test_add_private_image():
    cat = ImageCatalog.default()
    cat.add("myreg.azurecr.io/web:v1", default_command=["/bin/sh", "-c", "echo up; sleep infinity"],
            ports=[8080], env={"MODE": "prod"})
    info = cat.resolve("myreg.azurecr.io/web:v1")  # added images need no credentials
    assert info.ports == (8080,) and dict(info.env)["MODE"] == "prod"
    prog = launch(info, None, {}, [], 0)
    assert lines(prog) == ["up"] and prog.exit_after is None
    with pytest.raises(RegistryCredentialsRequired):
        cat.resolve("myreg.azurecr.io/web:v2")


def test_add_with_behaviour_and_any_tag():
    cat = ImageCatalog.default()
    cat.add("contoso/web", behaviour="nginx", any_tag=True)
    info = cat.resolve("contoso/web:2.0")
    assert info.behaviour == "nginx"
    out = lines(launch(info, None, {}, [], 0), 5)
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in out
    with pytest.raises(ValueError, match="unknown behaviour"):
        cat.add("contoso/x", behaviour="nope")
