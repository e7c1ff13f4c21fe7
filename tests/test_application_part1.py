"""load_part1: Part 2 trains with the student's own ten functions, read from
their step_by_step notebook.  These tests build solved (and broken) Part 1
notebooks from the source notebook in temporary folders."""
import re

import nbformat
import pytest

from dnn_lab.app import Part1CheckError, Part1Error, Part1NotFoundError, load_part1
from dnn_lab.app.part1 import FUNCTIONS, candidates
from nbutil import source_notebook

SOLUTION = re.compile(r"### BEGIN SOLUTION\n.*?### END SOLUTION\n", re.S)


@pytest.fixture
def solved():
    """The source notebook: every graded cell holds a correct solution."""
    return source_notebook("step_by_step")


def cell_of(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def side_by_side(tmp_path, nb):
    """<tmp>/step_by_step/step_by_step.ipynb and the application folder next to it."""
    write(nb, tmp_path / "step_by_step" / "step_by_step.ipynb")
    app = tmp_path / "application"
    app.mkdir()
    return app


def test_sibling_folder_is_found_and_all_ten_pass(tmp_path, solved, capsys):
    """From application/, is ../step_by_step/step_by_step.ipynb loaded, checked and summarised?"""
    app = side_by_side(tmp_path, solved)
    part1 = load_part1(start=app, lang="en")
    assert part1.path == (tmp_path / "step_by_step" / "step_by_step.ipynb").resolve()
    assert list(part1) == list(FUNCTIONS) and part1.ok
    assert all(r.passed for r in part1.reports.values())
    assert part1.message_ids() == ["ui.part1_loaded"]
    assert capsys.readouterr().out.strip() == part1.summary("en")


def test_functions_come_from_the_students_notebook(tmp_path, solved):
    """Are the loaded functions compiled from the student's file, not from dnn_lab?"""
    app = side_by_side(tmp_path, solved)
    part1 = load_part1(start=app, check=False, quiet=True)
    for name, fn in part1.items():
        assert "step_by_step.ipynb" in fn.__code__.co_filename, name
        assert fn.__module__ == "step_by_step"


def test_same_folder_explicit_file_and_explicit_folder(tmp_path, solved):
    """Are ./step_by_step.ipynb, an explicit notebook path and a folder path all accepted?"""
    here = write(solved, tmp_path / "both" / "step_by_step.ipynb")
    assert load_part1(start=here.parent, check=False, quiet=True).path == here.resolve()
    other = write(solved, tmp_path / "elsewhere" / "my_part1.ipynb")
    assert load_part1(other, check=False, quiet=True).path == other.resolve()
    assert load_part1(here.parent, check=False, quiet=True).path == here.resolve()


def test_environment_variable_points_to_the_notebook(tmp_path, solved, monkeypatch):
    """Does DNN_LAB_PART1 take precedence over the folders around the notebook?"""
    target = write(solved, tmp_path / "somewhere" / "part1.ipynb")
    monkeypatch.setenv("DNN_LAB_PART1", str(target))
    app = tmp_path / "application"
    app.mkdir()
    assert load_part1(start=app, check=False, quiet=True).path == target.resolve()


@pytest.mark.parametrize("root", ["autograded", "submitted"])
def test_nbgrader_layout_finds_the_submitted_part1(tmp_path, solved, root):
    """Under <course>/<root>/<student>/application, is submitted/<student>/step_by_step used?"""
    course = tmp_path / "course"
    target = write(solved, course / "submitted" / "alice" / "step_by_step" / "step_by_step.ipynb")
    write(solved, course / "submitted" / "bob" / "step_by_step" / "step_by_step.ipynb")
    app = course / root / "alice" / "application"
    app.mkdir(parents=True)
    assert load_part1(start=app, check=False, quiet=True).path == target.resolve()
    assert (course / "autograded" / "alice" / "step_by_step" / "step_by_step.ipynb") in candidates(app)


def test_renamed_copy_is_found(tmp_path, solved):
    """Is a renamed copy such as step_by_step-1.ipynb found when the usual name is absent?"""
    target = write(solved, tmp_path / "step_by_step" / "step_by_step-1.ipynb")
    app = tmp_path / "application"
    app.mkdir()
    assert load_part1(start=app, check=False, quiet=True).path == target.resolve()


def test_missing_notebook_is_a_clear_bilingual_error(tmp_path):
    """Without a Part 1 notebook, is Part1NotFoundError raised, listing where it looked, in both languages?"""
    app = tmp_path / "application"
    app.mkdir()
    with pytest.raises(Part1NotFoundError) as info:
        load_part1(start=app, lang="both")
    err = info.value
    assert isinstance(err, FileNotFoundError)
    assert err.message_id == "ui.part1_not_found"
    assert str(tmp_path / "step_by_step" / "step_by_step.ipynb") in err.params["paths"]
    lines = err._render_traceback_()
    assert lines[0] == "Part1NotFoundError:" and len(lines) > 3 and not any("Traceback" in x for x in lines)
    with pytest.raises(Part1NotFoundError):
        load_part1(tmp_path / "nothing_here.ipynb")


def test_unreadable_notebook_is_reported(tmp_path):
    """Is a notebook file that is not JSON reported as unreadable, not as a crash?"""
    bad = tmp_path / "step_by_step.ipynb"
    bad.write_text("{ this is not json", encoding="utf-8")
    with pytest.raises(Part1Error) as info:
        load_part1(bad)
    assert info.value.message_id == "ui.part1_unreadable"


def test_only_definitions_run_never_demos_checks_or_top_level_code(tmp_path, solved, capsys):
    """Are demo cells, check cells and top-level statements in function cells left unexecuted?"""
    marker = tmp_path / "ran.txt"
    cell = cell_of(solved, "linear_forward")
    cell.source += f"\nopen({str(marker)!r}, 'w').write('top level')\nprint('TOP LEVEL PRINT')\n"
    demo = cell_of(solved, "linear_forward_demo")
    demo.source = f"open({str(marker)!r}, 'w').write('demo')\n" + demo.source
    check_cell = cell_of(solved, "linear_forward_test")
    check_cell.source = "raise SystemExit('a check cell must never run')\n" + check_cell.source
    app = side_by_side(tmp_path, solved)
    part1 = load_part1(start=app, lang="en", check=False)
    assert part1.ok
    assert not marker.exists()
    assert "TOP LEVEL PRINT" not in capsys.readouterr().out


def test_cells_without_metadata_and_own_imports_work(tmp_path, solved):
    """Is a function found in a cell that lost its nbgrader metadata, and can it use a module the student imported elsewhere?"""
    cell = cell_of(solved, "compute_cost")
    cell.metadata = {}
    cell.source = cell.source.replace("np.log(AL)", "math_log(AL)")
    solved.cells.append(nbformat.v4.new_code_cell("from numpy import log as math_log\nprint('my own cell')"))
    app = side_by_side(tmp_path, solved)
    part1 = load_part1(start=app, lang="en", quiet=True)
    assert "compute_cost" in part1 and part1.reports["compute_cost"].passed


def test_a_wrong_function_is_named_with_its_hint_and_still_returned(tmp_path, solved, capsys):
    """Is a Part 1 function that fails its checks listed (step, hint), while the others load?"""
    cell = cell_of(solved, "update_parameters")
    cell.source = cell.source.replace("- learning_rate * grads", "+ learning_rate * grads")
    app = side_by_side(tmp_path, solved)
    part1 = load_part1(start=app, lang="en")
    assert part1.failed == ("update_parameters",)
    assert part1.reports["update_parameters"].hints[0] == "sign_error"
    assert not part1.ok and len(part1) == 10
    assert part1.message_ids() == ["ui.part1_some_failed", "ui.part1_fix"]
    assert "update_parameters" in capsys.readouterr().out
    with pytest.raises(Part1CheckError):
        load_part1(start=app, lang="en", strict=True, quiet=True)


def test_missing_function_and_broken_cell_are_reported(tmp_path, solved):
    """Are a deleted function and a cell with a syntax error reported, the rest still loaded?"""
    solved.cells.remove(cell_of(solved, "linear_backward"))
    cell_of(solved, "compute_cost").source += "\n    oops = (\n"
    app = side_by_side(tmp_path, solved)
    part1 = load_part1(start=app, lang="en", quiet=True, check=False)
    assert part1.missing == ("compute_cost", "linear_backward")
    assert [number for number, _ in part1.cell_errors] and "SyntaxError" in part1.cell_errors[0][1]
    assert "ui.part1_missing" in part1.message_ids() and "ui.part1_cell_error" in part1.message_ids()
    assert len(part1) == 8


def test_untouched_student_version_reports_not_implemented(tmp_path, solved):
    """Does an untouched Part 1 (stubs) give ten functions that all fail as not_implemented?"""
    for cell in solved.cells:
        cell.source = SOLUTION.sub("raise NotImplementedError()\n", cell.source)
    app = side_by_side(tmp_path, solved)
    part1 = load_part1(start=app, lang="en", quiet=True)
    assert len(part1) == 10 and set(part1.failed) == set(FUNCTIONS)
    assert all(part1.reports[n].hints[0] == "not_implemented" for n in FUNCTIONS)
