"""The checks' building blocks and what the notebook tests cannot reach: a group in the way
that the exercise cell replaces (and says so), checks that find the resource group gone or a
group another notebook made, and the second track's checks (the skeleton says Not yet, typical
mistakes get their hint, the solution passes). Checks read the cloud and change nothing."""

from __future__ import annotations

from azure.mgmt.containerinstance import models as m

from aci_helpers import (ensure_resource_group, multi_container_group, private_registry,
                         single_container_group, task_container_group, wait_for_container)
from aci_helpers.exercises import (check_container_states, check_fixed_loop, check_identity_pull,
                                   check_public_fqdns, check_spot_task, check_stopped,
                                   check_try_group, check_word_count, delete_if_not_updatable)
from aci_helpers.exercises.cloud import differences, fixed_settings


def create(s, name, group):
    s.aci.container_groups.begin_create_or_update(s.resource_group, name, group).result()
    wait_for_container(s, name)


def test_identity_pull(s):
    ensure_resource_group(s)
    reg = private_registry(s)
    name = "mi-task"

    def task(credentials=None, identity=None):
        t = task_container_group(name, s.location, image=reg.image("aci-wordcount:v1"))
        t.image_registry_credentials, t.identity = credentials, identity
        return t

    carried = m.ContainerGroupIdentity(type="UserAssigned", user_assigned_identities={
        reg.identity: m.UserAssignedIdentities()})
    right = [m.ImageRegistryCredential(server=reg.server, identity=reg.identity)]
    assert check_identity_pull(s, name, reg, None).text.startswith("Not yet: my_task should be the task")
    first = check_identity_pull(s, name, reg, task()).text
    assert first.startswith("Not yet: my_task has no way into the registry yet")
    assert "ImageRegistryCredential(" not in first  # the first answer never gives it away
    assert "takes a list" in check_identity_pull(s, name, reg, task(right[0], carried)).text
    with_password = [m.ImageRegistryCredential(server=reg.server, username=reg.username,
                                               password=reg.password)]
    assert "leave username and password out" in check_identity_pull(
        s, name, reg, task(with_password, carried)).text
    other = [m.ImageRegistryCredential(server="other.azurecr.io", identity=reg.identity)]
    assert "the image is on" in check_identity_pull(s, name, reg, task(other, carried)).text
    assert "does not carry" in check_identity_pull(s, name, reg, task(right)).text
    system = m.ContainerGroupIdentity(type="SystemAssigned")
    assert "InvalidImageRegistryIdentity" in check_identity_pull(s, name, reg, task(right, system)).text
    assert "is not in the cloud" in check_identity_pull(s, name, reg, task(right, carried)).text
    create(s, name, task(with_password, carried))
    assert "still pulls with a username and password" in check_identity_pull(
        s, name, reg, task(right, carried)).text
    create(s, name, task(right, carried))
    feedback = check_identity_pull(s, name, reg, task(right, carried))
    assert feedback.passed and str(reg.password) not in feedback.text, feedback.text


def test_fixed_loop(s):
    ensure_resource_group(s)
    name = "loop"
    create_always = task_container_group(name, s.location, restart_policy="Always")
    s.aci.container_groups.begin_create_or_update(s.resource_group, name, create_always).result()
    assert check_fixed_loop(s, name, None).text.startswith("Not yet: fixed is still None")
    assert "which is what restarts" in check_fixed_loop(s, name, create_always).text
    never = task_container_group(name, s.location, restart_policy="Never")
    sometimes = task_container_group(name, s.location, restart_policy="Sometimes")
    assert "not a restart policy" in check_fixed_loop(s, name, sometimes).text
    assert "still has restart policy Always" in check_fixed_loop(s, name, never).text
    s.aci.container_groups.begin_delete(s.resource_group, name).result()
    assert "create it again with fixed" in check_fixed_loop(s, name, never).text
    on_failure = task_container_group(name, s.location, restart_policy=m.ContainerGroupRestartPolicy.ON_FAILURE)
    create(s, name, on_failure)
    feedback = check_fixed_loop(s, name, on_failure)
    assert feedback.passed and "0 restarts" in feedback.text, feedback.text


def test_spot_task(s):
    ensure_resource_group(s)
    name = "spot"
    assert check_spot_task(s, name, None).text.startswith("Not yet: my_spot_task is still None")
    regular = task_container_group(name, "westus")
    assert "set it to 'Spot'" in check_spot_task(s, name, regular).text
    east = task_container_group(name, "eastus")
    east.priority = "Spot"
    assert "does not offer Spot groups" in check_spot_task(s, name, east).text
    spot = task_container_group(name, "westus")
    spot.priority = "Spot"
    assert "is not in the cloud" in check_spot_task(s, name, spot).text
    create(s, name, spot)
    feedback = check_spot_task(s, name, spot)
    assert feedback.passed and "westus" in feedback.text, feedback.text


def names_in(s):
    return sorted(g.name for g in s.aci.container_groups.list_by_resource_group(s.resource_group))


def test_a_group_azure_cannot_update_is_deleted_first_and_said(s, capsys):
    ensure_resource_group(s)
    name = "aci-970777-01-try"
    s.aci.container_groups.begin_create_or_update(
        s.resource_group, name, single_container_group(name, s.location)).result()
    right = single_container_group(name, s.location, cpu=2, memory_gb=1.5)
    feedback = check_try_group(s, name, single_container_group(name, s.location))
    assert "is in the cloud with 1 CPU / 1 GB: when you run your cell with the fix, it " \
           "deletes that group first" in feedback.text
    assert delete_if_not_updatable(s, name, right) is True
    said = capsys.readouterr().out
    assert f"{name} was already in the cloud" in said and "CPU and memory 1 CPU / 1 GB -> " \
           "2 CPU / 1.5 GB" in said and "deleted it first" in said
    assert names_in(s) == []
    s.aci.container_groups.begin_create_or_update(s.resource_group, name, right).result()
    assert delete_if_not_updatable(s, name, right) is False  # nothing in the way: an update
    retagged = single_container_group(name, s.location, cpu=2, memory_gb=1.5, tags={"x": "y"})
    assert delete_if_not_updatable(s, name, retagged) is False  # tags change in place
    assert capsys.readouterr().out == "" and names_in(s) == [name]
    assert check_try_group(s, name, right).passed


def test_what_cannot_change_in_place():
    one = task_container_group("t", "eastus")
    assert differences(one, task_container_group("t", "East US", env={})) == []
    assert differences(one, task_container_group("t", "westus")) == ["region eastus -> westus"]
    assert differences(one, task_container_group("t", "eastus", restart_policy="Always")) == \
        ["restart policy Never -> Always"]
    assert differences(one, task_container_group("u", "eastus")) == ["containers t -> u"]
    assert differences(multi_container_group("multi"), multi_container_group("multi", cpu=0.5)) == \
        ["CPU and memory multi-1: 1 CPU / 2 GB, multi-2: 1 CPU / 2 GB -> multi-1: 0.5 CPU / 2 GB, "
         "multi-2: 0.5 CPU / 2 GB"]
    assert fixed_settings(single_container_group("aci-x1"))["restart policy"] == ("always", "Always")


def test_a_check_names_a_group_it_did_not_expect_and_the_way_out(s):
    ensure_resource_group(s)
    reg = private_registry(s)
    name = "aci-970777-08-mi-task"
    s.aci.container_groups.begin_create_or_update(
        s.resource_group, name, single_container_group(name, s.location, cpu=2)).result()
    mine = task_container_group(name, s.location, image=reg.image("aci-wordcount:v1"))
    mine.identity = m.ContainerGroupIdentity(type="UserAssigned", user_assigned_identities={
        reg.identity: m.UserAssignedIdentities()})
    mine.image_registry_credentials = [m.ImageRegistryCredential(server=reg.server, identity=reg.identity)]
    text = check_identity_pull(s, name, reg, mine).text
    assert text.startswith(f"Not yet: a group named {name} is in the cloud, but not the one this "
                           "exercise's cell sends (restart policy Always; CPU and memory 2 CPU / 1 GB)")
    assert "something else made it" in text  # never blamed on the learner's answer
    assert f"begin_delete(s.resource_group, '{name}')" in text
    assert "your cell again" in text


def test_a_task_in_the_cloud_that_is_not_the_learners_model(s):
    """03: the cloud holds another task under the name (an earlier answer, sent): the check
    says to run the cell again, which deletes it first when Azure cannot update it."""
    ensure_resource_group(s)
    name = "aci-970777-03-try"
    create(s, name, task_container_group(name, s.location))  # Romeo and Juliet, 5 words
    mine = task_container_group(name, s.location, command=None, env={"NumWords": "3", "MinLength": "10"})
    text = check_word_count(s, name, mine).text
    assert "the task in the cloud is not your my_task" in text and "run the cell again" in text, text
    create(s, name, mine)
    feedback = check_word_count(s, name, mine)
    assert feedback.passed and "ROSENCRANTZ (69)" in feedback.text, feedback.text


def test_checks_after_the_clean_up_say_what_to_run(s):
    """Notebook 06's clean-up deletes the resource group: checks that read groups made above
    say so and what to run, instead of a traceback."""
    assert not s.resources.resource_groups.check_existence(s.resource_group)
    fqdns = check_public_fqdns(s, lambda groups: {})
    assert "the resource group aci-tutorial-rg does not exist (notebook 06's clean-up deletes " \
           "it)" in fqdns.text and "run this notebook from the top" in fqdns.text
    states = check_container_states(s, "aci-970777-multi", lambda g: {})
    assert "does not exist" in states.text and "from the top" in states.text
    stopped = check_stopped(s, "web-970777")
    assert "run the cell that creates the three groups" in stopped.text
    ensure_resource_group(s)
    assert "holds no container group" in check_public_fqdns(s, lambda groups: {}).text
    assert "aci-970777-multi is not in the cloud (notebook 06 deletes it)" in \
        check_container_states(s, "aci-970777-multi", lambda g: {}).text


def test_dollars_in_a_check_are_text_not_maths():
    """JupyterLab typesets $...$ in Markdown as maths, even escaped as \\$: '$0.105 (the 1-CPU
    group: $0.054)' read 'about 0.105(the1−CPUgroup:0.054)'. A dollar and what it prefixes
    become a code span, which JupyterLab leaves alone (tests/browser/test_check_markdown.py)."""
    from aci_helpers.exercises.feedback import passed

    md = passed("about $0.105 an hour (the 1-CPU group: $0.054); arguments ($0, $1...); $ *x*")._repr_markdown_()
    assert md == ("**Pass:** about `$0.105` an hour (the 1-CPU group: `$0.054`); arguments "
                  "(`$0`, `$1`...); `$` \\*x\\*")


def test_00s_pass_names_your_group_first_and_at_most_five(s):
    """In a workshop the subscription holds every participant's resource group: 00's Pass
    names the learner's own first, four more, and how many it left out (issue 20)."""
    from aci_helpers.exercises import check_tutorial_groups
    from aci_helpers.session import TUTORIAL_TAGS

    ensure_resource_group(s)
    for i in range(30):
        s.resources.resource_groups.create_or_update(
            f"aci-ws-demo-p{i:02d}", {"location": s.location, "tags": dict(TUTORIAL_TAGS)})
    def tutorial_group_names(client):
        return [g.name for g in client.resource_groups.list()
                if (g.tags or {}).get("created-by") == "aci-tutorial"]

    tagged = tutorial_group_names(s.resources)
    text = check_tutorial_groups(s, tutorial_group_names).text
    assert text.startswith("Pass"), text
    names = text.split("exactly those: ")[1]
    assert names.startswith(s.resource_group), names
    assert names.count(", ") == 4 and names.endswith(f" and {len(tagged) - 5} more."), names


def test_every_check_records_its_outcome_for_the_trainer():
    """Each check is wrapped by progress.recorded (a no-op outside a workshop), and the
    names the notebooks import are the wrapped ones."""
    import aci_helpers.exercises as ex

    for notebook, check in ex.CHECKS.items():
        assert hasattr(check, "__wrapped__"), notebook
        assert getattr(ex, check.__name__) is check
