"""The checks of Part 2 (two_layer_model, L_layer_model, predict): the source
notebook's solutions pass, correct alternatives pass, and deliberately wrong
versions fail at the intended step with the intended hint listed first.

A wrong version is the solution cell's source with one edit (``old`` → ``new``,
asserted to apply), executed in a copy of the solutions namespace, so it sees
the correct Part 1 functions and the provided helpers, as in the notebook.
"""
import numpy as np
import pytest

from dnn_lab.checks import run_checks
from dnn_lab.checks.registry import ASSIGNMENTS, get_exercise
from dnn_lab.checks.two_layer_model import provided
from dnn_lab.dev import expected_data, load_solutions
from nbutil import solution_sources

APP = ASSIGNMENTS["application"]


@pytest.fixture(scope="module")
def solutions():
    return provided(load_solutions("application"))


@pytest.fixture(scope="module")
def sources():
    return solution_sources("application")


def build(solutions, source, name, edits=(), **extra):
    """The function ``name`` from ``source`` after the (old, new) ``edits``."""
    for old, new in edits:
        assert old in source, f"edit does not apply: {old!r}"
        source = source.replace(old, new)
    namespace = dict(solutions)
    namespace.update(extra)
    exec(compile(source, f"<wrong {name}>", "exec"), namespace)
    return namespace[name]


def test_every_application_exercise_is_registered_with_cases_and_steps():
    """Does each Part 2 exercise have several cases and its documented step ids?"""
    assert APP == ("two_layer_model", "L_layer_model", "predict")
    for name in APP:
        ex = get_exercise(name)
        assert ex.assignment == "application" and len(ex.cases) >= 3
    model_steps = ["init", "forward", "cost", "backward", "update", "costs", "result"]
    assert get_exercise("two_layer_model").steps(None) == model_steps
    assert get_exercise("L_layer_model").steps(None) == model_steps
    assert get_exercise("predict").steps(None) == ["forward", "threshold", "accuracy"]


@pytest.mark.parametrize("name", APP)
def test_solution_passes_every_case(solutions, name):
    """Does the source notebook's solution pass every case, with no hint at all?"""
    report = run_checks(name, solutions[name], lang="en")
    assert report.passed, [f.text for f in report.failures]
    assert report.failed_step is None and report.hints == []
    assert all(c.passed for c in report.cases)


def test_expected_data_is_fresh():
    """Is the committed application.npz exactly what the solutions produce now?"""
    from importlib import resources
    fresh = expected_data("application")
    ref = resources.files("dnn_lab.checks") / "expected" / "application.npz"
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        committed = {k: npz[k] for k in npz.files}
    assert sorted(fresh) == sorted(committed)
    for key in fresh:
        assert fresh[key].shape == committed[key].shape, key
        # A few ulps apart at most: BLAS kernels round differently on different CPUs; a stale
        # value differs in far more than the last bit.
        assert fresh[key].dtype == committed[key].dtype, key
        if fresh[key].dtype.kind in "fc":
            assert np.allclose(fresh[key], committed[key], rtol=1e-12, atol=1e-14, equal_nan=True), key
        else:
            assert np.array_equal(fresh[key], committed[key]), key


@pytest.mark.parametrize("name", ["two_layer_model", "L_layer_model"])
def test_expected_costs_match_the_recorded_first_iteration(name):
    """Are the recorded costs consistent: costs[0] is cost0, one cost per recorded iteration?"""
    from dnn_lab.checks.expected import expected_for
    from dnn_lab.checks.two_layer_model import recorded_iterations
    for case in get_exercise(name).cases:
        exp = expected_for("application", name, case.id)
        assert np.isclose(exp["costs"][0], exp["cost0"])
        assert len(exp["costs"]) == len(recorded_iterations(case.dims["iterations"]))


# ---- two_layer_model ---------------------------------------------------------------------

RECORD = "        if i % 100 == 0 or i == num_iterations - 1:\n            costs.append(cost)\n"
UPDATE = "parameters = update_parameters(parameters, grads, learning_rate)"

TWO_LAYER_WRONG = {
    "update_discarded": ([(UPDATE, "update_parameters(parameters, grads, learning_rate)")],
                         "update", "cost_not_decreasing"),
    "costs_every_iteration": ([("if i % 100 == 0 or i == num_iterations - 1:", "if True:")],
                              "costs", "wrong_cost_interval"),
    "costs_without_last": ([("if i % 100 == 0 or i == num_iterations - 1:", "if i % 100 == 0:")],
                           "costs", "wrong_cost_interval"),
    "last_cost_twice": ([(RECORD, "        if i % 100 == 0:\n            costs.append(cost)\n"
                                  "        if i == num_iterations - 1:\n            costs.append(cost)\n")],
                        "costs", "wrong_cost_interval"),
    "deep_initializer": ([("initialize_parameters(n_x, n_h, n_y)", "initialize_parameters_deep([n_x, n_h, n_y])")],
                         "init", "wrong_initializer"),
    "scaled_initializer": ([("initialize_parameters(n_x, n_h, n_y)",
                             "initialize_parameters_deep_scaled(layers_dims)")], "init", "wrong_initializer"),
    "fixed_learning_rate": ([(UPDATE, "parameters = update_parameters(parameters, grads, 0.0075)")],
                            "update", "ignores_learning_rate"),
    "returns_costs_first": ([("return parameters, costs", "return costs, parameters")],
                            "result", "wrong_return_structure"),
    "returns_parameters_only": ([("return parameters, costs", "return parameters")],
                                "result", "wrong_return_structure"),
    "sigmoid_hidden_layer": ([('linear_activation_forward(X, W1, b1, "relu")',
                               'linear_activation_forward(X, W1, b1, "sigmoid")')], "forward", "wrong_value"),
    "dA2_sign": ([("dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))",
                   "dA2 = np.divide(Y, A2) - np.divide(1 - Y, 1 - A2)")], "backward", "sign_error"),
    "relu_backward_on_output": ([('linear_activation_backward(dA2, cache2, "sigmoid")',
                                  'linear_activation_backward(dA2, cache2, "relu")')], "backward", "wrong_value"),
    "cost_arguments_swapped": ([("compute_cost(A2, Y)", "compute_cost(Y, A2)")], "cost", "wrong_value"),
    "one_iteration_short": ([("for i in range(num_iterations):", "for i in range(num_iterations - 1):")],
                            "update", "loop_bounds"),
    # A helper that does not exist: undefined_name ("did you mean compute_cost?") since issue 11.
    "misspelt_helper": ([("compute_cost(A2, Y)", "compute_costs(A2, Y)")], "cost", "undefined_name"),
    "stub": ([("parameters = initialize_parameters(n_x, n_h, n_y)", "raise NotImplementedError()")],
             "init", "not_implemented"),
}


@pytest.mark.parametrize("variant", sorted(TWO_LAYER_WRONG))
def test_two_layer_model_wrong_versions_fail_at_the_intended_step(solutions, sources, variant):
    """Does each wrong two_layer_model fail at its step with its hint first?"""
    edits, step, hint = TWO_LAYER_WRONG[variant]
    fn = build(solutions, sources["two_layer_model"], "two_layer_model", edits)
    report = run_checks("two_layer_model", fn, lang="en")
    assert not report.passed
    assert (report.failed_step, report.hints[0]) == (step, hint), [f.text for f in report.failures]


def test_two_layer_model_discarded_update_names_the_update(solutions, sources):
    """Is a discarded update reported with its own message, not a generic value mismatch?"""
    fn = build(solutions, sources["two_layer_model"], "two_layer_model", TWO_LAYER_WRONG["update_discarded"][0])
    report = run_checks("two_layer_model", fn, lang="en")
    assert report.failures[0].message_id == "msg.update_discarded"


@pytest.mark.parametrize("variant,message_id", [("costs_every_iteration", "msg.costs_every_iteration"),
                                                ("costs_without_last", "msg.costs_missing_final"),
                                                ("last_cost_twice", "msg.wrong_cost_count")])
def test_wrong_cost_interval_says_what_is_wrong(solutions, sources, variant, message_id):
    """Does each cost-recording mistake get its own message id?"""
    fn = build(solutions, sources["two_layer_model"], "two_layer_model", TWO_LAYER_WRONG[variant][0])
    report = run_checks("two_layer_model", fn, lang="en")
    assert message_id in {f.message_id for f in report.failures}


def test_two_layer_model_written_with_the_L_functions_passes(solutions, sources):
    """Is a two-layer model built on L_model_forward / L_model_backward accepted?"""
    loop = sources["two_layer_model"]
    start = loop.index("        W1, b1 = parameters")
    end = loop.index("        parameters = update_parameters")
    alternative = (loop[:start] + "        AL, caches = L_model_forward(X, parameters)\n"
                   "        cost = compute_cost(AL, Y)\n"
                   "        grads = L_model_backward(AL, Y, caches)\n" + loop[end:])
    fn = build(solutions, alternative, "two_layer_model")
    report = run_checks("two_layer_model", fn, lang="en")
    assert report.passed, [f.text for f in report.failures]


def test_two_layer_model_costs_as_floats_pass(solutions, sources):
    """Are costs stored as Python floats (instead of 0-d arrays) accepted?"""
    fn = build(solutions, sources["two_layer_model"], "two_layer_model",
               [("costs.append(cost)", "costs.append(float(cost))")])
    assert run_checks("two_layer_model", fn, lang="en").passed


def test_two_layer_model_reading_notebook_data_is_reported(solutions, sources):
    """Is a model that trains on a notebook global instead of X reported as uses_globals?"""
    fn = build(solutions, sources["two_layer_model"], "two_layer_model",
               [('linear_activation_forward(X, W1, b1, "relu")', 'linear_activation_forward(train_x, W1, b1, "relu")')],
               train_x=np.zeros((6, 12)))
    report = run_checks("two_layer_model", fn, lang="en")
    assert not report.passed and "uses_globals" in report.hints


# ---- L_layer_model ---------------------------------------------------------------------------

L_LAYER_WRONG = {
    "update_discarded": ([(UPDATE, "update_parameters(parameters, grads, learning_rate)")],
                         "update", "cost_not_decreasing"),
    "part1_initializer": ([("initialize_parameters_deep_scaled(layers_dims)", "initialize_parameters_deep(layers_dims)")],
                          "init", "wrong_initializer"),
    "costs_every_iteration": ([("if i % 100 == 0 or i == num_iterations - 1:", "if True:")],
                              "costs", "wrong_cost_interval"),
    "costs_without_last": ([("if i % 100 == 0 or i == num_iterations - 1:", "if i % 100 == 0:")],
                           "costs", "wrong_cost_interval"),
    "last_cost_twice": ([(RECORD, "        if i % 100 == 0:\n            costs.append(cost)\n"
                                  "        if i == num_iterations - 1:\n            costs.append(cost)\n")],
                        "costs", "wrong_cost_interval"),
    "fixed_learning_rate": ([(UPDATE, "parameters = update_parameters(parameters, grads, 0.0075)")],
                            "update", "ignores_learning_rate"),
    "returns_costs_first": ([("return parameters, costs", "return costs, parameters")],
                            "result", "wrong_return_structure"),
    "returns_a_dict": ([("return parameters, costs", 'return {"parameters": parameters, "costs": costs}')],
                       "result", "wrong_return_structure"),
    "hard_coded_depth": ([("initialize_parameters_deep_scaled(layers_dims)",
                           "initialize_parameters_deep_scaled(layers_dims[:3])")], "init", "exception"),
    "one_iteration_short": ([("for i in range(num_iterations):", "for i in range(num_iterations - 1):")],
                            "update", "loop_bounds"),
    "cost_of_flipped_labels": ([("cost = compute_cost(AL, Y)", "cost = compute_cost(AL, 1 - Y)")],
                               "cost", "wrong_value"),
    "backward_from_wrong_output": ([("grads = L_model_backward(AL, Y, caches)",
                                     "grads = L_model_backward(AL, 1 - Y, caches)")], "backward", "wrong_value"),
    "records_cost_after_update": ([("costs.append(cost)",
                                    "costs.append(compute_cost(L_model_forward(X, parameters)[0], Y))")],
                                  "costs", "wrong_value"),
    "stub": ([("parameters = initialize_parameters_deep_scaled(layers_dims)", "raise NotImplementedError()")],
             "init", "not_implemented"),
}


@pytest.mark.parametrize("variant", sorted(L_LAYER_WRONG))
def test_L_layer_model_wrong_versions_fail_at_the_intended_step(solutions, sources, variant):
    """Does each wrong L_layer_model fail at its step with its hint first?"""
    edits, step, hint = L_LAYER_WRONG[variant]
    fn = build(solutions, sources["L_layer_model"], "L_layer_model", edits)
    report = run_checks("L_layer_model", fn, lang="en")
    assert not report.passed
    assert (report.failed_step, report.hints[0]) == (step, hint), [f.text for f in report.failures]


def test_L_layer_model_part1_initializer_message_names_both_initializers(solutions, sources):
    """Does the wrong-initialiser failure name the one used and the one needed?"""
    fn = build(solutions, sources["L_layer_model"], "L_layer_model", L_LAYER_WRONG["part1_initializer"][0])
    failure = run_checks("L_layer_model", fn, lang="en").failures[0]
    assert failure.message_id == "msg.wrong_initializer"
    assert failure.params["got"].startswith("initialize_parameters_deep(")
    assert failure.params["expected"].startswith("initialize_parameters_deep_scaled(")


def test_L_layer_model_with_a_reused_grads_dict_passes(solutions, sources):
    """Is filling one grads dict again at every iteration (aliasing in the spies) accepted?"""
    fn = build(solutions, sources["L_layer_model"], "L_layer_model",
               [("grads = L_model_backward(AL, Y, caches)", "grads = {}\n        grads.update(L_model_backward(AL, Y, caches))")])
    assert run_checks("L_layer_model", fn, lang="en").passed


# ---- predict ------------------------------------------------------------------------------------

PREDICT_WRONG = {
    "threshold_inclusive": ([("(probas > 0.5)", "(probas >= 0.5)")], "threshold", "wrong_threshold"),
    "returns_probabilities": ([("p = (probas > 0.5).astype(int)", "p = probas")], "threshold", "wrong_threshold"),
    "flat_predictions": ([("(probas > 0.5).astype(int)", "(probas > 0.5).astype(int).ravel()")],
                         "threshold", "wrong_shape"),
    "inverted": ([("(probas > 0.5)", "(probas < 0.5)")], "threshold", "wrong_value"),
    "returns_tuple": ([("    return p", "    return p, accuracy")], "threshold", "wrong_return_structure"),
    "accuracy_as_sum": ([("accuracy = np.mean(p == y)", "accuracy = np.sum((p == y) / X.shape[1])")],
                        "accuracy", "accuracy_not_mean"),
    "error_rate": ([("accuracy = np.mean(p == y)", "accuracy = np.mean(p != y)")], "accuracy", "wrong_value"),
    "no_print": ([('    print("Accuracy: " + str(accuracy))\n', "")], "accuracy", "wrong_value"),
    "global_threshold": ([("(probas > 0.5)", "(probas > THRESHOLD)")], "forward", "uses_globals"),
    "transposed_input": ([("L_model_forward(X, parameters)", "L_model_forward(X.T, parameters)")],
                         "forward", "exception"),
    "stub": ([("probas, caches = L_model_forward(X, parameters)", "raise NotImplementedError()")],
             "forward", "not_implemented"),
}


@pytest.mark.parametrize("variant", sorted(PREDICT_WRONG))
def test_predict_wrong_versions_fail_at_the_intended_step(solutions, sources, variant):
    """Does each wrong predict fail at its step with its hint first?"""
    edits, step, hint = PREDICT_WRONG[variant]
    fn = build(solutions, sources["predict"], "predict", edits, THRESHOLD=0.5)
    report = run_checks("predict", fn, lang="en")
    assert not report.passed
    assert (report.failed_step, report.hints[0]) == (step, hint), [f.text for f in report.failures]


@pytest.mark.parametrize("edit", [("(probas > 0.5).astype(int)", "(probas > 0.5).astype(float)"),
                                  ("(probas > 0.5).astype(int)", "(probas > 0.5)"),
                                  ("accuracy = np.mean(p == y)", "accuracy = float(np.sum(p == y)) / y.shape[1]")])
def test_predict_alternatives_pass(solutions, sources, edit):
    """Are float or bool predictions and an exact count/m accuracy accepted?"""
    fn = build(solutions, sources["predict"], "predict", [edit])
    report = run_checks("predict", fn, lang="en")
    assert report.passed, [f.text for f in report.failures]


def test_predict_accuracy_line_is_not_a_stray_print_but_debug_output_is(solutions, sources):
    """Is the accuracy line expected output, while an extra debug print still warns?"""
    clean = run_checks("predict", solutions["predict"], lang="en")
    assert "prints_output" not in clean.hints
    noisy = build(solutions, sources["predict"], "predict",
                  [("    return p", '    print("debug", p.shape)\n    return p')])
    report = run_checks("predict", noisy, lang="en")
    assert report.passed and "prints_output" in report.hints


# ---- speed and language -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", APP)
def test_reports_exist_in_both_languages(solutions, sources, name):
    """Do failures of Part 2 render in zh, en and both (every message id has both languages)?"""
    wrong = {"two_layer_model": TWO_LAYER_WRONG["update_discarded"][0],
             "L_layer_model": L_LAYER_WRONG["part1_initializer"][0],
             "predict": PREDICT_WRONG["accuracy_as_sum"][0]}[name]
    fn = build(solutions, sources[name], name, wrong)
    for lang in ("zh", "en", "both"):
        report = run_checks(name, fn, lang=lang)
        assert report.failures and all(f.text for f in report.failures)
