"""Notebook helpers shared by the notebook, nbgrader, server and browser tests."""
import inspect
import re
import textwrap
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "source"

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def source_notebook(assignment="step_by_step"):
    return nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_sources(assignment="step_by_step"):
    """{grade_id: source of the solution cell} from the source notebook, with
    the nbgrader solution markers removed (what a student who solved it has)."""
    out = {}
    for cell in source_notebook(assignment).cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            out[grade_id(cell)] = "\n".join(
                line for line in cell.source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return out


def _given_lines(assignment):
    """Lines of the source notebook outside solution and hidden-test regions (given to students)."""
    lines = set()
    for cell in source_notebook(assignment).cells:
        text = HIDDEN_REGION.sub("", SOLUTION_REGION.sub("", cell.source))
        lines.update(line.strip() for line in text.splitlines())
    return lines


def _region_lines(assignment, pattern, min_len):
    lines = set()
    for cell in source_notebook(assignment).cells:
        for region in pattern.findall(cell.source):
            lines.update(line.strip() for line in region.splitlines() if len(line.strip()) > min_len)
    return lines - _given_lines(assignment)


def solution_lines(assignment="step_by_step"):
    """Every non-trivial line inside a solution region of the source notebook (not also given elsewhere)."""
    return _region_lines(assignment, SOLUTION_REGION, 8)


def hidden_test_lines(assignment="step_by_step"):
    """Every non-trivial hidden-test line of the source notebook (not also given elsewhere)."""
    return _region_lines(assignment, HIDDEN_REGION, 12)


def as_cell_source(fn, name):
    """The source of a test's wrong variant ``fn`` as a student's cell defining ``name`` (the exercise)."""
    source = textwrap.dedent(inspect.getsource(fn))
    return source.replace(f"def {fn.__name__}(", f"def {name}(", 1)


def fill(student_nb, answers):
    """Put ``answers`` ({grade_id: source}) into the student notebook's cells (in place)."""
    for cell in student_nb.cells:
        gid = grade_id(cell)
        if gid in answers:
            cell.source = answers[gid]
    return student_nb


def copy_assignment_files(release_dir, target_dir):
    shutil.copytree(release_dir, target_dir, dirs_exist_ok=True)


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def expected_blocks_not_printed(nb):
    """Check every "Expected output" block of an executed notebook: the numbers it shows must appear,
    in the same order, in what the code cells since the previous prose printed. Returns
    ([(section, missing numbers)] for the blocks that fail, number of blocks checked)."""
    printed, after_prose, bad, checked = "", True, [], 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            if after_prose:
                printed, after_prose = "", False
            printed += "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")
            continue
        after_prose = True
        section = cell.get("metadata", {}).get("dnn_lab", {}).get("section", "")
        if not section.endswith(".expected"):
            continue
        block = re.search(r"```\n(.*?)```", cell.source, re.S).group(1)
        wanted, got = NUMBER.findall(block), iter(NUMBER.findall(printed))
        missing = [n for n in wanted if not any(n == g for g in got)]
        if not wanted or missing:
            bad.append((section, missing or "no numbers"))
        checked += 1
    return bad, checked
