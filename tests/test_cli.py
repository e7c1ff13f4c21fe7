"""The dnn-lab command line (course init without a source checkout, check on a notebook file)."""
import nbformat

from dnn_lab import cli, dev
from dnn_lab.notebooks import student_notebook
from nbutil import fill, solution_sources


def test_course_init_from_a_wheel_explains_where_the_sources_are(tmp_path, monkeypatch, capsys):
    """Without a source checkout, does `course init` fail cleanly and say where to get the source notebooks?"""
    def no_checkout():
        raise FileNotFoundError("No assignments/source/ next to this package")
    monkeypatch.setattr(dev, "repo_root", no_checkout)
    assert cli.main(["course", "init", str(tmp_path / "c"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "assignments/source" in err and "pip install -e ." in err  # names the missing folder and the fix
    assert not (tmp_path / "c" / "nbgrader_config.py").exists()


def _student(tmp_path, answers):
    nb = nbformat.reads(student_notebook("step_by_step", "en").read_text(encoding="utf-8"), as_version=4)
    path = tmp_path / "step_by_step.ipynb"
    nbformat.write(fill(nb, answers), path)
    return path


def test_check_command_passes_a_solved_notebook(tmp_path, capsys):
    """Does `dnn-lab check` pass a notebook holding the solutions (exit 0) without running its other cells?"""
    path = _student(tmp_path, solution_sources())
    assert cli.main(["check", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.count("✓") >= 10


def test_check_command_fails_a_wrong_function(tmp_path, capsys):
    """Does `dnn-lab check` exit 1 when one function is wrong, and 0 when only the others are checked?"""
    answers = dict(solution_sources())
    answers["compute_cost"] = answers["compute_cost"].replace("-(1 / m) *", "(1 / m) *")
    path = _student(tmp_path, answers)
    assert cli.main(["check", str(path), "--exercise", "compute_cost", "--lang", "en"]) == 1
    assert cli.main(["check", str(path), "--exercise", "linear_forward", "--lang", "en"]) == 0
