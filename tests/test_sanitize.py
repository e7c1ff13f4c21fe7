"""ActiveContent (dnn_lab/grading/sanitize.py): what a student wrote or printed is shown, never run.

Each case: what the cleaned notebook holds (ids and markup), and separately what a person sees (the
note that opens the notebook, in the notebook's language).  The browser-side proof (a marker a
student's script would set stays unset in Chromium) is in tests/test_exchange.py.
"""
import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from dnn_lab.grading.nbgrader import verdict_outputs
from dnn_lab.grading.sanitize import ActiveContent

ACTIVE = re.compile(r"<\s*script|\bon[a-z]+\s*=|javascript:|<\s*svg|<\s*iframe|<\s*object|<\s*form", re.I)


def _clean(*cells, lang="en", metadata=None):
    setup = new_code_cell(f'import dnn_lab\ndnn_lab.set_language("{lang}")')
    setup.metadata["dnn_lab"] = {"role": "setup"}
    nb = new_notebook(cells=[setup, *cells], metadata=metadata or {})
    pp = ActiveContent()
    nb, _ = pp.preprocess(nb, {})
    return nb, pp.removed


def _note(nb):
    first = nb.cells[0]
    return first.source if first.metadata.get("dnn_lab", {}).get("role") == "notice" else None


@pytest.mark.parametrize("markdown", [
    "hi <img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)></svg>",
    "[x](javascript:alert(1))",
    "<a href='jav&#x61;script:alert(1)'>y</a>",
    "<iframe src='https://example.org'></iframe>",
    "<form action='/hub/api/users'><button>go</button></form>",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "<div style='x' onmouseover='alert(1)'>hover</div>",
    "$\\href{javascript:alert(1)}{x}$",
])
def test_active_markdown_is_removed_and_said(markdown):
    nb, removed = _clean(new_markdown_cell("Intro **text**\n\n" + markdown))
    assert removed >= 1
    cleaned = nb.cells[-1].source
    assert not ACTIVE.search(cleaned) and "alert(1)" not in cleaned.replace("alert(1)</", "")
    assert "Intro" in cleaned
    assert "scripts and active HTML were removed from this notebook" in _note(nb)


def test_plain_markdown_is_left_as_written():
    text = "# Title\n\n> a quote with `x < y` and $a<b$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<b>bold</b>"
    nb, removed = _clean(new_markdown_cell(text))
    assert removed == 0 and nb.cells[-1].source == text and _note(nb) is None


def test_outputs_keep_what_is_safe():
    outputs = [new_output("display_data", data={
                   "text/html": "<b onclick='alert(1)'>bold</b><script>alert(2)</script>",
                   "application/javascript": "alert(3)", "text/plain": "<plain>"}),
               new_output("display_data", data={"image/png": 'AAAA" onerror="alert(4)'},
                          metadata={"image/png": {"width": 10, "onload": "x"}}),
               new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/markdown": "[a](javascript:x)"}),
               new_output("display_data", data={"image/svg+xml": "<svg><script>alert(5)</script></svg>"}),
               new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"}}),
               new_output("stream", name="stdout", text="<script>printed</script>")]
    nb, removed = _clean(new_code_cell("x", outputs=outputs))
    got = nb.cells[-1].outputs
    assert got[0].data == {"text/html": "<b>bold</b>", "text/plain": "<plain>"}
    assert got[1].data == {} and got[1].metadata == {}
    assert got[2].data["image/png"] == "iVBORw0KGgo=" and not ACTIVE.search(got[2].data["text/html"])
    assert got[3].data == {} and got[4].data == {}
    assert got[5].text == "<script>printed</script>"   # a stream is text: nbconvert escapes it
    assert removed == 5   # the widget view is dropped too (static HTML cannot show it), not counted


def test_widget_state_raw_html_and_tags():
    raw = new_raw_cell("<script>alert(1)</script><p>raw</p>", metadata={"format": "text/html"})
    code = new_code_cell("x", metadata={"tags": ["ok-tag", '"><script>alert(1)</script>']})
    nb, removed = _clean(raw, code, metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {}},
                                               "title": "<script>"})
    assert "widgets" not in nb.metadata and "title" not in nb.metadata
    assert nb.cells[-2].source == "<p>raw</p>"
    assert nb.cells[-1].metadata["tags"] == ["ok-tag"]
    assert removed == 1   # the raw cell's script; widget state goes without a note (Part 2's progress bars)


def test_our_verdicts_pass_unchanged_in_substance():
    import numpy as np

    from dnn_lab.checks import run_checks
    from dnn_lab.grading.grade import Verdict

    def linear_forward(A, W, b):  # forgets b: a failing report, with its table and diagram
        return np.dot(W, A), (A, W, b)
    report = run_checks("linear_forward", linear_forward, "en")
    assert not report.passed
    verdict = Verdict(exercise="linear_forward", passed=False, reason="public", report=report)
    outputs = verdict_outputs(verdict, "en", "bwrap")
    html = outputs[0].data["text/html"]
    nb, removed = _clean(new_code_cell("x", outputs=outputs))
    cleaned = nb.cells[-1].outputs[0].data["text/html"]
    assert removed == 0 and _note(nb) is None
    assert 'data-exercise="linear_forward"' in cleaned and "dnn-lab-verdict" in cleaned
    assert re.sub(r"\s|['\";]", "", cleaned).count("<") == re.sub(r"\s|['\";]", "", html).count("<")


def test_the_note_speaks_the_notebooks_language():
    nb, _ = _clean(new_markdown_cell("<script>x</script>"), lang="zh")
    assert "已被移除" in _note(nb) and "removed" not in _note(nb)
    nb, _ = _clean(new_markdown_cell("<script>x</script>"), lang="both")
    assert "已被移除" in _note(nb) and "removed" in _note(nb)


def test_a_style_block_is_dropped_without_a_note():
    """A <style> block (pandas tables, our widget's CSS) could restyle the page: it goes, but it is not a script."""
    html = "<style>.x{color:red}</style><table><tr><td>1</td></tr></table>"
    nb, removed = _clean(new_code_cell("x", outputs=[new_output("display_data", data={"text/html": html})]))
    assert removed == 0 and _note(nb) is None
    assert nb.cells[-1].outputs[0].data["text/html"] == "<table><tbody><tr><td>1</td></tr></tbody></table>"


def test_huge_html_is_not_parsed():
    """A 3 MB HTML output or markdown cell is not parsed (bounded time): the output keeps its text, the cell is
    shown as text in a code block (where markdown escapes any tag)."""
    big = "<b>x</b>" * 400_000
    nb, _ = _clean(new_markdown_cell(big + "<script>y</script>"),
                   new_code_cell("x", outputs=[new_output("display_data", data={"text/html": big, "text/plain": "t"})]))
    assert nb.cells[-2].source.startswith("```\n") and nb.cells[-1].outputs[0].data == {"text/plain": "t"}


@pytest.mark.parametrize("assignment", ["step_by_step", "application"])
def test_the_courses_own_notebooks_pass_unchanged(assignment):
    """Our own markdown (figures as images/…, tables, centred captions, links) is not active content: no
    note, not a cell changed (a feedback page of an honest student looks like the notebook)."""
    from nbutil import source_notebook
    nb = source_notebook(assignment)
    before = [cell.source for cell in nb.cells]
    pp = ActiveContent()
    nb, _ = pp.preprocess(nb, {})
    assert pp.removed == 0 and _note(nb) is None
    assert [cell.source for cell in nb.cells] == before


def test_relative_links_stay_inside_the_notebooks_folder():
    nb, removed = _clean(new_markdown_cell("<img src='images/outline.png'> <img src='/hub/logout'> "
                                           "<a href='../../hub/logout'>x</a> <a href='#part-2'>y</a>"))
    cleaned = nb.cells[-1].source
    assert removed == 1 and 'src="images/outline.png"' in cleaned and 'href="#part-2"' in cleaned
    assert "logout" not in cleaned
