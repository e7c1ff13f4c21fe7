"""The feedback a student opens from a file, with no network: maths drawn, exercises named.

``nbgrader generate_feedback`` (real, on a real course) writes the page through
``dnn_lab.grading.feedback``: the maths of the notebook becomes MathML in the page (no MathJax
from a CDN) and the score list names each exercise in the course language.  A real Chromium
opens the page with every request other than the file itself refused, and none is attempted.
"""
import json
import re

import nbformat
import pytest

from dnn_lab.checks.registry import ASSIGNMENTS
from dnn_lab.dev import nbgrader
from dnn_lab.grading.feedback import exercise_title, offline_math, score_list
from nbutil import SOURCE, fill, solution_sources

LEFT_DOLLAR = re.compile(r"\$[^$\n]+\$")


def _visible(page_html):
    """The text a reader sees outside code: tags and code blocks removed."""
    text = re.sub(r"<(pre|code|math|style|script)\b.*?</\1>", " ", page_html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", text)


def test_every_formula_of_both_notebooks_becomes_mathml():
    """Is every $…$ / $$…$$ of the source notebooks' prose turned into MathML, none left as TeX,
    none given up on (a formula latex2mathml cannot read would show as code)?"""
    from nbconvert.filters.markdown import markdown2html
    formulas = 0
    for assignment in ASSIGNMENTS:
        nb = json.loads((SOURCE / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            out = offline_math(markdown2html("".join(cell["source"])))
            formulas += out.count("<math")
            assert "dnn-lab-tex" not in out, out
            assert LEFT_DOLLAR.findall(_visible(out)) == []
    assert formulas > 400


def test_maths_in_code_stays_and_bad_tex_is_shown_as_code():
    """Is `$x$` in code left alone, a display formula made a block, and TeX that cannot be
    converted kept visible as code rather than crashing the page?"""
    out = offline_math('<p>see <code>$x$</code> and $W^{[l]}$</p><p>$$dW = \\frac{1}{m}$$</p><p>$\\frac{1}{$</p>')
    assert "<code>$x$</code>" in out
    assert out.count('display="inline"') == 1 and out.count('display="block"') == 1
    assert '<code class="dnn-lab-tex">$\\frac{1}{$</code>' in out
    assert "<mi>W</mi>" in out


@pytest.mark.parametrize("lang, first", [("zh", "练习 1：initialize_parameters"),
                                          ("en", "Exercise 1: initialize_parameters"),
                                          ("both", "练习 1：initialize_parameters / Exercise 1: initialize_parameters")])
def test_score_list_names_the_exercises(lang, first):
    """Does each "Test cell" of nbgrader's score list become its exercise's title, numbered as in
    the notebook (Part 2 from 1 again), with "Score" in the course language?"""
    page = ('<h4>step_by_step (Score: 20.0 / 100.0)</h4><ol>'
            '<li><a href="#initialize_parameters_test">Test cell</a> (Score: 10.0 / 10.0)</li>'
            '<li><a href="#linear_backward_test">Test cell</a> (Score: 0.0 / 10.0)</li>'
            '<li><a href="#predict_test">Test cell</a> (Score: 0.0 / 10.0)</li></ol>')
    out = score_list(page, lang=lang)
    assert "Test cell" not in out and first in out
    assert exercise_title("linear_backward_test", "en") == "Exercise 7: linear_backward"
    assert exercise_title("predict_test", "zh") == "练习 3：predict"
    assert exercise_title("some_other_cell", "zh") is None
    score = {"zh": "</a>（得分：0.0 / 10.0）", "en": "</a> (Score: 0.0 / 10.0)", "both": "</a> (得分 / Score: 0.0 / 10.0)"}[lang]
    assert out.count(score) == 2


def _course_with_feedback(tmp_path, lang):
    """A real course in ``lang``: one student who solved everything but linear_backward (dW
    without 1/m), autograded, feedback generated.  Returns the feedback page's path."""
    import subprocess
    import sys
    course = tmp_path / "course"
    proc = subprocess.run([sys.executable, "-m", "dnn_lab.cli", "course", "init", str(course), "--lang", lang],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    nbgrader("generate_assignment", "step_by_step", "--force", cwd=course)
    release = course / "release" / "step_by_step"
    answers = solution_sources()
    answers["linear_backward"] = answers["linear_backward"].replace("np.dot(dZ, A_prev.T) / m", "np.dot(dZ, A_prev.T)")
    target = course / "submitted" / "student" / "step_by_step"
    target.parent.mkdir(parents=True)
    import shutil
    shutil.copytree(release, target)
    nb = fill(nbformat.read(release / "step_by_step.ipynb", as_version=4), answers)
    nbformat.write(nb, target / "step_by_step.ipynb")
    nbgrader("autograde", "step_by_step", "--create", "--force", cwd=course)
    nbgrader("generate_feedback", "step_by_step", "--force", cwd=course)
    return course / "feedback" / "student" / "step_by_step" / "step_by_step.html"


@pytest.mark.nbgrader
@pytest.mark.browser
@pytest.mark.slow
def test_feedback_page_offline_shows_maths_and_exercise_names(tmp_path):
    """Opened from the file with every other request refused, does the real feedback page show
    drawn maths (MathML laid out by the browser, no raw $W^{[l]}$ anywhere), name each exercise
    with its score in the score list, and attempt no request at all?"""
    from browser_util import ARTIFACTS, chromium_browser, require_chromium, screenshot
    require_chromium()
    page_file = _course_with_feedback(tmp_path, "zh")
    source = page_file.read_text(encoding="utf-8")
    assert "<script" not in source  # nothing to run: no MathJax loader
    assert re.findall(r'(?:src|href)="(?:https?:)?//[^"]*', source) == []  # nothing to fetch
    assert "Test cell" not in source
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        attempted = []

        def refuse(route):
            attempted.append(route.request.url)
            route.abort()

        context.route(re.compile(r"^(?!file:).*"), refuse)
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        toc = page.locator("#toc li").all_inner_texts()
        titles = [f"练习 {i}：{name}" for i, name in enumerate(ASSIGNMENTS["step_by_step"], 1)]
        assert [line.split("（")[0].strip() for line in toc] == titles, toc
        assert "练习 7：linear_backward（得分：0.0 / 10.0）" in toc and "练习 6：compute_cost（得分：10.0 / 10.0）" in toc
        # the cells' headings name the exercise too, in Chinese
        assert page.locator(".nbgrader-label", has_text="练习 7：linear_backward").count() == 1
        assert page.locator(".nbgrader_cell .panel-heading", has_text="Grade cell").count() == 0
        # the maths is MathML laid out by the browser: boxes with a size, no TeX left in the text
        sizes = page.eval_on_selector_all(
            ".text_cell_render math", "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
        assert len(sizes) > 200 and all(w > 0 and h > 0 for w, h in sizes)
        body = page.locator("body").inner_text()
        assert "W^{[l]}" not in body and "\\frac" not in body and "$W" not in body
        formula = page.locator(".text_cell_render math[display='block']").first
        formula.scroll_into_view_if_needed()
        screenshot(page, "feedback-offline-maths.png")
        page.locator("#toc").scroll_into_view_if_needed()
        screenshot(page, "feedback-offline-score-list.png")
        context.close()
    assert attempted == []
    assert (ARTIFACTS / "feedback-offline-maths.png").is_file()
