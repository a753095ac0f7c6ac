"""Private registries: emulated registries check credentials, tags and pull identities as ACI
does (InaccessibleImage for every pull that fails), other private registries accept any
credentials and run unknown images opaquely; a refused PUT changes nothing; the password
never leaves the store (and is kept there only as a hash)."""

from __future__ import annotations

import sqlite3

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import models as m

from aci_helpers.emulator import Emulator
from aci_helpers.emulator.runtime.images import OPAQUE_IMAGE_NOTE

from .conftest import RG, Cloud, container, group

SERVER = "acitutorialtest.azurecr.io"
IMAGE = f"{SERVER}/aci-helloworld:v1"
HELLO = "mcr.microsoft.com/azuredocs/aci-helloworld"


def uai(cloud: Cloud, name: str = "pull") -> str:
    return (f"/subscriptions/{cloud.sub}/resourceGroups/{RG}/providers/"
            f"Microsoft.ManagedIdentity/userAssignedIdentities/{name}")


@pytest.fixture
def login(cloud):
    return cloud.emu.add_registry(SERVER, {"aci-helloworld:v1": HELLO},
                                  pull_identities=[uai(cloud)])


def cred(login, **kw) -> list[m.ImageRegistryCredential]:
    args = {"server": login.server, "username": login.username, "password": login.password}
    args.update(kw)
    return [m.ImageRegistryCredential(**{k: v for k, v in args.items() if v is not None})]


def with_identity(*ids: str, kind: str = "UserAssigned") -> m.ContainerGroupIdentity:
    return m.ContainerGroupIdentity(type=kind, user_assigned_identities={
        i: m.UserAssignedIdentities() for i in ids} or None)


def create(cloud, name, cg):
    return cloud.aci.container_groups.begin_create_or_update(RG, name, cg).result()


def refused(cloud, name, cg) -> HttpResponseError:
    before = ([g.name for g in cloud.aci.container_groups.list()], cloud.emu.registries())
    with pytest.raises(HttpResponseError) as e:
        cloud.aci.container_groups.begin_create_or_update(RG, name, cg)
    assert ([g.name for g in cloud.aci.container_groups.list()],
            cloud.emu.registries()) == before       # a refused request changes nothing
    return e.value


def inaccessible(err: HttpResponseError, image: str, name: str) -> None:
    assert (err.status_code, err.error.code) == (400, "InaccessibleImage")
    assert err.error.message == (f"The image '{image}' in container group '{name}' is not "
                                 f"accessible. Please check the image and registry credential.")


def test_the_login_is_like_an_admin_user_and_hides_its_password(cloud, login):
    assert (login.server, login.username) == (SERVER, "acitutorialtest")
    assert login.password not in repr(login) and "password" not in repr(login)
    again = cloud.emu.add_registry(SERVER.upper())         # the same registry: the same login
    assert again == login
    assert cloud.emu.registries() == [{
        "server": SERVER, "username": "acitutorialtest", "images": {"aci-helloworld:v1": HELLO},
        "pull_identities": [uai(cloud)]}]


def test_right_credentials_pull_the_imported_image(cloud, login):
    g = create(cloud, "good", group(container(image=IMAGE), image_registry_credentials=cred(login)))
    assert g.provisioning_state == "Succeeded"
    got = cloud.aci.container_groups.get(RG, "good")
    assert got.image_registry_credentials[0].password is None
    assert got.image_registry_credentials[0].username == login.username
    messages = [e.message for e in got.containers[0].instance_view.events]
    assert messages[0].startswith(f'pulling image "{SERVER}/aci-helloworld@sha256:')
    assert cloud.aci.containers.list_logs(RG, "good", "c1").content == "listening on port 80\n"


def test_each_failed_pull_is_inaccessible_image(cloud, login):
    cases = {
        "no-credentials": (IMAGE, None),
        "wrong-password": (IMAGE, cred(login, password="not-the-password")),
        "wrong-username": (IMAGE, cred(login, username="someone")),
        "wrong-tag": (f"{SERVER}/aci-helloworld:v2", cred(login)),
        "typo": (f"{SERVER}/aci-helloword:v1", cred(login)),
        "digest": (f"{SERVER}/aci-helloworld@sha256:" + "0" * 64, cred(login)),
        "other-server": (IMAGE, cred(login, server="another.azurecr.io")),
    }
    for name, (image, creds) in cases.items():
        inaccessible(refused(cloud, name, group(container(image=image),
                                                image_registry_credentials=creds)), image, name)


def test_a_managed_identity_granted_pull_pulls(cloud, login):
    cg = group(container(image=IMAGE), image_registry_credentials=cred(
        login, username=None, password=None, identity=uai(cloud)), identity=with_identity(uai(cloud)))
    g = create(cloud, "by-identity", cg)
    assert g.image_registry_credentials[0].identity == uai(cloud)
    assert g.identity.user_assigned_identities[uai(cloud)].principal_id
    assert cloud.aci.containers.list_logs(RG, "by-identity", "c1").content == "listening on port 80\n"


def test_identity_not_granted_pull_is_inaccessible(cloud, login):
    other = uai(cloud, "other")
    cg = group(container(image=IMAGE), identity=with_identity(other),
               image_registry_credentials=cred(login, username=None, password=None, identity=other))
    inaccessible(refused(cloud, "not-granted", cg), IMAGE, "not-granted")


@pytest.mark.parametrize("identity", [None, "system", "SystemAssigned"])
def test_credential_identity_must_be_one_of_the_groups_user_assigned(cloud, login, identity):
    group_identity = None if identity is None else (
        m.ContainerGroupIdentity(type="SystemAssigned") if identity == "SystemAssigned"
        else with_identity(uai(cloud, "another")))
    wanted = uai(cloud) if identity != "system" else "system"
    cg = group(container(image=IMAGE), identity=group_identity,
               image_registry_credentials=cred(login, username=None, password=None, identity=wanted))
    err = refused(cloud, "bad-identity", cg)
    assert (err.status_code, err.error.code) == (400, "InvalidImageRegistryIdentity")
    assert err.error.message == ("The identity in the 'imageRegistryCredentials' of container "
                                 "group 'bad-identity' not found in container group identity list")


@pytest.mark.parametrize("missing", ["username", "password"])
def test_a_credential_without_username_or_password_is_refused(cloud, login, missing):
    cg = group(container(image=IMAGE), image_registry_credentials=cred(login, **{missing: None}))
    err = refused(cloud, "incomplete", cg)
    assert (err.status_code, err.error.code) == (400, "InvalidImageRegistryCredential")
    assert f"has no {missing}" in err.error.message


def test_a_registry_the_emulator_does_not_model_accepts_any_credentials(cloud):
    image = "myregistry.azurecr.io/app:v1"
    inaccessible(refused(cloud, "none", group(container(image=image))), image, "none")
    creds = [m.ImageRegistryCredential(server="myregistry.azurecr.io", username="u", password="x")]
    create(cloud, "any", group(container(image=image), image_registry_credentials=creds))
    assert cloud.aci.containers.list_logs(RG, "any", "c1").content == \
        OPAQUE_IMAGE_NOTE.format(image=image) + "\n"


def test_a_key_vault_reference_cannot_be_checked_by_an_emulated_registry(cloud, login):
    body = {"location": "westus", "properties": {
        "osType": "Linux",
        "containers": [{"name": "c1", "properties": {
            "image": IMAGE, "resources": {"requests": {"cpu": 1, "memoryInGB": 1}}}}],
        "imageRegistryCredentials": [{"server": SERVER, "username": login.username,
                                      "passwordReference": "https://kv.vault.azure.net/secrets/p"}]}}
    status, _, answer = cloud.raw("PUT", cloud.cg_path("kv"), body, api="2025-09-01")
    assert (status, answer["error"]["code"]) == (400, "InaccessibleImage")
    status, _, _ = cloud.raw("GET", cloud.cg_path("kv"), api="2025-09-01")
    assert status == 404


def test_the_password_never_leaves_the_store_and_is_hashed_there(tmp_path):
    path = tmp_path / "cloud.db"
    emu = Emulator(str(path), clock="instant")
    c = Cloud(emu)
    c.res.resource_groups.create_or_update(RG, {"location": "westus"})
    login = emu.add_registry(SERVER, {"aci-helloworld:v1": HELLO})
    create(c, "good", group(container(image=IMAGE), image_registry_credentials=cred(login)))
    with pytest.raises(HttpResponseError) as e:
        create(c, "bad", group(container(image=IMAGE),
                               image_registry_credentials=cred(login, password="wrong-" + login.password)))
    assert login.password not in str(e.value)
    assert all(login.password.encode() not in b for b in c.bodies())
    assert login.password not in repr(emu.registries()) + repr(emu)
    # Stored: the group's spec keeps what the request sent (like secure values); the
    # registry itself only a salted hash. Another process on the file sees the registry.
    db = sqlite3.connect(path)
    rows = db.execute("SELECT value FROM meta WHERE key LIKE 'registry:%'").fetchall()
    assert rows and login.password not in rows[0][0]
    other = Emulator(str(path), clock="instant")
    assert other.registries() == emu.registries()
    emu.reset()
    assert other.registries() == []


@pytest.mark.parametrize("kwargs, message", [
    ({"server": "https://x"}, "login server"),
    ({"server": ""}, "login server"),
    ({"server": "docker.io"}, "public registry"),
    ({"server": SERVER, "images": {"nope": HELLO}}, "repository:tag"),
    ({"server": SERVER, "images": {"app@sha256:" + "0" * 64: HELLO}}, "repository:tag"),
    ({"server": SERVER, "images": {"other.azurecr.io/app:v1": HELLO}}, "repository:tag"),
    ({"server": SERVER, "images": {"app:v1": "ngnix"}}, "not an image the emulator can run"),
    ({"server": SERVER, "pull_identities": ["pull"]}, "user-assigned identity resource ids"),
    ({"server": SERVER, "username": "two words"}, "username"),
])
def test_bad_registries_are_refused_and_change_nothing(cloud, login, kwargs, message):
    before = cloud.emu.registries()
    with pytest.raises(ValueError, match=message):
        cloud.emu.add_registry(**kwargs)
    assert cloud.emu.registries() == before


def test_removing_a_registry(cloud, login):
    assert cloud.emu.remove_registry(SERVER.upper()) is True
    assert cloud.emu.remove_registry(SERVER) is False
    assert cloud.emu.registries() == []
    # now it is a registry the emulator does not model: any credentials, opaque image
    create(cloud, "after", group(container(image=IMAGE), image_registry_credentials=cred(login)))
