"""Executing the Part 2 notebook (application) with a real kernel (nbclient):
the source version trains both models, and the generated student version runs
to the end with every Check reporting not_implemented."""
import base64
import contextlib
import io
import json
import os
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image

from nbutil import SOURCE, expected_blocks_not_printed, grade_id, solution_lines

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

REPORT_CELL = """
import json as _json
from dnn_lab.checks import run_checks as _run, ASSIGNMENTS as _A
print("REPORTS=" + _json.dumps({n: {"passed": r.passed, "hints": r.hints, "step": r.failed_step}
                                for n in _A["application"] for r in [_run(n, globals().get(n))]}))
"""
PROGRESS_LINE = re.compile(r"iteration\s+(\d+): .*? ([0-9.eE+-]+)$")


@contextlib.contextmanager
def single_threaded_blas():
    """The kernel inherits this: tiny matrix products run faster on one BLAS
    thread, most of all on a busy CI machine (numbers are unchanged)."""
    saved = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    os.environ.update({k: "1" for k in saved})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute(nb, workdir, allow_errors=False):
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    with single_threaded_blas():
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=allow_errors,
                       resources={"metadata": {"path": str(workdir)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(re.search(r"REPORTS=(.*)", text).group(1))


def cell(nb, gid):
    """The cell with nbgrader grade_id ``gid``, or (cells nbgrader neither grades nor locks) with cell id ``gid``."""
    return next(c for c in nb.cells if grade_id(c) == gid or (grade_id(c) is None and c.get("id") == gid))


def stdout_of(c):
    return "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream" and o.name == "stdout")


def pngs_of(c):
    return [Image.open(io.BytesIO(base64.b64decode(o["data"]["image/png"])))
            for o in c.outputs if "image/png" in o.get("data", {})]


@pytest.fixture(scope="module")
def executed_source(tmp_path_factory):
    """The source notebook run in <tmp>/application, next to a solved <tmp>/step_by_step."""
    work = tmp_path_factory.mktemp("course")
    shutil.copytree(SOURCE / "step_by_step", work / "step_by_step")
    shutil.copytree(SOURCE / "application", work / "application")
    nb = nbformat.read(work / "application" / "application.ipynb", as_version=4)
    reports = execute(nb, work / "application")
    return nb, reports


def test_source_notebook_runs_clean_and_passes_its_checks(executed_source):
    """Does the source notebook run top to bottom without errors or stderr, passing the three checks?"""
    nb, reports = executed_source
    assert all(r["passed"] for r in reports.values()), reports
    bad = [(grade_id(c), o.get("ename"), o.get("text")) for c in nb.cells for o in c.get("outputs", [])
           if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert bad == []
    assert "ui" not in stdout_of(cell(nb, "load_part1"))  # the summary text, never a raw message id
    assert len(stdout_of(cell(nb, "load_part1")).strip().splitlines()) == 2  # zh + en: all ten loaded


@pytest.mark.parametrize("gid", ["train_two_layer", "train_L_layer"])
def test_training_prints_costs_at_0_100_and_the_last_iteration(executed_source, gid):
    """Does each training cell print the cost at iterations 0, 100, …, 2499, falling overall?"""
    nb, _ = executed_source
    costs = {int(m.group(1)): float(m.group(2)) for m in
             (PROGRESS_LINE.search(line) for line in stdout_of(cell(nb, gid)).splitlines()) if m}
    assert sorted(costs) == list(range(0, 2500, 100)) + [2499]
    assert 0.6 < costs[0] < 0.75 and costs[2499] < costs[100] < costs[0]


def test_training_leaves_a_static_summary_for_exported_notebooks(executed_source):
    """After training, does the progress display hold a text/html summary (no live widget left)?"""
    nb, _ = executed_source
    for gid in ("train_two_layer", "train_L_layer"):
        shown = [o for o in cell(nb, gid).outputs if o.output_type == "display_data"]
        assert shown and all("application/vnd.jupyter.widget-view+json" not in o["data"] for o in shown)
        assert "text/plain" in shown[-1]["data"] and "text/html" in shown[-1]["data"]


def test_accuracies_of_both_models_are_printed_and_tabulated(executed_source):
    """Are train and test accuracy printed for both models and shown side by side?"""
    nb, _ = executed_source
    results = cell(nb, "results")
    accuracies = [float(x) for x in re.findall(r"Accuracy: ([0-9.]+)", stdout_of(results))]
    assert len(accuracies) == 4
    train_2, test_2, train_L, test_L = accuracies
    assert train_2 > 0.85 and train_L > 0.9 and min(test_2, test_L) > 0.6
    table = next(o for o in results.outputs if o.output_type == "execute_result")
    assert table["data"]["text/html"].count("<tr>") == 3


def test_small_initialiser_stalls_where_the_scaled_one_learns(executed_source):
    """In the initialiser demo, does the ×0.01 start lower the cost much less than 1/sqrt(n)?"""
    nb, _ = executed_source
    drops = [float(a) - float(b) for a, b in
             re.findall(r"([0-9.]+) -> ([0-9.]+)", stdout_of(cell(nb, "init_scale_demo")))]
    small, scaled = drops
    assert scaled > 3 * small > 0


def test_expected_output_values_are_printed(executed_source):
    """Does every expected-output block (first and final costs of both models, the predict demo,
    the accuracies) show numbers that the cells before it print, in order?"""
    nb, _ = executed_source
    bad, checked = expected_blocks_not_printed(nb)
    assert bad == [] and checked == 14
    sections = {c.metadata["dnn_lab"]["section"] for c in nb.cells if c.cell_type == "markdown"}
    assert {"ex1.expected", "ex2.expected", "ex3.expected", "train_two_layer.expected",
            "train_L_layer.expected", "results.expected"} <= sections


def test_predict_has_a_demo_cell_before_its_check(executed_source):
    """Is predict demonstrated (labels and accuracy printed) before its check cell, like every exercise?"""
    nb, _ = executed_source
    order = [grade_id(c) for c in nb.cells]
    assert order.index("predict") < order.index("predict_demo") < order.index("predict_test")
    assert re.search(r"Accuracy: [0-9.]+\np_demo = \[\[", stdout_of(cell(nb, "predict_demo")))


@pytest.mark.parametrize("gid", ["data", "plot_two_layer", "init_scale_demo", "plot_both", "mislabeled", "own_image"])
def test_figures_are_drawn_as_png(executed_source, gid):
    """Is each figure of the notebook a real PNG of a readable size?"""
    nb, _ = executed_source
    images = pngs_of(cell(nb, gid))
    assert len(images) == 1
    width, height = images[0].size
    assert width >= 400 and height >= 250


@pytest.mark.nbgrader
def test_generated_student_version_runs_and_every_check_is_not_implemented(tmp_path):
    """Does the student version (nbgrader generate_assignment) hold no solution, run to the end,
    and report not_implemented for the three exercises, with nothing on stderr?"""
    from dnn_lab.dev import generate_student_version
    release = generate_student_version("application", "both", tmp_path)
    nb = nbformat.read(release / "application.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert [line for line in solution_lines("application") if line in text] == []
    work = tmp_path / "student"
    shutil.copytree(SOURCE / "step_by_step", work / "step_by_step")  # a finished Part 1
    shutil.copytree(release, work / "application")
    reports = execute(nb, work / "application", allow_errors=True)
    for name, report in reports.items():
        assert (report["passed"], report["hints"][0]) == (False, "not_implemented"), (name, report)
    stderr = [grade_id(c) for c in nb.cells for o in c.get("outputs", [])
              if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == []
    errors = {o.ename for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"}
    assert errors <= {"NotImplementedError", "AssertionError", "NameError"}
    # an unimplemented exercise either raises NotImplementedError or (dnn_lab.kernel) says so and skips
    said = [n for n in ("two_layer_model", "L_layer_model") if n in stdout_of(cell(nb, f"{n}_demo"))]
    assert "NotImplementedError" in errors or said == ["two_layer_model", "L_layer_model"], (errors, said)
