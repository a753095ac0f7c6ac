"""The explorer's Exec and Attach tabs in JupyterLab, in a real browser (issue 19): a learner
selects a running group, types a command in Exec and reads its output, then attaches and
watches the container's lines arrive. A projector's 1280 px, the file browser open.

The worker's shared JupyterLab serves a small notebook made here (a running group with a
secure variable, then the explorer); its kernel (the test's own kernelspec) gets an in-memory
emulator on the realtime clock, ten times faster, so the attached app prints a line every
0.1 s. Screenshots: test-artifacts/exec-panel-lab*.png. Skipped without Chromium, unless ACI_REQUIRE_BROWSER=1 (CI), then it fails.
"""

from __future__ import annotations

import nbformat
import pytest
from jupyterlab_ui import notebook_errors, run_all_and_wait

pytestmark = pytest.mark.slow(35)  # longest first under pytest-xdist (see conftest.py)
NOTEBOOK = "exec_panel.ipynb"
SECRET = "s3cr3t-value-in-the-group"
STEP_TIMEOUT_MS = 20_000
PROJECTOR = {"width": 1280, "height": 720}

CELLS = [
    "from aci_helpers import connect, ensure_resource_group, wait, wait_for_state\n"
    "from azure.mgmt.containerinstance import models as m\n\n"
    "s = connect()\nensure_resource_group(s)",
    # a running app: a line a second, a secure variable, a file in an emptyDir
    "script = ('echo report > /mnt/work/report.txt; '\n"
    "          'while true; do echo \"$(date +%T) app: working\"; sleep 1; done')\n"
    "group = m.ContainerGroup(location=s.location, os_type='Linux', restart_policy='Always',\n"
    "    volumes=[m.Volume(name='work', empty_dir={})],\n"
    "    containers=[m.Container(name='app', image='alpine:3.20', command=['/bin/sh', '-c', script],\n"
    "        resources=m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1)),\n"
    f"        environment_variables=[m.EnvironmentVariable(name='API_KEY', secure_value={SECRET!r})],\n"
    "        volume_mounts=[m.VolumeMount(name='work', mount_path='/mnt/work')])])\n"
    "wait(s.aci.container_groups.begin_create_or_update(s.resource_group, 'app-1', group))\n"
    "state = wait_for_state(s, 'app-1', 'Running')",
    "from aci_helpers.widgets import explorer\n\nex = explorer(s)\nex",
]


@pytest.fixture
def lab(shared_lab):
    """The small notebook on the worker's shared JupyterLab, its kernel on the realtime clock
    ten times faster; returns its URL."""
    folder = shared_lab(ACI_EMULATOR_CLOCK="realtime", ACI_EMULATOR_SPEED="10")
    folder.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS]),
                 NOTEBOOK)
    return folder.url(NOTEBOOK)


def test_exec_and_attach_in_jupyterlab(lab, new_page, screenshot):
    from playwright.sync_api import expect

    page, errors = new_page(PROJECTOR, STEP_TIMEOUT_MS)
    page.goto(lab, timeout=STEP_TIMEOUT_MS)
    run_all_and_wait(page, 60_000)
    ex = page.locator(".aci-explorer")
    try:
        expect(ex.locator(".aci-row")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    except AssertionError:
        raise AssertionError(notebook_errors(page)) from None
    assert page.locator(".jp-FileBrowser").first.is_visible(), "the file browser should be open"
    ex.locator(".aci-row button", has_text="app-1").click()
    details = ex.locator(".aci-details")

    # Exec: one command line, its output under it; nothing of the group's secrets on the page
    details.get_by_role("tab", name="Exec").click()
    panel = details.locator(".aci-exec")
    expect(panel).to_contain_text("Runs /bin/sh in the container")
    assert SECRET not in ex.inner_html()   # (the notebook's own source above shows it)
    command = panel.locator(".aci-exec-command input")
    command.fill("cat /mnt/work/report.txt; echo API_KEY has ${#API_KEY} characters; ls /mnt")
    panel.get_by_role("button", name="Run").click()
    output = panel.locator("pre.aci-exec-log")
    expect(output).to_contain_text("$ cat /mnt/work/report.txt;", timeout=STEP_TIMEOUT_MS)
    expect(output).to_contain_text(f"report\nAPI_KEY has {len(SECRET)} characters\nwork")
    expect(ex.locator(".aci-sdk")).to_contain_text(
        "s.aci.containers.execute_command('aci-tutorial-rg', 'app-1', 'app'")
    assert SECRET not in ex.inner_html() and "[[EOM]]" not in page.content()
    # on screen at 1280 px beside the file browser: the command field and Run in one row
    run = panel.get_by_role("button", name="Run").bounding_box()
    clear = panel.get_by_role("button", name="Clear").bounding_box()
    field = command.bounding_box()
    assert run and clear and field and field["width"] >= 250, (run, clear, field)
    assert abs(run["y"] - field["y"]) < 20 and abs(clear["y"] - field["y"]) < 20, (field, run, clear)
    assert clear["x"] + clear["width"] <= PROJECTOR["width"], clear
    panel.scroll_into_view_if_needed()
    screenshot(page, "exec-panel-lab.png")

    # Attach: the app's lines arrive while we watch, then Detach
    details.get_by_role("tab", name="Attach").click()
    view = details.locator(".aci-attach")
    view.get_by_role("button", name="Attach").click()
    live = view.locator("pre.aci-attach-log")
    expect(live).to_contain_text("app: working", timeout=STEP_TIMEOUT_MS)
    first = live.inner_text().count("app: working")
    page.wait_for_timeout(1_000)            # ten more lines at ten times the pace
    assert live.inner_text().count("app: working") > first, "the attach view did not grow"
    expect(ex.locator(".aci-sdk")).to_contain_text("s.aci.containers.attach('aci-tutorial-rg', "
                                                   "'app-1', 'app')")
    view.scroll_into_view_if_needed()
    screenshot(page, "exec-panel-lab-attach.png")
    view.get_by_role("button", name="Detach").click()
    expect(view).to_contain_text("Detached; the container keeps running.")
    grown = live.inner_text()
    page.wait_for_timeout(600)
    assert live.inner_text() == grown, "still streaming after Detach"
    assert errors == [], f"JavaScript errors on the page: {errors}"
