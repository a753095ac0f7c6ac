"""Volumes through the real SDK: emptyDir shared by a group's containers, secret files,
Azure Files shares that outlive their groups, gitRepo, and what ARM refuses."""

from __future__ import annotations

import base64
import json

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerinstance import models as m

from aci_helpers.emulator import Emulator

from .conftest import LOC, RG, Cloud, container, group

KEY = "a2V5LW9mLWEtc3RvcmFnZS1hY2NvdW50LWZvci10ZXN0cw=="   # a made-up storage key


def sh(name: str, script: str, *mounts: tuple[str, str], read_only: bool = False):
    """An alpine container running ``script``, with (volume, path) mounts."""
    return container(name, image="alpine:latest", cpu=1.0, mem=1.0,
                     command=["/bin/sh", "-c", script],
                     volume_mounts=[m.VolumeMount(name=v, mount_path=p, read_only=read_only)
                                    for v, p in mounts])


def share(account: str = "acistore", name: str = "results", key: str | None = KEY,
          read_only: bool | None = None, volume: str = "files") -> m.Volume:
    return m.Volume(name=volume, azure_file=m.AzureFileVolume(
        share_name=name, storage_account_name=account, storage_account_key=key,
        read_only=read_only))


def logs(cloud: Cloud, g: str, c: str) -> str:
    return cloud.aci.containers.list_logs(RG, g, c).content


def put(cloud: Cloud, name: str, *containers, volumes=None, restart="Never"):
    return cloud.aci.container_groups.begin_create_or_update(
        RG, name, group(*containers, restart=restart, volumes=volumes)).result()


def refuse(cloud: Cloud, name: str, *containers, volumes=None) -> HttpResponseError:
    before = [x.name for x in cloud.aci.container_groups.list()]
    with pytest.raises(HttpResponseError) as e:
        put(cloud, name, *containers, volumes=volumes)
    assert [x.name for x in cloud.aci.container_groups.list()] == before  # nothing changed
    return e.value


# ---- emptyDir -------------------------------------------------------------------------------

def test_emptydir_files_one_container_writes_are_read_by_the_other_after_the_write(cloud):
    put(cloud, "pair",
        sh("app", "sleep 5; echo hello from the app > /mnt/shared/message.txt", ("tmp", "/mnt/shared")),
        sh("sidecar", "cat /data/message.txt; sleep 10; cat /data/message.txt; ls /data",
           ("tmp", "/data")),
        volumes=[m.Volume(name="tmp", empty_dir={})])
    assert logs(cloud, "pair", "sidecar") == (
        "cat: can't open '/data/message.txt': No such file or directory\n"
        "hello from the app\nmessage.txt\n")


def test_emptydir_writes_show_in_the_readers_log_at_their_time(cloud):
    put(cloud, "timed",
        sh("writer", "for i in 1 2 3; do echo line $i >> /v/log; sleep 4; done", ("tmp", "/v")),
        sh("reader", "for i in 1 2 3 4; do sleep 3; wc -l < /v/log; done", ("tmp", "/v")),
        volumes=[m.Volume(name="tmp", empty_dir={})])
    stamped = cloud.aci.containers.list_logs(RG, "timed", "reader", timestamps=True).content
    counts = [line.split()[1] for line in stamped.splitlines()]
    assert counts == ["1", "2", "3", "3"]   # at t=3, 6, 9, 12: writes at t=0, 4, 8


def test_tail_f_follows_what_another_container_appends(cloud):
    put(cloud, "follow",
        sh("writer", "i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo tick $i >> /v/log; sleep 2; "
                     "done; sleep 3600", ("tmp", "/v")),
        sh("reader", "tail -f /v/log", ("tmp", "/v")),
        volumes=[m.Volume(name="tmp", empty_dir={})], restart="Always")
    assert logs(cloud, "follow", "reader") == "tick 1\ntick 2\ntick 3\n"


def test_emptydir_is_empty_again_after_a_restart(cloud):
    put(cloud, "scratch", sh("c1", "ls /v; echo x >> /v/f; ls /v; sleep 3600", ("tmp", "/v")),
        volumes=[m.Volume(name="tmp", empty_dir={})], restart="Always")
    assert logs(cloud, "scratch", "c1") == "f\n"
    cloud.aci.container_groups.begin_restart(RG, "scratch").result()
    assert logs(cloud, "scratch", "c1") == "f\n"   # a new run: the volume starts empty


def test_a_read_only_mount_refuses_writes(cloud):
    put(cloud, "ro",
        sh("c1", "echo x > /v/f; touch /v/g; cat /v/f", ("tmp", "/v"), read_only=True),
        volumes=[m.Volume(name="tmp", empty_dir={})])
    assert logs(cloud, "ro", "c1") == (
        "/bin/sh: can't create /v/f: Read-only file system\n"
        "touch: /v/g: Read-only file system\n"
        "cat: can't open '/v/f': No such file or directory\n")


# ---- secret ---------------------------------------------------------------------------------

def test_secret_files_hold_the_decoded_values_and_the_api_returns_none_of_them(cloud):
    token = base64.b64encode(b"s3cr3t-token\n").decode()
    put(cloud, "sec", sh("c1", "ls /mnt/secrets; cat /mnt/secrets/token; echo no > "
                               "/mnt/secrets/token", ("creds", "/mnt/secrets")),
        volumes=[m.Volume(name="creds", secret={"token": token})])
    assert logs(cloud, "sec", "c1") == ("token\ns3cr3t-token\n"
                                        "/bin/sh: can't create /mnt/secrets/token: "
                                        "Read-only file system\n")
    got = cloud.aci.container_groups.get(RG, "sec")
    assert got.volumes[0].secret == {}
    listed = next(iter(cloud.aci.container_groups.list_by_resource_group(RG)))
    assert listed.volumes[0].secret == {}
    answers = [x.response_body for x in cloud.transport.exchanges if "/logs" not in x.url]
    assert all(token.encode() not in b and b"s3cr3t" not in b for b in answers)


def test_a_secret_value_that_is_not_base64_is_refused_without_echoing_it(cloud):
    err = refuse(cloud, "bad", sh("c1", "true", ("creds", "/s")),
                 volumes=[m.Volume(name="creds", secret={"token": "not base64!"})])
    assert err.error.code == "InvalidSecretVolume" and "Base64" in err.message
    assert "not base64!" not in err.message


def test_a_secret_file_name_with_a_slash_is_refused(cloud):
    err = refuse(cloud, "bad", sh("c1", "true", ("creds", "/s")),
                 volumes=[m.Volume(name="creds", secret={"a/b": "eA=="})])
    assert err.error.code == "InvalidSecretVolume" and "'a/b'" in err.message


# ---- Azure Files ------------------------------------------------------------------------------

def test_a_share_keeps_a_tasks_output_after_its_group_is_deleted(cloud):
    put(cloud, "writer", sh("c1", "echo result 42 > /out/result.txt; date >> /out/result.txt",
                            ("files", "/out")), volumes=[share()])
    cloud.aci.container_groups.begin_delete(RG, "writer").result()
    put(cloud, "reader", sh("c1", "ls /in; cat /in/result.txt", ("files", "/in")),
        volumes=[share()])
    assert logs(cloud, "reader", "c1") == (
        "result.txt\nresult 42\nMon Jan  1 00:00:03 UTC 2024\n")
    got = cloud.aci.container_groups.get(RG, "reader")
    assert got.volumes[0].azure_file.storage_account_key is None
    assert all(KEY.encode() not in b for b in cloud.bodies())


def test_a_share_is_seen_while_the_writer_group_still_exists(cloud):
    put(cloud, "writer", sh("c1", "echo one >> /out/log", ("files", "/out")), volumes=[share()])
    put(cloud, "reader", sh("c1", "cat /in/log", ("files", "/in")), volumes=[share()])
    assert logs(cloud, "reader", "c1") == "one\n"
    cloud.aci.container_groups.begin_delete(RG, "writer").result()   # lands once, not twice
    put(cloud, "third", sh("c1", "cat /in/log", ("files", "/in")), volumes=[share()])
    assert logs(cloud, "third", "c1") == "one\n"


def test_shares_are_told_apart_by_account_and_name_and_outlive_the_resource_group(cloud):
    put(cloud, "w1", sh("c1", "echo a > /o/f", ("files", "/o")), volumes=[share(name="one")])
    put(cloud, "w2", sh("c1", "echo b > /o/f", ("files", "/o")),
        volumes=[share(account="otheraccount", name="one")])
    cloud.res.resource_groups.begin_delete(RG).result()
    cloud.res.resource_groups.create_or_update(RG, {"location": LOC})
    put(cloud, "r", sh("c1", "cat /a/f /b/f; ls /c", ("files", "/a"), ("two", "/b"),
                       ("three", "/c")),
        volumes=[share(name="one"), share(account="otheraccount", name="one", volume="two"),
                 share(name="empty", volume="three")])
    assert logs(cloud, "r", "c1") == "a\nb\n"


def test_a_restarting_task_appends_once_per_attempt(cloud):
    put(cloud, "loop", sh("c1", "echo run >> /o/runs", ("files", "/o")), volumes=[share()],
        restart="Always")
    cloud.aci.container_groups.begin_delete(RG, "loop").result()
    put(cloud, "count", sh("c1", "wc -l < /o/runs", ("files", "/o")), volumes=[share()])
    runs = int(logs(cloud, "count", "c1"))
    assert runs >= 2   # Always restarted it (crash-loop timeline) before the delete


def test_a_stop_lands_a_runs_writes_and_the_next_start_sees_them(cloud):
    put(cloud, "again", sh("c1", "cat /o/runs 2>/dev/null; echo run >> /o/runs", ("files", "/o")),
        volumes=[share()])
    assert logs(cloud, "again", "c1") == ""
    cloud.aci.container_groups.stop(RG, "again")
    cloud.aci.container_groups.begin_start(RG, "again").result()
    assert logs(cloud, "again", "c1") == "run\n"
    # a redeploy (another command) ends the run too: its writes land, the new run sees them
    put(cloud, "again", sh("c1", "cat /o/runs", ("files", "/o")), volumes=[share()])
    assert logs(cloud, "again", "c1") == "run\nrun\n"


def test_a_read_only_share_refuses_writes(cloud):
    put(cloud, "ro", sh("c1", "echo x > /o/f", ("files", "/o")),
        volumes=[share(read_only=True)])
    assert "Read-only file system" in logs(cloud, "ro", "c1")


def test_reset_empties_the_shares():
    cloud = Cloud(Emulator(None, clock="instant"))
    cloud.res.resource_groups.create_or_update(RG, {"location": LOC})
    put(cloud, "w", sh("c1", "echo a > /o/f", ("files", "/o")), volumes=[share()])
    cloud.aci.container_groups.begin_delete(RG, "w").result()
    cloud.emu.reset()
    cloud.res.resource_groups.create_or_update(RG, {"location": LOC})
    put(cloud, "r", sh("c1", "ls /o", ("files", "/o")), volumes=[share()])
    assert logs(cloud, "r", "c1") == ""


def test_a_share_persists_in_the_state_file_across_emulators(tmp_path):
    first = Cloud(Emulator(tmp_path / "s.db", clock="instant"))
    first.res.resource_groups.create_or_update(RG, {"location": LOC})
    put(first, "w", sh("c1", "echo kept > /o/f", ("files", "/o")), volumes=[share()])
    first.aci.container_groups.begin_delete(RG, "w").result()
    second = Cloud(Emulator(tmp_path / "s.db", clock="instant"))
    put(second, "r", sh("c1", "cat /o/f", ("files", "/o")), volumes=[share()])
    assert logs(second, "r", "c1") == "kept\n"


@pytest.mark.parametrize("volume, words", [
    (share(key=None), "storageAccountKey"),
    (share(account=" "), "storageAccountName"),
    (m.Volume(name="files", azure_file=m.AzureFileVolume(
        share_name="", storage_account_name="acct", storage_account_key=KEY)), "shareName"),
])
def test_an_incomplete_share_is_refused(cloud, volume, words):
    err = refuse(cloud, "bad", sh("c1", "true", ("files", "/o")), volumes=[volume])
    assert err.error.code == "InvalidAzureFileVolume" and words in err.message


# ---- gitRepo ----------------------------------------------------------------------------------

def test_gitrepo_of_a_known_repository_holds_its_files(cloud):
    repo = m.GitRepoVolume(repository="https://github.com/Azure-Samples/aci-helloworld")
    here = m.GitRepoVolume(repository="https://github.com/Azure-Samples/aci-helloworld.git",
                           directory=".")
    put(cloud, "git", sh("c1", "ls /mnt/repo1; ls /mnt/repo1/aci-helloworld; ls /mnt/repo2/app",
                         ("repo1", "/mnt/repo1"), ("repo2", "/mnt/repo2")),
        volumes=[m.Volume(name="repo1", git_repo=repo), m.Volume(name="repo2", git_repo=here)])
    assert logs(cloud, "git", "c1") == ("aci-helloworld\nDockerfile\nLICENSE\nREADME.md\napp\n"
                                        "index.js\npackage.json\n")
    assert cloud.aci.container_groups.get(RG, "git").volumes[0].git_repo.repository == \
        "https://github.com/Azure-Samples/aci-helloworld"


def test_gitrepo_of_another_repository_says_the_emulator_cannot_clone_it(cloud):
    repo = m.GitRepoVolume(repository="https://user:pat-123@github.com/me/private-repo")
    put(cloud, "git", sh("c1", "ls /r; echo listed", ("repo", "/r")),
        volumes=[m.Volume(name="repo", git_repo=repo)])
    out = logs(cloud, "git", "c1")
    assert out.startswith("[aci-emulator] gitRepo volume 'repo': the emulator works offline and "
                          "cannot clone https://github.com/me/private-repo;")
    assert out.endswith("The volume is empty.\nlisted\n") and "pat-123" not in out


@pytest.mark.parametrize("git, words", [
    (m.GitRepoVolume(repository="git@github.com:me/repo.git"), "http:// or https://"),
    (m.GitRepoVolume(repository="https://github.com/me/repo", directory="../up"), "'..'"),
])
def test_a_bad_gitrepo_is_refused(cloud, git, words):
    err = refuse(cloud, "bad", sh("c1", "true", ("repo", "/r")),
                 volumes=[m.Volume(name="repo", git_repo=git)])
    assert err.error.code == "InvalidGitRepoVolume" and words in err.message


# ---- mounts -----------------------------------------------------------------------------------

def test_a_mount_of_a_missing_volume_is_refused(cloud):
    err = refuse(cloud, "bad", sh("c1", "true", ("nope", "/v")),
                 volumes=[m.Volume(name="tmp", empty_dir={})])
    assert err.error.code == "InvalidVolume" and "'nope'" in err.message


def test_two_mounts_on_one_path_are_refused(cloud):
    err = refuse(cloud, "bad", sh("c1", "true", ("a", "/v"), ("b", "/v/")),
                 volumes=[m.Volume(name="a", empty_dir={}), m.Volume(name="b", empty_dir={})])
    assert err.error.code == "InvalidVolumeMount" and "'/v'" in err.message


def test_a_mount_path_with_a_colon_is_refused(cloud):
    err = refuse(cloud, "bad", sh("c1", "true", ("a", "C:/data")),
                 volumes=[m.Volume(name="a", empty_dir={})])
    assert err.error.code == "InvalidVolumeMount" and "':'" in err.message


def test_a_volume_of_two_kinds_is_refused(cloud):
    err = refuse(cloud, "bad", sh("c1", "true", ("a", "/v")),
                 volumes=[m.Volume(name="a", empty_dir={}, secret={"k": "eA=="})])
    assert err.error.code == "InvalidVolume"


def test_volumes_on_windows_are_refused(cloud):
    body = group(container("c1", image="mcr.microsoft.com/windows/servercore:ltsc2022",
                           volume_mounts=[m.VolumeMount(name="a", mount_path="C/data")]),
                 volumes=[m.Volume(name="a", empty_dir={})])
    body.os_type = "Windows"
    with pytest.raises(HttpResponseError) as e:
        cloud.aci.container_groups.begin_create_or_update(RG, "win", body).result()
    assert e.value.error.code == "UnsupportedFeature" and "Linux" in e.value.message


def test_a_refused_update_keeps_the_group_and_its_volumes(cloud):
    put(cloud, "keep", sh("c1", "sleep 3600", ("a", "/v")),
        volumes=[m.Volume(name="a", empty_dir={})], restart="Always")
    before = cloud.aci.container_groups.get(RG, "keep").as_dict()
    with pytest.raises(HttpResponseError):
        put(cloud, "keep", sh("c1", "sleep 3600", ("a", "/v"), ("a", "/v")),
            volumes=[m.Volume(name="a", empty_dir={})], restart="Always")
    assert cloud.aci.container_groups.get(RG, "keep").as_dict() == before


def _raw_body(cloud: Cloud) -> dict:
    g = group(sh("c1", "true", ("a", "/v"), ("s", "/s"), ("g", "/g"), ("f", "/f")),
              volumes=[m.Volume(name="a", empty_dir={}), m.Volume(name="s", secret={"k": "eA=="}),
                       m.Volume(name="g", git_repo=m.GitRepoVolume(repository="https://x.org/r")),
                       share(volume="f")])
    return json.loads(json.dumps(cloud.aci.container_groups._serialize.body(g, "ContainerGroup")))


@pytest.mark.parametrize("path, value, where", [
    (("containers", 0, "properties", "volumeMounts", 0, "readOnly"), "yes", "readOnly"),
    (("containers", 0, "properties", "volumeMounts", 0, "mountPath"), 7, "mountPath"),
    (("volumes", 0, "emptyDir"), "x", "emptyDir"),
    (("volumes", 1, "secret", "k"), 42, "secret.k"),
    (("volumes", 2, "gitRepo", "repository"), ["https://x.org/r"], "repository"),
    (("volumes", 3, "azureFile", "readOnly"), "no", "azureFile.readOnly"),
    (("volumes", 3, "azureFile", "storageAccountKey"), 123, "storageAccountKey"),
])
def test_volume_fields_of_the_wrong_type_are_refused_by_path_and_change_nothing(
        cloud, path, value, where):
    body = _raw_body(cloud)
    node = body["properties"]
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    status, _, err = cloud.raw("PUT", cloud.cg_path("typed"), body)
    assert status == 400 and err["error"]["code"] == "InvalidRequestContent"
    assert where in err["error"]["message"] and "123" not in err["error"]["message"]
    status, _, _ = cloud.raw("GET", cloud.cg_path("typed"))
    assert status == 404


@pytest.mark.parametrize("drop, words", [
    (("containers", 0, "properties", "volumeMounts", 0, "mountPath"), "mountPath"),
    (("containers", 0, "properties", "volumeMounts", 0, "name"), "'name'"),
    (("volumes", 2, "gitRepo", "repository"), "repository"),
    (("volumes", 3, "azureFile", "storageAccountName"), "storageAccountName"),
])
def test_a_missing_volume_field_is_refused(cloud, drop, words):
    body = _raw_body(cloud)
    node = body["properties"]
    for step in drop[:-1]:
        node = node[step]
    del node[drop[-1]]
    status, _, err = cloud.raw("PUT", cloud.cg_path("missing"), body)
    assert status == 400 and words in err["error"]["message"], err
    assert cloud.raw("GET", cloud.cg_path("missing"))[0] == 404
