"""dnn_lab.repair: a fresh student version with the student's answers moved in."""
import hashlib
import json

import nbformat
import pytest
from browser_util import (
    WRONG_LINEAR_BACKWARD,
    fill,
    nbgrader_meta,
    shuffle_and_break,
    solution_ids,
    student_notebook,
    write_notebook,
)

from dnn_lab.repair import NotebookError, detect_lang, repair

# Students' answers in these tests are plain text markers: repair moves text, it never runs it.
MARKERS = {
    "linear_forward": "def linear_forward(A, W, b):\n    return 'student linear_forward'\n",
    "compute_cost": "def compute_cost(AL, Y):\n    return 'student compute_cost'\n",
    "linear_backward": WRONG_LINEAR_BACKWARD,
}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cells_by_id(nb):
    return {nbgrader_meta(c).get("grade_id"): c for c in nb.cells if nbgrader_meta(c).get("grade_id")}


def test_bundled_notebook_has_ten_solution_cells():
    """Does the student version the repair starts from have a solution cell per exercise?"""
    from dnn_lab.checks import EXERCISES
    assert solution_ids(student_notebook("both")) == list(EXERCISES)


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_shuffled_cells_and_deleted_test_cell_are_repaired(tmp_path, lang):
    """With shuffled cells and a deleted test cell, does every answer come back to its place?"""
    fresh = student_notebook(lang)
    broken = shuffle_and_break(fill(fresh, MARKERS))
    path = write_notebook(broken, tmp_path / "mine.ipynb")
    before = digest(path)

    result = repair(path)

    assert digest(path) == before
    assert result.target == tmp_path / "mine-repaired.ipynb"
    assert result.lang == lang and result.assignment == "step_by_step"
    assert sorted(result.moved) == sorted(MARKERS)
    assert result.missing == []
    assert set(result.unchanged) == set(solution_ids(fresh)) - set(MARKERS)
    new = nbformat.read(result.target, as_version=4)
    assert [nbgrader_meta(c).get("grade_id") for c in new.cells] == \
        [nbgrader_meta(c).get("grade_id") for c in fresh.cells]  # order and test cells restored
    by_id = cells_by_id(new)
    for gid, source in MARKERS.items():
        assert by_id[gid].source == source
    assert "linear_backward_test" in by_id
    nbformat.validate(new)


def test_missing_answers_are_reported(tmp_path):
    """When a solution cell was deleted and no cell defines the function, is it reported missing?"""
    nb = fill(student_notebook("en"), MARKERS)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") not in ("compute_cost", "update_parameters")]
    path = write_notebook(nb, tmp_path / "nb.ipynb")

    result = repair(path)

    assert sorted(result.missing) == ["compute_cost", "update_parameters"]
    assert "compute_cost" not in result.moved
    assert cells_by_id(nbformat.read(result.target, as_version=4))["compute_cost"].source == \
        cells_by_id(student_notebook("en"))["compute_cost"].source


def test_cells_without_metadata_are_matched_by_def(tmp_path):
    """If an editor dropped all cell metadata, are answers found by `def <name>(`?"""
    nb = fill(student_notebook("zh"), MARKERS)
    for cell in nb.cells:
        cell.metadata = {}
    nb.metadata = {"kernelspec": nb.metadata.get("kernelspec", {})}
    path = write_notebook(nb, tmp_path / "stripped.ipynb")

    result = repair(path)

    assert sorted(result.moved) == sorted(MARKERS)
    assert all(result.matched_by[g] == "def" for g in MARKERS)
    assert result.lang == "zh"  # recognised from the setup cell / the prose


def test_copied_cell_the_last_edited_answer_wins(tmp_path):
    """With a solution cell duplicated (a copy keeps its metadata), is the later edited one moved?"""
    nb = student_notebook("en")
    cells = cells_by_id(nb)
    first = nbformat.from_dict(json.loads(json.dumps(cells["linear_forward"])))
    first.source = "def linear_forward(A, W, b):\n    return 'old attempt'\n"
    second = nbformat.from_dict(json.loads(json.dumps(cells["linear_forward"])))
    second.source = "def linear_forward(A, W, b):\n    return 'new attempt'\n"
    nb.cells = [first] + nb.cells + [second, copy_stub(cells["linear_forward"])]
    path = write_notebook(nb, tmp_path / "dup.ipynb")

    result = repair(path)

    assert "new attempt" in cells_by_id(nbformat.read(result.target, as_version=4))["linear_forward"].source


def copy_stub(cell):
    return nbformat.from_dict(json.loads(json.dumps(cell)))


def test_repair_never_overwrites(tmp_path):
    """Does a second repair pick a new name instead of replacing the first result?"""
    path = write_notebook(fill(student_notebook("en"), MARKERS), tmp_path / "a.ipynb")
    first = repair(path)
    stamp = digest(first.target)
    second = repair(path)
    assert second.target != first.target and second.target.name == "a-repaired-1.ipynb"
    assert digest(first.target) == stamp


def test_repair_does_not_run_student_code(tmp_path):
    """Is a cell that would write a file when executed only moved as text?"""
    evil = "def linear_forward(A, W, b):\n    pass\nopen('PWNED', 'w').write('x')\n"
    path = write_notebook(fill(student_notebook("en"), {"linear_forward": evil}), tmp_path / "e.ipynb")
    result = repair(path)
    assert result.moved == ["linear_forward"]
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("content, code", [
    (b"not json at all", "not_a_notebook"),
    (b'{"cells": 5}', "not_a_notebook"),
    (b"[]", "not_a_notebook"),
    (b"\xff\xfe\x00", "not_a_notebook"),
])
def test_malformed_notebook_is_refused(tmp_path, content, code):
    """Is a file that is not a notebook refused with an error code, and left alone?"""
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError) as info:
        repair(path)
    assert info.value.code == code
    assert path.read_bytes() == content
    assert list(tmp_path.iterdir()) == [path]


def test_huge_notebook_is_refused_before_reading(tmp_path):
    """Is a notebook over the size limit refused as too_large?"""
    path = tmp_path / "huge.ipynb"
    path.write_bytes(b" " * 2048)
    with pytest.raises(NotebookError) as info:
        repair(path, max_bytes=1024)
    assert info.value.code == "too_large"


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_language_is_detected_from_the_student_version(lang):
    """Is the language of a bundled student notebook recognised?"""
    assert detect_lang(student_notebook(lang)) == lang
