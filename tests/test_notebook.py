"""Executing the step_by_step notebooks with a real kernel (nbclient)."""
import json
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from dnn_lab.notebooks import student_notebook, supporting_files
from nbutil import SOURCE, expected_blocks_not_printed, grade_id

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

REPORT_CELL = """
import json as _json
from dnn_lab.checks import run_checks as _run, EXERCISES as _EX
print("REPORTS=" + _json.dumps({n: {"passed": r.passed, "hints": r.hints, "step": r.failed_step}
                                for n in _EX for r in [_run(n, globals().get(n))]}))
"""

SPEC_VALUES = [
    "Z = [[ 3.26295337 -1.23429987]]",
    "sigmoid: A = [[0.96890023 0.11013289]]",
    "relu: A = [[3.43896131 0.        ]]",
    "AL = [[0.03921668 0.70498921 0.19734387 0.04728177]]",
    "Cost: 0.2797765635793422",
    "db: [[-0.14713786]\n [-0.11313155]\n [-0.13209101]]",
    "dW1 = [[0.41010002 0.07807203 0.13798444 0.10502167]\n [0.         0.         0.         0.        ]",
    "b2 = [[-0.84610769]]",
]


def execute(nb, workdir, allow_errors=False):
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(re.search(r"REPORTS=(.*)", text).group(1))


def outputs(nb):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            yield cell, out


@pytest.fixture(scope="module")
def executed_source(tmp_path_factory):
    work = tmp_path_factory.mktemp("source") / "step_by_step"
    shutil.copytree(SOURCE / "step_by_step", work)
    nb = nbformat.read(work / "step_by_step.ipynb", as_version=4)
    reports = execute(nb, work)
    return nb, reports


def test_source_notebook_passes_every_check(executed_source):
    """Does the source notebook, run top to bottom, pass every check without errors or stderr?"""
    nb, reports = executed_source
    assert all(r["passed"] for r in reports.values()), reports
    bad = [(grade_id(c), o.get("ename"), o.get("text")) for c, o in outputs(nb)
           if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert bad == []


def test_source_notebook_prints_the_original_expected_values(executed_source):
    """Does the source notebook print exactly the values of the original exercise?"""
    nb, _ = executed_source
    printed = "".join(o.get("text", "") for _, o in outputs(nb) if o.output_type == "stream")
    for value in SPEC_VALUES:
        assert value in printed, value


def test_expected_output_blocks_match_what_the_demo_cells_print(executed_source):
    """Does every 'Expected output' block show what the demo cell before it prints?"""
    nb, _ = executed_source
    last_demo = None
    checked = 0
    for cell in nb.cells:
        if grade_id(cell) and grade_id(cell).endswith("_demo"):
            last_demo = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        section = cell.get("metadata", {}).get("dnn_lab", {}).get("section", "")
        if cell.cell_type == "markdown" and section.endswith(".expected"):
            block = re.search(r"```\n(.*?)```", cell.source, re.S).group(1)
            assert block == last_demo, section
            checked += 1
    assert checked == 20


def test_expected_output_values_are_printed(executed_source):
    """Are the numbers of every expected-output block printed, in order, by the cells before it?"""
    nb, _ = executed_source
    bad, checked = expected_blocks_not_printed(nb)
    assert bad == [] and checked == 20


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_untouched_student_notebook_runs_and_reports_not_implemented(tmp_path, lang):
    """Does the untouched student notebook run without SyntaxError, with every check saying not_implemented?"""
    for rel, src in supporting_files("step_by_step", lang):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(src.read_bytes())
    nb = nbformat.reads(student_notebook("step_by_step", lang).read_text(encoding="utf-8"), as_version=4)
    reports = execute(nb, tmp_path, allow_errors=True)
    assert {n: r["hints"][:1] for n, r in reports.items()} == {n: ["not_implemented"] for n in reports}
    errors = {o.ename for _, o in outputs(nb) if o.output_type == "error"}
    assert errors <= {"NotImplementedError", "AssertionError"}, errors
    stderr = [o.text for _, o in outputs(nb) if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == []
    # the check results explain themselves in the chosen language
    shown = [o["data"]["text/plain"] for c, o in outputs(nb) if o.output_type == "display_data"
             and c.metadata.get("dnn_lab", {}).get("role") == "check"]
    assert len(shown) >= 10
    assert all(bool(re.search(r"[\u4e00-\u9fff]", text)) == (lang == "zh") for text in shown)
