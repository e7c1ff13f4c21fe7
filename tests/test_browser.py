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
    chromium_browser,
    copy_supporting_files,
    fill,
    jupyter_lab,
    nbgrader_meta,
    new_page,
    only_check_calls,
    require_chromium,
    running_student_lab,
    screenshot,
    shuffle_and_break,
    solution_ids,
    solution_sources,
    student_notebook,
    write_notebook,
)

from dnn_lab.checks import EXERCISES
from dnn_lab.messages import t, t_short
from dnn_lab.render._model import first_sentence

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
def browser():
    require_chromium()
    with chromium_browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def page(lab, browser):
    page = new_page(browser, "zh-CN")
    yield page
    page.context.close()


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
    hint = cell.locator('.dnn-lab-hint[data-hint="forgot_1_over_m"]')
    assert hint.is_visible()
    sentence = first_sentence(t("hint.forgot_1_over_m", "zh"), "zh")
    assert " ".join(sentence.split()) in " ".join(hint.inner_text().split())
    assert "forgot_1_over_m" not in cell.inner_text()  # the id is data, not text
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


# ---- the student's lab: `dnn-lab lab`, an untouched notebook, Run All, a broken cell, reopen ----

JS_CELLS = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  return nb.widgets.map((c, i) => ({i, type: c.model.type, count: c.model.type === 'code' ? c.model.executionCount : null,
    role: (c.model.getMetadata('dnn_lab') || {}).role || null,
    grade_id: (c.model.getMetadata('nbgrader') || {}).grade_id || null,
    source: c.model.sharedModel.getSource()}));
}"""

JS_OUTPUTS = """() => window.jupyterapp.shell.currentWidget.content.widgets.map(
  c => c.model.type === 'code' ? c.model.outputs.toJSON() : [])"""


def o_text(outputs):
    return "".join("".join(o.get("text", "")) for o in outputs)


JS_RUN_CELL = """async ([index, source]) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const nb = panel.content;
  const cell = nb.widgets[index];
  if (source !== null) cell.model.sharedModel.setSource(source);
  cell.model.executionCount = null;  // a fresh kernel may give the same count again
  nb.activeCellIndex = index;
  await app.commands.execute('notebook:run-cell');
  while (cell.model.executionCount === null || panel.sessionContext.session.kernel.status !== 'idle')
    await new Promise(r => setTimeout(r, 50));
  return cell.model.executionCount;
}"""


def open_notebook(page, url):
    page.goto(url)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=90_000)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.ready")


def wait_idle(page):
    page.wait_for_function("() => { const s = window.jupyterapp.shell.currentWidget.sessionContext.session;"
                           " return s && s.kernel && s.kernel.status === 'idle'; }", timeout=120_000)


def scroll_to(page, index):
    page.evaluate("async (i) => { const nb = window.jupyterapp.shell.currentWidget.content;"
                  " nb.activeCellIndex = i; await nb.scrollToItem(i, 'start'); }", index)
    page.wait_for_timeout(500)


def cell_index(page, grade_id):
    return next(c["i"] for c in page.evaluate(JS_CELLS) if c["grade_id"] == grade_id)


def check_widget(page, exercise):
    return check_cell(page, exercise).locator(".dnn-lab-check")


def click_check(page, exercise):
    """Click the exercise's Check button and wait for the result of this click."""
    cell = check_cell(page, exercise)
    run = int(cell.locator(".dnn-lab-status").get_attribute("data-run"))
    button = cell.locator("button.jupyter-button").first
    button.scroll_into_view_if_needed()
    button.click()
    cell.locator(f'.dnn-lab-status[data-run="{run + 1}"]').wait_for(timeout=30_000)
    return cell.locator(f'.dnn-lab-report[data-exercise="{exercise}"]')


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory):
    """`dnn-lab lab` on a workspace holding the untouched English student notebook."""
    require_chromium()
    notebooks = {"step_by_step.ipynb": only_check_calls(student_notebook("en"))}
    with running_student_lab(tmp_path_factory.mktemp("student-lab"), notebooks, "en", "dnn-lab-lab.log") as lab:
        yield lab


@pytest.fixture(scope="module")
def student_page(student_lab, browser):
    page = new_page(browser, "en-US")
    yield page
    page.context.close()


def test_run_all_on_the_untouched_notebook_reaches_the_end(student_lab, student_page):
    """Does Run All on the untouched notebook (`dnn-lab lab`) run every cell — demo cells say
    "not implemented yet", no error output — and show 10 Check widgets in the not-implemented
    state, in a lab without nbgrader's instructor tools and without the news popup?"""
    workspace, base, token = student_lab
    page = student_page
    open_notebook(page, f"{base}lab/tree/step_by_step.ipynb?token={token}")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_idle(page)
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.content.widgets"
                           ".every(c => c.model.type !== 'code' || c.model.sharedModel.getSource().trim() === ''"
                           " || c.model.executionCount !== null)", timeout=120_000)
    cells = page.evaluate(JS_CELLS)
    code = [c for c in cells if c["type"] == "code" and c["source"].strip()]
    assert all(c["count"] is not None for c in code)  # the last cell ran: nothing stopped Run All
    page.locator(".dnn-lab-report").nth(len(EXERCISES) - 1).wait_for(state="attached", timeout=60_000)
    states = {}
    for name in EXERCISES:
        # JupyterLab renders cells lazily (windowing): bring each check cell into view first
        scroll_to(page, cell_index(page, f"{name}_test"))
        report = check_cell(page, name).locator(f'.dnn-lab-report[data-exercise="{name}"]')
        report.wait_for(state="attached", timeout=60_000)
        states[name] = report.get_attribute("data-state")
    assert states == {name: "not_implemented" for name in EXERCISES}
    assert page.locator(".dnn-lab-check").count() == len(EXERCISES)
    assert page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0
    assert page.locator(".jp-OutputArea-output .ansi-red-fg, .jp-OutputArea-output pre:has-text('Traceback')"
                        ).count() == 0
    outputs = page.evaluate(JS_OUTPUTS)
    demos = [outputs[c["i"]] for c in cells if c["role"] == "demo"]
    assert len(demos) == len(EXERCISES)
    for out in demos:  # one short line each, no error output
        assert [o["output_type"] for o in out] == ["stream"] and o_text(out).count("\n") == 1, out
        assert "not implemented yet" in o_text(out)
    assert not [o for out in outputs for o in out if o["output_type"] == "error"]

    # a student's lab: no nbgrader plugin, menu or panel; no news question
    plugins = page.evaluate("() => ['@jupyter/nbgrader:create-assignment', '@jupyter/nbgrader:menu',"
                            " '@jupyter/nbgrader:course-list', '@jupyter/nbgrader:assignment-list']"
                            ".filter(id => window.jupyterapp.hasPlugin(id))")
    assert plugins == []
    assert page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").count() == 0
    assert page.get_by_text("Create Assignment").count() == 0
    page.wait_for_timeout(1500)  # the news question would have been asked by now
    assert page.get_by_text("official Jupyter news").count() == 0
    scroll_to(page, next(c["i"] for c in cells if c["grade_id"] == "linear_backward_demo"))
    screenshot(page, "student_lab_run_all_untouched.png")
    log = (workspace.parent / "dnn-lab-lab.log").read_text(errors="replace")
    jupyter_log = (workspace / ".dnn_lab" / "jupyter.log").read_text(errors="replace")  # dnn-lab lab names it
    assert "ServerApp" in jupyter_log and "No nbgrader_config.py" not in log + jupyter_log
    assert page.external_requests == []


def test_a_broken_cell_fails_its_check_and_a_fix_leaves_no_red(student_lab, student_page):
    """When linear_backward passes, then its cell is re-run with a SyntaxError, does the Check fail
    naming SyntaxError and the cell run (In [n])?  After the fix and a re-run, is no red verdict
    left in the check cell?"""
    page = student_page
    sources = solution_sources()
    index = cell_index(page, "linear_backward")
    count = page.evaluate(JS_RUN_CELL, [index, sources["linear_backward"]])
    report = click_check(page, "linear_backward")
    assert report.get_attribute("data-state") == "passed"
    assert f"In [{count}]" in report.locator(".dnn-lab-version").inner_text()

    broken = sources["linear_backward"].replace("def linear_backward(dZ, cache):", "def linear_backward(dZ, cache)")
    count = page.evaluate(JS_RUN_CELL, [index, broken])
    report = click_check(page, "linear_backward")
    assert report.get_attribute("data-state") == "failed"
    assert "SyntaxError" in report.inner_text() and f"In [{count}]" in report.inner_text()
    check_cell(page, "linear_backward").screenshot(path=str(ARTIFACTS / "check_after_syntax_error.png"))

    page.evaluate(JS_RUN_CELL, [index, sources["linear_backward"]])
    report = click_check(page, "linear_backward")
    assert report.get_attribute("data-state") == "passed"
    cell = check_cell(page, "linear_backward")
    assert cell.locator('[data-state="failed"]').count() == 0
    assert cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').count() == 0
    assert "AssertionError" not in cell.inner_text()
    cell.screenshot(path=str(ARTIFACTS / "check_after_fix.png"))


def test_results_survive_save_and_reopen(student_lab, student_page):
    """After save, close and reopen (the kernel shut down), does each check cell still show its
    last result from the saved widget state, with a note that the button needs the cell run again?"""
    workspace, base, token = student_lab
    page = student_page
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    saved = json.loads((workspace / "step_by_step.ipynb").read_text(encoding="utf-8"))
    assert "application/vnd.jupyter.widget-state+json" in saved["metadata"].get("widgets", {})
    page.evaluate("async () => { await window.jupyterapp.commands.execute('filebrowser:close-all'"
                  ").catch(() => null); await window.jupyterapp.serviceManager.sessions.shutdownAll(); }")
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
    page.wait_for_timeout(500)
    open_notebook(page, f"{base}lab/tree/step_by_step.ipynb?token={token}")
    states = {}
    for name in EXERCISES:
        # JupyterLab renders cells lazily (windowing): bring each check cell into view first
        scroll_to(page, cell_index(page, f"{name}_test"))
        report = check_cell(page, name).locator(f'.dnn-lab-report[data-exercise="{name}"]')
        report.wait_for(state="attached", timeout=60_000)
        states[name] = report.get_attribute("data-state")
    expected = {name: "not_implemented" for name in EXERCISES}
    expected["linear_backward"] = "passed"
    assert states == expected
    assert page.get_by_text("Error displaying widget").count() == 0
    note = check_cell(page, "linear_backward").locator(".dnn-lab-not-connected")
    assert note.is_visible()  # the restored button has no kernel behind it: says so
    scroll_to(page, cell_index(page, "linear_backward_test") - 1)
    screenshot(page, "student_lab_reopened.png")


def test_after_a_kernel_restart_the_button_says_run_the_cell_again(student_lab, student_page):
    """Is a live Check widget's "not connected" note hidden, and shown once the kernel restarts?"""
    workspace, base, token = student_lab
    page = student_page
    open_notebook(page, f"{base}lab/tree/step_by_step.ipynb?token={token}")
    page.evaluate(JS_RUN_CELL, [cell_index(page, "setup"), None])
    page.evaluate(JS_RUN_CELL, [cell_index(page, "linear_forward_test"), None])
    note = check_cell(page, "linear_forward").locator(".dnn-lab-not-connected")
    note.wait_for(state="attached")
    page.wait_for_function("(el) => getComputedStyle(el).display === 'none'", arg=note.element_handle())
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    page.wait_for_function("(el) => getComputedStyle(el).display !== 'none'", arg=note.element_handle(),
                           timeout=30_000)
    scroll_to(page, cell_index(page, "linear_forward_test"))
    check_cell(page, "linear_forward").screenshot(path=str(ARTIFACTS / "check_after_kernel_restart.png"))
