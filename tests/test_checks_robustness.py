"""run_checks never crashes for the student's faults and names them: stubs,
exceptions, hangs, prints, garbage return values, notebook globals, in-place changes."""
import inspect
import time

import numpy as np
import pytest

from dnn_lab.checks import EXERCISES, run_checks
from dnn_lab.checks.registry import get_exercise
from dnn_lab.checks.report import FAILED, NOT_REACHED
from dnn_lab.messages import MESSAGES


def _first_step(exercise):
    ex = get_exercise(exercise)
    return ex.steps(ex.cases[0])[0]


def _stub_raising(*args):
    raise NotImplementedError


def _stub_none(*args):
    # YOUR CODE STARTS HERE
    pass
    # YOUR CODE ENDS HERE


@pytest.mark.parametrize("stub", [_stub_raising, _stub_none, None, "not a function"],
                         ids=["raises", "returns_None", "None", "string"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_stub_is_not_implemented(exercise, stub):
    """Is an untouched stub (raising NotImplementedError, returning None, or missing) reported as not_implemented?"""
    report = run_checks(exercise, stub, lang="both")
    assert not report.passed
    assert report.hints == ["not_implemented"]
    assert report.failed_step == _first_step(exercise)
    assert [f.message_id for f in report.failures] in (["msg.not_implemented"], ["msg.not_implemented_raised"])
    # One finding is enough: the other cases are not run.
    assert all(state == NOT_REACHED for c in report.cases[1:] for state in c.steps.values())


# ---- exceptions -----------------------------------------------------------------------------


def lb_shape_error(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.dot(W.T, dZ)
    dW = np.dot(dZ, A_prev) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return dA_prev, dW, db


def test_exception_is_reported_with_the_students_line():
    """Is a shape error reported as exception, with its type and the line of the student's code?"""
    report = run_checks("linear_backward", lb_shape_error, lang="en")
    assert not report.passed and report.failed_step == "dW" and report.hints[0] == "exception"
    first = report.failures[0]
    assert first.message_id == "msg.exception"
    lines, start = inspect.getsourcelines(lb_shape_error)
    line = start + next(i for i, text in enumerate(lines) if "dW = np.dot(dZ, A_prev)" in text)
    assert first.params["line"] == line
    assert first.params["exc_type"] == "ValueError"
    assert first.params["code"] == "dW = np.dot(dZ, A_prev) / m"


class Boom(BaseException):
    pass


@pytest.mark.parametrize("exc", [SystemExit(1), Boom()], ids=["SystemExit", "BaseException"])
def test_system_exit_and_base_exceptions_do_not_escape(exc):
    """Does a function raising SystemExit or another BaseException get a report instead of stopping the caller?"""
    def quitter(A, W, b):
        raise exc

    report = run_checks("linear_forward", quitter, lang="en")
    assert not report.passed and report.hints[0] == "exception"
    assert report.failures[0].params["exc_type"] == type(exc).__name__


# ---- hangs ------------------------------------------------------------------------------------


def spins(A, W, b):
    while True:
        pass


def sleeps(A, W, b):
    time.sleep(30)
    return np.dot(W, A) + b, (A, W, b)


@pytest.mark.parametrize("fn", [spins, sleeps], ids=["while_true", "sleep_30"])
def test_hanging_function_times_out_within_the_limit(fn):
    """Does a function that never returns come back as timeout within timeout + 2 s?"""
    started = time.perf_counter()
    report = run_checks("linear_forward", fn, lang="en", timeout=1)
    elapsed = time.perf_counter() - started
    assert elapsed < 1 + 2
    assert not report.passed and report.hints == ["timeout"] and report.failed_step == "Z"
    assert report.failures[0].params["seconds"] == "1"
    assert report.cases[0].steps["Z"] == FAILED
    assert all(state == NOT_REACHED for c in report.cases[1:] for state in c.steps.values())


# ---- printing --------------------------------------------------------------------------------


def lf_prints(A, W, b):
    Z = np.dot(W, A) + b
    print("Z =", Z)
    return Z, (A, W, b)


def test_printing_is_a_warning_not_a_failure(capsys):
    """Does a correct function that prints pass, with prints_output listed as a warning?"""
    report = run_checks("linear_forward", lf_prints, lang="en")
    assert report.passed and report.failed_step is None
    assert report.hints == ["prints_output"]
    assert report.failures == []
    assert {w.hint for w in report.warnings} == {"prints_output"}
    assert all(w.warning and w.message_id == "msg.prints_output" for w in report.warnings)
    assert capsys.readouterr().out == ""


def lf_prints_and_wrong(A, W, b):
    print("debugging")
    return np.dot(W, A), (A, W, b)


def test_printing_hint_comes_after_the_failure():
    """When a function prints and is wrong, is the failure's hint first and prints_output after it?"""
    report = run_checks("linear_forward", lf_prints_and_wrong, lang="en")
    assert not report.passed and report.hints == ["wrong_value", "prints_output"]


# ---- garbage return values ---------------------------------------------------------------------


class Evil:
    """Refuses to be read as an array or compared."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")

    def __eq__(self, other):
        raise RuntimeError("no")

    def __len__(self):
        raise RuntimeError("no")

    __hash__ = object.__hash__


NESTED_NONE = {
    "initialize_parameters": {"W1": None, "b1": None, "W2": None, "b2": None},
    "initialize_parameters_deep": {"W1": None, "b1": None, "W2": None, "b2": None},
    "linear_forward": (None, None),
    "linear_activation_forward": (None, (None, None)),
    "L_model_forward": (None, [None]),
    "compute_cost": [None],
    "linear_backward": (None, None, None),
    "linear_activation_backward": [None, None, None],
    "L_model_backward": {"dA0": None, "dA1": None, "dW1": None, "dW2": None, "db1": None, "db2": None},
    "update_parameters": {"W1": None, "b1": None, "W2": None, "b2": None},
}


@pytest.mark.parametrize("kind", ["string", "nested_none", "evil_object", "evil_inside"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_garbage_return_value_is_wrong_type(exercise, kind):
    """Does a string, a structure full of None or an unreadable object come back as wrong_type, never a crash?"""
    value = {"string": "garbage", "nested_none": NESTED_NONE[exercise], "evil_object": Evil(),
             "evil_inside": _with_evil(NESTED_NONE[exercise])}[kind]

    def returns_garbage(*args):
        return value

    report = run_checks(exercise, returns_garbage, lang="both")
    ex = get_exercise(exercise)
    assert not report.passed
    assert report.hints[0] == "wrong_type", report.as_dict()["failures"][:2]
    assert report.failed_step in ex.steps(ex.cases[0])
    assert all(f.text for f in report.failures)


def _with_evil(structure):
    if isinstance(structure, dict):
        return {k: Evil() for k in structure}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_with_evil(v) for v in structure)
    return Evil()


# ---- notebook globals ------------------------------------------------------------------------------

NOTEBOOK = '''
import copy
import numpy as np

t_W = np.array([[1.0, 2.0, 3.0]])
lr = 0.1

class Shapes:
    @staticmethod
    def rows(a):
        return a.shape[0]

def my_dot(a, b):
    return np.dot(a, b)

def linear_forward_global(A, W, b):
    Z = np.dot(t_W, A) + b
    return Z, (A, W, b)

def linear_forward_global_but_right(A, W, b):
    scale = lr / lr
    Z = np.dot(W, A) * scale + b
    return Z, (A, W, b)

def linear_forward_tools(A, W, b):
    assert Shapes.rows(W) == W.shape[0]
    Z = my_dot(W, copy.deepcopy(A)) + b
    return Z, (A, W, b)

def update_parameters_global(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] - lr * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] - lr * grads[f"db{l}"]
    return parameters
'''


@pytest.fixture
def notebook():
    namespace = {"__name__": "__main__"}
    exec(compile(NOTEBOOK, "<notebook cell>", "exec"), namespace)
    return namespace


def test_reading_a_global_array_is_uses_globals(notebook):
    """Is a function that reads a notebook array instead of its argument told uses_globals first?"""
    report = run_checks("linear_forward", notebook["linear_forward_global"], lang="en")
    assert not report.passed and report.failed_step == "Z" and report.hints[0] == "uses_globals"
    finding = report.failures[0]
    assert finding.message_id == "msg.uses_globals" and finding.params["names"] == "t_W"


def test_reading_a_global_fails_even_when_values_match(notebook):
    """Is reading a global number reported even though every value happens to be right?"""
    report = run_checks("linear_forward", notebook["linear_forward_global_but_right"], lang="en")
    assert not report.passed and report.hints == ["uses_globals"]
    assert report.failures[0].params["names"] == "lr"


def test_global_learning_rate_is_caught_by_values_and_globals(notebook):
    """Does update_parameters using a global rate report uses_globals first, and the wrong values too?"""
    report = run_checks("update_parameters", notebook["update_parameters_global"], lang="en")
    assert report.hints[0] == "uses_globals" and "wrong_value" in report.hints


def test_helpers_modules_and_classes_are_fine(notebook):
    """Does calling a notebook helper function, a module and a class keep the check passing?"""
    report = run_checks("linear_forward", notebook["linear_forward_tools"], lang="en")
    assert report.passed and report.hints == []


# ---- copies and in-place changes ------------------------------------------------------------------


def lf_scales_A_in_place(A, W, b):
    Z = np.dot(W, A) + b
    A *= 1.0001
    return Z, (A, W, b)


def test_in_place_change_of_an_input_is_mutates_inputs():
    """Is an in-place change of an argument reported as mutates_inputs, naming the argument?"""
    report = run_checks("linear_forward", lf_scales_A_in_place, lang="en")
    assert not report.passed and "mutates_inputs" in report.hints
    assert any(f.hint == "mutates_inputs" and f.params["what"] == "A" for f in report.failures)


def test_every_message_used_exists_for_each_finding():
    """Do the findings of these robustness reports use message ids that the catalog has?"""
    for exercise in EXERCISES:
        for fn in (_stub_raising, lambda *a: "garbage", lambda *a: Evil()):
            report = run_checks(exercise, fn, lang="en")
            assert all(f.message_id in MESSAGES for f in report.failures)


def _vandalize(value):
    """Change every array, dict and list reachable from ``value`` in place."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        value *= -3.0
    elif isinstance(value, dict):
        for v in value.values():
            _vandalize(v)
        value["junk"] = 1
    elif isinstance(value, (list, tuple)):
        for v in value:
            _vandalize(v)
        if isinstance(value, list):
            value.append("junk")


@pytest.mark.parametrize("exercise", EXERCISES)
def test_case_inputs_survive_a_function_that_wrecks_its_arguments(exercise, solutions):
    """After a function changes all its arguments in place, are the case inputs still pristine for the next run?"""
    from dnn_lab.checks.engine import case_inputs
    from dnn_lab.checks.student_call import same

    def wrecker(*args):
        for a in args:
            _vandalize(a)
        return "wrecked"

    report = run_checks(exercise, wrecker, lang="en")
    ex = get_exercise(exercise)
    assert len({f.case for f in report.failures}) == len(ex.cases)   # every case ran
    for case in ex.cases:
        assert same(case_inputs(ex, case), case.make()), case.id
    # Nothing leaked into the next run: the solution still passes.
    assert run_checks(exercise, solutions[exercise], lang="en").passed
