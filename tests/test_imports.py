"""Importing the package in a student kernel stays light: no heavy UI or server modules."""
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "ipywidgets", "jupyter_server", "tornado", "nbgrader", "nbformat")


@pytest.mark.parametrize("module", ["dnn_lab", "dnn_lab.checks", "dnn_lab.public_tests"])
def test_import_leaves_heavy_modules_out(module):
    """Does importing this module leave matplotlib, ipywidgets, jupyter_server, tornado, nbgrader and nbformat unloaded?"""
    code = (f"import sys, {module}\n"
            f"print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_running_a_check_stays_light():
    """Does running a check (as public_tests does, without rendering) keep the heavy modules out too?"""
    code = ("import sys\n"
            "from dnn_lab.checks import run_checks\n"
            "r = run_checks('linear_forward', lambda A, W, b: None, lang='en')\n"
            "assert r.hints == ['not_implemented']\n"
            f"print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
