"""Public checks (SPEC §3)::

    from dnn_lab.checks import run_checks, EXERCISES
    report = run_checks("linear_backward", fn, lang="en")

Imports only numpy: student kernels load this.
"""
from .engine import DEFAULT_TIMEOUT, run_checks
from .registry import ALL_EXERCISES, ASSIGNMENTS, EXERCISES, get_exercise
from .report import HINTS, Finding, Report

__all__ = ["run_checks", "EXERCISES", "ALL_EXERCISES", "ASSIGNMENTS", "get_exercise", "Report", "Finding",
           "HINTS", "DEFAULT_TIMEOUT"]
