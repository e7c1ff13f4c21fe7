"""The self-learner's first hour, in the lab `dnn-lab lab --lang zh` starts (real JupyterLab, system
Chromium through Playwright), with our JupyterLab extension (labextension/prebuilt, found where the
wheel installs it): opening a notebook changes nothing; a Check of a cell edited and not run says
so; after a kernel restart the Check area shows one state and no stray icons.
Screenshots go to tests/artifacts/."""

import pytest
from browser_util import (
    ARTIFACTS,
    chromium_page,
    only_check_calls,
    require_chromium,
    running_student_lab,
    solution_sources,
    student_notebook,
)
from test_browser import JS_RUN_CELL, cell_index, check_cell, click_check, open_notebook, scroll_to, wait_idle

from dnn_lab.messages import t, t_short

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "step_by_step.ipynb"
EDIT = "# 改过了，还没运行"
# the keyboard goes to cell i's editor
JS_EDITING = """(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
  return nb.activeCellIndex === i && nb.mode === 'edit' && document.activeElement
         && !!document.activeElement.closest('.cm-editor'); }"""


@pytest.fixture(scope="module")
def zh_lab(tmp_path_factory):
    """`dnn-lab lab --lang zh` on a workspace holding the untouched Chinese student notebook."""
    require_chromium()
    with running_student_lab(tmp_path_factory.mktemp("zh-lab"), {NOTEBOOK: only_check_calls(student_notebook("zh"))},
                             "zh", "dnn-lab-lab-zh.log") as lab:
        yield lab


@pytest.fixture(scope="module")
def page(zh_lab):
    with chromium_page("zh-CN") as page:
        yield page


def test_opening_a_fresh_notebook_changes_nothing(zh_lab, page):
    """Once a fresh notebook is open and its kernel has answered (language_info, kernelspec), is it
    still unmodified — no dirty flag, no dirty mark on its tab, the file untouched?"""
    workspace, base, token = zh_lab
    before = (workspace / NOTEBOOK).read_bytes()
    open_notebook(page, f"{base}lab/tree/{NOTEBOOK}?token={token}")
    assert page.evaluate("() => window.jupyterapp.hasPlugin('dnn-lab:check')")
    # the kernel's language_info (with its Python version) has replaced the notebook's short one
    page.wait_for_function("() => { const m = window.jupyterapp.shell.currentWidget.context.model;"
                           " return !!(m.getMetadata('language_info') || {}).version; }", timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty") is False
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    assert tab.count() == 1 and "jp-mod-dirty" not in (tab.get_attribute("class") or "")
    page.screenshot(path=str(ARTIFACTS / "zh_fresh_notebook_opened.png"))
    assert (workspace / NOTEBOOK).read_bytes() == before


def settled(cell, selector):
    """The result area is drawn after the status line (another widget): wait until it shows ``selector``
    (the new result differs from the one before: a wrong result times out here)."""
    cell.locator(selector).first.wait_for(state="attached", timeout=20_000)


def test_a_cell_edited_and_not_run_makes_the_check_say_so(zh_lab, page):
    """After linear_forward passes, the student types into its cell and clicks 检查 without running
    the cell (nothing saved): does the Check say "this cell changed since it ran: run it first"
    (msg.cell_edited, nothing checked) — also when the check cell itself is run — and check the new
    version once the cell has been run with Shift+Enter?"""
    workspace, base, token = zh_lab
    page.evaluate(JS_RUN_CELL, [cell_index(page, "setup"), None])
    index = cell_index(page, "linear_forward")
    ran = page.evaluate(JS_RUN_CELL, [index, solution_sources()["linear_forward"]])
    page.evaluate(JS_RUN_CELL, [cell_index(page, "linear_forward_test"), None])
    report = click_check(page, "linear_forward")
    assert report.get_attribute("data-state") == "passed"

    # the student types a line into the function's cell (the keyboard, not the model) and does not run it
    scroll_to(page, index)
    editor = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content")
    editor.click()
    page.wait_for_function(JS_EDITING, arg=index)
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(EDIT)
    page.keyboard.press("Escape")
    assert EDIT in page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                                 ".model.sharedModel.getSource()", index)
    assert EDIT not in (workspace / NOTEBOOK).read_text(encoding="utf-8")  # an unsaved edit

    report = click_check(page, "linear_forward")
    cell = check_cell(page, "linear_forward")
    status = cell.locator(".dnn-lab-status")
    settled(cell, '[data-message-id="msg.cell_edited"]')
    assert report.get_attribute("data-state") == "failed"
    assert [f.get_attribute("data-message-id") for f in report.locator(".dnn-lab-finding").all()] == \
        ["msg.cell_edited"]
    assert cell.locator(".widget-output img").count() == 0  # nothing was checked: no diagram
    assert t_short("ui.status_cell_changed", "zh") in status.inner_text()
    said = " ".join(report.inner_text().split())
    assert t("msg.cell_edited", "zh", fn="linear_forward", count=ran).split("`")[0] in said
    assert f"In [{ran}]" in said
    cell.screenshot(path=str(ARTIFACTS / "zh_check_cell_edited_not_run.png"))

    # running the check cell itself (Shift+Enter there) says the same
    page.evaluate(JS_RUN_CELL, [cell_index(page, "linear_forward_test"), None])
    report = cell.locator('.dnn-lab-report[data-exercise="linear_forward"]')
    report.wait_for(timeout=30_000)
    assert [f.get_attribute("data-message-id") for f in report.locator(".dnn-lab-finding").all()] == \
        ["msg.cell_edited"]

    # Shift+Enter in the edited cell, then Check: the new version is the one checked
    scroll_to(page, index)
    page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content").click()
    page.wait_for_function(JS_EDITING, arg=index)
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("([i, ran]) => { const p = window.jupyterapp.shell.currentWidget;"
                           " return p.content.widgets[i].model.executionCount > ran"
                           " && p.sessionContext.session.kernel.status === 'idle'; }", arg=[index, ran],
                           timeout=60_000)
    report = click_check(page, "linear_forward")
    settled(cell, '.dnn-lab-report[data-state="passed"]')
    assert report.get_attribute("data-state") == "passed"
    now = page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.executionCount", index)
    assert now > ran and f"In [{now}]" in report.inner_text()
    assert t_short("ui.status_cell_changed", "zh") not in cell.locator(".dnn-lab-status").inner_text()


JS_CHECK_AREA = """(root) => {
  const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).display !== 'none'
                        && getComputedStyle(el).visibility !== 'hidden';
  const all = [root, ...root.querySelectorAll('*')];
  const disconnected = all.filter(el => el.classList.contains('jupyter-widgets-disconnected'));
  // ipywidgets draws its chain-broken icon (\\f127) as ::before of each disconnected widget
  const icons = all.filter(el => { const c = getComputedStyle(el, '::before').content || 'none';
                                   return c.includes('\\uf127') || (el.classList.contains('jupyter-widgets-disconnected')
                                          && !['none', 'normal', '""'].includes(c)); });
  return {
    disconnected: disconnected.length,
    icons: icons.map(el => el.className),
    states: [...root.querySelectorAll('.dnn-lab-status, .dnn-lab-not-connected')].filter(visible)
             .map(el => ({cls: el.className, text: el.innerText.trim()})),
  };
}"""


def test_after_a_kernel_restart_one_state_and_no_icons(zh_lab, page):
    """After a kernel restart, does the Check area show exactly one state message — the "not
    connected: run this cell again" note, in Chinese, in place of the status line — and none of
    ipywidgets' "disconnected" icons (there was one per widget, one inside the button)?"""
    cell = check_cell(page, "linear_forward")
    area = cell.locator(".dnn-lab-check")
    scroll_to(page, cell_index(page, "linear_forward_test"))
    live = page.evaluate(JS_CHECK_AREA, area.element_handle())
    assert live["disconnected"] == 0 and live["icons"] == []
    assert [s["cls"] for s in live["states"]] == ["dnn-lab-status"]

    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    note = cell.locator(".dnn-lab-not-connected")
    note.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    page.wait_for_timeout(500)
    dead = page.evaluate(JS_CHECK_AREA, area.element_handle())
    cell.screenshot(path=str(ARTIFACTS / "zh_check_after_kernel_restart.png"))
    assert dead["disconnected"] >= 5  # the box, its row, the button, the status, the note, the output…
    assert dead["icons"] == []
    assert dead["states"] == [{"cls": "dnn-lab-not-connected", "text": t_short("ui.not_connected", "zh")}]
    assert cell.locator(".dnn-lab-report").count() == 1  # the last result stays readable


def test_reopening_a_saved_notebook_with_results_changes_nothing(zh_lab, page):
    """Saved with its Check results (widget state) and reopened in a new kernel, is the notebook
    still unmodified once the kernel has answered, with the saved result shown again?"""
    workspace, base, token = zh_lab
    for grade_id in ("setup", "linear_forward", "linear_forward_test"):  # after the restart: run again
        page.evaluate(JS_RUN_CELL, [cell_index(page, grade_id), None])
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    saved = (workspace / NOTEBOOK).read_bytes()
    assert b"application/vnd.jupyter.widget-state+json" in saved
    page.evaluate("async () => { await window.jupyterapp.commands.execute('filebrowser:close-all'"
                  ").catch(() => null); await window.jupyterapp.serviceManager.sessions.shutdownAll(); }")
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
    page.wait_for_timeout(500)
    open_notebook(page, f"{base}lab/tree/{NOTEBOOK}?token={token}")
    page.wait_for_function("() => { const s = window.jupyterapp.shell.currentWidget.sessionContext.session;"
                           " return s && s.kernel && s.kernel.status === 'idle'; }", timeout=60_000)
    scroll_to(page, cell_index(page, "linear_forward_test"))
    check_cell(page, "linear_forward").locator('.dnn-lab-report[data-exercise="linear_forward"]').wait_for(
        state="attached", timeout=30_000)
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty") is False
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")
    assert (workspace / NOTEBOOK).read_bytes() == saved
    page.screenshot(path=str(ARTIFACTS / "zh_reopened_with_results.png"))
