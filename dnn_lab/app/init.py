"""The initialiser provided for deep networks in Part 2 (not one of the ten
graded functions): seed 1 and weights scaled by 1/sqrt(n[l-1]).

With ×0.01 weights, every layer shrinks its input by about 0.01·sqrt(n[l-1]);
after four layers the output barely depends on the input and the gradients of
the first layers almost vanish, so training stalls.  Dividing by sqrt(n[l-1])
keeps the variance of Z roughly the same from layer to layer.
"""
import numpy as np


def initialize_parameters_deep_scaled(layer_dims):
    """Parameters of an L-layer network for training.

    layer_dims -- [n0, n1, ..., nL]
    Returns {"W1": (n1, n0), "b1": (n1, 1), ..., "WL", "bL"}:
    W_l = randn(n_l, n_{l-1}) / sqrt(n_{l-1}) drawn after np.random.seed(1), b_l = 0.
    """
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        fan_in = layer_dims[l - 1]
        parameters[f"W{l}"] = np.random.randn(layer_dims[l], fan_in) / np.sqrt(fan_in)
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters
