"""The self-learner's first hour, Part 2 and the /dnn-lab page, in the lab `dnn-lab lab --lang zh` starts (real
JupyterLab, system Chromium through Playwright): the own-picture cell takes typing and predicts a picture the
student uploads through JupyterLab's file browser (a missing file: one Chinese line); the try-it cell takes
typing; /dnn-lab opened from the Help menu is Chinese, offers a Chinese fresh copy, and shows Chinese local
times and full-width colons. Screenshots go to tests/artifacts/."""
import re

import pytest
from browser_util import (
    ARTIFACTS,
    chromium_page,
    fill,
    require_chromium,
    running_student_lab,
    solution_sources,
    student_notebook,
)
from test_browser import JS_CELLS, JS_OUTPUTS, JS_RUN_CELL, cell_index, open_notebook, scroll_to

from dnn_lab.messages import t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = "application.ipynb"
PICTURE = "my_shirt.png"
QUICK_TRAINING = """layers_dims = [784, 20, 7, 5, 1]
learning_rate = 0.0075
num_iterations = 100
parameters_L, costs_L = L_layer_model(train_x, train_y, layers_dims, learning_rate=learning_rate,
                                      num_iterations=num_iterations)"""


@pytest.fixture(scope="module")
def zh_lab(tmp_path_factory):
    """`dnn-lab lab --lang zh` on a workspace with the Chinese Part 1 solved and Part 2's three functions
    written (the student version, filled with the source notebook's solutions)."""
    require_chromium()
    notebooks = {"step_by_step.ipynb": fill(student_notebook("zh"), solution_sources()),
                 APP: fill(student_notebook("zh", "application"), solution_sources("application"))}
    with running_student_lab(tmp_path_factory.mktemp("zh-first-hour"), notebooks, "zh",
                             "dnn-lab-lab-zh-first-hour.log") as lab:
        yield lab


@pytest.fixture(scope="module")
def page(zh_lab):
    with chromium_page("zh-CN") as page:
        yield page


def _index(page, needle):
    return next(c["i"] for c in page.evaluate(JS_CELLS) if c["type"] == "code" and needle in c["source"])


def _source(page, index):
    return page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                         ".model.sharedModel.getSource()", index)


def _type_over(page, index, line_start, text):
    """Click the line of cell ``index`` that starts with ``line_start``, put the cursor after its ' = ', and
    type ``text`` over the value with the keyboard (as a student does)."""
    scroll_to(page, index)
    line = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-line", has_text=line_start).first
    line.click()
    page.keyboard.press("End")
    value = next(ln for ln in _source(page, index).splitlines() if ln.startswith(line_start)).split(" = ", 1)[1]
    for _ in value:
        page.keyboard.press("Backspace")
    page.keyboard.type(text)


def _run_with_shift_enter(page, index):
    """Shift+Enter in cell ``index`` (in edit mode); wait for its new execution count and an idle kernel."""
    before = page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.executionCount",
                           index)
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "([i, before]) => { const p = window.jupyterapp.shell.currentWidget;"
        " const c = p.content.widgets[i].model.executionCount;"
        " return c !== null && c !== before && p.sessionContext.session.kernel.status === 'idle'; }",
        arg=[index, before], timeout=120_000)
    return page.evaluate(JS_OUTPUTS)[index]


def _draw_picture(path):
    """A dark shirt-like shape on a light background, as a phone photo of a garment would be."""
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (300, 320), (235, 232, 228))
    d = ImageDraw.Draw(img)
    d.polygon([(90, 40), (210, 40), (280, 110), (245, 140), (215, 115), (215, 290), (85, 290), (85, 115),
               (55, 140), (20, 110)], fill=(60, 70, 120))
    img.save(path)


def test_own_picture_cell_takes_typing_and_predicts_an_uploaded_picture(zh_lab, page, tmp_path):
    """With Part 2 run as far as the own-picture cell needs, the student uploads a picture with the file browser's
    upload button, types its name over my_image's None and presses Shift+Enter: is the cell editable, does
    it show the two pictures (original and 28×28 input) and a prediction without an error? With a name that
    is not there, is the error one Chinese line naming the file and the folder?"""
    workspace, base, token = zh_lab
    open_notebook(page, f"{base}lab/tree/{APP}?token={token}")
    # what the own-picture cell needs, without the two long trainings: the setup, Part 1, the data, the two
    # functions (and one Check, for the page's progress), and a short training of the four-layer model in the
    # try-it cell (the student's own cell)
    for gid in ("setup", "load_part1", "data", "preprocess", "L_layer_model", "L_layer_model_test", "predict"):
        page.evaluate(JS_RUN_CELL, [cell_index(page, gid), None])
    try_it = _index(page, "parameters_try, costs_try")
    page.evaluate(JS_RUN_CELL, [try_it, QUICK_TRAINING])
    errors = [o for outputs in page.evaluate(JS_OUTPUTS) for o in outputs if o["output_type"] == "error"]
    assert errors == []
    own = _index(page, "my_image = None")

    # upload through JupyterLab's file browser (its upload button opens the system file chooser)
    picture = tmp_path / PICTURE
    _draw_picture(picture)
    with page.expect_file_chooser() as chooser:
        page.locator(".jp-FileBrowser .jp-id-upload").first.click()
    chooser.value.set_files(str(picture))
    page.wait_for_function("(name) => [...document.querySelectorAll('.jp-DirListing-itemText')]"
                           ".some(e => e.textContent.trim() === name)", arg=PICTURE, timeout=60_000)
    assert (workspace / PICTURE).read_bytes() == picture.read_bytes()
    # back to the notebook (the file browser had the focus)
    page.evaluate("""(path) => { const app = window.jupyterapp;
      const panel = [...app.shell.widgets('main')].find(w => w.context && w.context.path === path);
      app.shell.activateById(panel.id); }""", APP)
    page.wait_for_function("(path) => { const w = window.jupyterapp.shell.currentWidget;"
                           " return w && w.context && w.context.path === path; }", arg=APP)

    _type_over(page, own, "my_image = ", f'"{PICTURE}"')
    assert f'my_image = "{PICTURE}"' in _source(page, own)  # typing reached the cell: it is not locked
    outputs = _run_with_shift_enter(page, own)
    assert [o for o in outputs if o["output_type"] == "error"] == []
    text = "".join("".join(o.get("text", "")) for o in outputs if o["output_type"] == "stream")
    assert re.search(r"Accuracy: (0|1)\.0", text), text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1  # the original beside the 28×28 input
    scroll_to(page, own)
    page.locator(".jp-Notebook .jp-Cell").nth(own).screenshot(path=str(ARTIFACTS / "zh_own_picture_uploaded.png"))

    _type_over(page, own, "my_image = ", '"nope.png"')
    outputs = _run_with_shift_enter(page, own)
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "ImageNotFoundError"
    assert errors[0]["traceback"] == [t("ui.image_not_found", "zh", path="nope.png", folder=str(workspace))]
    shown = page.locator(".jp-Notebook .jp-Cell").nth(own).locator(".jp-OutputArea-output").last.inner_text()
    assert shown.strip() == errors[0]["traceback"][0]
    page.locator(".jp-Notebook .jp-Cell").nth(own).screenshot(path=str(ARTIFACTS / "zh_own_picture_missing.png"))

    _type_over(page, try_it, "num_iterations = ", "50")
    assert "num_iterations = 50" in _source(page, try_it)


def test_help_menu_opens_the_page_in_chinese(zh_lab, page):
    """From the lab of `dnn-lab lab --lang zh`, does Help (帮助) → DNN Lab 实验室 open /dnn-lab in Chinese only,
    with a Chinese fresh copy selected by default, Chinese labels ending in full-width colons, and the
    Check results of the Part 2 run above listed with Chinese local times?"""
    workspace, base, token = zh_lab
    page.goto(f"{base}lab?reset&token={token}")
    page.wait_for_function("window.jupyterapp !== undefined", timeout=90_000)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="帮助").click()
    item = page.locator(".lm-Menu-itemLabel", has_text="DNN Lab")
    item.wait_for()
    with page.context.expect_page() as opened:
        item.click()
    tab = opened.value
    try:
        tab.wait_for_selector("body[data-ready=true]")
        assert tab.url == f"{base}dnn-lab"
        assert tab.evaluate("document.body.className") == "lang-zh"
        assert tab.locator("h1 .zh").is_visible() and not tab.locator("h1 .en").is_visible()
        form = tab.locator('form.fresh[data-assignment="step_by_step"]')
        assert form.locator("select[name=lang]").input_value() == "zh"
        assert form.locator("select[name=lang] option:checked").inner_text() == "中文"
        assert tab.locator(".toggle span.zh").first.inner_text().endswith("：")
        folder = tab.locator("section.progress-folder").first
        folder.wait_for()
        assert folder.locator("h3 span.zh").inner_text().endswith("：")
        times = [e.inner_text() for e in folder.locator("td.when span.zh").all()]
        assert times and all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", x) for x in times), times
        assert all(not e.is_visible() for e in folder.locator("td.when span.en").all())
        folder.scroll_into_view_if_needed()
        tab.screenshot(path=str(ARTIFACTS / "zh_page_from_help_menu.png"), full_page=True)
    finally:
        tab.close()
