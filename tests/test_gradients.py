"""The backward pass agrees with central finite differences of the forward pass,
so a wrong expected value cannot hide behind a wrong reference.

Convention of the exercise (the 1/m sits in dW and db): for a layer whose upstream
gradient is ``dA`` over m examples, define J = (1/m)·Σ dA ⊙ A_out.  Then
dW = ∂J/∂W, db = ∂J/∂b, and dA_prev = m·∂J/∂A_prev (a per-example gradient).
"""
import numpy as np
import pytest

from dnn_lab.checks.expected import expected_for
from dnn_lab.checks.registry import get_exercise
from dnn_lab.helpers import relu, sigmoid

EPS = 1e-6
RTOL, ATOL = 1e-5, 1e-7


def numeric_grad(f, x):
    """Central differences of the scalar ``f()`` with respect to the array ``x`` (changed in place, restored)."""
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + EPS
        plus = f()
        x[idx] = old - EPS
        minus = f()
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * EPS)
    return grad


def assert_close(got, want, what):
    assert got.shape == want.shape, what
    assert np.allclose(got, want, rtol=RTOL, atol=ATOL), f"{what}: max diff {np.max(np.abs(got - want)):.3g}"


def _away_from_kinks(Z):
    # relu is not differentiable at 0; keep finite differences away from it.
    assert np.min(np.abs(Z)) > 1e-3


# ---- one layer -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed, n_prev, n, m", [(1, 5, 3, 4), (2, 3, 1, 2), (3, 4, 4, 1), (4, 2, 3, 6)])
def test_linear_backward_matches_finite_differences(seed, n_prev, n, m, solutions):
    """Do dA_prev, dW and db of linear_backward match finite differences of linear_forward?"""
    rng = np.random.RandomState(seed)
    A, W, b, dZ = rng.randn(n_prev, m), rng.randn(n, n_prev), rng.randn(n, 1), rng.randn(n, m)
    forward = solutions["linear_forward"]

    def J():
        return np.sum(dZ * forward(A, W, b)[0]) / m

    _, cache = forward(A, W, b)
    dA_prev, dW, db = solutions["linear_backward"](dZ, cache)
    assert_close(dW, numeric_grad(J, W), "dW")
    assert_close(db, numeric_grad(J, b), "db")
    assert_close(dA_prev, m * numeric_grad(J, A), "dA_prev")


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
@pytest.mark.parametrize("seed, n_prev, n, m", [(5, 3, 1, 2), (6, 4, 3, 5), (7, 2, 3, 1)])
def test_linear_activation_backward_matches_finite_differences(seed, n_prev, n, m, activation, solutions):
    """Do the gradients of linear_activation_backward match finite differences of linear_activation_forward?"""
    rng = np.random.RandomState(seed)
    A, W, b, dA = rng.randn(n_prev, m), rng.randn(n, n_prev), rng.randn(n, 1), rng.randn(n, m)
    forward = solutions["linear_activation_forward"]

    def J():
        return np.sum(dA * forward(A, W, b, activation)[0]) / m

    _, cache = forward(A, W, b, activation)
    _away_from_kinks(cache[1])
    dA_prev, dW, db = solutions["linear_activation_backward"](dA, cache, activation)
    assert_close(dW, numeric_grad(J, W), "dW")
    assert_close(db, numeric_grad(J, b), "db")
    assert_close(dA_prev, m * numeric_grad(J, A), "dA_prev")


# ---- whole networks -----------------------------------------------------------------------------


def _network(seed, dims, m):
    rng = np.random.RandomState(seed)
    X = rng.randn(dims[0], m)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) * 0.8
        params[f"b{l}"] = rng.randn(dims[l], 1) * 0.3
    Y = (rng.rand(1, m) > 0.5).astype(float)
    return X, Y, params


def _tail(params, first, L):
    """Layers first..L of ``params`` renumbered 1..: the network that continues from A[first-1]."""
    return {f"{k}{l - first + 1}": params[f"{k}{l}"] for l in range(first, L + 1) for k in "Wb"}


@pytest.mark.parametrize("seed, dims, m", [
    (11, [4, 1], 5),            # 1 layer
    (12, [3, 4, 1], 4),         # 2 layers
    (13, [5, 4, 3, 1], 3),      # 3 layers
    (14, [2, 3, 3, 2, 1], 6),   # 4 layers
], ids=["1_layer", "2_layers", "3_layers", "4_layers"])
def test_L_model_backward_matches_finite_differences_of_the_cost(seed, dims, m, solutions):
    """Are the grads of L_model_backward the derivatives of compute_cost(L_model_forward(X, params), Y)?"""
    forward, cost = solutions["L_model_forward"], solutions["compute_cost"]
    X, Y, params = _network(seed, dims, m)
    L = len(dims) - 1
    AL, caches = forward(X, params)
    for (_, Z) in caches[:-1]:
        _away_from_kinks(Z)
    grads = solutions["L_model_backward"](AL, Y, caches)
    assert set(grads) == ({f"dA{l}" for l in range(L)} | {f"d{k}{l}" for l in range(1, L + 1) for k in "Wb"})

    def J():
        return float(cost(forward(X, params)[0], Y))

    for l in range(1, L + 1):
        assert_close(grads[f"dW{l}"], numeric_grad(J, params[f"W{l}"]), f"dW{l}")
        assert_close(grads[f"db{l}"], numeric_grad(J, params[f"b{l}"]), f"db{l}")
    assert_close(grads["dA0"], m * numeric_grad(J, X), "dA0")
    # dA_l for hidden l: perturb A_l and run the rest of the network from there.
    for l in range(1, L):
        A_l = caches[l][0][0].copy()
        tail = _tail(params, l + 1, L)

        def J_tail():
            return float(cost(forward(A_l, tail)[0], Y))
        assert_close(grads[f"dA{l}"], m * numeric_grad(J_tail, A_l), f"dA{l}")


def test_dAL_is_m_times_the_derivative_of_the_cost(solutions):
    """Is dAL (as L_model_backward hands it to the last layer) m·∂cost/∂AL?"""
    rng = np.random.RandomState(21)
    AL, Y = rng.uniform(0.05, 0.95, (1, 7)), (rng.rand(1, 7) > 0.5).astype(float)

    seen = []
    namespace = dict(solutions)
    inner = namespace["linear_activation_backward"]

    def spy(dA, cache, activation):
        seen.append(dA)
        return inner(dA, cache, activation)
    namespace["linear_activation_backward"] = spy
    backward = type(solutions["L_model_backward"])(solutions["L_model_backward"].__code__, namespace)
    cache = ((rng.randn(2, 7), rng.randn(1, 2), rng.randn(1, 1)), rng.randn(1, 7))
    backward(AL, Y, [cache])
    numeric = numeric_grad(lambda: float(solutions["compute_cost"](AL, Y)), AL)
    assert_close(seen[0], 7 * numeric, "dAL")


# ---- the stored expected data ------------------------------------------------------------------------


def _local_grads(dA, cache, g):
    """Finite-difference (dA_prev, dW, db) of one layer around its cache.

    The cases feed the backward pass caches drawn at random, so Z need not equal
    W·A_prev + b.  The backward pass only uses Z for the activation's slope, so
    expand around it: A_out = g(Z + (W'·A' + b') − (W·A_prev + b)).
    """
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    Wp, bp, Ap = W.copy(), b.copy(), A_prev.copy()
    base = W @ A_prev + b

    def J():
        return np.sum(dA * g(Z + (Wp @ Ap + bp) - base)) / m

    return m * numeric_grad(J, Ap), numeric_grad(J, Wp), numeric_grad(J, bp)


def _identity(Z):
    return Z


def _act(f):
    return lambda Z: f(Z)[0]


LB_CASES = [c.id for c in get_exercise("linear_backward").cases]
LAB_CASES = [c.id for c in get_exercise("linear_activation_backward").cases]
LMB_CASES = [c.id for c in get_exercise("L_model_backward").cases]


@pytest.mark.parametrize("case_id", LB_CASES)
def test_stored_linear_backward_data_matches_finite_differences(case_id):
    """Does the npz data of linear_backward agree with finite differences?"""
    case = next(c for c in get_exercise("linear_backward").cases if c.id == case_id)
    exp = expected_for("step_by_step", "linear_backward", case_id)
    dZ, (A, W, b) = case.make()
    dA_prev, dW, db = _local_grads(dZ, ((A, W, b), W @ A + b), _identity)
    assert_close(exp["dW"], dW, "dW")
    assert_close(exp["db"], db, "db")
    assert_close(exp["dA_prev"], dA_prev, "dA_prev")


@pytest.mark.parametrize("case_id", LAB_CASES)
def test_stored_linear_activation_backward_data_matches_finite_differences(case_id):
    """Does the npz data of linear_activation_backward agree with finite differences (both activations)?"""
    case = next(c for c in get_exercise("linear_activation_backward").cases if c.id == case_id)
    exp = expected_for("step_by_step", "linear_activation_backward", case_id)
    dA, cache, activation = case.make()
    _away_from_kinks(cache[1])
    other = {"sigmoid": "relu", "relu": "sigmoid"}[activation]
    for prefix, act in (("", activation), ("other/", other)):
        g = _act(sigmoid) if act == "sigmoid" else _act(relu)
        dA_prev, dW, db = _local_grads(dA, cache, g)
        assert_close(exp[prefix + "dW"], dW, prefix + "dW")
        assert_close(exp[prefix + "db"], db, prefix + "db")
        assert_close(exp[prefix + "dA_prev"], dA_prev, prefix + "dA_prev")


@pytest.mark.parametrize("case_id", LMB_CASES)
def test_stored_L_model_backward_data_matches_finite_differences_layer_by_layer(case_id):
    """Does each layer's npz gradient match finite differences, given the stored dA coming from above?"""
    case = next(c for c in get_exercise("L_model_backward").cases if c.id == case_id)
    exp = expected_for("step_by_step", "L_model_backward", case_id)
    AL, Y, caches = case.make()
    L = len(caches)
    for l in range(L, 0, -1):
        dA = exp["dAL"] if l == L else exp[f"dA{l}"]
        g = _act(sigmoid) if l == L else _act(relu)
        if l < L:
            _away_from_kinks(caches[l - 1][1])
        dA_prev, dW, db = _local_grads(dA, caches[l - 1], g)
        assert_close(exp[f"dW{l}"], dW, f"dW{l}")
        assert_close(exp[f"db{l}"], db, f"db{l}")
        assert_close(exp[f"dA{l - 1}"], dA_prev, f"dA{l - 1}")


# The reference case draws AL with randn (values outside (0, 1)), where the cost
# has no logarithm; the extra cases draw AL in (0.05, 0.95).
PROBABILITY_CASES = [c.id for c in get_exercise("L_model_backward").cases
                     if np.all((c.make()[0] > 0) & (c.make()[0] < 1))]


def test_most_L_model_backward_cases_have_probabilities_for_AL():
    """Are there at least three L_model_backward cases where AL is a probability, for the dAL check?"""
    assert len(PROBABILITY_CASES) >= 3


@pytest.mark.parametrize("case_id", PROBABILITY_CASES)
def test_stored_dAL_is_m_times_the_cost_derivative(case_id, solutions):
    """Is the stored dAL m·∂compute_cost/∂AL for the case's AL and Y?"""
    case = next(c for c in get_exercise("L_model_backward").cases if c.id == case_id)
    AL, Y, _ = case.make()
    AL = AL.astype(float).copy()
    numeric = numeric_grad(lambda: float(solutions["compute_cost"](AL, Y)), AL)
    assert_close(expected_for("step_by_step", "L_model_backward", case_id)["dAL"], AL.shape[1] * numeric, "dAL")
