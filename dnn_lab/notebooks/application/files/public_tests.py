"""Compatibility module: the original-style test entry points (``linear_forward_test(fn)`` …)."""
from dnn_lab.public_tests import *  # noqa: F401,F403
