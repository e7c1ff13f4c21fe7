"""A student's view in a real JupyterLab, driven by Playwright with the system Chromium.

One JupyterLab (started here on 127.0.0.1, in a temporary root) and one browser
serve both tests; screenshots go to tests/artifacts/.
"""
import json
import shutil

import nbformat
import pytest
from browser_util import (
    ARTIFACTS,
    REPO,
    WRONG_LINEAR_BACKWARD,
    chromium_page,
    copy_supporting_files,
    fill,
    jupyter_lab,
    nbgrader_meta,
    require_chromium,
    screenshot,
    shuffle_and_break,
    solution_ids,
    solution_sources,
    student_notebook,
    write_notebook,
)

from dnn_lab.checks import EXERCISES
from dnn_lab.messages import t, t_short

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "dnn-lab-browser-test"
# linear_backward is wrong, so the two exercises that call it fail with it; the rest must pass
DEPEND_ON_LINEAR_BACKWARD = {"linear_backward", "linear_activation_backward", "L_model_backward"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("lab-root")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # the Help-menu entry, as the wheel installs it into share/jupyter/lab/settings/overrides.d
    app_settings = tmp_path_factory.mktemp("lab-app-settings")
    (app_settings / "overrides.d").mkdir()
    shutil.copy(REPO / "jupyter-config" / "lab" / "overrides.d" / "dnn_lab.json", app_settings / "overrides.d")
    with jupyter_lab(root, ARTIFACTS / "jupyterlab.log", token=TOKEN,
                     extra=["--LabApp.expose_app_in_browser=True",
                            f"--LabApp.app_settings_dir={app_settings}"]) as base:
        yield root, base


@pytest.fixture(scope="module")
def page(lab):
    with chromium_page("zh-CN") as page:
        yield page


def js_run_all_cells(page):
    """Run every code cell, continuing after a cell that raises (as a student would, cell by cell)."""
    page.evaluate("""async () => {
      const app = window.jupyterapp;
      const panel = app.shell.currentWidget;
      await panel.sessionContext.ready;
      const nb = panel.content;
      for (let round = 0; round < 20; round++) {
        const idx = nb.widgets.findIndex(c => c.model.type === 'code' && c.model.executionCount === null
                                          && c.model.sharedModel.getSource().trim() !== '');
        if (idx < 0) return;
        nb.activeCellIndex = idx;
        await app.commands.execute('notebook:run-all-below');
        while (panel.sessionContext.session.kernel.status !== 'idle') await new Promise(r => setTimeout(r, 100));
      }
    }""")


def check_cell(page, exercise):
    """The notebook cell whose code calls check("<exercise>")."""
    return page.locator(".jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text=f'check("{exercise}")'))


def test_check_button_shows_failure_hint_and_diagram_in_chinese(lab, page):
    """In a zh notebook with all solutions but a linear_backward that forgot 1/m, does its 检查 button
    show the failure, the forgot_1_over_m hint in Chinese and the diagram, while the others pass?"""
    root, base = lab
    nb = fill(student_notebook("zh"), {**solution_sources(), "linear_backward": WRONG_LINEAR_BACKWARD})
    write_notebook(nb, root / "a" / "student.ipynb")
    copy_supporting_files(root / "a")

    page.goto(f"{base}lab/tree/a/student.ipynb?token={TOKEN}")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=90_000)
    js_run_all_cells(page)

    label = t_short("ui.check", "zh")
    cell = check_cell(page, "linear_backward")
    button = cell.locator("button.jupyter-button", has_text=label)
    button.scroll_into_view_if_needed()
    button.click()
    report = cell.locator('.dnn-lab-report[data-exercise="linear_backward"]')
    report.wait_for(timeout=30_000)
    cell.locator(".widget-output img").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    cell.screenshot(path=str(ARTIFACTS / "check_linear_backward_zh.png"))
    screenshot(page, "notebook_zh.png")

    assert button.inner_text().strip() == label  # the Chinese label is what the student sees
    assert report.get_attribute("data-state") == "failed"
    assert report.get_attribute("data-failed-step") == "dW"
    hint = cell.locator('[data-hint="forgot_1_over_m"]')
    assert hint.is_visible()
    assert " ".join(t("hint.forgot_1_over_m", "zh").split()) in " ".join(hint.inner_text().split())
    img = cell.locator(".widget-output img").first
    assert img.is_visible()
    assert page.evaluate("(img) => img.naturalWidth > 100 && img.src.startsWith('data:image/png')",
                         img.element_handle())

    states = {}
    for name in EXERCISES:
        r = check_cell(page, name).locator(f'.dnn-lab-report[data-exercise="{name}"]')
        r.wait_for(state="attached", timeout=30_000)
        states[name] = r.get_attribute("data-state")
    assert {n for n, s in states.items() if s == "failed"} <= DEPEND_ON_LINEAR_BACKWARD
    assert states["linear_backward"] == "failed"
    assert all(states[n] == "passed" for n in EXERCISES if n not in DEPEND_ON_LINEAR_BACKWARD), states

    other = check_cell(page, "compute_cost")
    other.locator("button.jupyter-button", has_text=label).click()
    page.wait_for_timeout(500)
    assert other.locator('.dnn-lab-report[data-exercise="compute_cost"]').get_attribute("data-state") == "passed"
    assert page.external_requests == []


def test_page_fresh_copy_and_repair(lab, page):
    """On /dnn-lab, does Get a fresh copy write a new notebook, and does Repair turn a shuffled notebook
    with a deleted test cell into one that has every answer back and passes every check?"""
    root, base = lab
    page.goto(f"{base}dnn-lab?token={TOKEN}")
    page.wait_for_selector("body[data-ready=true]")
    page.click('.toggle button[data-lang="zh"]')
    assert page.locator("h1 .zh").is_visible() and not page.locator("h1 .en").is_visible()

    form = page.locator('form.fresh[data-assignment="step_by_step"]')
    form.locator("select[name=lang]").select_option("zh")
    form.locator("input[name=folder]").fill("fresh")
    form.locator("button.fresh-button").click()
    result = form.locator(".result.ok code.path")
    result.wait_for()
    assert result.inner_text() == "fresh/step_by_step.ipynb"
    assert (root / "fresh" / "step_by_step.ipynb").is_file()
    screenshot(page, "page_fresh_zh.png")

    fresh = nbformat.read(root / "fresh" / "step_by_step.ipynb", as_version=4)
    broken = shuffle_and_break(fill(fresh, solution_sources()), delete_test="linear_backward_test")
    original = write_notebook(broken, root / "fresh" / "mine.ipynb")
    before = original.read_bytes()

    page.click('.toggle button[data-lang="both"]')
    repair = page.locator("#repair-form")
    repair.locator("input[name=path]").fill("fresh/mine.ipynb")
    repair.locator("#repair-button").click()
    repair.locator(".result.ok").wait_for()
    moved = [e.inner_text() for e in repair.locator(".list-moved code.name").all()]
    target = repair.locator(".result.ok code.path").first.inner_text()
    screenshot(page, "page_repair_both.png")
    assert sorted(moved) == sorted(EXERCISES)
    assert target == "fresh/mine-repaired.ipynb"
    assert original.read_bytes() == before

    repaired = nbformat.read(root / target, as_version=4)
    assert [nbgrader_meta(c).get("grade_id") for c in repaired.cells] == \
        [nbgrader_meta(c).get("grade_id") for c in fresh.cells]
    assert solution_ids(repaired) == list(EXERCISES)

    # the same checks the student runs: every check cell executes without an AssertionError
    from nbclient import NotebookClient
    NotebookClient(repaired, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(root / "fresh")}}).execute()
    record = json.loads((root / "fresh" / ".dnn_lab" / "progress.json").read_text(encoding="utf-8"))
    assert {n: e["passed"] for n, e in record["exercises"].items()} == {n: True for n in EXERCISES}

    page.click("#progress-refresh")
    rows = page.locator('section.progress-folder[data-folder="fresh"] tr[data-exercise] td.pass')
    rows.nth(len(EXERCISES) - 1).wait_for()
    assert rows.count() == len(EXERCISES)
    page.locator('section.progress-folder[data-folder="fresh"]').scroll_into_view_if_needed()
    screenshot(page, "page_progress.png")
    assert page.external_requests == []


def test_help_menu_opens_the_page(lab, page):
    """Does JupyterLab's Help menu have a DNN Lab entry (no compiled front-end) that opens /dnn-lab?"""
    _, base = lab
    page.goto(f"{base}lab?reset&token={TOKEN}")  # an empty workspace: no restored notebook takes the focus
    page.wait_for_function("window.jupyterapp !== undefined", timeout=90_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Help").click()
    item = page.locator(".lm-Menu-itemLabel", has_text="DNN Lab")
    item.wait_for()
    screenshot(page, "help_menu.png")
    with page.context.expect_page() as opened:
        item.click()
    tab = opened.value
    tab.wait_for_selector("body[data-ready=true]")
    assert tab.url == f"{base}dnn-lab"
    assert tab.locator('form.fresh[data-assignment="step_by_step"]').count() == 1
    tab.close()
