"""The student's install: the dnn-lab wheel built from this checkout and installed with pip, dependencies
resolved for real, into a fresh venv *without* the grading extra (no nbgrader, SQLAlchemy or alembic), then
used as a self-learner would: `dnn-lab lab` serves the lab and the /dnn-lab page, `dnn-lab check` checks a
notebook. (tests/venvs.py's venvs see the outer packages, nbgrader included: not usable here.)

pip takes the wheels from its cache (filled by the developer's `pip install -e ".[test]"`) or the index."""
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import nbformat
import pytest
from browser_util import free_port, stop

from dnn_lab.lab import LOG_NAME
from dnn_lab.lab_lang import say
from dnn_lab.messages import t, t_short
from nbutil import ROOT, fill, solution_sources

URL = re.compile(r"(http://127\.0\.0\.1:(\d+)/)lab/tree/step_by_step\.ipynb\?token=([0-9a-f]+)")
GRADING_ONLY = ("nbgrader", "sqlalchemy", "alembic", "latex2mathml")

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """(bin folder, env) of a fresh venv holding `pip install dnn_lab-*.whl` (no extra), with a fresh HOME."""
    tmp = tmp_path_factory.mktemp("student")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(tmp / "dist")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    wheel = next((tmp / "dist").glob("dnn_lab-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                           "--disable-pip-version-check", str(wheel)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    (tmp / "home").mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "DNN_LAB_LANG") and not k.startswith("JUPYTER")}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", HOME=str(tmp / "home"),
               OPENBLAS_NUM_THREADS="1")
    return venv / "bin", env


def test_the_student_install_has_no_grading_stack(student):
    """Is the wheel installed in the venv's own site-packages (not this checkout), with JupyterLab, the
    widgets and the zh-CN language pack, and without nbgrader, SQLAlchemy, alembic or latex2mathml?"""
    bindir, env = student
    probe = ("import importlib.util as u, dnn_lab, jupyterlab, ipywidgets, matplotlib; "
             "import importlib.metadata as m; m.distribution('jupyterlab-language-pack-zh-cn'); "
             f"print(dnn_lab.__file__); print([n for n in {GRADING_ONLY!r} if u.find_spec(n)])")
    # (run from the fresh HOME: `python -c` puts the working directory, here this checkout, on sys.path)
    out = subprocess.run([str(bindir / "python"), "-c", probe], env=env, cwd=env["HOME"], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    where, missing = out.stdout.splitlines()
    assert where.startswith(str(bindir.parent)) and "site-packages" in where
    assert missing == "[]"
    proc = subprocess.run([str(bindir / "python"), "-m", "pip", "--version"], env=env, cwd=env["HOME"],
                          capture_output=True)
    assert proc.returncode != 0  # a venv of its own, without pip: nothing of the outer one leaks in


def _get(url, token=None):
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_dnn_lab_lab_serves_the_lab_without_nbgrader(student, tmp_path):
    """Does `dnn-lab lab --lang zh` of the student install print only its own Chinese lines (the URL, the log
    file's path), serve JupyterLab and the /dnn-lab page in Chinese, with nothing about nbgrader in
    Jupyter's log, and stop cleanly?"""
    bindir, env = student
    workspace, terminal = tmp_path / "ws", tmp_path / "terminal.txt"
    with open(terminal, "w") as out:
        proc = subprocess.Popen([str(bindir / "dnn-lab"), "lab", str(workspace), "--no-browser", "--lang", "zh",
                                 "--port", str(free_port())], cwd=tmp_path, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, m = time.monotonic() + 120, None
        while m is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
            m = URL.search(terminal.read_text(encoding="utf-8"))
        assert m, terminal.read_text(encoding="utf-8")[-3000:]
        base, token = m.group(1), m.group(3)
        assert _get(base + "api/status", token)[0] == 200
        code, page = _get(base + f"dnn-lab?token={token}")
        assert code == 200 and 'data-assignment="step_by_step"' in page and '<body class="lang-zh"' in page
        assert '<option value="zh" selected>中文</option>' in page
        code, lab = _get(base + "lab/tree/step_by_step.ipynb", token)
        assert code == 200 and "@jupyter/nbgrader" in lab  # the page config still disables it (harmless)
        assert _get(base + "formgrader", token)[0] == 404
    finally:
        stop(proc, timeout=30)
    assert proc.returncode == 0
    lines = terminal.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.startswith("dnn-lab: ") for line in lines), lines
    assert say("lab.log_file", "zh", path=str(workspace / LOG_NAME)) in lines
    assert t_short("lab.ready_page", "zh") in "\n".join(lines) and "DNN Lab page" not in "\n".join(lines)
    log = (workspace / LOG_NAME).read_text(encoding="utf-8")
    assert "dnn_lab | extension was successfully loaded" in log
    assert "nbgrader" not in log.lower() and "Traceback" not in log


def test_dnn_lab_check_and_its_refusal_to_grade(student, tmp_path):
    """Does `dnn-lab check` of the student install pass a correct function, fail a wrong one (exit 1,
    1/2 passed), and does `dnn-lab autograde` say in one line that grading needs dnn-lab[grading] (exit 2)?"""
    bindir, env = student
    nb = nbformat.read(ROOT / "dnn_lab" / "notebooks" / "step_by_step" / "en" / "step_by_step.ipynb", as_version=4)
    answers = solution_sources()
    wrong = answers["linear_forward"].replace("Z = np.dot(W, A) + b", "Z = np.dot(W, A)")
    assert wrong != answers["linear_forward"]
    nbformat.write(fill(nb, {"initialize_parameters": answers["initialize_parameters"], "linear_forward": wrong}),
                   tmp_path / "step_by_step.ipynb")
    proc = subprocess.run([str(bindir / "dnn-lab"), "check", "step_by_step.ipynb", "--exercise",
                           "initialize_parameters", "--exercise", "linear_forward"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == t_short("cli.check.summary", "en", passed=1, total=2)
    assert "linear_forward" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr

    proc = subprocess.run([str(bindir / "dnn-lab"), "autograde", "step_by_step"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"dnn-lab: {t('cli.needs_grading', 'both', command='autograde')}\n"
