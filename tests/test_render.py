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
from dnn_lab.render.progress import render_progress_html, render_progress_text


def forgets_1_over_m(dZ, cache):
    A_prev, W, _b = cache
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True) / A_prev.shape[1]


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
    """The catalog texts a rendering of ``report`` in ``lang`` must contain."""
    fn = report.exercise
    if report.passed:
        verdict = t("ui.passed_all", lang, fn=fn, n=len(report.cases))
    else:
        verdict = t("ui.failed_at", lang, fn=fn, step=report.failed_step, case=report.failed_case)
    texts = [verdict] + [t("hint." + h, lang) for h in report.hints]
    texts += [t(f.message_id, lang, fn=fn, **f.params) for f in report.failures + report.warnings]
    return [text_of(x) for line in texts for x in line.split("\n")]


def html_text(fragment):
    return html.escape(fragment).replace("`", "")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["pass", "fail", "warn"])
def test_text_has_verdict_cases_hints_and_warnings(reports, kind, lang):
    """Does the text rendering carry the verdict, every case id, the hint and warning texts in ``lang``?"""
    report = reports[kind]
    text = render_text(report, lang)
    for piece in expected_texts(report, lang, lambda s: s):
        assert piece in text
    for case in report.cases:
        assert case.case in text
    if kind == "fail":
        assert "forgot_1_over_m" in text and report.failed_step in text
    other = {"zh": "en", "en": "zh"}.get(lang)
    if other:  # one language only: the other's verdict is absent
        assert expected_texts(report, other, lambda s: s)[0] not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["pass", "fail", "warn"])
def test_html_has_verdict_cases_hints_and_ids(reports, kind, lang):
    """Does the HTML carry the verdict, a row per case with its state, hint ids and texts?"""
    report = reports[kind]
    page = render_html(report, lang)
    flat = re.sub(r"</?code>", "", page)
    for piece in expected_texts(report, lang, html_text):
        assert piece in flat
    rows = re.findall(r'<tr data-case="([^"]+)" data-state="([^"]+)"', page)
    assert rows == [(c.case, "passed" if c.passed else ("failed" if c.findings else "not_reached"))
                    for c in report.cases]
    assert re.findall(r'data-hint="([^"]+)"', page) == list(report.hints)
    assert f'data-state="{"passed" if report.passed else "failed"}"' in page
    assert f'data-failed-step="{report.failed_step or ""}"' in page


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
