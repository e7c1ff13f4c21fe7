"""Part 2 judges what happened at each iteration: what the spies record is a snapshot taken when the
call was made, so correct models that update their parameters in place or inline pass, and the
mistakes the spies exist for are still caught.  The checks never import dnn_lab.app."""
import ast
from pathlib import Path

import numpy as np
import pytest

import dnn_lab
from dnn_lab.checks import run_checks
from dnn_lab.checks.student_call import call_student, snapshot
from dnn_lab.checks.two_layer_model import provided
from dnn_lab.dev import load_solutions
from nbutil import solution_sources

UPDATE = "parameters = update_parameters(parameters, grads, learning_rate)"
INLINE_TWO = ('parameters["W1"] = W1 - learning_rate * dW1\n'
              '        parameters["b1"] = b1 - learning_rate * db1\n'
              '        parameters["W2"] = W2 - learning_rate * dW2\n'
              '        parameters["b2"] = b2 - learning_rate * db2')
IN_PLACE = 'for key in parameters:\n            parameters[key] -= learning_rate * grads["d" + key]'
IN_PLACE_ARRAYS = ('for l in range(1, len(parameters) // 2 + 1):\n'
                   '            W, b = parameters["W" + str(l)], parameters["b" + str(l)]\n'
                   '            W -= learning_rate * grads["dW" + str(l)]\n'
                   '            b -= learning_rate * grads["db" + str(l)]')

CORRECT_ALTERNATIVES = [
    ("two_layer_model", "inline_into_the_same_dict", [(UPDATE, INLINE_TWO)]),
    ("two_layer_model", "minus_equals_per_key", [(UPDATE, IN_PLACE)]),
    ("two_layer_model", "minus_equals_on_the_arrays", [(UPDATE, IN_PLACE_ARRAYS)]),
    ("L_layer_model", "minus_equals_per_key", [(UPDATE, IN_PLACE)]),
    ("L_layer_model", "minus_equals_on_the_arrays", [(UPDATE, IN_PLACE_ARRAYS)]),
    ("L_layer_model", "grads_dict_filled_in_place", [
        ("grads = L_model_backward(AL, Y, caches)", "grads.clear()\n        grads.update(L_model_backward(AL, Y, caches))"),
        ("costs = []", "costs = []\n    grads = {}")]),
]


@pytest.fixture(scope="module")
def solutions():
    return provided(load_solutions("application"))


def build(solutions, name, edits):
    source = solution_sources("application")[name]
    for old, new in edits:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    namespace = dict(solutions)
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace[name]


@pytest.mark.parametrize("name, variant, edits", CORRECT_ALTERNATIVES, ids=[f"{r[0]}-{r[1]}" for r in CORRECT_ALTERNATIVES])
def test_a_correct_model_that_updates_in_place_passes(solutions, name, variant, edits):
    """Does a correct model that writes its update into the same dict (or the same arrays) pass, instead
    of failing at 'init' because the recorded initial parameters were trained afterwards?"""
    report = run_checks(name, build(solutions, name, edits), lang="en")
    assert report.passed, [(f.step, f.hint, f.text) for f in report.failures[:3]]


@pytest.mark.parametrize("name", ["two_layer_model", "L_layer_model"])
def test_an_in_place_model_that_discards_nothing_but_uses_a_fixed_rate_still_fails(solutions, name):
    """With the same in-place update but a fixed learning rate, does the check still fail at 'update' (the
    snapshots do not hide real mistakes)?"""
    fn = build(solutions, name, [(UPDATE, IN_PLACE.replace("learning_rate *", "0.0075 *"))])
    report = run_checks(name, fn, lang="en")
    assert not report.passed and report.failed_step == "update", report.as_dict()["failures"][:2]


def test_a_discarded_update_is_still_caught(solutions):
    """Is a discarded update_parameters result still cost_not_decreasing at 'update' with snapshots?"""
    fn = build(solutions, "two_layer_model", [(UPDATE, "update_parameters(parameters, grads, learning_rate)")])
    report = run_checks("two_layer_model", fn, lang="en")
    assert (report.failed_step, report.hints[0]) == ("update", "cost_not_decreasing")


def helper(d):
    return {"W": d["W"] * 2}


def model(x):
    d = {"W": np.ones(2) * x}
    out = helper(d)
    d["W"] += 10
    out["W"] -= 100
    return out


def test_spies_record_the_values_of_the_moment():
    """Does a spy keep the arguments as passed and the result as returned, even when the caller changes
    both in place afterwards?"""
    call = call_student(model, (1.0,), ("x",), spy=("helper",))
    (args, kwargs, result), = call.spied["helper"]
    assert np.array_equal(args[0]["W"], [1.0, 1.0]) and np.array_equal(result["W"], [2.0, 2.0])
    original = {"a": [np.zeros(1)], "b": (np.ones(1), "s")}
    copied = snapshot(original)
    original["a"][0][0], original["b"][0][0] = 5, 5
    assert copied["a"][0][0] == 0 and copied["b"][0][0] == 1 and copied["b"][1] == "s"


def test_the_checks_never_import_the_app():
    """Do the modules of dnn_lab/checks/ import nothing from dnn_lab.app (a check reaching up into Part 2's
    helpers breaks the layering)?"""
    checks = Path(dnn_lab.__file__).parent / "checks"
    reaching_up = []
    for path in sorted(checks.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = "." * node.level + (node.module or "")
                if target in ("..app", "dnn_lab.app") or target.startswith(("..app.", "dnn_lab.app.")):
                    reaching_up.append((path.name, target))
            elif isinstance(node, ast.Import):
                reaching_up += [(path.name, a.name) for a in node.names if a.name.startswith("dnn_lab.app")]
    assert reaching_up == []
