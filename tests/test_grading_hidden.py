"""Hidden cases: new inputs, expected values computed by the grader from the instructor's solutions."""
import copy

import nbformat
import numpy as np
import pytest

from dnn_lab.checks.registry import ALL_EXERCISES, get_exercise
from dnn_lab.grading.grade import build_hidden_cases, grade_notebook, hidden_specs, load_references
from nbutil import SOURCE, source_notebook

NOTEBOOKS = [SOURCE / "step_by_step" / "step_by_step.ipynb", SOURCE / "application" / "application.ipynb"]


def _flat(value):
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        return [a for v in value.values() for a in _flat(v)]
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in _flat(v)]
    return []


@pytest.fixture(scope="module")
def specs():
    out = {}
    for assignment in ("step_by_step", "application"):
        out.update(hidden_specs(source_notebook(assignment)))
    return out


def test_every_exercise_has_hidden_cases(specs):
    """Does the instructor's notebook give every one of the thirteen exercises at least one hidden case?"""
    assert set(specs) == set(ALL_EXERCISES)
    assert all(len(v) >= 1 for v in specs.values())


def test_hidden_inputs_are_not_public_inputs(specs):
    """Are hidden real-valued inputs different from every public case's inputs?"""
    for name, spec in specs.items():
        ex = get_exercise(name)
        public = [a for case in ex.cases for a in _flat(case.make())]
        for case in build_hidden_cases(name, spec):
            for array in _flat(case.make()):
                if len(np.unique(array)) <= 2:
                    continue   # labels Y in {0, 1} may coincide; every real-valued input must be new
                assert not any(array.shape == p.shape and np.allclose(array, p) for p in public), (name, case.id)


def _solved_nb():
    nb = copy.deepcopy(source_notebook("step_by_step"))
    return nb


def _set_cell(nb, grade_id, source):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
            return
    raise KeyError(grade_id)


LOOKUP = '''def linear_forward(A, W, b):
    """Returns the public expected Z when the inputs are a public case's (a copied answer table)."""
    from dnn_lab.checks.expected import expected_for
    from dnn_lab.checks.registry import get_exercise
    for case in get_exercise("linear_forward").cases:
        A2, W2, b2 = case.make()
        if A2.shape == A.shape and np.allclose(A2, A) and np.allclose(W2, W) and np.allclose(b2, b):
            return expected_for("step_by_step", "linear_forward", case.id)["Z"], (A, W, b)
    return np.zeros((W.shape[0], A.shape[1])), (A, W, b)
'''


def test_copying_public_expected_values_fails_the_hidden_cases():
    """Does a function that returns the shipped public expected values pass the Check but fail the grade?"""
    refs = load_references(NOTEBOOKS)
    nb = _solved_nb()
    _set_cell(nb, "linear_forward", LOOKUP)
    verdicts, level = grade_notebook(nb, "step_by_step", refs, lang="en")
    lf = verdicts["linear_forward"]
    assert lf.report.passed and not lf.passed and lf.reason == "hidden"
    assert not lf.hidden.passed and lf.hidden.failed_step == "Z"
    assert all(v.passed for k, v in verdicts.items() if k != "linear_forward")


def test_solutions_pass_every_hidden_case_of_both_assignments():
    """Do the instructor's own solutions pass every public and hidden case, in both assignments?"""
    refs = load_references(NOTEBOOKS)
    for assignment, path in (("step_by_step", NOTEBOOKS[0]), ("application", NOTEBOOKS[1])):
        verdicts, _ = grade_notebook(nbformat.read(str(path), as_version=4), assignment, refs, lang="en")
        assert {k: v.reason for k, v in verdicts.items()} == {k: "passed" for k in verdicts}
        assert all(v.hidden is not None and v.hidden.passed for v in verdicts.values())


def test_a_syntax_error_is_that_exercise_only():
    """Does a cell that does not parse cost only the exercise it defines, named as a cell error?"""
    refs = load_references(NOTEBOOKS)
    nb = _solved_nb()
    _set_cell(nb, "compute_cost", "def compute_cost(AL, Y):\n    return -np.mean(Y * np.log(AL)\n")
    verdicts, _ = grade_notebook(nb, "step_by_step", refs, lang="en")
    assert verdicts["compute_cost"].reason == "cell_error" and not verdicts["compute_cost"].passed
    assert all(v.passed for k, v in verdicts.items() if k != "compute_cost")


def test_a_notebook_global_read_is_uses_globals_as_in_the_check():
    """Does a function reading a demo cell's variable get uses_globals in the grade, as in the Check?"""
    refs = load_references(NOTEBOOKS)
    nb = _solved_nb()
    _set_cell(nb, "compute_cost", "def compute_cost(AL, Y):\n    m = t_Y.shape[1]\n"
                                  "    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)\n")
    nb.cells.append(nbformat.v4.new_code_cell("t_Y = np.zeros((1, 3))"))
    verdicts, _ = grade_notebook(nb, "step_by_step", refs, lang="en")
    cost = verdicts["compute_cost"]
    assert not cost.passed and cost.report.hints[0] == "uses_globals"
