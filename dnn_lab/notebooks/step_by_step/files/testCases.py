"""Compatibility module: the reference test cases under their classic module name."""
from dnn_lab.testcases import *  # noqa: F401,F403
