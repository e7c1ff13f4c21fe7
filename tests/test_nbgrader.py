"""The instructor workflow with the real nbgrader commands on a temporary course."""
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from dnn_lab.dev import nbgrader
from nbutil import fill, grade_id, hidden_test_lines, solution_lines, solution_sources

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]
CJK = re.compile(r"[\u4e00-\u9fff]")
EXERCISES = ("initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
             "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward",
             "L_model_backward", "update_parameters")


def course_init(path, lang):
    proc = subprocess.run([sys.executable, "-m", "dnn_lab.cli", "course", "init", str(path), "--lang", lang],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture(scope="module", params=["zh", "en", "both"])
def released(request, tmp_path_factory):
    course = course_init(tmp_path_factory.mktemp(f"course-{request.param}") / "course", request.param)
    nbgrader("generate_assignment", "step_by_step", "--force", cwd=course)
    release = course / "release" / "step_by_step"
    return request.param, course, release, nbformat.read(release / "step_by_step.ipynb", as_version=4)


def test_course_init_writes_a_complete_course(tmp_path):
    """Does `dnn-lab course init` write the config (stub, timeout, language, ignore pattern) and the sources?"""
    course = course_init(tmp_path / "c", "zh")
    config = (course / "nbgrader_config.py").read_text()
    for needle in ('"zh"', "# YOUR CODE STARTS HERE", "# YOUR CODE ENDS HERE", "c.Execute.timeout",
                   "LanguagePreprocessor", "DnnLabGrader"):
        assert needle in config
    for name in ("step_by_step.ipynb", "dnn_utils.py", "testCases.py", "public_tests.py"):
        assert (course / "source" / "step_by_step" / name).is_file()
    # a second run keeps what is there
    (course / "nbgrader_config.py").write_text(config + "\n# mine\n")
    course_init(course, "en")
    assert (course / "nbgrader_config.py").read_text().endswith("# mine\n")


def test_student_version_has_stubs_and_no_solutions(released):
    """Has every exercise a valid stub, and is no solution line or hidden test left?"""
    lang, course, release, nb = released
    text = "\n".join(c.source for c in nb.cells)
    for line in solution_lines() | hidden_test_lines():
        assert line not in text, line
    stubs = {grade_id(c): c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}
    assert set(stubs) == set(EXERCISES)
    for name, src in stubs.items():
        assert "# YOUR CODE STARTS HERE" in src and "raise NotImplementedError()" in src
        compile(src, name, "exec")  # valid Python
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(tests) == 10 and all(c.metadata["nbgrader"]["locked"] for c in tests)
    assert all("BEGIN HIDDEN TESTS" not in c.source for c in tests)
    assert sorted(p.name for p in (release / "images").glob("*.png"))


def test_student_version_speaks_the_chosen_language(released):
    """Does the student version keep only the chosen language, and set the checks' language to match?"""
    lang, course, release, nb = released
    prose = [c for c in nb.cells if c.cell_type == "markdown"]
    langs = {c.metadata.get("dnn_lab", {}).get("lang") for c in prose}
    assert langs == ({"zh", "en"} if lang == "both" else {lang})
    setup = next(c for c in nb.cells if grade_id(c) == "setup")
    assert f'set_language("{lang}")' in setup.source
    if lang == "en":
        assert not any(CJK.search(c.source) for c in prose)
        assert not any(CJK.search(c.source) for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    if lang == "zh":
        assert all(CJK.search(c.source) for c in prose)


def _submission(course, release_nb, student, answers):
    target = course / "submitted" / student / "step_by_step"
    shutil.copytree(course / "release" / "step_by_step", target)
    nb = fill(nbformat.from_dict(release_nb), answers)
    nbformat.write(nb, target / "step_by_step.ipynb")


WRONG = {
    "initialize_parameters": "def initialize_parameters(n_x, n_h, n_y):\n    np.random.seed(1)\n"
                             "    return {'W1': np.random.randn(n_h, n_x), 'b1': np.zeros((n_h, 1)),\n"
                             "            'W2': np.random.randn(n_y, n_h), 'b2': np.zeros((n_y, 1))}\n",
    "compute_cost": "def compute_cost(AL, Y):\n    m = Y.shape[1]\n"
                    "    return np.squeeze(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)\n",
    "update_parameters": "def update_parameters(params, grads, learning_rate):\n"
                         "    parameters = copy.deepcopy(params)\n    for l in range(1, len(params) // 2 + 1):\n"
                         "        parameters[f'W{l}'] = params[f'W{l}'] + learning_rate * grads[f'dW{l}']\n"
                         "        parameters[f'b{l}'] = params[f'b{l}'] + learning_rate * grads[f'db{l}']\n"
                         "    return parameters\n",
}


def test_autograde_full_zero_partial_and_warnings(tmp_path):
    """Does autograde give full marks to solutions, 0 to the stub, 70 to three wrong answers, and ignore RuntimeWarnings?"""
    from nbgrader.api import Gradebook
    course = course_init(tmp_path / "course", "both")
    nbgrader("generate_assignment", "step_by_step", "--force", cwd=course)
    release_nb = nbformat.read(course / "release" / "step_by_step" / "step_by_step.ipynb", as_version=4)
    solved = solution_sources()
    noisy = dict(solved)
    noisy["compute_cost"] = ("import warnings\nwarnings.simplefilter('always', RuntimeWarning)\n"
                             + solved["compute_cost"].replace(
                                 "    m = Y.shape[1]", "    m = Y.shape[1]\n    np.log(np.zeros(1))"))
    _submission(course, release_nb, "solved", solved)
    _submission(course, release_nb, "untouched", {})
    _submission(course, release_nb, "three_wrong", {**solved, **WRONG})
    _submission(course, release_nb, "noisy", noisy)
    nbgrader("autograde", "step_by_step", "--create", "--force", cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: gb.find_submission("step_by_step", s).score for s in ("solved", "untouched", "three_wrong", "noisy")}
        max_score = gb.find_assignment("step_by_step").max_score
    assert max_score == 100
    assert scores == {"solved": 100, "untouched": 0, "three_wrong": 70, "noisy": 100}
    # the warning really was emitted on stderr in the graded notebook, and ignored
    graded = nbformat.read(course / "autograded" / "noisy" / "step_by_step" / "step_by_step.ipynb", as_version=4)
    assert any("compute_cost" == grade_id(c) for c in graded.cells)
    nbgrader("generate_feedback", "step_by_step", "--force", cwd=course)
    for student in scores:
        html = (course / "feedback" / student / "step_by_step" / "step_by_step.html").read_text()
        assert "step_by_step" in html and str(scores[student]) in html
