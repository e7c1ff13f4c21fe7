"""`dnn-lab report`: the class at a glance, from the verdicts `DnnLabGrader` writes while grading.

A real course (`dnn-lab course init`, `nbgrader generate_assignment`) and a generated class with known
mistakes in known proportions is graded with the real `dnn-lab autograde --jobs 2`; the report's counts,
student lists, heat-map colours and attention list are asserted exactly, and its HTML is opened in
headless Chromium with every request outside the file logged (there must be none). Bad input (unknown
assignment, no graded student, an older verdict format, a corrupt file) is tried on copies of that course.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from classroom import ASSIGNMENT, make_course
from dnn_lab.grading import verdict_file
from nbutil import fill, solution_sources

DNN_LAB = [sys.executable, "-m", "dnn_lab.cli"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

FORGOT_M = ("def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n    m = A_prev.shape[1]\n"
            "    dW = np.dot(dZ, A_prev.T)\n    db = np.sum(dZ, axis=1, keepdims=True) / m\n"
            "    dA_prev = np.dot(W.T, dZ)\n    return dA_prev, dW, db\n")
NO_KEEPDIMS = ("def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n    m = A_prev.shape[1]\n"
               "    dW = np.dot(dZ, A_prev.T) / m\n    db = np.sum(dZ, axis=1) / m\n"
               "    dA_prev = np.dot(W.T, dZ)\n    return dA_prev, dW, db\n")
COST_SIGN = ("def compute_cost(AL, Y):\n    m = Y.shape[1]\n"
             "    return np.squeeze(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)\n")
EXITS = "def compute_cost(AL, Y):\n    import os\n    os._exit(1)\n"

# student -> (kind, {grade_id: source replacing the solution}); None = untouched; "corrupt" = not JSON
CLASS = {
    "ada": {}, "ben": {}, "cai": {},
    "dan": {"linear_backward": FORGOT_M}, "eve": {"linear_backward": FORGOT_M},
    "fay": {"linear_backward": FORGOT_M},
    "gus": {"linear_backward": NO_KEEPDIMS}, "hui": {"linear_backward": NO_KEEPDIMS},
    "ivy": {"compute_cost": COST_SIGN}, "jon": {"compute_cost": COST_SIGN, "linear_backward": FORGOT_M},
    "kim": None,
    "lei": "exits",
    "max": "corrupt",
}
GRADED = len(CLASS) - 1


def _submit(course, solved):
    release = course / "release" / ASSIGNMENT
    release_nb = nbformat.read(release / f"{ASSIGNMENT}.ipynb", as_version=4)
    for student, spec in CLASS.items():
        target = course / "submitted" / student / ASSIGNMENT
        shutil.copytree(release, target)
        if spec == "corrupt":
            (target / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [', encoding="utf-8")
            continue
        if spec is None:
            answers = {}
        elif spec == "exits":
            answers = {**solved, "compute_cost": EXITS}
        else:
            answers = {**solved, **spec}
        nbformat.write(fill(nbformat.from_dict(release_nb), answers), target / f"{ASSIGNMENT}.ipynb")


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("report") / "course", lang="en")
    _submit(course, solution_sources(ASSIGNMENT))
    proc = subprocess.run([*DNN_LAB, "autograde", ASSIGNMENT, "--jobs", "2"], cwd=course, capture_output=True,
                          text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the corrupt notebook cannot be graded
    return course


def report(course, *args, lang="en"):
    return subprocess.run([*DNN_LAB, "report", ASSIGNMENT, "--lang", lang, *args], cwd=course, capture_output=True,
                          text=True)


def _summary(course):
    from dnn_lab.classreport.collect import load_class
    from dnn_lab.classreport.summary import summarise
    return summarise(load_class(str(course), ASSIGNMENT))


@pytest.mark.nbgrader
@pytest.mark.slow
def test_grading_writes_one_verdict_file_per_graded_student(graded_course):
    """Does every graded student get a verdict file beside the autograded notebook, naming their own failures,
    with no hidden case input or expected value in it?"""
    files = sorted(graded_course.glob(f"autograded/*/{ASSIGNMENT}/*{verdict_file.SUFFIX}"))
    assert sorted(p.parts[-3] for p in files) == sorted(s for s in CLASS if s != "max")
    dan = verdict_file.read(graded_course / "autograded" / "dan" / ASSIGNMENT / f"{ASSIGNMENT}.verdicts.json")
    by_name = {e["exercise"]: e for e in dan["exercises"]}
    assert [n for n, e in by_name.items() if not e["passed"]] == ["linear_backward"]
    lb = by_name["linear_backward"]
    assert (lb["failed_step"], lb["hints"][0], lb["scope"]) == ("dW", "forgot_1_over_m", "public")
    assert lb["points"] and lb["first"]["message_id"]
    text = json.dumps(dan)
    assert "hidden_cases" not in text and "BEGIN HIDDEN" not in text


@pytest.mark.nbgrader
@pytest.mark.slow
def test_report_counts_diagnoses_and_students_exactly(graded_course):
    s = _summary(graded_course)
    assert (s.submitted, s.graded) == (len(CLASS), GRADED)
    lb = s.diagnosis("linear_backward", "dW", "forgot_1_over_m")
    assert sorted(lb.students) == ["dan", "eve", "fay", "jon"]
    assert sorted(s.diagnosis("linear_backward", "db", "missing_keepdims").students) == ["gus", "hui"]
    assert sorted(s.diagnosis("compute_cost", "cost", "sign_error").students) == ["ivy", "jon"]
    rates = {ex.name: (ex.passed, ex.graded) for ex in s.exercises}
    # kim has nothing, lei's compute_cost cell ends the grading process
    assert rates["linear_backward"] == (GRADED - 6 - 1, GRADED)
    assert rates["compute_cost"] == (GRADED - 2 - 2, GRADED)
    assert rates["linear_forward"] == (GRADED - 1, GRADED)
    lbs = next(ex for ex in s.exercises if ex.name == "linear_backward")
    assert lbs.not_implemented == ["kim"]
    assert dict(lbs.step_counts) == {"dW": 4, "db": 2}
    # who needs attention: the ungraded first, then the student whose code ended the grader
    assert [(a.student, a.kind) for a in s.attention] == [("max", "ungraded"), ("lei", "crashed")]
    assert s.scores["ada"] == s.max_score > 0 and s.scores["kim"] == 0


@pytest.mark.nbgrader
@pytest.mark.slow
def test_terminal_summary_lines(graded_course):
    proc = report(graded_course)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"{len(CLASS)} students submitted, {GRADED} graded, 2 need attention." in out
    assert re.search(r"linear_backward · dW · .+: 4 students \(33 %\)", out)
    assert re.search(r"linear_backward\s+5/12\s+\( 42 %\)", out)
    assert out.index("max") < out.index("lei") < out.index("Pass rate per exercise")
    zh = report(graded_course, lang="zh").stdout
    assert "已提交 13 人，已评分 12 人，需要关注 2 人。" in zh and "4 名学生（33%）" in zh


@pytest.mark.nbgrader
@pytest.mark.slow
def test_heat_map_colours_follow_the_counts(graded_course):
    """Is a step failed by more students drawn darker, and a step nobody fails grey, on the real diagram?"""
    from dnn_lab.classreport.html import heat_map
    from dnn_lab.diagram.draw import HEAT_NONE, heat_colour
    s = _summary(graded_course)
    lbs = next(ex for ex in s.exercises if ex.name == "linear_backward")
    png, colours = heat_map(lbs, s.graded, "en")
    assert png.startswith(b"\x89PNG")
    assert colours == {"dA_prev": HEAT_NONE, "dW": heat_colour(4 / 12), "db": heat_colour(2 / 12)}

    def darkness(colour):
        return -sum(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    assert darkness(colours["dW"]) > darkness(colours["db"]) > darkness(colours["dA_prev"])
    # the colour really is in the drawing: the SVG of the same heat map fills node dW with it
    from dnn_lab.checks.registry import get_exercise
    from dnn_lab.diagram import render_heat
    svg, _ = render_heat("linear_backward", get_exercise("linear_backward").cases[0].dims, {"dW": 4, "db": 2}, 12,
                         "en", fmt="svg")
    group = re.search(r'<g id="dW">(.*?)</g>', svg.decode(), re.S).group(1)
    assert f"fill: {heat_colour(4 / 12)}" in group


@pytest.mark.nbgrader
@pytest.mark.browser
@pytest.mark.slow
def test_html_report_renders_offline_with_chinese(graded_course, tmp_path):
    from playwright.sync_api import sync_playwright
    out = tmp_path / "report.html"
    proc = report(graded_course, "--html", str(out), lang="both")
    assert proc.returncode == 0, proc.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(out.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTIFACTS / "class_report.png"), full_page=True)
        body = page.inner_text("body")
        row = page.locator("#ex-linear_backward ~ table.diagnoses tr[data-hint='forgot_1_over_m']").first
        cells = row.locator("td").all_inner_texts()
        images = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
        browser.close()
    assert outside == []
    assert "全班概览" in body and "需要关注" in body and "The class at a glance" in body
    assert "dan, eve, fay, jon" in cells[3] and "4" in cells[1]
    assert images and all(images)  # the heat maps and the score plot are drawn inline


def _copy(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("release", "source"))
    return copy


@pytest.mark.nbgrader
@pytest.mark.slow
def test_bad_input_is_one_line_and_exit_2(graded_course, tmp_path):
    proc = subprocess.run([*DNN_LAB, "report", "nope", "--lang", "en"], cwd=graded_course, capture_output=True,
                          text=True)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.count("\n") == 1 and "no assignment called nope" in proc.stderr
    proc = subprocess.run([*DNN_LAB, "report", "application", "--lang", "en"], cwd=graded_course,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "No student of application" in proc.stderr
    old = _copy(graded_course, tmp_path)
    victim = old / "autograded" / "dan" / ASSIGNMENT / f"{ASSIGNMENT}.verdicts.json"
    data = json.loads(victim.read_text())
    data["version"] = 0
    victim.write_text(json.dumps(data))
    proc = report(old)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "older dnn-lab" in proc.stderr
    assert "--force" in proc.stderr


@pytest.mark.nbgrader
@pytest.mark.slow
def test_corrupt_verdict_file_is_named_and_skipped(graded_course, tmp_path):
    copy = _copy(graded_course, tmp_path)
    victim = copy / "autograded" / "eve" / ASSIGNMENT / f"{ASSIGNMENT}.verdicts.json"
    victim.write_text('{"format": "dnn_lab.verdicts", "version": 1, "stud')
    proc = report(copy)
    assert proc.returncode == 0
    assert str(victim.relative_to(copy)) in proc.stderr and "unreadable" in proc.stderr
    assert "3 students (27 %)" in proc.stdout  # dan, fay, jon: eve's verdicts were skipped
    assert "eve  not graded" in proc.stdout


@pytest.mark.nbgrader
@pytest.mark.slow
def test_regrading_is_reflected(graded_course, tmp_path):
    """After a student's fix is regraded, does the report count the new verdicts?"""
    copy = tmp_path / "regrade"
    shutil.copytree(graded_course, copy)
    nb_path = copy / "submitted" / "dan" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    fill(nb, {"linear_backward": solution_sources(ASSIGNMENT)["linear_backward"]})
    nbformat.write(nb, nb_path)
    proc = subprocess.run([*DNN_LAB, "autograde", ASSIGNMENT, "--student", "dan", "--force"], cwd=copy,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    s = _summary(copy)
    assert sorted(s.diagnosis("linear_backward", "dW", "forgot_1_over_m").students) == ["eve", "fay", "jon"]


def test_verdict_file_round_trip_and_refusals(tmp_path):
    """The file format alone: written atomically, read back, corrupt and older files told apart."""
    import numpy as np
    from dnn_lab.checks import run_checks
    from dnn_lab.grading.grade import Verdict
    ns = {"np": np}
    exec(FORGOT_M, ns)
    rep = run_checks("linear_backward", ns["linear_backward"], lang="zh")
    record = verdict_file.build_record("s1", ASSIGNMENT, ASSIGNMENT,
                                       {"linear_backward": Verdict("linear_backward", False, "public", rep)},
                                       lang="zh", isolation="bwrap", points={"linear_backward": 10})
    path = verdict_file.write(tmp_path, record)
    back = verdict_file.read(path)
    assert back["exercises"][0]["failed_step"] == "dW" and back["exercises"][0]["points"] == 10
    assert "m" in back["exercises"][0]["first"]["text"]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left
    path.write_text("[]")
    with pytest.raises(verdict_file.VerdictFileError) as err:
        verdict_file.read(path)
    assert err.value.kind == "corrupt"
    path.write_text(json.dumps({**record, "version": 99}))
    with pytest.raises(verdict_file.VerdictFileError) as err:
        verdict_file.read(path)
    assert err.value.kind == "version"
