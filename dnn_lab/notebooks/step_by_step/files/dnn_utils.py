"""Compatibility module: the activation helpers under their classic module name."""
from dnn_lab.helpers import relu, relu_backward, sigmoid, sigmoid_backward  # noqa: F401
