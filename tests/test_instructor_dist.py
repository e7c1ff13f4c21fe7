"""The instructor's distribution: both wheels built from this checkout, installed (not editable)
into a fresh venv, and the README's instructor workflow run there with the real nbgrader."""
import email
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

import dnn_lab
from dnn_lab.cli import course_next_steps
from dnn_lab.dev import source_assignments
from venvs import make_venv
from nbutil import HIDDEN_REGION, ROOT, SOURCE, fill, grade_id, hidden_test_lines, solution_lines, solution_sources


# Warning lines that are not caused by our configuration, each with where it comes from.
# Anything else on stderr that says "warning" fails the test; a config option nbgrader does not
# recognise ("Config option `x` not recognized by `Y`") is never allowed.
UPSTREAM_WARNINGS = [
    # nbgrader.api with SQLAlchemy 2, the first time a submission is written to the gradebook
    re.compile(r"SAWarning: Object of type <Submitted\w+> not in session"),
    # nbgrader compares each locked cell with the database copy, which still holds the hidden
    # tests: every grade cell with hidden tests is "changed" (jupyter/nbgrader#1961); checked below
    re.compile(r"\[AutogradeApp \| WARNING\] Attribute 'checksum' for cell (?P<cell>\S+) has changed!"),
    # ipykernel 7 / jupyter_client 8.10 when a kernel is started without CurveZMQ keys
    re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption"),
    # nbconvert's HTML exporter counts output images (the training plots) that have no alt text
    re.compile(r"\[GenerateFeedbackApp \| WARNING\] Alternative text is missing on \d+ image\(s\)"),
]
CONFIG_WARNING = re.compile(r"Config option .* not recognized", re.I)
WARNING_LINE = re.compile(r"warning", re.I)


def _build(project, out):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(project), "--no-deps", "--no-build-isolation",
                           "-w", str(out), "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    _build(ROOT, out)
    _build(ROOT / "assignments", out)
    return next(out.glob("dnn_lab-*.whl")), next(out.glob("dnn_lab_course-*.whl"))


def _metadata(wheel):
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(zf.read(name))


def _notebook_code(text):
    return "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)


@pytest.mark.slow
def test_course_wheel_holds_every_source_file_and_pins_dnn_lab(wheels):
    """Does dnn-lab-course carry every file of assignments/source/ (solutions and hidden tests included),
    nothing else, and require exactly this version of dnn-lab, which does not require it back?"""
    lab_wheel, course_wheel = wheels
    skipped = {"__pycache__", ".ipynb_checkpoints", ".dnn_lab"}
    files = [p.relative_to(ROOT / "assignments").as_posix() for p in SOURCE.rglob("*")
             if p.is_file() and not skipped & set(p.relative_to(SOURCE).parts)]
    assert len(files) >= 8
    with zipfile.ZipFile(course_wheel) as zf:
        names = [n for n in zf.namelist() if ".dist-info/" not in n]
        assert sorted(names) == sorted(["dnn_lab_course/__init__.py"] + [f"dnn_lab_course/{f}" for f in files])
        for assignment in source_assignments():
            code = _notebook_code(zf.read(f"dnn_lab_course/source/{assignment}/{assignment}.ipynb").decode())
            assert solution_lines(assignment) and solution_lines(assignment) <= {
                line.strip() for line in code.splitlines()}
            assert hidden_test_lines(assignment) <= {line.strip() for line in code.splitlines()}
    course, lab = _metadata(course_wheel), _metadata(lab_wheel)
    assert course["Name"] == "dnn-lab-course" and course["Version"] == lab["Version"] == dnn_lab.__version__
    assert course.get_all("Requires-Dist") == [f"dnn-lab[grading]=={lab['Version']}"]
    assert not any("course" in req for req in lab.get_all("Requires-Dist"))


def test_course_init_does_not_import_the_maintainer_tools(tmp_path):
    """Does a whole `init_course` (finding the sources included) run without importing dnn_lab.dev (the
    maintainer tools, which use course init: no import circle) or nbgrader?"""
    probe = ("import sys, dnn_lab.course; dnn_lab.course.init_course(sys.argv[1], 'en'); "
             "print(sorted(m for m in ('dnn_lab.dev', 'dnn_lab.cli', 'nbgrader') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "c")], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    assert (tmp_path / "c" / "source" / "step_by_step" / "step_by_step.ipynb").is_file()


@pytest.fixture(scope="module")
def venv(wheels, tmp_path_factory):
    """Both wheels in a fresh venv."""
    return make_venv(tmp_path_factory.mktemp("venv") / "env", wheels)


@pytest.mark.slow
def test_dnn_lab_alone_names_the_course_package(wheels, tmp_path):
    """With only the dnn-lab wheel installed, does `dnn-lab course init` exit 2 with the one bilingual
    message naming `pip install dnn-lab-course`, and create nothing?"""
    from dnn_lab.messages import t
    python, env = make_venv(tmp_path / "env", wheels[:1])
    proc = subprocess.run([str(python.parent / "dnn-lab"), "course", "init", "mycourse"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"dnn-lab: {t('cli.no_course_package', 'both', dist='dnn-lab-course')}\n"
    assert "pip install dnn-lab-course" in proc.stderr
    assert not (tmp_path / "mycourse").exists()


@pytest.mark.slow
def test_venv_imports_the_installed_wheels(venv, tmp_path):
    """Are dnn_lab and dnn_lab_course imported from the venv's own site-packages, not from this checkout?"""
    python, env = venv
    probe = ("import sysconfig, dnn_lab, dnn_lab_course, dnn_lab.sources as s; "
             "print(sysconfig.get_paths()['purelib']); print(dnn_lab.__file__); print(dnn_lab_course.__file__); "
             "print(s.checkout_root()); print(dnn_lab_course.__version__)")
    out = subprocess.run([str(python), "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    purelib = Path(out[0]).resolve()
    assert purelib != Path(sysconfig.get_paths()["purelib"]).resolve()
    assert Path(out[1]).resolve().parent == purelib / "dnn_lab"
    assert Path(out[2]).resolve().parent == purelib / "dnn_lab_course"
    assert out[3] == "None"  # no checkout beside the installed package: the sources come from dnn-lab-course
    assert out[4] == dnn_lab.__version__


def _run(venv, log, *args, cwd):
    """One README command in the venv (nbgrader as `python -m nbgrader`: its console script lives in the
    system's bin, whose interpreter would import the editable checkout)."""
    python, env = venv
    cmd = [str(python), "-m", "nbgrader", *args[1:]] if args[0] == "nbgrader" else [str(python.parent / args[0]),
                                                                                        *args[1:]]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    log.append((" ".join(args), proc.stderr))
    assert proc.returncode == 0, f"{' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def _submit(course, student, assignment, answers):
    target = course / "submitted" / student / assignment
    shutil.copytree(course / "release" / assignment, target)
    nb = nbformat.read(target / f"{assignment}.ipynb", as_version=4)
    nbformat.write(fill(nb, answers), target / f"{assignment}.ipynb")


ASSIGNMENTS = ("step_by_step", "application")


@pytest.fixture(scope="module")
def released(venv, tmp_path_factory):
    """The README's instructor section up to the student versions, in the venv: (course, init stdout, log)."""
    work = tmp_path_factory.mktemp("instructor")
    log = []
    init = _run(venv, log, "dnn-lab", "course", "init", "mycourse", "--lang", "en", cwd=work)
    course = work / "mycourse"
    for assignment in ASSIGNMENTS:
        _run(venv, log, "nbgrader", "generate_assignment", assignment, cwd=course)
    return course, init.stdout, log


@pytest.fixture(scope="module")
def graded(venv, released):
    """The rest of the README's section: a solved and an untouched submission per assignment, autograded
    Part 1 first, then feedback; returns {assignment: (max_score, {student: score})}."""
    from nbgrader.api import Gradebook
    course, _, log = released
    for assignment in ASSIGNMENTS:
        _submit(course, "solved", assignment, solution_sources(assignment))
        _submit(course, "untouched", assignment, {})
    for assignment in ASSIGNMENTS:
        _run(venv, log, "nbgrader", "autograde", assignment, cwd=course)
    for assignment in ASSIGNMENTS:
        _run(venv, log, "nbgrader", "generate_feedback", assignment, cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {a: (gb.find_assignment(a).max_score,
                    {s: gb.find_submission(a, s).score for s in ("solved", "untouched")}) for a in ASSIGNMENTS}


@pytest.mark.nbgrader
@pytest.mark.slow
def test_course_init_in_the_venv_prints_the_readme_order(released):
    """Does `course init` (from dnn-lab-course) copy both assignments and list the next commands in the
    README's order: generate Part 1 then Part 2, autograde Part 1 before Part 2, then feedback?"""
    course, stdout, log = released
    for assignment in ASSIGNMENTS:
        assert (course / "source" / assignment / f"{assignment}.ipynb").is_file()
    commands = [line.strip() for line in stdout.splitlines() if line.strip().startswith("nbgrader ")]
    assert commands == [c for c in course_next_steps("mycourse", ASSIGNMENTS) if c.startswith("nbgrader ")]
    assert commands == readme_instructor_commands()


@pytest.mark.nbgrader
@pytest.mark.slow
def test_released_notebooks_hold_no_solution_and_no_hidden_test(released):
    """Are the student versions generated in the venv free of every solution line and hidden test?"""
    course = released[0]
    for assignment in ASSIGNMENTS:
        text = _notebook_code((course / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
        leaked = [line for line in solution_lines(assignment) | hidden_test_lines(assignment) if line in text]
        assert leaked == [], (assignment, leaked[:3])


@pytest.mark.nbgrader
@pytest.mark.slow
def test_workflow_grades_solved_full_and_untouched_zero(released, graded):
    """In the venv, does autograde give the solved submission full marks and the untouched one 0, in both
    assignments, and does every student get feedback?"""
    course = released[0]
    assert all(max_score > 0 for max_score, _ in graded.values())
    assert {a: got for a, (_, got) in graded.items()} == {
        a: {"solved": max_score, "untouched": 0} for a, (max_score, _) in graded.items()}
    for assignment in ASSIGNMENTS:
        for student in ("solved", "untouched"):
            assert (course / "feedback" / student / assignment / f"{assignment}.html").is_file()


def _hidden_test_cells():
    cells = set()
    for assignment in source_assignments():
        nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
        cells |= {grade_id(c) for c in nb.cells if HIDDEN_REGION.search(c.source)}
    return cells


def unexplained_warnings(stderr, hidden_cells):
    """The warning lines of one command's stderr that no entry of UPSTREAM_WARNINGS explains."""
    bad = []
    for line in stderr.splitlines():
        if not WARNING_LINE.search(line):
            continue
        if CONFIG_WARNING.search(line):
            bad.append(line)
            continue
        match = next((m for m in (p.search(line) for p in UPSTREAM_WARNINGS) if m), None)
        if match is None or ("cell" in match.groupdict() and match["cell"] not in hidden_cells):
            bad.append(line)
    return bad


@pytest.mark.nbgrader
@pytest.mark.slow
def test_generated_config_causes_no_nbgrader_warning(released, graded):
    """Does every command of the workflow run without a config option nbgrader does not recognise, and
    without any warning beyond the known upstream ones?"""
    hidden_cells = _hidden_test_cells()
    assert len(hidden_cells) >= 13
    log = released[2]
    assert [cmd.split()[1] for cmd, _ in log] == ["course"] + ["generate_assignment"] * 2 + [
        "autograde"] * 2 + ["generate_feedback"] * 2
    problems = {cmd: bad for cmd, stderr in log if (bad := unexplained_warnings(stderr, hidden_cells))}
    assert problems == {}


def test_warning_filter_catches_config_and_new_warnings():
    """Does the stderr filter flag an unrecognised config option, a new warning and a checksum change of a
    cell without hidden tests, while passing the known upstream lines?"""
    hidden = {"linear_forward_test"}
    assert unexplained_warnings(
        "[GenerateAssignmentApp | WARNING] Config option `db_assignments` not recognized by `CourseDirectory`.\n"
        "[AutogradeApp | WARNING] Something new\n"
        "[AutogradeApp | WARNING] Attribute 'checksum' for cell setup has changed! (should be: a, got: b)\n"
        "[AutogradeApp | WARNING] Attribute 'checksum' for cell linear_forward_test has changed! (should be: a)\n"
        "[AutogradeApp | INFO] fine\n", hidden) == [
        "[GenerateAssignmentApp | WARNING] Config option `db_assignments` not recognized by `CourseDirectory`.",
        "[AutogradeApp | WARNING] Something new",
        "[AutogradeApp | WARNING] Attribute 'checksum' for cell setup has changed! (should be: a, got: b)"]


def readme_instructor_commands():
    """The nbgrader commands of the README's instructor section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Instructors", 1)[1].split("\n## ", 1)[0]
    return [re.sub(r"\s+#.*", "", line).strip() for line in section.splitlines() if line.startswith("nbgrader ")]
