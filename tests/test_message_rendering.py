"""Every text a person reads renders: each catalog entry with the parameters its callers pass, in zh,
en and both; no brace the formatter would misread; every wrong variant of the tests rendered as text
and HTML in zh and en; a report that still cannot be rendered shows its verdict, never a traceback."""
import ast
import re
import string
from pathlib import Path

import pytest

import dnn_lab
from dnn_lab.checks.report import Finding, Report
from dnn_lab.messages import LANGS, MESSAGES, placeholders, t
from dnn_lab.render import render_html, render_text

PACKAGE = Path(dnn_lab.__file__).parent
IDS = sorted(MESSAGES)
# Functions that render a catalog id given as a literal argument, with the keywords as its parameters.
RENDERERS = {"t", "t_short", "texts", "say", "fail", "stop", "BadInput", "Part1Error", "Part1NotFoundError",
             "Part1CheckError", "labelled"}
# Rendered with no parameters at all: hints (``texts("hint." + id)``, the first sentence in the headline),
# the /dnn-lab page's texts (sent to the browser as they are).
NO_PARAMS = ("hint.", "page.")
# A value for every parameter that contains what a careless formatter would trip on.
SAMPLE = "x{0}y 第 {l} 层 `code`"


def _callee_name(node):
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def call_sites():
    """{message id: [(where, keyword names, takes **params)]}: the calls in dnn_lab/ that render a literal
    catalog id.  ``ctx.fail``/``ctx.stop`` also get ``fn`` from the engine."""
    sites = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or _callee_name(node) not in RENDERERS:
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and arg.value in MESSAGES:
                    names = {k.arg for k in node.keywords if k.arg}
                    if _callee_name(node) in ("fail", "stop"):
                        names.add("fn")
                    dynamic = any(k.arg is None for k in node.keywords)
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                    sites.setdefault(arg.value, []).append((where, names, dynamic))
    return sites


SITES = call_sites()


def test_the_call_site_scan_finds_the_callers():
    """Does the scan see the usual callers with their parameters (so the tests below mean something)?"""
    assert len(SITES) > 100
    assert any(names >= {"fn", "step", "case"} for _, names, _ in SITES["ui.failed_at"])
    assert any(names >= {"what", "expected", "got"} for _, names, _ in SITES["msg.wrong_type"])


@pytest.mark.parametrize("message_id", IDS)
def test_no_brace_the_formatter_would_misread(message_id):
    """Is every {field} of this text a plain parameter name (no format spec, conversion, index or
    attribute), not glued to a letter on its left (f'W{l}', a key written as code), and does a text
    rendered without parameters (hints, the page) have none?"""
    for lang in ("zh", "en"):
        text = MESSAGES[message_id][lang]
        for literal, name, spec, conversion in string.Formatter().parse(text):
            if name is None:
                continue
            assert name.isidentifier() and not spec and not conversion, (lang, name)
            assert not re.search(r"[A-Za-z0-9_]$", literal), (lang, literal[-12:] + "{" + name + "}")
        assert not re.search(r"""\bf(['"])[^'"]*\{[^{]""", text.replace("{{", "")), (lang, "an f-string in a text")
        if message_id.startswith(NO_PARAMS):
            assert placeholders(text) == set(), (lang, placeholders(text))
            assert "{" not in text.replace("{{", "").replace("}}", "") or message_id.startswith("hint.")
            if message_id.startswith("page."):
                assert "{" not in text and "}" not in text  # the browser shows these raw


def test_wrong_keys_hint_shows_the_f_string_it_suggests():
    """W1: does hint.wrong_keys render with no parameters and show f'W{l}' literally, in both languages?"""
    for lang in ("zh", "en"):
        assert "f'W{l}'" in t("hint.wrong_keys", lang)
    assert t("hint.wrong_keys", "both").count("f'W{l}'") == 2


def _params_for(message_id):
    names = set(placeholders(MESSAGES[message_id]["en"]))
    for _, site_names, _ in SITES.get(message_id, ()):
        names |= site_names
    return {name: SAMPLE for name in names}


@pytest.mark.parametrize("message_id", IDS)
def test_every_caller_passes_what_its_message_needs(message_id):
    """Does every call that renders this id with a fixed set of keywords give each {placeholder}
    the text needs (so that rendering cannot raise KeyError for that caller)?"""
    needed = placeholders(MESSAGES[message_id]["en"])
    for where, names, dynamic in SITES.get(message_id, ()):
        if not dynamic:
            assert needed <= names, (where, sorted(needed - names))


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_renders_with_its_callers_parameters(lang):
    """Does every catalog id render in zh, en and both with the parameters its callers pass (hints and page
    texts with none), and does no rendered text keep a {field} of the catalog?"""
    for message_id in IDS:
        params = {} if message_id.startswith(NO_PARAMS) else _params_for(message_id)
        text = t(message_id, lang, **params)
        assert text.strip(), message_id
        leftover = text.replace(SAMPLE, "").replace("f'W{l}'", "")
        assert not re.search(r"\{[A-Za-z_]\w*\}", leftover), (message_id, text)


# --------------------------------------------------------------------------- a report that cannot be rendered

def _broken_report():
    """A report whose finding's message cannot be filled (a parameter its text needs is missing)."""
    f = Finding(case="reference", step="dW", message_id="msg.wrong_value", hint="forgot_1_over_m",
                params={"what": "dW"})
    return Report(exercise="linear_backward", lang="en", passed=False, failed_step="dW",
                  hints=["forgot_1_over_m"], failures=[f], warnings=[], cases=[], step_states={"dW": "failed"},
                  dims={})


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_that_cannot_be_rendered_shows_its_verdict_not_a_traceback(lang):
    """When a text of the report cannot be filled, do text and HTML show the exercise, the step, the hint
    id and one bilingual line (ui.render_failed), and no traceback?"""
    report = _broken_report()
    text = render_text(report, lang)
    html = render_html(report, lang)
    line = t("ui.render_failed", "zh") + " / " + t("ui.render_failed", "en")
    for shown in (text, html):
        assert "linear_backward" in shown and "dW" in shown and "forgot_1_over_m" in shown
        assert "Traceback" not in shown and "KeyError" not in shown
    assert text.splitlines() == ["✗ linear_backward · step: dW · hint: forgot_1_over_m", line]
    assert 'data-render-failed="1"' in html and line in html.replace("&#x27;", "'")


def test_code_under_a_message_is_indented_without_a_bullet():
    """T11: is the code line under a finding indented under it (no '- ' of its own), and is an empty code
    line left out?"""
    params = {"where": "linear_forward", "line": 3, "name": "Wx", "code": "Z = np.dot(Wx, A) + b"}
    f = Finding(case="reference", step="Z", message_id="msg.undefined_name", hint="undefined_name", params=params)
    empty = Finding(case="reference", step="Z", message_id="msg.exception", hint="exception",
                    params={"line": 4, "exc_type": "ValueError", "exc_msg": "bad", "code": ""})
    report = Report(exercise="linear_forward", lang="en", passed=False, failed_step="Z",
                    hints=["undefined_name", "exception"], failures=[f, empty], warnings=[], cases=[],
                    step_states={"Z": "failed"}, dims={})
    lines = render_text(report, "en", details=False).splitlines()
    at = next(i for i, line in enumerate(lines) if "uses `Wx`" in line)
    assert lines[at].startswith("  - ")
    assert lines[at + 1] == "        Z = np.dot(Wx, A) + b"
    exc = next(i for i, line in enumerate(lines) if "raised ValueError" in line)
    assert lines[exc].startswith("  - ") and (exc + 1 == len(lines) or lines[exc + 1].strip())
    assert not any(line.strip() in ("-", "") for line in lines)
    both = render_text(report, "both", details=False).splitlines()
    assert [line for line in both if line.startswith("  - ")] == [
        line for line in both if line.startswith("  - ") and ("Wx" in line or "ValueError" in line)]


# --------------------------------------------------------------------------- every wrong variant of the tests

UNFILLED = re.compile(r"\{[A-Za-z_]\w*\}")


def rendering_problems(report, label):
    """What goes wrong when ``report`` is shown in zh and en as text (with details) and HTML, and as the
    diagram's note: a fallback instead of the report, a {field} left unfilled, a finding whose own
    message does not format.  Empty when all is well."""
    from dnn_lab.diagram import report_notes
    import html
    problems = []
    fallback = t("ui.render_failed", "en")
    # Braces the student wrote (the code quoted under a message) are theirs, not unfilled fields.
    quoted = ["f'W{l}'"] + [v for f in report.failures + report.warnings for v in f.params.values()
                            if isinstance(v, str) and "{" in v]
    for lang in ("zh", "en"):
        for kind, shown in (("text", render_text(report, lang, details=True)), ("html", render_html(report, lang))):
            plain = html.unescape(re.sub(r"<[^>]+>", "", shown)) if kind == "html" else shown
            for code in quoted:
                plain = plain.replace(code, "")
            if fallback in plain or 'data-render-failed="1"' in shown:
                problems.append((label, lang, kind, "fallback"))
            elif UNFILLED.search(plain):
                problems.append((label, lang, kind, UNFILLED.search(plain).group(0)))
            elif f"`{report.exercise}`" not in shown and f"<code>{report.exercise}</code>" not in shown:
                problems.append((label, lang, kind, "exercise not named"))
        for f in report.failures + report.warnings:
            try:
                t(f.message_id, lang, fn=report.exercise, **f.params)
            except Exception as exc:  # noqa: BLE001 - reported below
                problems.append((label, lang, f.message_id, repr(exc)))
        try:
            report_notes(report, lang)
        except Exception as exc:  # noqa: BLE001
            problems.append((label, lang, "diagram note", repr(exc)))
    return problems


def test_every_wrong_variant_of_part1_renders(as_student):
    """Does the report of every wrong implementation in test_checks_wrong.py and test_checks_diagnosis.py render
    as text and HTML in zh and en (and as a diagram note), with every finding's message filled?"""
    import test_checks_diagnosis
    import test_checks_wrong
    from dnn_lab.checks import run_checks
    reports = [(fn.__name__, run_checks(ex, as_student(fn), lang="en", timeout=5))
               for ex, fn, _step, _hint in test_checks_wrong.WRONG]
    reports += [(fn.__name__, test_checks_diagnosis._run(ex, fn, helpers, as_student))
                for _cls, ex, fn, helpers, _step, _hint in test_checks_diagnosis.DIAGNOSED]
    assert len(reports) >= 150 and all(not r.passed for _, r in reports)
    assert [p for label, report in reports for p in rendering_problems(report, label)] == []


def test_every_wrong_variant_of_part2_renders():
    """Does the report of every wrong Part 2 version in test_application_checks.py render as text and HTML in
    zh and en, with every finding's message filled?"""
    import test_application_checks as app
    from dnn_lab.checks import run_checks
    from dnn_lab.checks.two_layer_model import provided
    from dnn_lab.dev import load_solutions
    from nbutil import solution_sources
    solutions, sources = provided(load_solutions("application")), solution_sources("application")
    reports = []
    for name, table in (("two_layer_model", app.TWO_LAYER_WRONG), ("L_layer_model", app.L_LAYER_WRONG),
                        ("predict", app.PREDICT_WRONG)):
        for variant, (edits, _step, _hint) in sorted(table.items()):
            fn = app.build(solutions, sources[name], name, edits)
            reports.append((f"{name}:{variant}", run_checks(name, fn, lang="en")))
    assert len(reports) >= 30 and all(not r.passed for _, r in reports)
    assert [p for label, report in reports for p in rendering_problems(report, label)] == []
