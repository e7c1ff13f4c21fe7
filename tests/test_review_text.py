"""What the text review of 2026-12-07 found, pinned (issue 20): each test names its finding.

The notebook prose is pinned by the language scan and the freshness tests; these are the
Check's own texts as a student reads them.
"""
import re

import pytest
from nbutil import as_cell_source
from test_checks_diagnosis import laf_relu_branch_stub
from test_checks_wrong import lb_db_axis0, lb_dW_transposed, lb_no_keepdims

from dnn_lab.checks import run_checks
from dnn_lab.diagram import report_notes
from dnn_lab.messages import t
from dnn_lab.render._model import build
from dnn_lab.render.text import render_text

CJK_THEN_ASCII_COLON = re.compile(r"[\u4e00-\u9fff]: ")


def test_headline_hint_says_what_to_do():
    """U15: is the one-sentence hint of the headline the fix itself (swap the product, sum along
    axis=1, add keepdims=True), in zh and en, not only what is wrong?"""
    for fn, hint, action in ((lb_dW_transposed, "transposed", ("调换矩阵乘法", "Swap the order")),
                             (lb_no_keepdims, "missing_keepdims", ("keepdims=True", "keepdims=True")),
                             (lb_db_axis0, "wrong_sum_axis", ("axis=1", "axis=1"))):
        for lang, needle in zip(("zh", "en"), action):
            report = run_checks("linear_backward", fn, lang=lang, timeout=5)
            assert report.hints[0] == hint, (fn.__name__, report.hints)
            view = build(report, lang)
            assert view.hint and needle in view.hint[0], (fn.__name__, lang, view.hint)


def test_zh_report_uses_full_width_separators():
    """T2, T3: after a Chinese label the separator is '：' — in the text report (期望：, 得到：,
    [步骤：…]) and in the diagram's failure note (第 2 层：…, dW：…)."""
    report = run_checks("linear_backward", lb_dW_transposed, lang="zh", timeout=5)
    text = render_text(report, "zh")
    assert "期望：" in text and "得到：" in text and "[步骤：dW]" in text and "详情：每个用例\n" in text
    assert CJK_THEN_ASCII_COLON.findall(text) == []
    notes = report_notes(report, "zh")
    assert notes and all("：" in note and not CJK_THEN_ASCII_COLON.search(note) for note in notes.values())
    assert "[step: dW]" in render_text(report, "en")


def test_wrong_layer_input_hint_indexes_the_backward_loop_as_written():
    """W4: does the hint give the loop's own indexing (l from 0: grads["dA" + str(l + 1)], caches[l])
    and say that layer L takes the local dAL?"""
    for lang in ("zh", "en"):
        text = t("hint.wrong_layer_input", lang)
        assert 'grads["dA" + str(l + 1)]' in text and "caches[l]" in text and "dAL" in text
        assert "grads['dA' + str(l)]" not in text


def test_partly_written_branch_is_quoted_as_written(solutions):
    """U19: with the sigmoid branch written and the relu branch still the stub, does the message
    quote the branch's line as the student sees it (elif activation == "relu")?"""
    source = "\n" + as_cell_source(laf_relu_branch_stub, "linear_activation_forward")
    import linecache
    name = "<review-u19>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    namespace = dict(solutions)
    exec(compile(source, name, "exec"), namespace)
    report = run_checks("linear_activation_forward", namespace["linear_activation_forward"], lang="en", timeout=5)
    assert report.hints[0] == "partly_implemented"
    texts = [f.text for f in report.failures]
    assert any('`elif activation == "relu"`' in text for text in texts), texts
    # and the hint no longer tells a loop's stub to write "both the sigmoid and the relu branch" (U6)
    assert "relu branch" not in t("hint.partly_implemented", "en")


def test_costs_count_reads_right_for_one_entry():
    """T7: "costs has 1 entries" no more."""
    text = t("msg.costs_missing_final", "en", got=1, expected=2, last=2)
    assert "1 entries" not in text and "len(costs) is 1" in text


def test_progress_page_gets_step_and_hints_in_both_languages(tmp_path):
    """U1 on the /dnn-lab page: does its progress API give, beside the ids, the failed step and
    each hint as people read them (第 2 层 / layer 2, the hint's first sentence), and does the
    page show those instead of the ids?"""
    import json

    from dnn_lab.server.actions import read_progress
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "exercises": {
        "L_model_backward": {"passed": False, "failed_step": "layer2", "hints": ["wrong_activation", "made_up"],
                             "time": "2024-05-01T10:00:00+00:00"},
        "update_parameters": {"passed": False, "failed_step": "inputs", "hints": ["mutates_inputs"]}}}))
    exercises, error = read_progress(str(path))
    assert error is None
    by_name = {e["name"]: e for e in exercises}
    lmb = by_name["L_model_backward"]
    assert lmb["failed_step"] == "layer2" and lmb["hints"] == ["wrong_activation", "made_up"]  # ids stay
    assert lmb["failed_step_label"] == {"zh": "第 2 层", "en": "layer 2"}
    assert [h["zh"] for h in lmb["hint_texts"]] == ["用错了激活函数：隐藏层用 relu，最后一层用 sigmoid；反向传播时也要对应地用 relu_backward / sigmoid_backward。"]
    assert by_name["update_parameters"]["failed_step_label"]["zh"] == "输入"
    import inspect

    import dnn_lab.server.page as page
    js = inspect.getsource(page)
    assert "pair(x.failed_step_label)" in js and "x.hint_texts" in js and "x.hints.join(', ')" not in js


@pytest.mark.browser
def test_progress_page_shows_chinese_labels_in_the_browser(tmp_path):
    """U1 on the /dnn-lab page, in a real Chromium: in zh, does the progress table show 第 2 层 and
    the hint's sentence where it showed layer2 and wrong_activation (the ids only in data-)?"""
    import json

    from browser_util import chromium_browser, require_chromium, screenshot
    from dnn_lab.server.actions import _clean_exercise
    from dnn_lab.server.page import render_page
    require_chromium()
    base = "http://dnn-lab.invalid/"
    (tmp_path / "page.html").write_text(render_page(base, "x", [{"name": "step_by_step", "langs": ["zh"]}], "zh"),
                                        encoding="utf-8")
    progress = {"folders": [{"folder": "", "notebooks": ["step_by_step.ipynb"], "error": None, "exercises": [
        _clean_exercise("L_model_backward", {"passed": False, "failed_step": "layer2", "hints": ["wrong_activation"],
                                             "time": "2024-05-01T10:00:00+00:00"})]}]}
    with chromium_browser() as browser:
        context = browser.new_context(locale="zh-CN")
        context.route(base + "dnn-lab/api/progress", lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(progress)))
        page = context.new_page()
        page.goto((tmp_path / "page.html").as_uri())
        row = page.locator('tr[data-exercise="L_model_backward"]')
        row.wait_for()
        step, hints = row.locator("td[data-step]"), row.locator("td[data-hints]")
        assert step.get_attribute("data-step") == "layer2" and step.inner_text().strip() == "第 2 层"
        assert hints.get_attribute("data-hints") == "wrong_activation" and "用错了激活函数" in hints.inner_text()
        assert "layer2" not in row.inner_text() and "wrong_activation" not in row.inner_text()
        row.scroll_into_view_if_needed()
        screenshot(page, "page-progress-zh-labels.png")
        context.close()
