"""Activation helpers provided to students (not graded).

Each forward helper returns ``(A, Z)``: the activation and ``Z`` itself, which the
student keeps as the *activation cache*.  Each backward helper takes the upstream
gradient ``dA`` and that cached ``Z`` and returns ``dZ`` (same shape as ``Z``).
"""
import numpy as np


def sigmoid(Z):
    """A = 1 / (1 + exp(-Z)); returns (A, Z). Z: any shape."""
    A = 1.0 / (1.0 + np.exp(-Z))
    return A, Z


def relu(Z):
    """A = max(0, Z); returns (A, Z)."""
    A = np.maximum(0, Z)
    return A, Z


def sigmoid_backward(dA, cache):
    """dZ = dA * s * (1 - s) with s = sigmoid(Z); ``cache`` is Z."""
    Z = cache
    s = 1.0 / (1.0 + np.exp(-Z))
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0; ``cache`` is Z."""
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


HELPERS = ("sigmoid", "relu", "sigmoid_backward", "relu_backward")
