"""Test-case generators: the reference cases of the original exercise (same
names, seeds and draw order — the expected outputs printed in the notebook depend
on them) and the extra cases the checks use (other shapes, m, depths, rates).

Everything here is input data; nothing computes an answer.
"""
import numpy as np

# --- reference cases (SPEC §2) ------------------------------------------------


def linear_forward_test_case():
    np.random.seed(1)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    return A, W, b


def linear_activation_forward_test_case():
    np.random.seed(2)
    A_prev = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    return A_prev, W, b


def L_model_forward_test_case_2hidden():
    np.random.seed(6)
    X = np.random.randn(5, 4)
    W1 = np.random.randn(4, 5)
    b1 = np.random.randn(4, 1)
    W2 = np.random.randn(3, 4)
    b2 = np.random.randn(3, 1)
    W3 = np.random.randn(1, 3)
    b3 = np.random.randn(1, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    return X, parameters


def compute_cost_test_case():
    Y = np.asarray([[1, 1, 0]])
    aL = np.array([[0.8, 0.9, 0.4]])
    return Y, aL


def linear_backward_test_case():
    np.random.seed(1)
    dZ = np.random.randn(3, 4)
    A = np.random.randn(5, 4)
    W = np.random.randn(3, 5)
    b = np.random.randn(3, 1)
    return dZ, (A, W, b)


def linear_activation_backward_test_case():
    np.random.seed(2)
    dA = np.random.randn(1, 2)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    Z = np.random.randn(1, 2)
    return dA, ((A, W, b), Z)


def L_model_backward_test_case():
    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])
    A1 = np.random.randn(4, 2)
    W1 = np.random.randn(3, 4)
    b1 = np.random.randn(3, 1)
    Z1 = np.random.randn(3, 2)
    A2 = np.random.randn(3, 2)
    W2 = np.random.randn(1, 3)
    b2 = np.random.randn(1, 1)
    Z2 = np.random.randn(1, 2)
    caches = (((A1, W1, b1), Z1), ((A2, W2, b2), Z2))
    return AL, Y, caches


def update_parameters_test_case():
    np.random.seed(2)
    W1 = np.random.randn(3, 4)
    b1 = np.random.randn(3, 1)
    W2 = np.random.randn(1, 3)
    b2 = np.random.randn(1, 1)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    np.random.seed(3)
    dW1 = np.random.randn(3, 4)
    db1 = np.random.randn(3, 1)
    dW2 = np.random.randn(1, 3)
    db2 = np.random.randn(1, 1)
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return parameters, grads


# --- building blocks for the extra cases ------------------------------------


def random_parameters(seed, layer_dims, scale=1.0):
    """W1..WL, b1..bL with W_l (n_l, n_{l-1}) and b_l (n_l, 1), standard normal."""
    rng = np.random.RandomState(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = rng.randn(layer_dims[l], layer_dims[l - 1]) * scale
        params[f"b{l}"] = rng.randn(layer_dims[l], 1) * scale
    return params


def random_forward_caches(seed, layer_dims, m):
    """Per layer ((A_prev, W, b), Z) with random arrays of consistent shapes,
    plus AL in (0, 1) and binary Y (1, m) — inputs for L_model_backward."""
    rng = np.random.RandomState(seed)
    caches = []
    for l in range(1, len(layer_dims)):
        A_prev = rng.randn(layer_dims[l - 1], m)
        W = rng.randn(layer_dims[l], layer_dims[l - 1])
        b = rng.randn(layer_dims[l], 1)
        Z = rng.randn(layer_dims[l], m)
        caches.append(((A_prev, W, b), Z))
    AL = rng.uniform(0.05, 0.95, size=(layer_dims[-1], m))
    Y = (rng.uniform(size=(layer_dims[-1], m)) > 0.5).astype(float)
    return AL, Y, caches


def randn(seed, *shapes):
    rng = np.random.RandomState(seed)
    return tuple(rng.randn(*s) for s in shapes)
