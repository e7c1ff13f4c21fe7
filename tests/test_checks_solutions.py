"""The source notebook's solutions, and correct alternatives written differently,
pass every case of every exercise."""
import copy  # noqa: F401  (used by the functions once re-homed)

import numpy as np
import pytest

from dnn_lab.checks import EXERCISES, run_checks
from dnn_lab.checks.registry import get_exercise
from dnn_lab.checks.report import PASSED

# ruff: noqa: F821  (helpers and graded functions are globals of the notebook namespace)


def test_there_are_ten_exercises_with_at_least_three_cases_each():
    """Does every one of the ten exercises have the reference case plus at least two more?"""
    assert len(EXERCISES) == 10
    for name in EXERCISES:
        cases = get_exercise(name).cases
        assert len(cases) >= 3, name
        assert cases[0].id.startswith("reference"), name


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_solution_passes_every_case(exercise, lang, solutions):
    """Does the source notebook's solution pass every case, in every language?"""
    report = run_checks(exercise, solutions[exercise], lang=lang)
    assert report.passed, report.as_dict()["failures"][:3]
    assert (report.failed_step, report.hints, report.failures, report.warnings) == (None, [], [], [])
    assert len(report.cases) == len(get_exercise(exercise).cases)
    assert all(c.passed for c in report.cases)
    assert all(state == PASSED for c in report.cases for state in c.steps.values())
    assert report.lang == lang


# ---- correct alternatives ------------------------------------------------------------------


def init_fstrings(n_x, n_h, n_y):
    np.random.seed(1)
    params = {}
    for l, (rows, cols) in enumerate([(n_h, n_x), (n_y, n_h)], start=1):
        params[f"W{l}"] = np.random.randn(rows, cols) * 0.01
        params[f"b{l}"] = np.zeros(shape=(rows, 1))
    return params


def init_dict_call(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = 0.01 * np.random.randn(n_h, n_x)
    b1 = np.zeros((n_h, 1), dtype=float)
    W2 = np.multiply(np.random.randn(n_y, n_h), 0.01)
    b2 = np.zeros_like(W2[:, :1])
    return dict(W1=W1, b1=b1, W2=W2, b2=b2)


def deep_fstrings(layer_dims):
    np.random.seed(3)
    L = len(layer_dims) - 1
    parameters = {}
    for l in range(1, L + 1):
        parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / 100
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def lf_at(A, W, b):
    return W @ A + b, (A, W, b)


def lf_matmul_list(A, W, b):
    Z = np.add(np.matmul(W, A), b)
    return [Z, [A, W, b]]


def lf_method_dot(A, W, b):
    Z = W.dot(A) + b
    cache = (A, W, b)
    return Z, cache


def laf_by_hand(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = 1 / (1 + np.exp(-Z)) if activation == "sigmoid" else np.where(Z > 0, Z, 0.0)
    return A, [linear_cache, Z]


def laf_keywords(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A=A_prev, W=W, b=b)
    A, activation_cache = {"sigmoid": sigmoid, "relu": relu}[activation](Z)
    return A, (linear_cache, activation_cache)


def lmf_fstrings_keywords(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation="relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A_prev=A, W=parameters[f"W{L}"], b=parameters[f"b{L}"],
                                          activation="sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_by_hand_tuple(X, parameters):
    caches = ()
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        W, b = parameters["W%d" % l], parameters["b%d" % l]
        Z = np.matmul(W, A) + b
        caches += (((A, W, b), Z),)
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(Z, 0)
    return [A, caches]


def cost_mean(AL, Y):
    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))


def cost_dot_squeeze(AL, Y):
    m = Y.shape[1]
    cost = -(1 / m) * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


def cost_python_float(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL))) / m)


def lb_at_mean(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.mean(dZ, axis=1, keepdims=True)


def lb_matmul_list(dZ, cache):
    A_prev, W, b = cache
    m = dZ.shape[1]
    dW = (1 / m) * np.matmul(dZ, A_prev.T)
    db = (1 / m) * dZ.sum(axis=1).reshape(-1, 1)
    dA_prev = W.T.dot(dZ)
    return [dA_prev, dW, db]


def lab_multiply_by_hand(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = np.multiply(dA, Z > 0)
    else:
        s = 1 / (1 + np.exp(-Z))
        dZ = np.multiply(dA, np.multiply(s, 1 - s))
    return linear_backward(dZ, linear_cache)


def lab_everything_by_hand(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = dA * (Z > 0) if activation == "relu" else dA * np.exp(-Z) / (1 + np.exp(-Z)) ** 2
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.mean(axis=1, keepdims=True)


def lab_keywords(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA=dA, cache=activation_cache)
    else:
        dZ = sigmoid_backward(dA=dA, cache=activation_cache)
    return linear_backward(dZ=dZ, cache=linear_cache)


def lmb_keywords(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(
        dA=dAL, cache=caches[-1], activation="sigmoid")
    for l in reversed(range(L - 1)):
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = linear_activation_backward(
            activation="relu", dA=grads[f"dA{l + 1}"], cache=caches[l])
    return grads


def lmb_fstrings_lists(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(Y / AL) + (1 - Y) / (1 - AL)
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(
        dAL, list(caches[L - 1]), activation="sigmoid")
    for l in range(L - 1, 0, -1):
        dA_prev, dW, db = linear_activation_backward(grads[f"dA{l}"], caches[l - 1], activation="relu")
        grads.update({f"dA{l - 1}": dA_prev, f"dW{l}": dW, f"db{l}": db})
    return grads


def lmb_by_hand(AL, Y, caches):
    grads = {}
    L = len(caches)
    dA = np.divide(1 - Y, 1 - AL) - np.divide(Y, AL)
    for l in reversed(range(1, L + 1)):
        (A_prev, W, b), Z = caches[l - 1]
        m = A_prev.shape[1]
        if l == L:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = np.where(Z > 0, dA, 0)
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = np.mean(dZ, axis=1, keepdims=True)
        grads[f"dA{l - 1}"] = dA = W.T @ dZ
    return grads


def up_deepcopy_minus_equals(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters[f"W{l}"] -= learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] -= learning_rate * grads[f"db{l}"]
    return parameters


def up_comprehension(params, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in params.items()}


def up_copy_each_array(params, grads, learning_rate):
    parameters = {k: v.copy() for k, v in params.items()}
    for l in range(len(parameters) // 2):
        np.subtract(parameters[f"W{l + 1}"], learning_rate * grads[f"dW{l + 1}"], out=parameters[f"W{l + 1}"])
        np.subtract(parameters[f"b{l + 1}"], learning_rate * grads[f"db{l + 1}"], out=parameters[f"b{l + 1}"])
    return parameters


def lmf_last_layer_by_hand(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    W, b = parameters[f"W{L}"], parameters[f"b{L}"]
    Z = W @ A + b
    AL, activation_cache = sigmoid(Z)
    caches.append(((A, W, b), activation_cache))
    return AL, caches


ALTERNATIVES = [
    ("initialize_parameters", init_fstrings),
    ("initialize_parameters", init_dict_call),
    ("initialize_parameters_deep", deep_fstrings),
    ("linear_forward", lf_at),
    ("linear_forward", lf_matmul_list),
    ("linear_forward", lf_method_dot),
    ("linear_activation_forward", laf_by_hand),
    ("linear_activation_forward", laf_keywords),
    ("L_model_forward", lmf_fstrings_keywords),
    ("L_model_forward", lmf_by_hand_tuple),
    ("L_model_forward", lmf_last_layer_by_hand),
    ("compute_cost", cost_mean),
    ("compute_cost", cost_dot_squeeze),
    ("compute_cost", cost_python_float),
    ("linear_backward", lb_at_mean),
    ("linear_backward", lb_matmul_list),
    ("linear_activation_backward", lab_multiply_by_hand),
    ("linear_activation_backward", lab_everything_by_hand),
    ("linear_activation_backward", lab_keywords),
    ("L_model_backward", lmb_fstrings_lists),
    ("L_model_backward", lmb_keywords),
    ("L_model_backward", lmb_by_hand),
    ("update_parameters", up_deepcopy_minus_equals),
    ("update_parameters", up_comprehension),
    ("update_parameters", up_copy_each_array),
]


@pytest.mark.parametrize("exercise, fn", ALTERNATIVES, ids=[fn.__name__ for _, fn in ALTERNATIVES])
def test_correct_alternative_passes(exercise, fn, as_student):
    """Does a correct implementation written another way (@, matmul, mean, f-strings, lists…) pass?"""
    report = run_checks(exercise, as_student(fn), lang="en")
    assert report.passed, report.as_dict()["failures"][:3]
    assert report.hints == []


def test_alternatives_cover_every_exercise():
    """Is there at least one alternative for each of the ten exercises?"""
    assert {exercise for exercise, _ in ALTERNATIVES} == set(EXERCISES)
