"""Real students' bugs, diagnosed as a teacher would (issue 11): for each class of
disagreement between our report and a teacher's label, wrong implementations in the
style students write them — old-template habits, copy-paste between layers, variables
renamed halfway — each failing at the step the teacher names, with the teacher's hint
first; and correct-but-redundant code that must pass.

Like tests/test_checks_wrong.py, the functions are moved into a notebook-like
namespace by ``as_student`` (numpy, copy, the helpers, the correct graded functions).
"""
import copy  # noqa: F401  (used by the functions once re-homed)
import inspect

import numpy as np
import pytest

from dnn_lab.checks import run_checks
from dnn_lab.messages import t

# ruff: noqa: F821  (helpers and graded functions are globals of the notebook namespace)


# ==== 1. a specific diagnosis ranks above the generic symptom =====================================


def lmb_dA_slot_one_off(AL, Y, caches):
    # The loop stores dA_prev under l + 1, like dW: layer 1 overwrites the slot layer 2 filled.
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev_temp
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l + 1)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def lmb_output_under_dAL(AL, Y, caches):
    # The output layer's dA_prev filed as dA{L}; the loop then looks for dA{L-1} and crashes.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def up_lowercase_grads(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dw" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def lmb_by_hand_relu_on_output(AL, Y, caches):
    # Written without linear_activation_backward; the hidden-layer line copied for the output layer.
    grads = {}
    L = len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        m = A_prev.shape[1]
        dZ = relu_backward(dA, Z)
        grads["dW" + str(l)] = np.dot(dZ, A_prev.T) / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        grads["dA" + str(l - 1)] = dA = np.dot(W.T, dZ)
    return grads


def lmb_old_template_keys(AL, Y, caches):
    # An older edition of the course numbered the dA slots one up: dA1..dAL instead of dA0..dA(L-1).
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 2)], current_cache, "relu")
        grads["dA" + str(l + 1)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def lmb_dAL_one_sign(AL, Y, caches):
    # Distributing the minus sign went wrong on the second term.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) + np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


# ==== 2. a layer that computes right but receives the wrong input ==================================


def lmb_hardcoded_dA_index(AL, Y, caches):
    # grads["dA" + str(L - 1)] copied from the output block into the loop: fine for 2 layers only.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(L - 1)], caches[l], "relu")
    return grads


def lmb_dZ_passed_on(AL, Y, caches):
    # sigmoid_backward applied by hand, then handed to linear_activation_backward, which applies it again.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    linear_cache, activation_cache = caches[L - 1]
    dZ = sigmoid_backward(dAL, activation_cache)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dZ, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_output_cache_in_loop(AL, Y, caches):
    # current_cache = caches[L - 1] pasted into the loop.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[L - 1]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


def lab_linear_cache_to_relu_backward(dA, cache, activation):
    # The two halves of the cache mixed up when calling the helper.
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, linear_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def lab_activation_cache_to_linear_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, activation_cache)


def lmf_output_gets_A_prev(X, parameters):
    # After the loop the output layer is fed A_prev (the last hidden layer's input), not A.
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A_prev, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_W1_pasted(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W1"], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_result_not_unpacked(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(A[1])
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmb_result_not_unpacked(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    result = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = result
    for l in reversed(range(L - 1)):
        result = linear_activation_backward(result, caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = result
    return grads


# ==== 3. exceptions diagnosed, not reported ========================================================

# -- KeyError → wrong_keys


def up_W_for_dW(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["W" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["b" + str(l + 1)]
    return parameters


def lmf_underscore_key(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W_" + str(l)], parameters["b_" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W_" + str(L)], parameters["b_" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches

# -- NameError of a notebook variable → uses_globals


def cost_reads_t_Y(AL, Y):
    m = t_Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return np.squeeze(cost)


def lb_reads_t_dZ(dZ, cache):
    A_prev, W, b = cache
    m = t_dZ.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def lmb_reads_t_caches(AL, Y, caches):
    grads = {}
    L = len(t_caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads

# -- NameError with a near-miss → undefined_name, "did you mean"


def lmb_renamed_halfway(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def lmb_helper_misspelt(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backwards(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backwards(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def laf_capital_relu(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = Relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def lb_lowercase_dz(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dz, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db

# -- a loop variable outside its loop → loop_variable_scope


def lmf_output_uses_l(X, parameters):
    # Right for L >= 2; with one layer the loop never runs and l does not exist.
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(l + 1)], parameters["b" + str(l + 1)], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmf_output_fstring_l(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{l + 1}"], parameters[f"b{l + 1}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def lmb_cache_l_before_loop(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[l]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads

# -- the student's own assert, diagnosed by the value it tested


def lb_assert_after_squeeze(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m
    dA_prev = np.dot(W.T, dZ)
    assert db.shape == b.shape
    return dA_prev, dW, db


def lf_assert_transposed(A, W, b):
    Z = np.dot(A.T, W.T) + b.T
    assert Z.shape == (W.shape[0], A.shape[1])
    return Z, (A, W, b)


def my_linear_backward_no_keepdims(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1) / m


def lab_asserts_db_shape(dA, cache, activation):
    # The student's own linear_backward loses keepdims; their assert in this function catches it.
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    assert db.shape == (dZ.shape[0], 1)
    return dA_prev, dW, db


def deep_zeros_two_args(layer_dims):
    # np.zeros(n, 1) instead of np.zeros((n, 1)): the crash is in b1's line, not W1's.
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters['b' + str(l)] = np.zeros(layer_dims[l], 1)
    return parameters


def up_db_transposed_in_place(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters[f"W{l + 1}"] -= learning_rate * grads[f"dW{l + 1}"]
        parameters[f"b{l + 1}"] -= learning_rate * grads[f"db{l + 1}"].T
    return parameters


def cost_assert_before_squeeze(AL, Y):
    # The old template's assert, placed before np.squeeze.
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    assert cost.shape == ()
    return np.squeeze(cost)


# ==== 4. the blame follows the computation, not the crash ==========================================


def lmb_dAL_transposed_crash(AL, Y, caches):
    # A transposed dAL only breaks inside linear_backward, two calls later.
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)).T
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_loop_overwrites_output_slot(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(L - 1)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_next_cache_crash(AL, Y, caches):
    # caches[l + 1] in the loop: relu_backward gets a Z of another shape and raises.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l + 1]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


def lmb_output_not_stored(AL, Y, caches):
    # The output layer's results stay in local variables; the loop reads grads and crashes.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def my_lab_swapped_unpack(dA, cache, activation):
    # The student's own helper unpacks the cache the wrong way round.
    activation_cache, linear_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def lmb_correct(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


# ==== 5. partly implemented: one branch or block still the stub =====================================


def laf_relu_branch_stub(A_prev, W, b, activation):
    if activation == "sigmoid":
        # YOUR CODE STARTS HERE
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
        # YOUR CODE ENDS HERE

    elif activation == "relu":
        # YOUR CODE STARTS HERE
        raise NotImplementedError()
        # YOUR CODE ENDS HERE

    cache = (linear_cache, activation_cache)
    return A, cache


def laf_relu_branch_pass(A_prev, W, b, activation):
    if activation == "sigmoid":
        # YOUR CODE STARTS HERE
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
        # YOUR CODE ENDS HERE

    elif activation == "relu":
        # YOUR CODE STARTS HERE
        pass
        # YOUR CODE ENDS HERE

    cache = (linear_cache, activation_cache)
    return A, cache


def lmf_output_block_stub(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2  # number of layers

    # [LINEAR -> RELU] * (L-1)
    for l in range(1, L):
        A_prev = A

        # YOUR CODE STARTS HERE
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
        # YOUR CODE ENDS HERE

    # LINEAR -> SIGMOID

    # YOUR CODE STARTS HERE
    raise NotImplementedError()
    # YOUR CODE ENDS HERE

    return AL, caches


def lmb_loop_stub(AL, Y, caches):
    grads = {}
    L = len(caches)  # number of layers
    Y = Y.reshape(AL.shape)

    # YOUR CODE STARTS HERE
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    # YOUR CODE ENDS HERE

    for l in reversed(range(L - 1)):
        # YOUR CODE STARTS HERE
        raise NotImplementedError()
        # YOUR CODE ENDS HERE

    return grads


def lab_relu_branch_stub(dA, cache, activation):
    linear_cache, activation_cache = cache

    if activation == "relu":
        # YOUR CODE STARTS HERE
        raise NotImplementedError()
        # YOUR CODE ENDS HERE

    elif activation == "sigmoid":
        # YOUR CODE STARTS HERE
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        # YOUR CODE ENDS HERE

    return dA_prev, dW, db


# ==== 6. formula slips: a missing term, an extra 1/m ================================================


def cost_multiply_one_term(AL, Y):
    m = Y.shape[1]
    cost = -(1 / m) * np.sum(np.multiply(Y, np.log(AL)))
    return np.squeeze(cost)


def cost_mean_second_term_only(AL, Y):
    return np.squeeze(-np.mean((1 - Y) * np.log(1 - AL)))


def cost_dot_one_term(AL, Y):
    m = Y.shape[1]
    return np.squeeze(-np.dot(Y, np.log(AL).T) / m)


def lmb_dAL_second_term_only(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = np.divide(1 - Y, 1 - AL)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_dAL_over_m(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)) / m
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lb_dW_over_m_twice(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T) / m
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    return np.dot(W.T, dZ), dW, db


def lb_db_mean_over_m(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.mean(dZ, axis=1, keepdims=True) / m


def lab_dA_prev_over_m(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    dA_prev = 1 / m * np.dot(W.T, dZ)
    return dA_prev, np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def cost_mean_and_m(AL, Y):
    m = Y.shape[1]
    return np.squeeze(-(1 / m) * np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


# -- a loop variable read after its loop, where it only holds the last value (an indentation slip)


def deep_b_dedented(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
    parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def up_b_dedented(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
    parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def lmb_store_dedented(AL, Y, caches):
    # Right for two layers (one round of the loop); the last two stores sit outside the loop.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev_temp
    grads["dW" + str(l + 1)] = dW_temp
    grads["db" + str(l + 1)] = db_temp
    return grads


# ==== 8–14. specific hints for real students' mistakes (issues 20 and 22) ==========================
# The classes a blind labelling of real failing functions found answered with a generic hint.


# ---- 8. a hidden layer with the wrong activation AND the wrong input (the output line pasted) ----

def lmb_loop_copies_output_call(AL, Y, caches):
    # The output layer's call pasted into the loop unchanged: dAL and "sigmoid".
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, current_cache, "sigmoid")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def lmb_by_hand_sigmoid_dAL_in_loop(AL, Y, caches):
    # Without linear_activation_backward; the loop repeats the output block's sigmoid_backward(dAL, …).
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    linear_cache, activation_cache = caches[L - 1]
    dZ = sigmoid_backward(dAL, activation_cache)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(dZ, linear_cache)
    for l in reversed(range(L - 1)):
        linear_cache, activation_cache = caches[l]
        dZ = sigmoid_backward(dAL, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads


def lmb_mixed_loop_sigmoid_dAL(AL, Y, caches):
    # The output layer through the helper, the hidden layers by hand with sigmoid_backward(dAL, …).
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        linear_cache, activation_cache = caches[l]
        dZ = sigmoid_backward(dAL, activation_cache)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_backward(dZ, linear_cache)
    return grads


def lmb_one_loop_all_sigmoid_dAL(AL, Y, caches):
    # One loop for every layer, all of them handled like the output layer.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(L)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(dAL, caches[l], activation="sigmoid")
    return grads


def lmb_by_hand_full_sigmoid_dAL(AL, Y, caches):
    # Everything by hand in one loop; dA is never passed on and every layer is sigmoid.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 0, -1):
        (A_prev, W, b), Z = caches[l - 1]
        m = A_prev.shape[1]
        dZ = sigmoid_backward(dAL, Z)
        grads["dW" + str(l)] = np.dot(dZ, A_prev.T) / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        grads["dA" + str(l - 1)] = np.dot(W.T, dZ)
    return grads


# ---- 9. the wrong cache handed on (instead of current_cache) ----------------------------------------

def lmb_whole_caches_in_loop(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], caches, "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def lmb_whole_caches_output(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


def lmb_caches_1_in_loop(AL, Y, caches):
    # caches[1] written where the loop variable was meant.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[1]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


def lmb_by_hand_unpacks_caches(AL, Y, caches):
    # current_cache is computed, but the whole caches list is unpacked (raises inside sigmoid_backward).
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    linear_cache, activation_cache = caches
    dZ = sigmoid_backward(dAL, activation_cache)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(dZ, linear_cache)
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


def lmb_by_hand_caches_1_loop(AL, Y, caches):
    # By hand in the loop, unpacking caches[1] (raises inside relu_backward).
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        linear_cache, activation_cache = caches[1]
        dZ = relu_backward(grads["dA" + str(l + 1)], activation_cache)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_backward(dZ, linear_cache)
    return grads


def lmb_by_hand_pair_to_helper(AL, Y, caches):
    # The whole (linear_cache, Z) pair handed to sigmoid_backward instead of its Z.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    linear_cache, activation_cache = current_cache
    dZ = sigmoid_backward(dAL, current_cache)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(dZ, linear_cache)
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


def lmb_activation_cache_only(AL, Y, caches):
    # caches[l][1] (the activation cache) where the whole caches[l] was meant.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l][1], "relu")
    return grads


def lmb_by_hand_relu_dAL_in_loop(AL, Y, caches):
    # The right activation by hand, but dAL handed to it in the loop (raises inside relu_backward).
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        linear_cache, activation_cache = caches[l]
        dZ = relu_backward(dAL, activation_cache)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_backward(dZ, linear_cache)
    return grads


# ---- 10. caches of the wrong type (L_model_forward) ----------------------------------------------

def lmf_caches_concatenated(X, parameters):
    # caches = caches + cache: the parts of every cache side by side, not one item per layer.
    caches = ()
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], "relu")
        caches = caches + cache
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    caches = caches + cache
    return AL, caches


def lmf_caches_dict(X, parameters):
    caches = {}
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], "relu")
        caches["cache" + str(l)] = cache
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    caches["cache" + str(L)] = cache
    return AL, caches


def lmf_caches_never_appended(X, parameters):
    # The list is made but nothing is appended; the last layer's cache is returned in its place.
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], "relu")
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    return AL, cache


def lmf_caches_overwritten(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], "relu")
        caches = cache
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    caches = cache
    return AL, caches


def lmf_caches_empty(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters['W' + str(l)], parameters['b' + str(l)], "relu")
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    return AL, caches


def lmf_caches_assigned_append(X, parameters):
    # append returns None: the second layer's append fails on None (one layer: None is returned).
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters['W' + str(l)], parameters['b' + str(l)], "relu")
        caches = caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    caches = caches.append(cache)
    return AL, caches


# ---- 11. keys read back (or written) with another numbering -----------------------------------------

def deep_written_l_minus_1(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters['W' + str(l - 1)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters['b' + str(l - 1)] = np.zeros((layer_dims[l], 1))
    return parameters


def deep_range_L_minus_1(layer_dims):
    # The loop counts from 0 and the keys follow it.
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(L - 1):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l + 1], layer_dims[l]) * 0.01
        parameters['b' + str(l)] = np.zeros((layer_dims[l + 1], 1))
    return parameters


def deep_written_l_plus_1(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters[f'W{l + 1}'] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters[f'b{l + 1}'] = np.zeros((layer_dims[l], 1))
    return parameters


def lmf_reads_l_minus_1(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l - 1)], parameters['b' + str(l - 1)],
                                             "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def up_reads_grads_at_l(params, grads, learning_rate):
    # parameters written at l + 1, grads read at l.
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l)]
    return parameters


def up_reads_grads_one_layer_up(params, grads, learning_rate):
    # W1 updated with dW2: the shapes disagree and the subtraction raises.
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def lmb_loop_reads_own_dA(AL, Y, caches):
    # The loop reads dA{l}, the slot it is computing, instead of dA{l + 1}.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l)], caches[l], "relu")
    return grads


# ---- 12. np.zeros(n, 1): the shape as separate arguments ------------------------------------------

def init_zeros_two_args(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros(n_h, 1)
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros(n_y, 1)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def init_zeros_b2_only(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros(n_y, 1)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def init_zeros_in_dict_literal(n_x, n_h, n_y):
    np.random.seed(1)
    parameters = {"W1": np.random.randn(n_h, n_x) * 0.01,
                  "b1": np.zeros(n_h, 1),
                  "W2": np.random.randn(n_y, n_h) * 0.01,
                  "b2": np.zeros(n_y, 1)}
    return parameters


# ---- 13. W * A for np.dot(W, A) ---------------------------------------------------------------------

def lf_multiply(A, W, b):
    Z = np.multiply(W, A) + b
    return Z, (A, W, b)


def lf_A_star_W(A, W, b):
    Z = A * W + b
    return Z, (A, W, b)


def lb_dW_star(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ * A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def lb_dA_star(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T * dZ
    return dA_prev, dW, db


def laf_star_by_hand(A_prev, W, b, activation):
    Z = W * A_prev + b
    linear_cache = (A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)


def lb_dW_scaled_star(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * dZ * A_prev.T
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


# ---- 14. caches[L]: one past the end -------------------------------------------------------------

def lmb_caches_L(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


def lmb_inline_caches_L(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_by_hand_caches_L(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    linear_cache, activation_cache = caches[L]
    dZ = sigmoid_backward(dAL, activation_cache)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(dZ, linear_cache)
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmb_len_caches(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[len(caches)]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


# ==== the table: (class, exercise, function, helpers replaced, step, first hint) =====================

DIAGNOSED = [
    (1, "L_model_backward", lmb_dA_slot_one_off, {}, "layer1", "wrong_keys"),
    (1, "L_model_backward", lmb_output_under_dAL, {}, "layer2", "wrong_keys"),
    (1, "update_parameters", up_lowercase_grads, {}, "W1", "wrong_keys"),
    (1, "L_model_backward", lmb_by_hand_relu_on_output, {}, "layer2", "wrong_activation"),
    (1, "L_model_backward", lmb_old_template_keys, {}, "layer2", "wrong_keys"),
    (1, "L_model_backward", lmb_dAL_one_sign, {}, "dAL", "sign_error"),

    (2, "L_model_backward", lmb_hardcoded_dA_index, {}, "layer1", "wrong_layer_input"),
    (2, "L_model_backward", lmb_dZ_passed_on, {}, "layer2", "wrong_layer_input"),
    (2, "L_model_backward", lmb_output_cache_in_loop, {}, "layer1", "wrong_layer_input"),
    (2, "L_model_forward", lmf_output_gets_A_prev, {}, "layer3", "wrong_layer_input"),
    (2, "L_model_forward", lmf_W1_pasted, {}, "layer2", "wrong_layer_input"),
    (2, "L_model_forward", lmf_result_not_unpacked, {}, "layer2", "wrong_layer_input"),
    (2, "L_model_backward", lmb_result_not_unpacked, {}, "layer1", "wrong_layer_input"),
    (2, "linear_activation_backward", lab_linear_cache_to_relu_backward, {}, "activation_backward",
     "wrong_layer_input"),
    (2, "linear_activation_backward", lab_activation_cache_to_linear_backward, {}, "linear_backward",
     "wrong_layer_input"),

    (3, "update_parameters", up_W_for_dW, {}, "W1", "wrong_keys"),
    (3, "L_model_forward", lmf_underscore_key, {}, "layer1", "wrong_keys"),
    (3, "compute_cost", cost_reads_t_Y, {}, "cost", "uses_globals"),
    (3, "linear_backward", lb_reads_t_dZ, {}, "dA_prev", "uses_globals"),
    (3, "L_model_backward", lmb_reads_t_caches, {}, "dAL", "uses_globals"),
    (3, "L_model_backward", lmb_renamed_halfway, {}, "layer2", "undefined_name"),
    (3, "L_model_backward", lmb_helper_misspelt, {}, "layer2", "undefined_name"),
    (3, "linear_activation_forward", laf_capital_relu, {}, "activation", "undefined_name"),
    (3, "linear_backward", lb_lowercase_dz, {}, "db", "undefined_name"),
    (3, "L_model_forward", lmf_output_uses_l, {}, "layer1", "loop_variable_scope"),
    (3, "L_model_forward", lmf_output_fstring_l, {}, "layer1", "loop_variable_scope"),
    (3, "L_model_backward", lmb_cache_l_before_loop, {}, "layer2", "loop_variable_scope"),
    (3, "initialize_parameters_deep", deep_b_dedented, {}, "b1", "loop_variable_scope"),
    (3, "update_parameters", up_b_dedented, {}, "b1", "loop_variable_scope"),
    (3, "L_model_backward", lmb_store_dedented, {}, "layer1", "loop_variable_scope"),
    (3, "linear_backward", lb_assert_after_squeeze, {}, "db", "missing_keepdims"),
    (3, "linear_forward", lf_assert_transposed, {}, "Z", "transposed"),
    (3, "compute_cost", cost_assert_before_squeeze, {}, "cost", "cost_not_scalar"),
    (3, "linear_activation_backward", lab_asserts_db_shape, {"linear_backward": my_linear_backward_no_keepdims},
     "linear_backward", "missing_keepdims"),

    (4, "L_model_backward", lmb_dAL_transposed_crash, {}, "dAL", "transposed"),
    (4, "update_parameters", up_db_transposed_in_place, {}, "b1", "exception"),
    (4, "L_model_backward", lmb_loop_overwrites_output_slot, {}, "layer1", "wrong_keys"),
    (4, "L_model_backward", lmb_next_cache_crash, {}, "layer1", "wrong_layer_input"),
    (4, "L_model_backward", lmb_output_not_stored, {}, "layer2", "wrong_keys"),
    # The student's own linear_activation_backward is wrong: blamed on it (W5), with its own check's hint.
    (4, "L_model_backward", lmb_correct, {"linear_activation_backward": my_lab_swapped_unpack}, "layer2",
     "wrong_layer_input"),

    (5, "linear_activation_forward", laf_relu_branch_stub, {}, "linear", "partly_implemented"),
    (5, "linear_activation_forward", laf_relu_branch_pass, {}, "linear", "partly_implemented"),
    (5, "L_model_forward", lmf_output_block_stub, {}, "layer3", "partly_implemented"),
    (5, "L_model_backward", lmb_loop_stub, {}, "layer1", "partly_implemented"),
    (5, "linear_activation_backward", lab_relu_branch_stub, {}, "activation_backward", "partly_implemented"),

    (6, "compute_cost", cost_multiply_one_term, {}, "cost", "missing_term"),
    (6, "compute_cost", cost_mean_second_term_only, {}, "cost", "missing_term"),
    (6, "compute_cost", cost_dot_one_term, {}, "cost", "missing_term"),
    (6, "L_model_backward", lmb_dAL_second_term_only, {}, "dAL", "missing_term"),
    (6, "linear_backward", lb_dW_over_m_twice, {}, "dW", "extra_1_over_m"),
    (6, "linear_backward", lb_db_mean_over_m, {}, "db", "extra_1_over_m"),
    (6, "linear_activation_backward", lab_dA_prev_over_m, {}, "linear_backward", "extra_1_over_m"),
    (6, "compute_cost", cost_mean_and_m, {}, "cost", "extra_1_over_m"),
    (6, "L_model_backward", lmb_dAL_over_m, {}, "dAL", "extra_1_over_m"),

    (8, "L_model_backward", lmb_loop_copies_output_call, {}, "layer1", "wrong_activation"),
    (8, "L_model_backward", lmb_by_hand_sigmoid_dAL_in_loop, {}, "layer1", "wrong_activation"),
    (8, "L_model_backward", lmb_mixed_loop_sigmoid_dAL, {}, "layer1", "wrong_activation"),
    (8, "L_model_backward", lmb_one_loop_all_sigmoid_dAL, {}, "layer1", "wrong_activation"),
    (8, "L_model_backward", lmb_by_hand_full_sigmoid_dAL, {}, "layer1", "wrong_activation"),

    (9, "L_model_backward", lmb_whole_caches_in_loop, {}, "layer1", "wrong_layer_input"),
    (9, "L_model_backward", lmb_whole_caches_output, {}, "layer2", "wrong_layer_input"),
    (9, "L_model_backward", lmb_caches_1_in_loop, {}, "layer1", "wrong_layer_input"),
    (9, "L_model_backward", lmb_by_hand_unpacks_caches, {}, "layer2", "wrong_layer_input"),
    (9, "L_model_backward", lmb_by_hand_caches_1_loop, {}, "layer1", "wrong_layer_input"),
    (9, "L_model_backward", lmb_by_hand_pair_to_helper, {}, "layer2", "wrong_layer_input"),
    (9, "L_model_backward", lmb_activation_cache_only, {}, "layer1", "wrong_layer_input"),
    (9, "L_model_backward", lmb_by_hand_relu_dAL_in_loop, {}, "layer1", "wrong_layer_input"),

    (10, "L_model_forward", lmf_caches_concatenated, {}, "caches", "wrong_type"),
    (10, "L_model_forward", lmf_caches_dict, {}, "caches", "wrong_type"),
    (10, "L_model_forward", lmf_caches_never_appended, {}, "caches", "wrong_type"),
    (10, "L_model_forward", lmf_caches_overwritten, {}, "caches", "wrong_type"),
    (10, "L_model_forward", lmf_caches_empty, {}, "caches", "wrong_type"),
    (10, "L_model_forward", lmf_caches_assigned_append, {}, "caches", "wrong_type"),

    (11, "initialize_parameters_deep", deep_written_l_minus_1, {}, "W1", "wrong_keys"),
    (11, "initialize_parameters_deep", deep_range_L_minus_1, {}, "W1", "wrong_keys"),
    (11, "initialize_parameters_deep", deep_written_l_plus_1, {}, "W1", "wrong_keys"),
    (11, "L_model_forward", lmf_reads_l_minus_1, {}, "layer1", "wrong_keys"),
    (11, "update_parameters", up_reads_grads_at_l, {}, "W1", "wrong_keys"),
    (11, "update_parameters", up_reads_grads_one_layer_up, {}, "W1", "wrong_keys"),
    (11, "L_model_backward", lmb_loop_reads_own_dA, {}, "layer1", "wrong_keys"),

    (12, "initialize_parameters", init_zeros_two_args, {}, "b1", "zeros_shape_tuple"),
    (12, "initialize_parameters", init_zeros_b2_only, {}, "b2", "zeros_shape_tuple"),
    (12, "initialize_parameters_deep", deep_zeros_two_args, {}, "b1", "zeros_shape_tuple"),
    (12, "initialize_parameters", init_zeros_in_dict_literal, {}, "b1", "zeros_shape_tuple"),

    (13, "linear_forward", lf_multiply, {}, "Z", "elementwise_product"),
    (13, "linear_forward", lf_A_star_W, {}, "Z", "elementwise_product"),
    (13, "linear_backward", lb_dW_star, {}, "dW", "elementwise_product"),
    (13, "linear_backward", lb_dA_star, {}, "dA_prev", "elementwise_product"),
    (13, "linear_activation_forward", laf_star_by_hand, {}, "linear", "elementwise_product"),
    (13, "linear_backward", lb_dW_scaled_star, {}, "dW", "elementwise_product"),

    (14, "L_model_backward", lmb_caches_L, {}, "layer2", "index_past_end"),
    (14, "L_model_backward", lmb_inline_caches_L, {}, "layer2", "index_past_end"),
    (14, "L_model_backward", lmb_by_hand_caches_L, {}, "layer2", "index_past_end"),
    (14, "L_model_backward", lmb_len_caches, {}, "layer2", "index_past_end"),
]


def _ids(rows):
    return [row[2].__name__ for row in rows]


def _run(exercise, fn, helpers, as_student):
    extra = {name: as_student(h) for name, h in helpers.items()}
    return run_checks(exercise, as_student(fn, **extra), lang="en", timeout=5)


@pytest.mark.parametrize("cls, exercise, fn, helpers, step, hint", DIAGNOSED, ids=_ids(DIAGNOSED))
def test_real_bug_is_diagnosed_at_the_teachers_step_with_the_teachers_hint(cls, exercise, fn, helpers, step, hint,
                                                                           as_student):
    """Does this bug fail at the step a teacher names, with the teacher's hint first?"""
    report = _run(exercise, fn, helpers, as_student)
    assert not report.passed
    assert (report.failed_step, report.hints[:1]) == (step, [hint]), report.as_dict()["failures"][:3]
    assert report.failures[0].hint == hint


def test_every_class_has_at_least_three_variants():
    """Are there at least three wrong implementations for each of the classes 1–6 and 8–14?"""
    counts = {cls: sum(1 for row in DIAGNOSED if row[0] == cls) for cls in [*range(1, 7), *range(8, 15)]}
    assert all(n >= 3 for n in counts.values()), counts


# ---- what the messages name ------------------------------------------------------------------------------


def _first(report):
    return report.failures[0]


def test_wrong_layer_input_names_what_was_received_and_what_was_needed(as_student):
    """Does layer 1 of a 3-layer net say it got grads['dA2'] instead of grads['dA1']?"""
    report = _run("L_model_backward", lmb_hardcoded_dA_index, {}, as_student)
    first = _first(report)
    assert (first.case, first.message_id) == ("three_layers", "msg.layer_got_instead")
    assert (first.params["got"], first.params["expected"]) == ("grads['dA2']", "grads['dA1']")


def test_forward_layer_fed_an_old_A_names_it(as_student):
    """Does the output layer fed A_prev say it got A1 instead of A2 (even though it crashed)?"""
    report = _run("L_model_forward", lmf_output_gets_A_prev, {}, as_student)
    params = next(f.params for f in report.failures if f.message_id == "msg.layer_got_instead")
    assert (params["layer"], params["got"], params["expected"]) == (3, "A1", "A2")


@pytest.mark.parametrize("exercise, fn, got", [
    ("L_model_forward", lmf_result_not_unpacked, "(A, cache)"),
    ("L_model_backward", lmb_result_not_unpacked, "(dA_prev, dW, db)"),
])
def test_a_result_passed_on_without_unpacking_is_named(exercise, fn, got, as_student):
    params = next(f.params for f in _run(exercise, fn, {}, as_student).failures
                  if f.message_id == "msg.layer_got_instead")
    assert params["got"] == got


def test_dZ_passed_as_dA_is_named(as_student):
    report = _run("L_model_backward", lmb_dZ_passed_on, {}, as_student)
    assert _first(report).params["got"].startswith("sigmoid_backward")


@pytest.mark.parametrize("fn, used, expected", [
    (up_W_for_dW, "'W1'", "'dW1'"),
    (up_lowercase_grads, "'dw1'", "'dW1'"),
])
def test_key_error_names_the_key_used_and_the_key_expected(fn, used, expected, as_student):
    """Does a KeyError on grads name the key the student used and the one to use?"""
    first = _first(_run("update_parameters", fn, {}, as_student))
    assert first.message_id == "msg.key_missing"
    assert (first.params["key"], first.params["expected"]) == (used, expected)


def test_old_template_numbering_is_wrong_keys_not_wrong_shape(as_student):
    """Is a dA slot numbered one layer off (holding another layer's, correctly computed, array)
    reported as wrong_keys, with wrong_shape nowhere before it?"""
    report = _run("L_model_backward", lmb_old_template_keys, {}, as_student)
    first = _first(report)
    assert (first.message_id, first.params["what"], first.params["got"]) == ("msg.key_misplaced", "dA1", "grads['dA2']")
    assert "wrong_shape" not in report.hints


def test_a_result_never_stored_is_blamed_on_the_layer_that_computed_it(as_student):
    first = _first(_run("L_model_backward", lmb_output_not_stored, {}, as_student))
    assert (first.step, first.message_id, first.params["what"]) == ("layer2", "msg.key_not_stored", "dA1")


def test_misplaced_slot_names_both_keys(as_student):
    """Is layer 1's dA0 reported as stored under grads['dA1']?"""
    first = _first(_run("L_model_backward", lmb_dA_slot_one_off, {}, as_student))
    assert first.message_id == "msg.key_misplaced"
    assert (first.params["what"], first.params["got"]) == ("dA0", "grads['dA1']")


@pytest.mark.parametrize("fn, exercise, name, suggestion", [
    (lmb_renamed_halfway, "L_model_backward", "dA_prev", "dA_prev_temp"),
    (lmb_helper_misspelt, "L_model_backward", "linear_activation_backwards", "linear_activation_backward"),
    (laf_capital_relu, "linear_activation_forward", "Relu", "relu"),
    (lb_lowercase_dz, "linear_backward", "dz", "dZ"),
])
def test_undefined_name_suggests_the_near_miss(fn, exercise, name, suggestion, as_student):
    """Does a NameError with a near-miss say "did you mean …" with the right name?"""
    first = _first(_run(exercise, fn, {}, as_student))
    assert first.message_id == "msg.undefined_name_suggest"
    assert (first.params["name"], first.params["suggestion"]) == (name, suggestion)


def test_loop_variable_scope_names_the_loop(as_student):
    """Does the message point at the loop whose variable was used outside it?"""
    first = _first(_run("L_model_forward", lmf_output_uses_l, {}, as_student))
    lines, start = inspect.getsourcelines(lmf_output_uses_l)
    loop_line = start + next(i for i, text in enumerate(lines) if "for l in range(1, L)" in text)
    assert (first.case, first.params["name"], first.params["loop_line"]) == ("one_layer", "l", loop_line)


def test_exception_inside_a_called_function_names_that_function_and_its_line(as_student):
    """When the student's own linear_activation_backward raises, does the report name it and
    its line, not a line of L_model_backward?"""
    report = _run("L_model_backward", lmb_correct, {"linear_activation_backward": my_lab_swapped_unpack},
                  as_student)
    assert report.callee == "linear_activation_backward"  # it fails its own check: blamed first (W5)
    first = next(f for f in report.failures if f.message_id != "msg.callee_wrong")
    lines, start = inspect.getsourcelines(my_lab_swapped_unpack)
    assert first.params["where"] == "my_lab_swapped_unpack"
    assert start <= first.params["line"] < start + len(lines)
    assert first.message_id in ("msg.exception_in", "msg.exception_helper")


def test_exception_in_a_provided_helper_names_the_helper(as_student):
    report = _run("L_model_backward", lmb_next_cache_crash, {}, as_student)
    exc = next(f for f in report.failures if f.message_id.startswith("msg.exception"))
    assert exc.message_id == "msg.exception_helper" and exc.params["helper"] == "relu_backward"


@pytest.mark.parametrize("fn, exercise, block", [
    (laf_relu_branch_stub, "linear_activation_forward", '`elif activation == "relu"`'),
    (laf_relu_branch_pass, "linear_activation_forward", '`elif activation == "relu"`'),
    (lmf_output_block_stub, "L_model_forward", "`# LINEAR -> SIGMOID`"),
    (lmb_loop_stub, "L_model_backward", "`for l in reversed(range(L - 1))`"),
])
def test_partly_implemented_names_the_block(fn, exercise, block, as_student):
    """Does partly_implemented name the branch or block that is still the template?"""
    first = _first(_run(exercise, fn, {}, as_student))
    assert first.message_id == "msg.partly_implemented" and first.params["block"] == block


def test_partly_implemented_keeps_the_passing_branch_passing(as_student):
    """With only the relu branch missing, do the sigmoid cases still pass?"""
    report = _run("linear_activation_forward", laf_relu_branch_stub, {}, as_student)
    assert [c.passed for c in report.cases][:1] == [True]


# ---- 8–14: what the student reads ------------------------------------------------------------------

NEW_CLASSES = [row for row in DIAGNOSED if row[0] >= 8]


def _at_first_step(report):
    first = report.failures[0]
    return [f for f in report.failures if (f.case, f.step) == (first.case, first.step)]


@pytest.mark.parametrize("fn", [row[2] for row in DIAGNOSED if row[0] == 8], ids=lambda f: f.__name__)
def test_pasted_output_layer_names_the_activation_and_the_input(fn, as_student):
    """Does a hidden layer that repeats the output layer's line (sigmoid, dAL) get both findings at
    its own step, relu_backward expected and dAL received where grads['dA1'] belongs, and no
    generic wrong_value anywhere?"""
    report = _run("L_model_backward", fn, {}, as_student)
    found = {f.hint: f for f in _at_first_step(report)}
    assert set(found) == {"wrong_activation", "wrong_layer_input"}
    assert (found["wrong_activation"].params["expected"], found["wrong_activation"].params["got"]) == (
        "relu_backward", "sigmoid_backward")
    assert (found["wrong_layer_input"].params["got"], found["wrong_layer_input"].params["expected"]) == (
        "dAL", "grads['dA1']")
    assert "wrong_value" not in report.hints
    assert t("msg.layer_wrong_activation", "zh", **found["wrong_activation"].params).startswith("第 1 层")


@pytest.mark.parametrize("fn, message_id, got, expected", [
    (lmb_whole_caches_in_loop, "msg.layer_got_instead", "caches", "caches[0]"),
    (lmb_whole_caches_output, "msg.layer_got_instead", "caches", "caches[1]"),
    (lmb_caches_1_in_loop, "msg.wrong_layer_cache", 1, 0),
    (lmb_by_hand_unpacks_caches, "msg.layer_call_got_instead", "caches[1]", "caches[1][1]"),
    (lmb_by_hand_caches_1_loop, "msg.layer_call_got_instead", "caches[1][1]", "caches[0][1]"),
    (lmb_by_hand_pair_to_helper, "msg.layer_call_got_instead", "caches[1]", "caches[1][1]"),
    (lmb_activation_cache_only, "msg.layer_got_instead", "caches[0][1]", "caches[0]"),
    (lmb_by_hand_relu_dAL_in_loop, "msg.layer_got_instead", "dAL", "grads['dA1']"),
], ids=lambda v: getattr(v, "__name__", None))
def test_wrong_cache_names_what_was_handed_on(fn, message_id, got, expected, as_student):
    """Is a layer handed the wrong cache told which cache it got and which it needs — also when
    the helper it was handed to raised — and never given a bare exception?"""
    report = _run("L_model_backward", fn, {}, as_student)
    first = _first(report)
    assert first.message_id == message_id
    if message_id == "msg.wrong_layer_cache":
        assert (first.params["index"], first.params["needed"]) == (got, expected)
    else:
        assert (first.params["got"], first.params["expected"]) == (got, expected)
    assert "exception" not in report.hints


@pytest.mark.parametrize("fn, message_id, params", [
    (lmf_caches_concatenated, "msg.caches_flat", {"got": 6, "expected": 3}),
    (lmf_caches_dict, "msg.caches_not_list", {"got": "dict"}),
    (lmf_caches_never_appended, "msg.caches_single", {"layer": 3}),
    (lmf_caches_overwritten, "msg.caches_single", {"layer": 3}),
    (lmf_caches_empty, "msg.caches_empty", {"expected": 3}),
    (lmf_caches_assigned_append, "msg.append_result_kept", {"name": "caches"}),
], ids=lambda v: getattr(v, "__name__", None))
def test_caches_of_the_wrong_type_say_how_to_build_the_list(fn, message_id, params, as_student):
    """Is caches of the wrong type told what it is and to append each layer's cache (not a
    layer count or a value mismatch)?"""
    report = _run("L_model_forward", fn, {}, as_student)
    first = _first(report)
    assert first.message_id == message_id
    assert {k: first.params[k] for k in params} == params
    assert not {"loop_bounds", "wrong_value"} & set(report.hints)
    assert "append(" in t(message_id, "zh", **first.params)


def test_caches_rebound_to_append_s_result_is_told_for_one_layer_too(as_student):
    """With one layer nothing raises and None is returned: is that case told about append's None too?"""
    report = _run("L_model_forward", lmf_caches_assigned_append, {}, as_student)
    one = next(f for f in report.failures if f.case == "one_layer")
    assert (one.step, one.hint, one.message_id) == ("caches", "wrong_type", "msg.caches_none")


def lmf_caches_tuple_of_caches(X, parameters):
    # A tuple with one cache per layer works wherever a list does.
    caches = ()
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters['W' + str(l)], parameters['b' + str(l)], "relu")
        caches += (cache,)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], "sigmoid")
    caches += (cache,)
    return AL, caches


def test_a_tuple_of_caches_passes(as_student):
    report = _run("L_model_forward", lmf_caches_tuple_of_caches, {}, as_student)
    assert report.passed, report.as_dict()["failures"][:2]


@pytest.mark.parametrize("fn, got", [
    (deep_written_l_minus_1, "'W0', 'b0', 'W1', 'b1'"),
    (deep_range_L_minus_1, "'W0', 'b0', 'W1', 'b1'"),
    (deep_written_l_plus_1, "'W2', 'b2', 'W3', 'b3'"),
], ids=lambda v: getattr(v, "__name__", None))
def test_renumbered_keys_are_named_as_keys(fn, got, as_student):
    """Are parameters written under another numbering named key by key (as dict keys), not
    "expected 2 layers, got 2"?"""
    report = _run("initialize_parameters_deep", fn, {}, as_student)
    first = _first(report)
    assert first.message_id == "msg.key_numbering"
    assert (first.params["got"], first.params["expected"]) == (got, "'W1', 'b1', 'W2', 'b2'")
    assert first.params["first_expected"] == "parameters['W1']"
    assert "loop_bounds" not in report.hints
    assert "'W1'" in t("msg.key_numbering", "en", **first.params)


@pytest.mark.parametrize("exercise, fn, key, expected", [
    ("L_model_forward", lmf_reads_l_minus_1, "'W0'", "'W1'"),
    ("update_parameters", up_reads_grads_at_l, "'dW0'", "'dW1'"),
], ids=lambda v: getattr(v, "__name__", None))
def test_a_key_read_with_another_numbering_names_the_key_to_read(exercise, fn, key, expected, as_student):
    first = _first(_run(exercise, fn, {}, as_student))
    assert first.message_id == "msg.key_missing"
    assert (first.params["key"], first.params["expected"]) == (key, expected)


def test_keys_of_one_line_with_different_numbers_are_named(as_student):
    """W1 updated with grads['dW2'] raises on the shapes: is it wrong_keys naming both keys, not an
    exception (nor an element-wise product: the `*` there is learning_rate's)?"""
    report = _run("update_parameters", up_reads_grads_one_layer_up, {}, as_student)
    first = _first(report)
    assert (first.message_id, first.params["keys"]) == ("msg.key_numbering_line", "'W1', 'dW2'")
    assert not {"exception", "elementwise_product"} & set(report.hints)


def test_the_loop_reading_its_own_dA_is_told_the_next_layers_key(as_student):
    first = _first(_run("L_model_backward", lmb_loop_reads_own_dA, {}, as_student))
    assert first.message_id == "msg.key_read_before_written"
    assert (first.params["key"], first.params["expected"]) == ("'dA0'", "'dA1'")


@pytest.mark.parametrize("exercise, fn, fix", [
    ("initialize_parameters", init_zeros_two_args, "np.zeros((n_h, 1))"),
    ("initialize_parameters", init_zeros_b2_only, "np.zeros((n_y, 1))"),
    ("initialize_parameters_deep", deep_zeros_two_args, "np.zeros((layer_dims[l], 1))"),
    ("initialize_parameters", init_zeros_in_dict_literal, "np.zeros((n_h, 1))"),
], ids=lambda v: getattr(v, "__name__", None))
def test_zeros_with_two_arguments_is_shown_the_tuple(exercise, fn, fix, as_student):
    """Is np.zeros(n, 1) answered with the student's own call written with the shape as a tuple?"""
    first = _first(_run(exercise, fn, {}, as_student))
    assert (first.message_id, first.params["fix"]) == ("msg.zeros_shape_tuple", fix)
    assert t("msg.zeros_shape_tuple", "zh", **first.params).startswith(f"写成 {fix}")


@pytest.mark.parametrize("exercise, fn, shapes", [
    ("linear_forward", lf_multiply, "(1, 3) * (3, 2)"),
    ("linear_forward", lf_A_star_W, "(3, 2) * (1, 3)"),
    ("linear_backward", lb_dW_star, "(3, 4) * (4, 5)"),
    ("linear_backward", lb_dA_star, "(5, 3) * (3, 4)"),
    ("linear_activation_forward", laf_star_by_hand, "(1, 3) * (3, 2)"),
    ("linear_backward", lb_dW_scaled_star, "(3, 4) * (4, 5)"),
], ids=lambda v: getattr(v, "__name__", None))
def test_elementwise_product_names_the_shapes(exercise, fn, shapes, as_student):
    report = _run(exercise, fn, {}, as_student)
    first = _first(report)
    assert (first.message_id, first.params["shapes"]) == ("msg.elementwise_product", shapes)
    assert "exception" not in report.hints


def test_elementwise_product_that_does_not_raise_is_recognised(as_student):
    """With square matrices W * A runs: is its value still recognised as the element-wise product?"""
    report = _run("linear_forward", lf_multiply, {}, as_student)
    square = next(f for f in report.failures if f.case == "square")
    assert (square.hint, square.message_id) == ("elementwise_product", "msg.elementwise_value")


@pytest.mark.parametrize("fn, index, fix", [
    (lmb_caches_L, "L", "caches[L - 1]"),
    (lmb_inline_caches_L, "L", "caches[L - 1]"),
    (lmb_by_hand_caches_L, "L", "caches[L - 1]"),
    (lmb_len_caches, "len(caches)", "caches[len(caches) - 1]"),
], ids=lambda v: getattr(v, "__name__", None))
def test_index_past_the_end_shows_the_last_index(fn, index, fix, as_student):
    first = _first(_run("L_model_backward", fn, {}, as_student))
    assert first.message_id == "msg.index_past_end"
    assert (first.params["seq"], first.params["index"], first.params["n"], first.params["fix"]) == (
        "caches", index, 2, fix)


def lmb_loop_reads_next_cache(AL, Y, caches):
    # caches[l + 1] in a loop over every layer: the loop's bounds, not caches[L].
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L)):
        current_cache = caches[l + 1]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
    return grads


@pytest.mark.parametrize("helper, exercise, fn, step, hint, exc_type", [
    ("past_end", "L_model_backward", lmb_caches_L, "layer2", "loop_bounds", "IndexError"),      # choosing the hint
    ("zeros_fix", "initialize_parameters", init_zeros_two_args, "b1", "zeros_shape_tuple", "TypeError"),  # the message
])
def test_a_diagnosis_that_fails_itself_still_reports_the_exception(helper, exercise, fn, step, hint, exc_type,
                                                                   as_student, monkeypatch):
    """When reading the failing line breaks (whatever the student's code holds), is the exception
    still reported at the same step, with the hint found so far and the plain message?"""
    from dnn_lab.checks import diagnosis

    def broken(*args, **kwargs):
        raise RuntimeError("the diagnosis itself failed")
    monkeypatch.setattr(diagnosis, helper, broken)
    report = _run(exercise, fn, {}, as_student)
    first = _first(report)
    assert (report.failed_step, first.hint, first.message_id) == (step, hint, "msg.exception")
    assert first.params["exc_type"] == exc_type


def test_an_index_made_of_the_loop_variable_stays_loop_bounds(as_student):
    report = _run("L_model_backward", lmb_loop_reads_next_cache, {}, as_student)
    assert report.hints[0] == "loop_bounds" and "index_past_end" not in report.hints


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("cls, exercise, fn, helpers, step, hint", NEW_CLASSES, ids=_ids(NEW_CLASSES))
def test_new_diagnoses_render_as_text_and_html(cls, exercise, fn, helpers, step, hint, lang, as_student):
    """Does each report of classes 8–14 render as text and HTML in zh and en, showing its first
    finding's sentence and carrying its hint id in the HTML?"""
    from dnn_lab.render.html import render_html
    from dnn_lab.render.text import render_text
    report = run_checks(exercise, as_student(fn), lang=lang, timeout=5)
    first = report.failures[0]
    text = render_text(report, lang)
    html = render_html(report, lang)
    sentence = first.text.splitlines()[0].replace("`", "")
    assert sentence[:25] in text.replace("`", "")
    assert f'data-hint="{hint}"' in html and "render-failed" not in html
    assert "{" not in first.text.replace("{{", "")


# ==== 7. correct but redundant: extra calls whose results are right pass ============================


def lmb_output_layer_twice(AL, Y, caches):
    # The output layer before the loop, and again inside it (the loop covers every layer).
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L)):
        current_cache = caches[l]
        if l == L - 1:
            dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, current_cache, "sigmoid")
        else:
            dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], current_cache,
                                                                        "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def lmb_one_call_per_output(AL, Y, caches):
    # Each gradient taken from its own call.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")[0]
    grads["dW" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")[1]
    grads["db" + str(L)] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")[2]
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)] = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")[0]
        grads["dW" + str(l + 1)] = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")[1]
        grads["db" + str(l + 1)] = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")[2]
    return grads


def lmb_trial_call_first(AL, Y, caches):
    # A trial call to look at the shapes, kept from debugging.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    trial = linear_activation_backward(dAL, caches[-1], "sigmoid")
    assert len(trial) == 3
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def lmf_cache_from_second_call(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, _ = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")[1])
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


REDUNDANT = [
    ("L_model_backward", lmb_output_layer_twice),
    ("L_model_backward", lmb_one_call_per_output),
    ("L_model_backward", lmb_trial_call_first),
    ("L_model_forward", lmf_cache_from_second_call),
]


@pytest.mark.parametrize("exercise, fn", REDUNDANT, ids=[row[1].__name__ for row in REDUNDANT])
def test_redundant_but_correct_calls_pass(exercise, fn, as_student):
    """Does correct code that calls the layer helper more often than needed pass, without loop_bounds?"""
    report = run_checks(exercise, as_student(fn), lang="en", timeout=5)
    assert report.passed, report.as_dict()["failures"][:3]
    assert "loop_bounds" not in report.hints


def lmb_output_twice_keeps_relu(AL, Y, caches):
    # Redundant AND wrong: the second computation of the output layer (kept) uses relu.
    grads = {}
    L = len(caches)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L)):
        dA = dAL if l == L - 1 else grads["dA" + str(l + 1)]
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(dA, caches[l], "relu")
    return grads


def test_an_extra_call_whose_result_is_kept_and_wrong_still_fails(as_student):
    """Is an extra call that overwrites a right result with a wrong one still caught?"""
    report = run_checks("L_model_backward", as_student(lmb_output_twice_keeps_relu), lang="en", timeout=5)
    assert not report.passed and report.failed_step in ("layer1", "layer2")


# ==== the diagram shows the step the report blames ===================================================


@pytest.mark.parametrize("cls, exercise, fn, helpers, step, hint", DIAGNOSED, ids=_ids(DIAGNOSED))
def test_the_blamed_step_is_a_red_node_of_the_drawn_case(cls, exercise, fn, helpers, step, hint, as_student):
    """Is the blamed step drawn failed, and is it a node of that case's diagram?"""
    from dnn_lab.diagram.graph import build_graph
    report = _run(exercise, fn, helpers, as_student)
    assert report.step_states[report.failed_step] == "failed"
    assert report.failed_step in {n.id for n in build_graph(exercise, report.dims).nodes}


# ==== what the sandbox hands the diagnosis is plain data (it crosses the grader's process boundary) ======

_PLAIN_FIELDS = ("error", "error_locals", "stub", "loads")


def _is_plain(value):
    if isinstance(value, (str, int, float, bool, type(None), np.ndarray)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and _is_plain(v) for k, v in value.items())
    return False


@pytest.mark.parametrize("exercise, fn", [
    ("L_model_backward", lmb_renamed_halfway),       # NameError with a near-miss
    ("L_model_forward", lmf_output_uses_l),          # a loop variable (raises for one layer only)
    ("linear_backward", lb_assert_after_squeeze),    # the student's own assert
    ("linear_activation_forward", laf_relu_branch_stub),  # NotImplementedError halfway
    ("L_model_backward", lmb_output_not_stored),     # KeyError, with a grads dict in the frame
], ids=lambda v: getattr(v, "__name__", v))
def test_call_fields_for_the_diagnosis_are_plain_data(exercise, fn, as_student, solutions):
    """Are the Call fields the diagnosis reads (error facts, frame variables, stub blocks, loads)
    plain data, as they must be to cross from the grader's sandbox?"""
    from dnn_lab.checks.engine import case_inputs
    from dnn_lab.checks.registry import get_exercise
    from dnn_lab.checks.student_call import call_student
    ex = get_exercise(exercise)
    calls = [call_student(as_student(fn), case_inputs(ex, case), ex.arg_names, timeout=5, spy=ex.spy)
             for case in ex.cases]
    failing = [c for c in calls if c.error or c.not_implemented]
    assert failing
    for call in failing:
        for name in _PLAIN_FIELDS:
            assert _is_plain(getattr(call, name)), (name, getattr(call, name))
        facts = call.error or call.stub
        assert facts["where"] == fn.__name__ and isinstance(facts["line"], int)


def lb_forgot_return(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)


def test_code_without_return_is_told_so(as_student):
    """Is a function that computes everything but returns None told its return is missing
    (still not_implemented: nothing is returned), not that it is the untouched stub?"""
    report = run_checks("linear_backward", as_student(lb_forgot_return), lang="en", timeout=5)
    assert (report.failed_step, report.hints) == ("dA_prev", ["not_implemented"])
    assert report.failures[0].message_id == "msg.no_return"
