"""Work taken out of each student's grading (issue 18), and what must stay the same without it."""
import copy

import nbformat
import pytest

from dnn_lab.checks.registry import ASSIGNMENTS
from dnn_lab.grading.nbgrader import _without_debugger, verdict_cells
from dnn_lab.grading.sandbox import Limits, parse_size
from dnn_lab.grading.session import GradingSession
from nbutil import SOURCE


@pytest.mark.parametrize("assignment", ["step_by_step", "application"])
def test_the_feedback_kernel_skips_exactly_the_cells_the_verdicts_replace(assignment):
    """Are the cells the feedback kernel leaves out exactly the grade cells of the assignment's exercises
    (their outputs become the verdicts), and no setup, solution or demo cell?"""
    nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    skipped = verdict_cells(nb, assignment)
    ids = sorted(nb.cells[i].metadata["nbgrader"]["grade_id"] for i in skipped)
    assert ids == sorted(f"{name}_test" for name in ASSIGNMENTS[assignment])
    assert all(nb.cells[i].metadata["nbgrader"]["grade"] and nb.cells[i].cell_type == "code" for i in skipped)
    assert verdict_cells(nb, "not_ours") == set()


def test_the_feedback_kernel_runs_without_debugpy_and_as_python_m_would(tmp_path):
    """Does the kernel command without debugpy start a real kernel that cannot import debugpy, imports
    modules from its working directory (the notebook's dnn_utils, testCases) and runs code?"""
    from jupyter_client.manager import KernelManager

    cmd = ["/venv/bin/python", "-m", "ipykernel_launcher", "-f", "k.json"]
    changed = _without_debugger(cmd)
    assert changed[0] == cmd[0] and changed[1] == "-c" and changed[3:] == ["-f", "k.json"]
    assert _without_debugger(["R", "--slave", "-f", "x"]) == ["R", "--slave", "-f", "x"]

    class Manager(KernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return _without_debugger(super().format_kernel_cmd(extra_arguments))

    (tmp_path / "beside_the_notebook.py").write_text("VALUE = 42\n")
    km = Manager(kernel_name="python3")
    km.transport, km.ip = "ipc", str(tmp_path / "k")
    km.start_kernel(cwd=str(tmp_path))
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        printed = []
        kc.execute_interactive(
            "import sys\n"
            "try:\n    import debugpy\n    print('debugpy imported')\nexcept ImportError:\n    print('no debugpy')\n"
            "from beside_the_notebook import VALUE\nprint(VALUE, 'ipykernel.debugger' in sys.modules)\n",
            timeout=120, output_hook=lambda m: printed.append(m["content"].get("text", "")))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "".join(printed).split("\n")[:2] == ["no debugpy", "42 True"]


def test_each_exercise_worker_finds_what_it_uses_already_imported():
    """When a worker's function is called, are numpy.random and the checks' source analysis (difflib) already
    imported — by the sandbox, once, before it forked — instead of by every exercise's fresh worker?"""
    source = ("def modules(seed):\n"
              "    import sys\n"
              "    before = [m for m in ('numpy.random', 'dnn_lab.checks.source', 'difflib') if m in sys.modules]\n"
              "    np.random.seed(seed)\n"
              "    return before, float(np.random.rand())\n")
    cells = [{"source": source, "nbgrader": {"grade_id": "modules", "solution": True}}]
    with GradingSession(limits=Limits(memory=parse_size("1GiB")), timeout=20) as session:
        values = []
        for seed in (1, 1):   # two exercises: two fresh forks of the same sandbox
            fn = session.function("modules", cells, ["modules"])
            call = fn.call_student(fn, (seed,), ("seed",), timeout=20)
            fn.finish()
            assert call.error is None, call.error
            values.append(call.value)
    assert [list(v[0]) for v in values] == [["numpy.random", "dnn_lab.checks.source", "difflib"]] * 2
    assert values[0][1] == values[1][1]   # seeded in each worker: the same draw, nothing carried over


def test_autograde_processes_read_notebooks_without_building_rfc3987_parsers():
    """Does a ``dnn-lab autograde`` process (parent or worker: both import dnn_lab.autograde first) read and
    validate notebooks with nbformat and load nbgrader's AutogradeApp without importing rfc3987_syntax
    (about 40 lark parsers built at import)?"""
    import subprocess
    import sys

    code = ("import sys, dnn_lab.autograde, nbformat\n"
            "from nbgrader.apps import AutogradeApp\n"
            f"nb = nbformat.read({str(SOURCE / 'step_by_step' / 'step_by_step.ipynb')!r}, as_version=4)\n"
            "nbformat.validate(nb)\n"
            "print(len(nb.cells) > 10, 'lark' in sys.modules, sys.modules.get('rfc3987_syntax', 'absent'))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False", "None"]


def test_a_worker_checks_nbgraders_metadata_schema_once_and_still_rejects_bad_cells():
    """With the worker's once-per-process schema check installed, does nbgrader's CheckCellMetadata still accept
    the course's notebook and reject a cell with bad nbgrader metadata with jsonschema's own error, and is the
    meta-schema check (``check_schema``) done once, not per cell?"""
    import jsonschema
    from jsonschema.validators import validator_for
    from nbgrader.nbgraderformat import ValidationError, common
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    from dnn_lab.autograde.warm import validate_schema_once

    nb = nbformat.read(SOURCE / "step_by_step" / "step_by_step.ipynb", as_version=4)
    schema = MetadataValidatorV3().schema
    cls = validator_for(schema)
    checked = []
    original = cls.check_schema.__func__
    cls.check_schema = classmethod(lambda c, s, **kw: (checked.append(1), original(c, s, **kw))[1])
    common.jsonschema = jsonschema   # a fresh shim, whatever ran before in this process
    try:
        shim = validate_schema_once()
        assert validate_schema_once() is shim
        MetadataValidatorV3().validate_nb(nb)
        MetadataValidatorV3().validate_nb(nb)
        graded = sum("nbgrader" in c.metadata for c in nb.cells)
        assert graded > 20 and len(checked) == 1   # plain jsonschema.validate: once per cell
        bad = copy.deepcopy(nb)
        cell = next(c for c in bad.cells if c.metadata.get("nbgrader", {}).get("grade"))
        cell.metadata["nbgrader"]["points"] = "ten"
        with pytest.raises(ValidationError) as ours:
            MetadataValidatorV3().validate_nb(bad)
        with pytest.raises(jsonschema.ValidationError) as theirs:
            jsonschema.validate(cell.metadata["nbgrader"], schema)
        assert ours.value.message == theirs.value.message and "'ten'" in ours.value.message
    finally:
        cls.check_schema = classmethod(original)
        common.jsonschema = jsonschema


def test_a_forked_worker_shows_the_workers_command_line_and_threads_prevent_forking():
    """``dnn-lab autograde`` forks its workers (imports shared) only while it has no other thread, and a forked
    worker shows ``python -m dnn_lab.autograde.worker`` as its command line (ps, /proc, the tests that look
    for workers), as a started one would."""
    import os
    import subprocess
    import sys
    import threading

    from dnn_lab.autograde import worker

    code = ("import os, sys\n"
            "from dnn_lab.autograde.worker import set_title\n"
            "too_long = set_title(['x' * 100000])\n"
            "ok = set_title([sys.executable, '-m', 'dnn_lab.autograde.worker'])\n"
            "print(too_long, ok, open('/proc/self/cmdline', 'rb').read().rstrip(b'\\0').split(b'\\0')[1:])\n")
    proc = subprocess.run([sys.executable, "-c", code, "a-long-enough-argument-list-to-hold-the-title"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False True [b'-m', b'dnn_lab.autograde.worker']"   # too long: left as it was
    assert worker.can_fork() == (threading.active_count() == 1 and not os.environ.get("DNN_LAB_AUTOGRADE_SPAWN"))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not worker.can_fork()
    finally:
        stop.set()
        other.join()
