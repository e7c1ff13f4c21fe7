"""The text and HTML renderers of a Report, in each language.

Assertions are on ids and structure (case ids, step ids, hint ids, data-
attributes, which message ids' texts appear), never on hand-written sentences.
"""
import html
import re

import pytest

from dnn_lab.checks import run_checks
from dnn_lab.messages import LANGS, t
from dnn_lab.render import render_html, render_text
from dnn_lab.render.progress_view import render_progress_html, render_progress_text


def forgets_1_over_m(dZ, cache):
    A_prev, W, _b = cache
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True) / A_prev.shape[1]


def forgets_1_over_m_both(dZ, cache):
    A_prev, W, _b = cache
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)


def prints_and_works(dZ, cache):
    A_prev, W, _b = cache
    m = A_prev.shape[1]
    print("debug")
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


@pytest.fixture(scope="module")
def reports(solutions):
    return {
        "pass": run_checks("linear_backward", solutions["linear_backward"], lang="en"),
        "fail": run_checks("linear_backward", forgets_1_over_m, lang="en"),
        "warn": run_checks("linear_backward", prints_and_works, lang="en"),
    }


def expected_texts(report, lang, text_of):
    """The catalog texts a rendering of ``report`` in ``lang`` must contain: the verdict, the first
    hint's first sentence, the first finding of each distinct problem, the warnings."""
    from dnn_lab.render._model import build
    view = build(report, lang)
    texts = list(view.verdict) + list(view.hint)
    texts += [line for g in view.groups for line in g.text] + [line for w in view.warnings for line in w]
    return [text_of(x) for x in texts]


def html_text(fragment):
    return html.escape(fragment).replace("`", "")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["pass", "fail", "warn"])
def test_text_has_verdict_findings_and_warnings_without_ids(reports, kind, lang):
    """Does the text rendering carry the verdict, the hint sentence, each distinct problem and the
    warnings in ``lang``, the case ids in the details of a failure, and no hint id?"""
    report = reports[kind]
    text = render_text(report, lang)
    for piece in expected_texts(report, lang, lambda s: s):
        assert piece in text
    if kind == "fail":
        for i, case in enumerate(report.cases, 1):  # zh: cases by number, en: by id
            assert (f"用例 {i}" in text) == (lang != "en") and (case.case in text) == (lang != "zh")
        assert report.failed_step in text
    for hint in report.hints:
        assert hint not in text  # ids are data, not text
    other = {"zh": "en", "en": "zh"}.get(lang)
    if other:  # one language only: the other's verdict is absent
        assert expected_texts(report, other, lambda s: s)[0] not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["pass", "fail", "warn"])
def test_html_has_verdict_findings_details_and_ids(reports, kind, lang):
    """Does the HTML carry the verdict and findings, a details row per case with its state, and the
    ids only in data- attributes?"""
    report = reports[kind]
    page = render_html(report, lang)
    flat = re.sub(r"</?code>", "", page)
    for piece in expected_texts(report, lang, html_text):
        assert piece in flat
    rows = re.findall(r'<tr data-case="([^"]+)" data-state="([^"]+)"', page)
    assert rows == [(c.case, "passed" if c.passed else ("failed" if c.findings else "not_reached"))
                    for c in report.cases]
    assert re.findall(r'data-hint-text="([^"]+)"', page) == list(report.hints)
    assert f'data-state="{"passed" if report.passed else "failed"}"' in page
    assert f'data-failed-step="{report.failed_step or ""}"' in page
    assert "<details" in page
    visible = re.sub(r'<[^>]+>', " ", page)
    for hint in report.hints:
        assert hint not in visible


def test_findings_are_grouped_one_line_per_problem(solutions):
    """For a linear_backward that forgot 1/m (dW and db wrong in three cases: six findings), is there
    one finding line naming both steps and the three cases, rather than six?"""
    report = run_checks("linear_backward", forgets_1_over_m_both, lang="en")
    assert len(report.failures) == 6
    page = render_html(report, "both")
    groups = re.findall(r'<li class="dnn-lab-finding" data-hint="([^"]+)" data-message-id="([^"]+)"'
                        r' data-steps="([^"]*)" data-cases="([^"]*)"', page)
    assert groups == [("forgot_1_over_m", "msg.forgot_1_over_m", "dW db", "reference square wide")]
    text = render_text(report, "en", details=False)
    assert text.count(t("msg.forgot_1_over_m", "en", what="dW", m=4)) == 1
    assert t("msg.forgot_1_over_m", "en", what="db", m=4) not in text


def test_both_mode_shows_each_sentence_once_with_english_smaller(reports):
    """In "both", is each sentence shown once in Chinese and once in English (the English in a
    smaller line), never the two joined twice?"""
    report = reports["fail"]
    page = render_html(report, "both")
    zh = t("ui.failed_at", "zh", fn=report.exercise, step="dW", case="用例 1")
    en = t("ui.failed_at", "en", fn=report.exercise, step="dW", case=report.failed_case)
    head = page.split('class="dnn-lab-headline"', 1)[1].split("</div></div>", 1)[0]
    assert html_text(zh) in re.sub(r"</?code>", "", head) and html_text(en) in re.sub(r"</?code>", "", head)
    assert re.search(r'font-size:0\.85em[^>]*>' + re.escape(html.escape(en)).replace("`", ""),
                     re.sub(r"</?code>", "", head))


def test_numbers_are_shown_as_numbers():
    """Is a 0-d array summary shown as its number, and an array as its shape and values?"""
    from dnn_lab.render._model import pretty
    assert pretty("ndarray() [0.27978]") == "0.27978"
    assert pretty("ndarray(3, 1) [-0.14714 -0.11313  -0.13209]") == "shape (3, 1): [-0.14714 -0.11313 -0.13209]"
    assert pretty("ndarray(4) [1 2 3 4]") == "shape (4,): [1 2 3 4]"
    assert pretty("dict(W1, b1)") == "dict(W1, b1)"


def test_unimplemented_function_is_not_implemented_yet(solutions):
    """Does a stub read "not implemented yet" (state not_implemented), not "failed at step W1"?"""
    def stub(*args):
        raise NotImplementedError
    report = run_checks("initialize_parameters", stub, lang="en")
    page = render_html(report, "en")
    assert 'data-state="not_implemented"' in page
    text = render_text(report, "en")
    assert text.startswith(t("ui.not_implemented_yet", "en", fn="initialize_parameters"))
    assert t("ui.failed_at", "en", fn="initialize_parameters", step="W1", case="reference") not in text


def test_html_is_self_contained_and_escaped(reports):
    """Is the HTML free of <style>/<script>/external resources, and is student text escaped?"""
    report = reports["fail"]
    page = render_html(report, "both")
    assert "<style" not in page and "<script" not in page and "http" not in page
    assert page.count("<div") == page.count("</div>")

    import dataclasses
    evil = dataclasses.replace(report.failures[0], text="<img src=x onerror=alert(1)>", got="<b>&")
    hostile = dataclasses.replace(report, failures=[evil], cases=[
        dataclasses.replace(report.cases[0], findings=(evil,), passed=False)])
    out = render_html(hostile, "en")
    assert "<img" not in out and "<b>&" not in out and "&lt;b&gt;&amp;" in out


def test_report_str_and_repr_html_use_the_renderers(reports):
    """Do str(report) and report._repr_html_() give the renderers' output in the report's language?"""
    report = reports["fail"]
    assert str(report) == render_text(report)
    assert report._repr_html_() == render_html(report)


def test_rendering_in_another_language_than_the_report(reports):
    """Can a report made in English be rendered in Chinese, with Chinese failure texts?"""
    report = reports["fail"]
    text = render_text(report, "zh")
    f = report.failures[0]
    assert t(f.message_id, "zh", fn=report.exercise, **f.params) in text
    assert f.text not in text


def test_unknown_language_is_refused(reports):
    """Is a language other than zh/en/both refused with ValueError?"""
    with pytest.raises(ValueError):
        render_text(reports["pass"], "fr")


@pytest.mark.parametrize("lang", LANGS)
def test_progress_renderings_list_every_exercise_with_its_state(lang):
    """Do the progress renderings list each exercise with its state and failing step?"""
    entries = [("linear_forward", "passed", None, "2024-01-01T10:00:00+00:00"),
               ("linear_backward", "failed", "db", "2024-01-01T10:05:00+00:00"),
               ("compute_cost", "not_checked", None, None)]
    page = render_progress_html(entries, lang)
    assert re.findall(r'<tr data-exercise="([^"]+)" data-state="([^"]+)"', page) == [e[:2] for e in entries]
    text = render_progress_text(entries, lang)
    for name, _, _, _ in entries:
        assert name in text
    assert t("ui.progress_failed", "en" if lang == "en" else "zh", step="db") in text


def test_diagram_notes_follow_the_language_without_markup():
    """Is the diagram's note for a stub in the report's language(s) — both in "both" — and free of backticks?"""
    from dnn_lab.diagram import report_notes

    def stub(*args):
        raise NotImplementedError
    for lang in LANGS:
        (note,) = report_notes(run_checks("initialize_parameters", stub, lang=lang), lang).values()
        assert "`" not in note
        zh = t("msg.not_implemented_raised", "zh", fn="F").split("F`", 1)[1][:4]
        en = t("msg.not_implemented_raised", "en", fn="F").split("F`", 1)[1][:6]
        assert (zh in note) == (lang in ("zh", "both")) and (en in note) == (lang in ("en", "both")), (lang, note)
