"""What a check's answer looks like in JupyterLab, in a real browser.

A check answers in Markdown, which JupyterLab typesets: "$0.105 (the 1-CPU group: $0.054)"
read as maths, "about 0.105(the1−CPUgroup:0.054)", and so does "\\$0.105" (the usual escape;
jupyterlab/jupyterlab#8645), which this test shows too. The checks of 01, 02 and 03b carry
dollars: their real answers (from the checks themselves, on the emulator) must read as
written, while the same text unescaped still turns into maths here (so the test can see it).
Also the learner's working copy of 01 (`make lab`): its solution, a raw cell, collapsed.
Screenshots at 1280 px with the file browser open: test-artifacts/check-markdown*.png.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow(25)
ROOT = Path(__file__).resolve().parents[2]
PROJECTOR = {"width": 1280, "height": 720}
STEP_TIMEOUT_MS = 30_000
TYPESET_MS = 3_000  # MathJax typesets after the output is shown


def real_answers() -> dict[str, str]:
    """01's and 02's Pass (committed outputs) and 03b's "only FOO" hint (asked now)."""
    from aci_helpers import connect, ensure_resource_group, task_container_group, wait_for_container
    from aci_helpers.exercises import check_two_commands

    def committed_pass(name: str) -> str:
        nb = nbformat.read(next((ROOT / "notebooks").glob(f"{name}_*.ipynb")), as_version=4)
        last = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])][-1]
        return last.outputs[0].data["text/plain"]

    answers = {"01": committed_pass("01"), "02": committed_pass("02")}
    with connect("emulator", state="memory", clock="instant") as s:
        ensure_resource_group(s)
        command = ["/bin/sh", "-c", "echo FOO", "echo BAR"]
        task = task_container_group("two", s.location, command=command, env={})
        s.aci.container_groups.begin_create_or_update(s.resource_group, "two", task).result()
        wait_for_container(s, "two")
        answers["03b"] = check_two_commands(s, "two", task.containers[0]).text
    return answers


def markdown_notebook(answers: dict[str, str]) -> nbformat.NotebookNode:
    """One cell per check: its answer as the check shows it (Feedback._repr_markdown_); then
    01's answer as plain Markdown, and with its dollars escaped as \\$ (the controls)."""
    from aci_helpers.exercises.feedback import Feedback

    cells = []
    for key, text in answers.items():
        shown = Feedback(text.startswith("Pass"), text)
        cell = nbformat.v4.new_code_cell(f"# check {key}")
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            "text/markdown": shown._repr_markdown_(), "text/plain": text})]
        cells.append(cell)
    controls = []
    for markdown in (answers["01"], answers["01"].replace("$", "\\$")):  # as is; escaped
        control = nbformat.v4.new_code_cell("# control: JupyterLab typesets it")
        control.outputs = [nbformat.v4.new_output("display_data", data={
            "text/markdown": markdown, "text/plain": answers["01"]})]
        controls.append(control)
    return nbformat.v4.new_notebook(cells=[*cells, *controls], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def test_dollars_in_checks_read_as_written(shared_lab, new_page, screenshot):
    sys.path.insert(0, str(ROOT / "tools"))
    import lab

    answers = real_answers()
    assert all("$" in text for text in answers.values()), answers
    folder = shared_lab()
    folder.write(markdown_notebook(answers), "checks.ipynb")
    first = next((ROOT / "notebooks").glob("01_*.ipynb"))
    (folder.path / first.name).write_text(lab.solutions_as_raw(first.read_text()))
    page, errors = new_page(PROJECTOR, STEP_TIMEOUT_MS)
    page.goto(folder.url("checks.ipynb"))
    outputs = page.locator(".jp-OutputArea-output.jp-RenderedMarkdown")
    outputs.nth(len(answers) + 1).wait_for()
    page.wait_for_timeout(TYPESET_MS)
    shown = outputs.all_inner_texts()
    for (key, text), rendered in zip(answers.items(), shown):
        head, _, rest = text.partition(": ")
        assert " ".join(rendered.split()) == " ".join(f"{head}: {rest}".split()), (key, rendered)
    typeset = [outputs.nth(i).locator("mjx-container").count() for i in range(outputs.count())]
    assert typeset[:len(answers)] == [0] * len(answers), typeset
    assert all(typeset[len(answers):]), "the controls show the bug: JupyterLab typesets them"
    assert "$0.105" not in shown[-1] and "$0.105" not in shown[-2]
    page.locator(".jp-DirListing-item", has_text="checks.ipynb").wait_for()  # the file browser
    screenshot(page, "check-markdown.png")

    page.goto(folder.url(first.name, reset=True))
    solution = page.locator(".jp-RawCell").first
    solution.wait_for()
    for _ in range(3):  # JupyterLab lays the notebook out while it scrolls: settle it
        solution.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
    assert page.locator(".jp-RawCell .jp-InputPlaceholder").count() == 2, "both solution cells collapsed"
    screenshot(page, "check-markdown-working-copy.png")
    assert errors == [], f"JavaScript errors on the page: {errors}"
    print(json.dumps(dict(zip(answers, shown)), indent=1))
