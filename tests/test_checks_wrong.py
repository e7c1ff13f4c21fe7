"""Deliberately wrong implementations of the ten exercises: each must fail at the
intended step with the intended hint listed first.

The functions below are real Python; ``as_student`` moves each one into a
notebook-like namespace (numpy, copy, the helpers and the *correct* versions of
the other graded functions), which is what a student's function sees.
"""
import copy  # noqa: F401  (used by the functions once re-homed)

import numpy as np
import pytest

from dnn_lab.checks import run_checks
from dnn_lab.checks.registry import get_exercise

# The helpers and the other graded functions are globals of the notebook namespace
# each function is moved into; these names only exist there.
# ruff: noqa: F821

# ---- 1 initialize_parameters ---------------------------------------------------


def init_no_scale(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x)
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h)
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def init_seed_problem(n_x, n_h, n_y):
    np.random.seed(2)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def init_underscore_keys(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W_1": W1, "b_1": b1, "W_2": W2, "b_2": b2}


def init_random_bias(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.random.randn(n_h, 1) * 0.01
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def init_swapped_shape(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_x, n_h) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_h, n_y) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def init_returns_tuple(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return W1, b1, W2, b2


# ---- 2 initialize_parameters_deep ---------------------------------------------------


def deep_loop_short(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L - 1):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def deep_no_scale(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def deep_underscore_keys(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W_{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters[f"b_{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def deep_swapped_shape(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def deep_seed_in_loop(layer_dims):
    parameters = {}
    for l in range(1, len(layer_dims)):
        np.random.seed(3)
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def deep_hardcoded_two_layers(layer_dims):
    # Right for the reference [5, 4, 3] only.
    np.random.seed(3)
    parameters = {}
    for l in range(1, 3):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def deep_range_from_zero(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# ---- 3 linear_forward ----------------------------------------------------------------


def lf_missing_bias(A, W, b):
    Z = np.dot(W, A)
    return Z, (A, W, b)


def lf_transposed(A, W, b):
    Z = np.dot(A.T, W.T) + b.T
    return Z, (A, W, b)


def lf_elementwise(A, W, b):
    Z = W * A + b
    return Z, (A, W, b)


def lf_cache_without_b(A, W, b):
    Z = np.dot(W, A) + b
    return Z, (A, W)


def lf_scalar_bias(A, W, b):
    # Works while b has one row (the reference case) only.
    Z = np.dot(W, A) + float(b[0, 0])
    return Z, (A, W, b)


def lf_returns_dict(A, W, b):
    Z = np.dot(W, A) + b
    return {"Z": Z, "cache": (A, W, b)}


def lf_returns_Z_only(A, W, b):
    return np.dot(W, A) + b


def lf_wrong_shape(A, W, b):
    Z = np.dot(W, A).sum(axis=0, keepdims=True) + b[:1]
    return Z, (A, W, b)


# ---- 4 linear_activation_forward ---------------------------------------------------------


def laf_swapped(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = relu(Z)
    else:
        A, activation_cache = sigmoid(Z)
    return A, (linear_cache, activation_cache)


def laf_always_relu(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)


def laf_sigmoid_formula(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = 1 / (1 + np.exp(Z))
    else:
        A = np.maximum(0, Z)
    return A, (linear_cache, Z)


def laf_cache_holds_A(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, _ = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return A, (linear_cache, A)


def laf_no_bias(A_prev, W, b, activation):
    Z = np.dot(W, A_prev)
    A, activation_cache = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return A, ((A_prev, W, b), activation_cache)


# ---- 5 L_model_forward --------------------------------------------------------------------


def lmf_last_relu(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "relu")
    caches.append(cache)
    return AL, caches


def lmf_hidden_sigmoid(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "sigmoid")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_skips_a_layer(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L - 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_last_cache_missing(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    return AL, caches


def lmf_hidden_caches_missing(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_feeds_X_every_layer(X, parameters):
    caches = []
    L = len(parameters) // 2
    A = X
    for l in range(1, L):
        A, cache = linear_activation_forward(X, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_hardcoded_three_layers(X, parameters):
    # Right for the reference network (3 layers) only.
    caches = []
    A = X
    for l in range(1, 3):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W3"], parameters["b3"], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_by_hand_no_bias(X, parameters):
    # Does not use linear_activation_forward: the caches are all there is to check.
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A if l == 1 else W @ A + b
        caches.append(((A, W, b), Z))
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(0, Z)
    return A, caches


def lmf_hidden_loop_too_long(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_L_not_halved(X, parameters):
    caches = []
    A = X
    L = len(parameters)
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


# ---- 6 compute_cost --------------------------------------------------------------------------


def cost_forgot_m(AL, Y):
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


def cost_sign(AL, Y):
    m = Y.shape[1]
    cost = np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return np.squeeze(cost)


def cost_not_scalar(AL, Y):
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    return cost


def cost_axis_sum(AL, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), axis=1) / m


def cost_per_example(AL, Y):
    return -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))


def cost_hardcoded_m(AL, Y):
    # Right for the reference case (m = 3) only.
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / 3
    return np.squeeze(cost)


def cost_one_term(AL, Y):
    m = Y.shape[1]
    return np.squeeze(-np.sum(Y * np.log(AL)) / m)


# ---- 7 linear_backward -------------------------------------------------------------------------


def lb_dW_forgot_m(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True) / m


def lb_db_forgot_m(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True)


def lb_no_keepdims(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m


def lb_db_axis0(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=0, keepdims=True) / m


def lb_db_total_sum(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ) / m


def lb_dW_transposed(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(A_prev, dZ.T) / m
    return np.dot(W.T, dZ), dW, np.sum(dZ, axis=1, keepdims=True) / m


def lb_dA_transposed(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.dot(dZ.T, W)
    return dA_prev, np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def lb_dW_shape_error(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.dot(W.T, dZ)
    dW = np.dot(dZ, A_prev) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return dA_prev, dW, db


def lb_m_from_rows(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[0]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def lb_hardcoded_m(dZ, cache):
    # Right for the reference case (m = 4) only.
    A_prev, W, b = cache
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / 4, np.sum(dZ, axis=1, keepdims=True) / 4


def lb_dA_over_m(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ) / m, np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def lb_m_from_dZ_rows(dZ, cache):
    A_prev, W, b = cache
    m = dZ.shape[0]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


# ---- 8 linear_activation_backward -----------------------------------------------------------------


def lab_relu_for_sigmoid(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = relu_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def lab_swapped(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        dZ = relu_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def lab_skips_activation(dA, cache, activation):
    linear_cache, activation_cache = cache
    return linear_backward(dA, linear_cache)


def lab_sigmoid_by_hand(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = relu_backward(dA, Z)
    else:
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s
    return linear_backward(dZ, linear_cache)


def lab_linear_forgot_m(dA, cache, activation):
    (A_prev, W, b), Z = cache
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True)
    return np.dot(W.T, dZ), dW, db


def lab_linear_transposed(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    return np.dot(W.T, dZ), np.dot(A_prev, dZ.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def lab_linear_no_keepdims(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m


def lab_relu_by_hand_wrong(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = dA * (Z < 0) if activation == "relu" else sigmoid_backward(dA, Z)
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


# ---- 9 L_model_backward -----------------------------------------------------------------------------


def lmb_dAL_sign(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_last_relu(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "relu")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_hidden_sigmoid(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "sigmoid")
    return grads


def lmb_missing_first_layer(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(1, L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_extra_dAL_key(AL, Y, caches):
    grads = {}
    L = len(caches)
    grads["dA" + str(L)] = dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_next_cache(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l + 1], "relu")
    return grads


def lmb_hidden_gets_dAL(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(dAL, caches[l], "relu")
    return grads


def lmb_dAL_one_term(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -np.divide(Y, AL)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_by_hand_hidden_forgot_m(AL, Y, caches):
    # No linear_activation_backward: only the returned grads can be compared.
    grads = {}
    L = len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        m = A_prev.shape[1]
        dZ = sigmoid_backward(dA, Z) if l == L else relu_backward(dA, Z)
        scale = m if l == L else 1
        grads[f"dW{l}"] = dZ @ A_prev.T / scale
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / scale
        grads[f"dA{l - 1}"] = dA = W.T @ dZ
    return grads


def lmb_by_hand_last_transposed(AL, Y, caches):
    grads = {}
    L = len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        m = A_prev.shape[1]
        dZ = sigmoid_backward(dA, Z) if l == L else relu_backward(dA, Z)
        grads[f"dW{l}"] = (A_prev @ dZ.T / m) if l == L else dZ @ A_prev.T / m
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        grads[f"dA{l - 1}"] = dA = W.T @ dZ
    return grads


def lmb_hardcoded_two_layers(AL, Y, caches):
    # Right for the reference network (2 layers) only.
    grads = {}
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA1"], grads["dW2"], grads["db2"] = linear_activation_backward(dAL, caches[1], "sigmoid")
    grads["dA0"], grads["dW1"], grads["db1"] = linear_activation_backward(grads["dA1"], caches[0], "relu")
    return grads


def lmb_range_too_long(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


# ---- 10 update_parameters -----------------------------------------------------------------------------


def up_plus(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] + learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] + learning_rate * grads[f"db{l}"]
    return parameters


def up_loop_short(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L - 1):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def up_shallow_copy(params, grads, learning_rate):
    parameters = params.copy()
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] -= learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] -= learning_rate * grads[f"db{l}"]
    return parameters


def up_no_copy(params, grads, learning_rate):
    for l in range(1, len(params) // 2 + 1):
        params[f"W{l}"] = params[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        params[f"b{l}"] = params[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return params


def up_no_copy_minus_equals(params, grads, learning_rate):
    L = len(params) // 2
    for l in range(L):
        params["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        params["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return params


def up_hardcoded_rate(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] - 0.1 * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] - 0.1 * grads[f"db{l}"]
    return parameters


def up_underscore_keys(params, grads, learning_rate):
    parameters = {}
    for l in range(1, len(params) // 2 + 1):
        parameters[f"W_{l}"] = params[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        parameters[f"b_{l}"] = params[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return parameters


def up_forgets_b(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
    return parameters


def up_hardcoded_two_layers(params, grads, learning_rate):
    # Right for the reference (2 layers) only.
    parameters = copy.deepcopy(params)
    for l in (1, 2):
        parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return parameters


def up_lr_squared(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate ** 2 * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return parameters


def up_range_from_zero(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


# ---- the table ------------------------------------------------------------------------------------------
# (exercise, wrong function, intended failed_step, intended first hint)
# Six rows once expected the generic wrong_value; since issue 11 the same step carries the specific id
# (wrong_layer_input, missing_term, extra_1_over_m) — the generic one is only a fallback.

WRONG = [
    ("initialize_parameters", init_no_scale, "W1", "wrong_init_scale"),
    ("initialize_parameters", init_seed_problem, "W1", "wrong_value"),
    ("initialize_parameters", init_underscore_keys, "W1", "wrong_keys"),
    ("initialize_parameters", init_random_bias, "b1", "wrong_value"),
    ("initialize_parameters", init_swapped_shape, "W1", "wrong_shape"),
    ("initialize_parameters", init_returns_tuple, "W1", "wrong_type"),

    ("initialize_parameters_deep", deep_loop_short, "W2", "loop_bounds"),
    ("initialize_parameters_deep", deep_no_scale, "W1", "wrong_init_scale"),
    ("initialize_parameters_deep", deep_underscore_keys, "W1", "wrong_keys"),
    ("initialize_parameters_deep", deep_swapped_shape, "W1", "wrong_shape"),
    ("initialize_parameters_deep", deep_seed_in_loop, "W2", "wrong_value"),
    ("initialize_parameters_deep", deep_hardcoded_two_layers, "keys", "loop_bounds"),
    ("initialize_parameters_deep", deep_range_from_zero, "W1", "loop_bounds"),

    ("linear_forward", lf_missing_bias, "Z", "wrong_value"),
    ("linear_forward", lf_transposed, "Z", "transposed"),
    ("linear_forward", lf_elementwise, "Z", "elementwise_product"),
    ("linear_forward", lf_cache_without_b, "cache", "wrong_value"),
    ("linear_forward", lf_scalar_bias, "Z", "wrong_value"),
    ("linear_forward", lf_returns_dict, "Z", "wrong_type"),
    ("linear_forward", lf_returns_Z_only, "Z", "wrong_type"),
    ("linear_forward", lf_wrong_shape, "Z", "wrong_shape"),

    ("linear_activation_forward", laf_swapped, "activation", "wrong_activation"),
    ("linear_activation_forward", laf_always_relu, "activation", "wrong_activation"),
    ("linear_activation_forward", laf_sigmoid_formula, "activation", "wrong_value"),
    ("linear_activation_forward", laf_cache_holds_A, "cache", "wrong_value"),
    ("linear_activation_forward", laf_no_bias, "linear", "wrong_value"),

    ("L_model_forward", lmf_last_relu, "layer3", "wrong_activation"),
    ("L_model_forward", lmf_hidden_sigmoid, "layer1", "wrong_activation"),
    ("L_model_forward", lmf_skips_a_layer, "layer2", "loop_bounds"),
    ("L_model_forward", lmf_last_cache_missing, "caches", "loop_bounds"),
    ("L_model_forward", lmf_hidden_caches_missing, "caches", "loop_bounds"),
    ("L_model_forward", lmf_feeds_X_every_layer, "layer2", "wrong_layer_input"),
    ("L_model_forward", lmf_hardcoded_three_layers, "layer1", "loop_bounds"),
    ("L_model_forward", lmf_by_hand_no_bias, "layer1", "wrong_value"),
    ("L_model_forward", lmf_hidden_loop_too_long, "layer3", "loop_bounds"),
    ("L_model_forward", lmf_L_not_halved, "layer3", "loop_bounds"),

    ("compute_cost", cost_forgot_m, "cost", "forgot_1_over_m"),
    ("compute_cost", cost_sign, "cost", "sign_error"),
    ("compute_cost", cost_not_scalar, "cost", "cost_not_scalar"),
    ("compute_cost", cost_axis_sum, "cost", "cost_not_scalar"),
    ("compute_cost", cost_per_example, "cost", "wrong_shape"),
    ("compute_cost", cost_hardcoded_m, "cost", "wrong_value"),
    ("compute_cost", cost_one_term, "cost", "missing_term"),

    ("linear_backward", lb_dW_forgot_m, "dW", "forgot_1_over_m"),
    ("linear_backward", lb_db_forgot_m, "db", "forgot_1_over_m"),
    ("linear_backward", lb_no_keepdims, "db", "missing_keepdims"),
    ("linear_backward", lb_db_axis0, "db", "wrong_sum_axis"),
    ("linear_backward", lb_db_total_sum, "db", "wrong_sum_axis"),
    ("linear_backward", lb_dW_transposed, "dW", "transposed"),
    ("linear_backward", lb_dA_transposed, "dA_prev", "transposed"),
    ("linear_backward", lb_dW_shape_error, "dW", "exception"),
    ("linear_backward", lb_m_from_rows, "dW", "wrong_value"),
    ("linear_backward", lb_hardcoded_m, "dW", "wrong_value"),
    ("linear_backward", lb_dA_over_m, "dA_prev", "extra_1_over_m"),
    ("linear_backward", lb_m_from_dZ_rows, "dW", "wrong_value"),

    ("linear_activation_backward", lab_relu_for_sigmoid, "activation_backward", "wrong_activation"),
    ("linear_activation_backward", lab_swapped, "activation_backward", "wrong_activation"),
    ("linear_activation_backward", lab_skips_activation, "activation_backward", "wrong_value"),
    ("linear_activation_backward", lab_sigmoid_by_hand, "activation_backward", "wrong_value"),
    ("linear_activation_backward", lab_linear_forgot_m, "linear_backward", "forgot_1_over_m"),
    ("linear_activation_backward", lab_linear_transposed, "linear_backward", "transposed"),
    ("linear_activation_backward", lab_linear_no_keepdims, "linear_backward", "missing_keepdims"),
    ("linear_activation_backward", lab_relu_by_hand_wrong, "activation_backward", "wrong_value"),

    ("L_model_backward", lmb_dAL_sign, "dAL", "sign_error"),
    ("L_model_backward", lmb_dAL_one_term, "dAL", "missing_term"),
    ("L_model_backward", lmb_last_relu, "layer2", "wrong_activation"),
    ("L_model_backward", lmb_hidden_sigmoid, "layer1", "wrong_activation"),
    ("L_model_backward", lmb_missing_first_layer, "layer1", "loop_bounds"),
    ("L_model_backward", lmb_extra_dAL_key, "keys", "wrong_keys"),
    ("L_model_backward", lmb_next_cache, "layer1", "wrong_layer_input"),
    ("L_model_backward", lmb_hidden_gets_dAL, "layer1", "wrong_layer_input"),
    ("L_model_backward", lmb_by_hand_hidden_forgot_m, "layer1", "forgot_1_over_m"),
    ("L_model_backward", lmb_by_hand_last_transposed, "layer2", "transposed"),
    ("L_model_backward", lmb_hardcoded_two_layers, "layer1", "loop_bounds"),
    ("L_model_backward", lmb_range_too_long, "layer1", "loop_bounds"),

    ("update_parameters", up_plus, "W1", "sign_error"),
    ("update_parameters", up_loop_short, "W2", "loop_bounds"),
    ("update_parameters", up_shallow_copy, "inputs", "mutates_inputs"),
    ("update_parameters", up_no_copy, "inputs", "mutates_inputs"),
    ("update_parameters", up_no_copy_minus_equals, "inputs", "mutates_inputs"),
    ("update_parameters", up_hardcoded_rate, "W1", "wrong_value"),
    ("update_parameters", up_underscore_keys, "W1", "wrong_keys"),
    ("update_parameters", up_forgets_b, "b1", "wrong_value"),
    ("update_parameters", up_hardcoded_two_layers, "W3", "loop_bounds"),
    ("update_parameters", up_lr_squared, "W1", "wrong_value"),
    ("update_parameters", up_range_from_zero, "keys", "loop_bounds"),
]


def test_the_table_is_big_enough_and_covers_every_exercise():
    """Are there at least 45 wrong implementations, touching all ten exercises?"""
    from dnn_lab.checks import EXERCISES
    assert len(WRONG) >= 45
    assert {row[0] for row in WRONG} == set(EXERCISES)


@pytest.mark.parametrize("exercise, fn, step, hint", WRONG, ids=[row[1].__name__ for row in WRONG])
def test_wrong_implementation_is_caught(exercise, fn, step, hint, as_student):
    """Does this wrong implementation fail at the intended step, with the intended hint first?"""
    report = run_checks(exercise, as_student(fn), lang="en", timeout=5)
    assert not report.passed
    assert (report.failed_step, report.hints[:1]) == (step, [hint]), report.as_dict()["failures"][:3]
    first = report.failures[0]
    assert first.step == step
    assert first.message_id in _message_ids()
    assert all(f.hint in report.hints for f in report.failures)


def _message_ids():
    from dnn_lab.messages import MESSAGES
    return MESSAGES


# ---- bugs that only show on shapes other than the reference --------------------------------------------

SHAPE_ONLY = [
    ("initialize_parameters_deep", deep_hardcoded_two_layers),
    ("linear_forward", lf_scalar_bias),
    ("compute_cost", cost_hardcoded_m),
    ("linear_backward", lb_hardcoded_m),
    ("L_model_forward", lmf_hardcoded_three_layers),
    ("L_model_backward", lmb_hardcoded_two_layers),
    ("update_parameters", up_hardcoded_rate),
    ("update_parameters", up_hardcoded_two_layers),
]


@pytest.mark.parametrize("exercise, fn", SHAPE_ONLY, ids=[row[1].__name__ for row in SHAPE_ONLY])
def test_shape_only_bug_passes_the_reference_case_but_not_the_extra_ones(exercise, fn, as_student):
    """Does a bug that is invisible on the reference case get caught by an extra case?"""
    report = run_checks(exercise, as_student(fn), lang="en", timeout=5)
    by_case = {c.case: c.passed for c in report.cases}
    reference = get_exercise(exercise).cases[0].id
    assert by_case[reference] is True
    assert not report.passed
    assert report.failed_case != reference


# ---- L_model_backward: the layer blamed in each network depth -----------------------------------------

def _first_failure_step(report, case):
    return next(f.step for f in report.failures if f.case == case)


@pytest.mark.parametrize("fn, blamed", [
    # a bug only in the hidden layers: the first layer from the output back that diverges is L-1
    (lmb_hidden_sigmoid, {"reference": "layer1", "three_layers": "layer2", "four_layers": "layer3"}),
    (lmb_by_hand_hidden_forgot_m, {"reference": "layer1", "three_layers": "layer2", "four_layers": "layer3"}),
    # a bug in the last layer: layer L
    (lmb_last_relu, {"reference": "layer2", "one_layer": "layer1", "three_layers": "layer3",
                     "four_layers": "layer4"}),
    (lmb_by_hand_last_transposed, {"reference": "layer2", "one_layer": "layer1", "three_layers": "layer3"}),
    # the first layer never computed: layer1 whatever the depth
    (lmb_missing_first_layer, {"reference": "layer1", "three_layers": "layer1", "four_layers": "layer1"}),
], ids=lambda v: getattr(v, "__name__", ""))
def test_L_model_backward_blames_the_first_diverging_layer_from_the_output(fn, blamed, as_student):
    """In every network depth, is the blamed layer the first one, from the output back, that is wrong?"""
    report = run_checks("L_model_backward", as_student(fn), lang="en", timeout=5)
    assert {case: _first_failure_step(report, case) for case in blamed} == blamed


def test_L_model_backward_hidden_bug_marks_later_layers_passed(as_student):
    """With a hidden-layer bug in a 3-layer net, is layer3 drawn passed and layer2 failed?"""
    report = run_checks("L_model_backward", as_student(lmb_hidden_sigmoid), lang="en", timeout=5)
    states = next(c.steps for c in report.cases if c.case == "three_layers")
    assert (states["dAL"], states["layer3"], states["layer2"]) == ("passed", "passed", "failed")


@pytest.mark.parametrize("fn, blamed", [
    (lab_relu_for_sigmoid, {"reference_sigmoid": "activation_backward"}),
    (lab_sigmoid_by_hand, {"reference_sigmoid": "activation_backward"}),
    (lab_linear_forgot_m, {"reference_sigmoid": "linear_backward", "reference_relu": "linear_backward"}),
    (lab_relu_by_hand_wrong, {"reference_relu": "activation_backward", "bias_rows_relu": "activation_backward"}),
], ids=lambda v: getattr(v, "__name__", ""))
def test_linear_activation_backward_tells_activation_from_linear_part(fn, blamed, as_student):
    """Is the activation part or the linear part blamed, case by case?"""
    report = run_checks("linear_activation_backward", as_student(fn), lang="en", timeout=5)
    assert {case: _first_failure_step(report, case) for case in blamed} == blamed
    passing = {c.case for c in report.cases if c.passed}
    assert not passing & set(blamed)
