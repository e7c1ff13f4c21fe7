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


def test_the_students_lab_and_check_never_import_the_grading_stack(tmp_path):
    """With nbgrader installed (as here), do `dnn-lab lab`'s server (initialized with its own command line,
    extensions linked and loaded) and `dnn-lab check` leave nbgrader, SQLAlchemy and alembic unimported
    (they are the dnn-lab[grading] extra, absent from a student's install)?"""
    code = ("import sys, contextlib, io\n"
            "from pathlib import Path\n"
            "from dnn_lab.lab import free_port, lab_argv, prepare_all\n"
            "from dnn_lab.check_cli import main as check\n"
            "d = Path(sys.argv[1])\n"
            "nb, _ = prepare_all(d, 'zh')\n"
            "from jupyterlab.labapp import LabApp\n"
            "app = LabApp.initialize_server(argv=lab_argv(d, nb, free_port(), 'tok', False))\n"
            "assert 'dnn_lab.server.handlers' in sys.modules  # the extension was loaded\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    status = check([str(nb), '--exercise', 'linear_forward'])\n"
            "assert status == 1, status  # the untouched stub fails\n"
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & {'nbgrader', 'sqlalchemy', 'alembic'})))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ws")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1:] in ([], [""])
    import importlib.util
    assert importlib.util.find_spec("nbgrader") is not None  # the probe could have imported it
