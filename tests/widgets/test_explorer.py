"""The widget explorer, driven headless: click its buttons, set its fields, and check both
what it shows and what happened in the emulator."""

from __future__ import annotations

import asyncio

import pytest

from aci_helpers.widgets import NOT_IN_NOTEBOOK, explorer
from aci_helpers.widgets._explorer import MASK


def names_in_table(ex) -> list[str]:
    return [r.name for r in ex.visible_rows()]


def group_names(s) -> set[str]:
    return {g.name for g in s.aci.container_groups.list()}


def state_of(s, name: str, rg: str | None = None) -> str:
    return s.aci.container_groups.get(rg or s.resource_group, name).instance_view.state


def test_empty_state_says_what_to_do(ex):
    assert names_in_table(ex) == []
    text = ex.table.children[-1].value
    assert "No container groups" in text and "Create a container group" in text and "Refresh" in text
    assert "Select a group" in ex.details.children[0].value
    assert all(b.disabled for b in (ex.start_button, ex.stop_button, ex.restart_button, ex.delete_button))


def test_refresh_shows_a_new_group_with_its_state_and_address(s, ex, make_group):
    make_group("web-1")
    assert names_in_table(ex) == []
    ex.refresh_button.click()
    assert names_in_table(ex) == ["web-1"]
    row = ex.groups[next(iter(ex.groups))]
    assert (row.state, row.resource_group, row.fqdn, row.restart_policy) == (
        "Running", s.resource_group, "web-1.eastus.azurecontainer.io", "Always")
    cells = ex._rows[row.key][2].value
    # colour AND text in the badge
    assert "● Running" in cells and "background:#1a7f37" in cells
    assert "web-1.eastus.azurecontainer.io" in cells and "1 GB" in cells
    assert "list()" in ex.last_call


def test_every_resource_group_by_default_and_the_filter_narrows(s, ex, make_group):
    make_group("web-1")
    make_group("other-1", resource_group="other-rg")
    ex.refresh_button.click()
    assert sorted(names_in_table(ex)) == ["other-1", "web-1"]
    assert "other-rg" in [v for _, v in ex.rg_filter.options]
    ex.rg_filter.value = "other-rg"  # refreshes by itself
    assert names_in_table(ex) == ["other-1"]
    assert ex.last_call.startswith("s.aci.container_groups.list_by_resource_group('other-rg')")
    assert repr(ex) == "Explorer(backend='emulator', scope='other-rg')"


def test_selection_is_kept_on_refresh(s, ex, make_group):
    make_group("web-1")
    make_group("web-2")
    ex.refresh_button.click()
    ex.row_button("web-2").click()
    key = ex.selected
    make_group("web-3")
    ex.refresh_button.click()
    assert ex.selected == key
    assert ex.row_button("web-2").button_style == "primary"
    assert "aci-row-selected" in ex._rows[key][0]._dom_classes
    assert "web-2" in ex.details_title.value
    assert names_in_table(ex) == ["web-1", "web-2", "web-3"]


def test_details_show_containers_events_and_logs(s, ex, make_group):
    make_group("duo-app", kind="multi")
    ex.refresh_button.click()
    ex.row_button("duo-app").click()
    assert "duo-app-1" in ex.containers_html.value and "duo-app-2" in ex.containers_html.value
    assert "aci-tutorial-sidecar" in ex.containers_html.value
    assert "Pulling" in ex.events_html.value and "Started" in ex.events_html.value
    assert list(ex.logs_container.options) == ["duo-app-1", "duo-app-2"]
    assert "listening on port 80" in ex.logs_html.value
    ex.logs_container.value = "duo-app-2"
    assert "list_logs('aci-tutorial-rg', 'duo-app', 'duo-app-2', tail=50)" in ex.last_call
    ex.logs_tail.value = 20
    ex.logs_refresh.click()
    assert "tail=20" in ex.last_call


def test_task_exit_code_and_secure_values_masked(s, ex, make_group):
    make_group("task-1", kind="task", secure_env={"API_TOKEN": "s3cret-value"})
    ex.refresh_button.click()
    ex.row_button("task-1").click()
    html = ex.containers_html.value
    assert "API_TOKEN" in html and "••••••" in html and "s3cret-value" not in html
    assert "NumWords = 5" in html  # plain values are shown
    assert "Terminated" in html and "Completed" in html
    assert "BENVOLIO" in ex.logs_html.value  # the word count's output


def test_volumes_and_their_mounts_in_the_details_secrets_masked(ex, volumes_group):
    volumes_group("vols-1")
    ex.refresh_button.click()
    ex.row_button("vols-1").click()
    html = ex.containers_html.value
    assert "Volumes" in html and "acistore/results" in html and "/mnt/code" in html
    assert "pat-secret-99" not in html and "tok-123" not in html
    assert "code\ncreds\nresults\nscratch" in ex.logs_html.value  # ls /mnt: the mount points


def test_stop_then_start_change_the_state(s, ex, make_group):
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    assert ex.start_button.disabled and not ex.stop_button.disabled
    ex.stop_button.click()
    assert state_of(s, "web-1") == "Stopped"
    assert "Stopped" in ex.details_title.value and "Stop web-1: done." in ex.status.value
    assert ex.last_call == "s.aci.container_groups.stop('aci-tutorial-rg', 'web-1')"
    assert not ex.start_button.disabled and ex.stop_button.disabled
    ex.start_button.click()
    assert state_of(s, "web-1") == "Running"
    assert ex.last_call == "s.aci.container_groups.begin_start('aci-tutorial-rg', 'web-1')"
    ex.restart_button.click()
    assert state_of(s, "web-1") == "Running"
    assert "Restart web-1: done." in ex.status.value


def test_delete_needs_an_explicit_confirmation(s, ex, make_group):
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    ex.delete_button.click()
    assert group_names(s) == {"web-1"}  # asking is not deleting
    assert ex.delete_box.layout.display == "flex"
    assert ex.delete_box.button.disabled
    ex.delete_box.button.click()  # click() fires even on a disabled button
    assert group_names(s) == {"web-1"}
    ex.delete_box.text.value = "web-"  # not the name
    ex.delete_box.button.click()
    assert group_names(s) == {"web-1"} and "Nothing was deleted" in ex.status.value
    ex.delete_box.cancel.click()
    assert ex.delete_box.layout.display == "none"
    ex.delete_box.text.value = "web-1"  # typed while the confirmation is hidden
    ex.delete_box.button.click()
    assert group_names(s) == {"web-1"}


def test_delete_with_confirmation_deletes(s, ex, make_group):
    make_group("web-1")
    make_group("web-2")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    ex.delete_button.click()
    ex.delete_box.text.value = "web-1"
    assert not ex.delete_box.button.disabled
    ex.delete_box.button.click()
    assert group_names(s) == {"web-2"}
    assert names_in_table(ex) == ["web-2"] and ex.selected is None
    assert "Deleted web-1." in ex.status.value
    assert ex.last_call == "s.aci.container_groups.begin_delete('aci-tutorial-rg', 'web-1')"


def test_create_from_the_form(s, ex):
    ex.create_name.value = "from-form"
    ex.create_image.value = "mcr.microsoft.com/azuredocs/aci-wordcount"
    ex.create_restart.value = "Never"
    ex.create_port.value = 0
    ex.create_command.value = "python wordcount.py http://shakespeare.mit.edu/romeo_juliet/full.html"
    ex.create_env.value = "NumWords=3\nMinLength=5\n"
    ex.create_secure_name.value = "TOKEN"
    ex.create_secure_value.value = "hunter2"
    ex.create_secure_add.click()
    assert "TOKEN" in ex.create_secure_list.value and "hunter2" not in ex.create_secure_list.value
    ex.create_button.click()
    assert "Created <b>from-form</b>" in ex.create_result.value
    g = s.aci.container_groups.get(s.resource_group, "from-form")
    c = g.containers[0]
    assert (c.image, c.command, str(g.restart_policy.value if hasattr(g.restart_policy, "value") else g.restart_policy)) == (
        "mcr.microsoft.com/azuredocs/aci-wordcount",
        ["python", "wordcount.py", "http://shakespeare.mit.edu/romeo_juliet/full.html"], "Never")
    assert {e.name: e.value for e in c.environment_variables} == {
        "NumWords": "3", "MinLength": "5", "TOKEN": None}
    assert g.ip_address is None
    assert ex.groups[ex.selected].name == "from-form"  # the new group is selected
    assert "hunter2" not in ex.containers_html.value
    assert ex.create_secure_value.value == "" and ex.create_name.value != "from-form"
    assert ex.last_call.startswith("s.aci.container_groups.begin_create_or_update('aci-tutorial-rg', 'from-form'")


@pytest.mark.parametrize("field, value, code, message", [
    ("create_dns", "Bad_Label", "InvalidDnsNameLabel", "The DNS name label 'Bad_Label' in container group"),
    ("create_image", "mcr.microsoft.com/azuredocs/aci-helloworl", "InaccessibleImage",
     "The image 'mcr.microsoft.com/azuredocs/aci-helloworl' in container group"),
])
def test_a_refused_create_shows_the_arm_error_and_creates_nothing(s, ex, field, value, code, message):
    import html

    ex.create_name.value = "refused-1"
    getattr(ex, field).value = value
    ex.create_button.click()
    shown = html.unescape(ex.create_result.value)
    assert code in shown and "(HTTP 400)" in shown and message in shown
    assert group_names(s) == set()
    assert not ex.create_button.disabled and ex.busy == {}
    assert ex.create_name.value == "refused-1"  # the form keeps what was typed


def test_the_form_catches_what_it_can_itself(s, ex):
    ex.create_env.value = "JUSTANAME"
    ex.create_button.click()
    assert "Form:" in ex.create_result.value and "NAME=value" in ex.create_result.value
    assert group_names(s) == set()


def test_text_state_filters_and_sort(s, ex, make_group):
    make_group("web-1")
    make_group("web-2")
    make_group("job-1", kind="task")
    ex.refresh_button.click()
    ex.text_filter.value = "web"
    assert names_in_table(ex) == ["web-1", "web-2"]
    ex.text_filter.value = "wordcount"  # images match too
    assert names_in_table(ex) == ["job-1"]
    ex.text_filter.value = ""
    ex.state_filter.value = "Succeeded"
    assert names_in_table(ex) == ["job-1"]
    ex.state_filter.value = "Running"
    assert names_in_table(ex) == ["web-1", "web-2"]
    assert ex.sort_desc.description == "ascending"  # the order shown, not the other one
    ex.sort_desc.value = True
    assert names_in_table(ex) == ["web-2", "web-1"]
    assert (ex.sort_desc.description, ex.sort_desc.icon) == ("descending", "sort-amount-desc")
    ex.state_filter.value = "Failed"
    assert names_in_table(ex) == []
    assert "No group matches the filters" in ex.table.children[-1].value
    ex.state_filter.value = ""
    ex.sort_by.value = "State"
    ex.sort_desc.value = False
    assert names_in_table(ex) == ["web-1", "web-2", "job-1"]  # Running < Succeeded


def test_buttons_conflicting_with_a_running_operation_are_disabled(s, ex, make_group):
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    ex.busy[ex.selected] = "restart web-1"  # as while an operation's poller runs
    ex._update_buttons()
    assert all(b.disabled for b in (ex.start_button, ex.stop_button, ex.restart_button, ex.delete_button))
    ex.stop_button.click()
    assert state_of(s, "web-1") == "Running" and "still running" in ex.status.value
    assert not ex.refresh_button.disabled and not ex.create_button.disabled


def test_a_long_operation_runs_in_the_kernel_loop(s, ex, make_group):
    """With an event loop (as in a kernel) the poller is awaited in a task: buttons are
    disabled meanwhile, enabled again after, and the result is shown."""
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    seen = {}

    async def main():
        ex.restart_button.click()
        seen["disabled"] = ex.restart_button.disabled
        seen["progress"] = ex.progress.value
        for _ in range(200):
            if not ex.busy:
                break
            await asyncio.sleep(0.02)

    asyncio.run(main())
    if "restart" in seen["progress"]:  # the poller had not finished at once
        assert seen["disabled"]
    assert ex.busy == {} and not ex.restart_button.disabled
    assert "Restart web-1: done." in ex.status.value and ex.progress.value == ""


def test_auto_refresh_without_a_kernel_says_so(ex):
    ex.auto_refresh.value = True
    assert ex.auto_refresh.value is False
    assert "press <b>Refresh</b>" in ex.status.value


def test_auto_refresh_in_a_loop_picks_up_new_groups(s, make_group):
    from aci_helpers.widgets import Explorer

    async def main():
        ex = Explorer(s, auto_refresh=0.05)
        make_group("late-1")
        for _ in range(100):
            if ex.groups:
                break
            await asyncio.sleep(0.02)
        names = names_in_table(ex)
        ex.close()
        return names

    assert asyncio.run(main()) == ["late-1"]


def test_outside_a_notebook_it_says_so(s, capsys):
    assert explorer(s) is None
    out = capsys.readouterr().out
    assert out.strip() == NOT_IN_NOTEBOOK and "notebook" in out


def test_repr_is_stable_for_committed_outputs(ex, make_group):
    # nbval compares a displayed widget's text/plain: it must not change with the data.
    before = ex._repr_mimebundle_()["text/plain"]
    make_group("web-1")
    ex.refresh_button.click()
    assert ex._repr_mimebundle_()["text/plain"] == before == "Explorer(backend='emulator', scope='all resource groups')"


def test_importing_does_not_load_ipywidgets():
    import subprocess
    import sys

    code = ("import sys, aci_helpers, aci_helpers.widgets; "
            "assert 'ipywidgets' not in sys.modules, 'ipywidgets imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_after_a_create_the_explorer_follows_the_group_until_it_runs(monkeypatch):
    """Realtime clock: the explorer keeps re-reading a group it created (in the loop) until it
    is Running. The create's poller ends at provisioning Succeeded, once the container has
    started (Microsoft's states page; the emulator's order since issue 17), so the group may
    already read Running then; what the explorer shows last is Running either way."""
    from aci_helpers import connect, ensure_resource_group
    from aci_helpers.widgets import Explorer

    monkeypatch.setenv("TQDM_DISABLE", "1")
    s = connect("emulator", state="memory", clock="realtime", seed=0)
    ensure_resource_group(s)
    s.polling_interval = 0.2  # re-read often: keeps the test short
    seen: list[str] = []

    async def main():
        ex = Explorer(s)
        ex.create_name.value = "follow-1"
        ex.create_button.click()
        for _ in range(300):  # at most ~30 s
            await asyncio.sleep(0.1)
            if ex.selected and ex.groups[ex.selected].state not in seen:
                seen.append(ex.groups[ex.selected].state)
            if ex.selected and not ex.busy and "Created" in ex.create_result.value:
                break
        state = ex.groups[ex.selected].state
        ex.close()
        return state

    try:
        assert asyncio.run(main()) == "Running"
    finally:
        s.close()
    assert seen[-1] == "Running" and set(seen) <= {"Pending", "Running"}, seen


@pytest.mark.parametrize("cpu, memory, code, message", [
    (400, 1.5, "ServiceUnavailable", "Resource requested: '400' CPU '1.5' GB memory"),
    (1, 64, "ServiceUnavailable", "Resource requested: '1' CPU '64' GB memory"),
    (0, 1.5, "InvalidContainerGroupResourceRequest", "The cpu request '0.0'"),
])
def test_sizes_are_not_clamped_the_service_refuses_them(s, ex, cpu, memory, code, message):
    """Bounded fields used to turn 400 cores into 4 silently, and create a 4-core group."""
    import html

    ex.create_name.value = "huge-1"
    ex.create_cpu.value, ex.create_memory.value = cpu, memory
    assert (ex.create_cpu.value, ex.create_memory.value) == (cpu, memory)
    ex.create_button.click()
    shown = html.unescape(ex.create_result.value)
    assert code in shown and message in shown
    assert group_names(s) == set()
    assert (ex.create_cpu.value, ex.create_memory.value) == (cpu, memory)  # the form keeps them


def test_a_taken_dns_label_shows_the_service_conflict(s, ex, make_group):
    import html

    make_group("first-1", dns_name_label="my-demo-1")
    ex.create_name.value = "second-1"
    ex.create_dns.value = "my-demo-1"
    ex.create_button.click()
    shown = html.unescape(ex.create_result.value)
    assert "DnsNameLabelNotAvailable" in shown and "(HTTP 409)" in shown
    assert "The DNS name label 'my-demo-1' in container group 'second-1' not available" in shown
    assert group_names(s) == {"first-1"} and ex.create_dns.value == "my-demo-1"


def test_a_secure_value_leaves_the_browser_on_submit_even_when_refused(s, ex):
    """The Password widget's value is synced widget state: it must not stay there after
    Create, even if the service refuses the group; the form keeps the variable, masked."""
    ex.create_name.value = "sec-1"
    ex.create_image.value = "mcr.microsoft.com/azuredocs/aci-helloword"  # a typo: refused
    ex.create_secure_name.value = "API_TOKEN"
    ex.create_secure_value.value = "hunter2-never-shown"
    ex.create_button.click()
    assert "InaccessibleImage" in ex.create_result.value
    assert ex.create_secure_value.value == "" and ex.create_secure_name.value == ""
    assert "API_TOKEN" in ex.create_secure_list.value and MASK in ex.create_secure_list.value
    from ipywidgets.widgets.widget import _instances

    for w in list(_instances.values()):  # no widget state synced to the page holds it
        for name in w.keys:
            assert "hunter2" not in str(getattr(w, name)), (w, name)
    ex.create_image.value = "mcr.microsoft.com/azuredocs/aci-helloworld"  # fixed: try again
    ex.create_button.click()
    assert "Created <b>sec-1</b>" in ex.create_result.value
    env = s.aci.container_groups.get(s.resource_group, "sec-1").containers[0].environment_variables
    assert [(e.name, e.value) for e in env] == [("API_TOKEN", None)]
    assert ex.create_secure_list.value == "" and ex._secure_env == {}


def test_secure_variables_can_be_forgotten(ex):
    ex.create_secure_name.value, ex.create_secure_value.value = "A", "x"
    ex.create_secure_add.click()
    assert ex.create_secure_clear.layout.display != "none"
    ex.create_secure_clear.click()
    assert ex._secure_env == {} and ex.create_secure_list.value == ""
    assert ex.create_secure_clear.layout.display == "none"


def test_refresh_replaces_no_widget(s, ex, make_group):
    """Auto-refresh must not flicker: a refresh changes values, it creates no widget (each
    new widget is a new model and a redraw in the browser) and keeps the same children."""
    from ipywidgets.widgets.widget import _instances

    make_group("web-1")
    make_group("web-2")
    ex.refresh_button.click()
    ex.row_button("web-2").click()
    table, details, count = ex.table.children, ex.details.children, len(_instances)
    for _ in range(3):
        ex.refresh_button.click()
    assert ex.table.children == table and ex.details.children == details
    assert len(_instances) == count
    assert "web-2" in ex.details_title.value


def test_empty_table_then_rows_then_filtered_out_reuse_the_note(s, ex, make_group):
    assert ex.table.children == (ex.table_head, ex.table_note)
    make_group("web-1")
    ex.refresh_button.click()
    assert ex.table_note not in ex.table.children and len(ex.table.children) == 2
    ex.text_filter.value = "nothing-like-this"
    assert ex.table.children == (ex.table_head, ex.table_note)
    assert "No group matches the filters" in ex.table_note.value


def test_a_running_create_shows_its_progress_at_the_form(monkeypatch):
    """Realtime clock: the form is far below the table, so the create's progress shows
    there too, with the Create button disabled until it ends."""
    from aci_helpers import connect, ensure_resource_group
    from aci_helpers.widgets import Explorer

    monkeypatch.setenv("TQDM_DISABLE", "1")
    s = connect("emulator", state="memory", clock="realtime", seed=0)
    ensure_resource_group(s)
    s.polling_interval = 0.2
    seen: dict[str, object] = {}

    async def main():
        ex = Explorer(s)
        ex.create_name.value = "slow-1"
        ex.create_button.click()
        seen["result"], seen["disabled"] = ex.create_result.value, ex.create_button.disabled
        for _ in range(100):
            await asyncio.sleep(0.1)
            if "create" not in ex.busy:
                break
        seen["after"], seen["enabled"] = ex.create_result.value, not ex.create_button.disabled
        ex.close()

    try:
        asyncio.run(main())
    finally:
        s.close()
    assert "aci-busy" in seen["result"] and "create slow-1" in seen["result"] and seen["disabled"]
    assert "Created <b>slow-1</b>" in seen["after"] and seen["enabled"]


def test_auto_refresh_keeps_the_last_outcome_and_sdk_call(s, ex, make_group):
    """A background refresh must not wipe "Stop web-1: done." (or an ARM error) nor the
    call the button made, seconds after the learner pressed it."""
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    ex.stop_button.click()
    outcome, call = ex.status.value, ex.last_call
    assert "Stop web-1: done." in outcome
    make_group("web-2")
    ex.refresh(background=True)
    assert names_in_table(ex) == ["web-1", "web-2"] and ex.groups[ex.selected].name == "web-1"
    assert ex.status.value == outcome and ex.last_call == call
    ex.refresh_button.click()  # asked for: the outcome is old news, the call is list()
    assert ex.status.value == "" and "list()" in ex.last_call


def test_an_auto_refresh_error_is_shown_then_cleared(s, ex, make_group):
    make_group("web-1")
    # An error as ARM sends it (a 409 is not retried by azure-core), answered to the real SDK.
    s.emulator.inject_fault("GET", r"/providers/Microsoft\.ContainerInstance/containerGroups$",
                            status=409, code="ServiceUnavailable")
    ex.refresh(background=True)
    assert "Auto-refresh failed" in ex.status.value and "ServiceUnavailable" in ex.status.value
    ex.refresh(background=True)
    assert ex.status.value == "" and names_in_table(ex) == ["web-1"]


def test_logs_open_at_the_newest_line(s, ex, make_group):
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    assert ex.logs_html.value.startswith('<div class="aci-log-box"><pre class="aci-log">')
    assert "column-reverse" in ex.children[0].value  # the CSS that keeps the newest line in view


def test_opening_the_logs_tab_reads_the_log_and_shows_the_call(s, ex, make_group):
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    assert ex.last_call == "s.aci.container_groups.get('aci-tutorial-rg', 'web-1')"
    ex.tabs.selected_index = 2  # the learner clicks "Logs"
    assert ex.last_call == "s.aci.containers.list_logs('aci-tutorial-rg', 'web-1', 'web-1', tail=50)"
    assert "listening on port 80" in ex.logs_html.value
    assert "list_logs" in ex.sdk_call.value
    make_group("web-2")
    ex.refresh_button.click()
    ex.row_button("web-2").click()  # the Logs tab stays open: both calls were made
    assert ex.last_call == ("s.aci.container_groups.get('aci-tutorial-rg', 'web-2') then "
                            "s.aci.containers.list_logs('aci-tutorial-rg', 'web-2', 'web-2', tail=50)")


def test_after_stop_the_logs_tab_says_why_it_is_empty(s, ex, make_group):
    make_group("web-1")
    ex.refresh_button.click()
    ex.row_button("web-1").click()
    ex.tabs.selected_index = 2
    assert "listening on port 80" in ex.logs_html.value
    ex.stop_button.click()
    text = ex.logs_html.value
    assert "Nothing printed yet" not in text
    assert "this group is stopped" in text and "does not preserve container state" in text
    assert "container-instances-stop-start" in text  # Microsoft's page, linked
    assert "its guess of what Azure returns" in text  # on the emulator, said to be a guess
    ex.start_button.click()
    assert "listening on port 80" in ex.logs_html.value  # a new run, a new log


def test_a_task_that_printed_nothing_is_not_waiting_for_output(s, ex, make_group):
    make_group("quiet-1", kind="task", command=["/bin/sh", "-c", "true"], env={})
    ex.refresh_button.click()
    ex.row_button("quiet-1").click()
    assert "ended without printing anything" in ex.logs_html.value


def test_a_displayed_explorer_comes_with_a_note_that_only_a_live_one_hides(ex, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    ex._ipython_display_()
    (note, note_kw), (widget, widget_kw) = shown
    assert note_kw == widget_kw == {"raw": True}
    assert 'class="aci-needs-kernel"' in note["text/html"]
    assert "needs a running kernel" in note["text/plain"]
    assert widget["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.model_id
    assert ".aci-needs-kernel { display: none; }" in ex.children[0].value  # the live CSS
