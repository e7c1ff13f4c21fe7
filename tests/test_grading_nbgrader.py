"""Grading you can trust: real `nbgrader autograde` on a class of honest, buggy and hostile submissions.

Grades come from the submitted source, computed outside the student's kernel in a sandbox;
each hostile submission must get exactly what its real code deserves, and every student gets
an autograded notebook and feedback.
"""
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from dnn_lab.dev import nbgrader
from nbutil import fill, grade_id, solution_sources

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

EXERCISES = ("initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
             "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward",
             "L_model_backward", "update_parameters")
SOLVED = solution_sources()


def _replace(name, old, new):
    src = SOLVED[name]
    assert old in src, (name, old)
    return src.replace(old, new, 1)


# ---- classic bugs ---------------------------------------------------------------------
NO_1_OVER_M = _replace("linear_backward", "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T)")
COST_NO_MINUS = _replace("compute_cost", "cost = -(1 / m)", "cost = (1 / m)")
RELU_FOR_SIGMOID = _replace("linear_activation_forward", "A, activation_cache = sigmoid(Z)",
                            "A, activation_cache = relu(Z)")
UPDATE_PLUS = SOLVED["update_parameters"].replace("- learning_rate", "+ learning_rate")


def _first_line_after_def(name, code):
    """``code`` inserted as the first statement of ``name``'s body (after the docstring)."""
    src = SOLVED[name]
    marker = '    """\n'
    start = src.index(marker) + len(marker)
    end = src.index(marker, start) + len(marker)
    return src[:end] + "".join(f"    {line}\n" for line in code.splitlines()) + src[end:]


# ---- hostile submissions ---------------------------------------------------------------
HOSTILE = {
    # (a) rebinding what the old grade cells called: a wrong linear_backward + fake test functions
    "rebind": {**SOLVED, "linear_backward": NO_1_OVER_M + (
        "\nlinear_backward_test = lambda *a, **k: None\n"
        "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.array_equal = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n")},
    # (b) an IPython input transformer that rewrites every later cell into `pass`
    "transformer": {**SOLVED, "compute_cost": COST_NO_MINUS + (
        "\ntry:\n    get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n"
        "except NameError:\n    pass\n")},
    # (c) patching dnn_lab's own checks/grading from inside a function body, and numpy at call time
    "patch_dnn_lab": {**SOLVED, "linear_forward": (
        "def linear_forward(A, W, b):\n"
        "    import dnn_lab.checks.engine as e, dnn_lab.checks.compare as c\n"
        "    c.diagnose = lambda *a, **k: None\n"
        "    try:\n        import dnn_lab.grading.grade as g; g.run_checks = None\n    except Exception:\n        pass\n"
        "    np.allclose = lambda *a, **k: True\n"
        "    return np.zeros((W.shape[0], A.shape[1])), (A, W, b)\n")},
    # (c') the instructor's tooling and files: read the source notebook's solutions, write the gradebook
    "instructor_tools": {**SOLVED, "L_model_backward": (
        "def L_model_backward(AL, Y, caches):\n"
        "    import os, glob\n"
        "    found = {}\n"
        "    try:\n        import dnn_lab.dev as d\n        found = d.load_solutions('step_by_step')\n    except Exception:\n        pass\n"
        "    if 'L_model_backward' in found:\n        return found['L_model_backward'](AL, Y, caches)\n"
        "    for path in glob.glob('/**/gradebook.db', recursive=True)[:3] + glob.glob('../../../*.db'):\n"
        "        try:\n            open(path, 'w').write('x')\n        except Exception:\n            pass\n"
        "    for path in glob.glob('/**/source/step_by_step/step_by_step.ipynb', recursive=True)[:2]:\n"
        "        src = open(path).read()\n        exec(src)  # not Python: fails\n"
        "    return {}\n")},
    "exit": {**SOLVED, "linear_forward": _first_line_after_def("linear_forward", "import os\nos._exit(0)"),
             "compute_cost": _first_line_after_def("compute_cost", "import sys\nsys.exit(3)")},
    "segfault": {**SOLVED, "linear_backward": _first_line_after_def(
        "linear_backward", "import ctypes\nctypes.string_at(0)")},
    "swallow": {**SOLVED, "L_model_forward": _first_line_after_def(
        "L_model_forward", "while True:\n    try:\n        while True:\n            pass\n"
                           "    except BaseException:\n        pass")},
    "memory": {**SOLVED, "update_parameters": _first_line_after_def(
        "update_parameters", "_big = np.ones((20 * 1024 ** 3) // 8)")},
    "fork": {**SOLVED, "linear_forward": _first_line_after_def(
        "linear_forward", "import os\nif os.fork() == 0:\n    import time\n    time.sleep(30)\n    os._exit(0)")},
    "print_mb": {**SOLVED, "compute_cost": _first_line_after_def(
        "compute_cost", "import sys\nprint('x' * 3_000_000)\nsys.stderr.write('Warning: debug ' * 1000)")},
    # deleting its own folder, the student's folder, and (from autograded/<student>/<assignment>) the gradebook
    "delete_files": {**SOLVED, "initialize_parameters": _first_line_after_def(
        "initialize_parameters", "import os, shutil\nfor p in ['../../../gradebook.db', '../../../nbgrader_config.py']:\n"
                                  "    try:\n        os.remove(p)\n    except OSError:\n        pass\n"
                                  "for p in os.listdir('.') + ['..']:\n    shutil.rmtree(p, ignore_errors=True)")},
    "stderr_debug": {**SOLVED, "linear_backward": _first_line_after_def(
        "linear_backward", "import sys\nprint('Warning: my debug line', file=sys.stderr)")},
}

# Expected score per exercise: 10 points each, 0 for the exercises listed.
CLASS = {
    "solved": (SOLVED, set()),
    "untouched": ({}, set(EXERCISES)),
    "one_bug": ({**SOLVED, "linear_backward": NO_1_OVER_M}, {"linear_backward"}),
    "three_bugs": ({**SOLVED, "compute_cost": COST_NO_MINUS, "linear_activation_forward": RELU_FOR_SIGMOID,
                    "update_parameters": UPDATE_PLUS},
                   {"compute_cost", "linear_activation_forward", "update_parameters"}),
    "rebind": (HOSTILE["rebind"], {"linear_backward"}),
    "transformer": (HOSTILE["transformer"], {"compute_cost"}),
    "patch_dnn_lab": (HOSTILE["patch_dnn_lab"], {"linear_forward"}),
    "instructor_tools": (HOSTILE["instructor_tools"], {"L_model_backward"}),
    "exit": (HOSTILE["exit"], {"linear_forward", "compute_cost"}),
    "segfault": (HOSTILE["segfault"], {"linear_backward"}),
    "swallow": (HOSTILE["swallow"], {"L_model_forward"}),
    "memory": (HOSTILE["memory"], {"update_parameters"}),
    "fork": (HOSTILE["fork"], set()),
    "print_mb": (HOSTILE["print_mb"], set()),
    "delete_files": (HOSTILE["delete_files"], set()),
    "stderr_debug": (HOSTILE["stderr_debug"], set()),
}


def _course(tmp_path, isolate=True):
    course = tmp_path / "course"
    proc = subprocess.run([sys.executable, "-m", "dnn_lab.cli", "course", "init", str(course), "--lang", "both"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with open(course / "nbgrader_config.py", "a") as f:
        f.write("\nc.DnnLabGrader.timeout = 4  # the hostile class hangs: keep the test short\n")
        if not isolate:
            f.write("c.DnnLabGrader.isolate = False\n")
    nbgrader("generate_assignment", "step_by_step", "--force", cwd=course)
    return course


def _submit(course, student, answers):
    release_nb = nbformat.read(course / "release" / "step_by_step" / "step_by_step.ipynb", as_version=4)
    target = course / "submitted" / student / "step_by_step"
    shutil.copytree(course / "release" / "step_by_step", target)
    nbformat.write(fill(release_nb, answers), target / "step_by_step.ipynb")


def _cell_scores(course, students):
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for s in students:
            sub = gb.find_submission_notebook("step_by_step", "step_by_step", s)
            out[s] = {g.name[:-len("_test")]: g.score for g in sub.grades}
    return out


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = _course(tmp_path_factory.mktemp("class"))
    for student, (answers, _) in CLASS.items():
        _submit(course, student, answers)
    proc = nbgrader("autograde", "step_by_step", "--create", "--force", cwd=course)
    nbgrader("generate_feedback", "step_by_step", "--force", cwd=course)
    return course, proc


def test_every_student_gets_exactly_what_their_code_deserves(graded_class):
    """Do full, empty, buggy and hostile submissions score exactly the exercises their real code solves?"""
    course, _ = graded_class
    scores = _cell_scores(course, CLASS)
    for student, (_, wrong) in CLASS.items():
        expected = {name: (0.0 if name in wrong else 10.0) for name in EXERCISES}
        assert scores[student] == expected, student


def test_every_student_gets_an_autograded_notebook_and_feedback(graded_class):
    """Does every student, hostile or not, get an autograded notebook and an HTML feedback without hidden cases?"""
    course, _ = graded_class
    # the hostile ones deleted nothing of the course: config, gradebook, source and the others' work
    assert (course / "nbgrader_config.py").is_file() and (course / "gradebook.db").stat().st_size > 0
    assert (course / "source" / "step_by_step" / "step_by_step.ipynb").is_file()
    for student in CLASS:
        graded = course / "autograded" / student / "step_by_step" / "step_by_step.ipynb"
        assert graded.is_file(), student
        html = (course / "feedback" / student / "step_by_step" / "step_by_step.html").read_text()
        assert "hidden_cases" not in html and "BEGIN HIDDEN TESTS" not in html, student
        assert str(course / "source") not in html and "dnn_lab/checks" not in html, student


def test_grade_cells_carry_the_verdict_and_the_isolation_level(graded_class):
    """Does each grade cell hold our verdict (reason data, isolation footer) instead of kernel output?"""
    course, proc = graded_class
    nb = nbformat.read(course / "autograded" / "one_bug" / "step_by_step" / "step_by_step.ipynb", as_version=4)
    cells = {grade_id(c): c for c in nb.cells}
    failed = cells["linear_backward_test"].outputs
    assert [o.output_type for o in failed] == ["display_data", "error"]
    assert "data-reason='public'" in failed[0].data["text/html"]
    assert "isolation: bwrap" in failed[0].data["text/plain"]
    passed = cells["linear_forward_test"].outputs
    assert [o.output_type for o in passed] == ["display_data"]
    assert "data-reason='passed'" in passed[0].data["text/html"]
    assert "isolation: bwrap" in proc.stdout + proc.stderr


def test_hostile_reasons_are_named(graded_class):
    """Are exit, segfault, swallowed interrupts and memory blow-ups each named in the verdict?"""
    course, _ = graded_class

    def reason(student, exercise):
        nb = nbformat.read(course / "autograded" / student / "step_by_step" / "step_by_step.ipynb", as_version=4)
        cell = next(c for c in nb.cells if grade_id(c) == f"{exercise}_test")
        return re.search(r"data-reason='(\w+)'", cell.outputs[0].data["text/html"]).group(1)
    assert reason("exit", "linear_forward") == "exited"
    assert reason("segfault", "linear_backward") == "crashed"
    assert reason("swallow", "L_model_forward") == "timeout"
    assert reason("memory", "update_parameters") == "memory"
    assert reason("untouched", "linear_backward") == "not_implemented"


def test_without_isolation_one_bug_costs_the_dependants_too(tmp_path):
    """With c.DnnLabGrader.isolate = False, does a wrong linear_backward also fail the two exercises calling it?"""
    course = _course(tmp_path, isolate=False)
    _submit(course, "one_bug", {**SOLVED, "linear_backward": NO_1_OVER_M})
    nbgrader("autograde", "step_by_step", "--create", "--force", cwd=course)
    scores = _cell_scores(course, ["one_bug"])["one_bug"]
    wrong = {"linear_backward", "linear_activation_backward", "L_model_backward"}
    assert scores == {name: (0.0 if name in wrong else 10.0) for name in EXERCISES}
