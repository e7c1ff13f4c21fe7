"""The dnn-lab command line (course init without a source checkout, check on a notebook file)."""
import nbformat

from dnn_lab import cli, dev
from dnn_lab.messages import MESSAGES, t
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


def test_check_command_prints_a_summary(tmp_path, capsys):
    """Does `dnn-lab check` end with the summary line (passed/total)?"""
    answers = dict(solution_sources())
    answers["compute_cost"] = answers["compute_cost"].replace("-(1 / m) *", "(1 / m) *")
    path = _student(tmp_path, answers)
    assert cli.main(["check", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == t("cli.check.summary", "en", passed=9, total=10)


def _bad_inputs(tmp_path):
    folder = tmp_path / "folder.ipynb"
    folder.mkdir()
    (tmp_path / "corrupt.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "plain.ipynb").write_text('{"hello": 1}', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("just text", encoding="utf-8")
    good = _student(tmp_path, solution_sources())
    return [
        ([str(tmp_path / "missing.ipynb")], "cli.check.missing"),
        ([str(folder)], "cli.check.is_dir"),
        ([str(tmp_path / "corrupt.ipynb")], "cli.check.bad_json"),
        ([str(tmp_path / "plain.ipynb")], "cli.check.not_notebook"),
        ([str(tmp_path / "notes.txt")], "cli.check.bad_json"),
        ([str(good), "--exercise", "linear_backwards"], "cli.check.unknown_exercise"),
    ]


def test_check_command_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    """For a missing file, a folder, corrupt JSON, a JSON that is no notebook, a text file and an
    unknown --exercise, does `dnn-lab check` print one bilingual line naming the problem and exit 2?"""
    for argv, message_id in _bad_inputs(tmp_path):
        assert cli.main(["check", *argv]) == 2, argv
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in captured.err, (argv, captured.err)
        zh, en = MESSAGES[message_id]["zh"], MESSAGES[message_id]["en"]
        assert en.split("{")[0].strip() in lines[0] and zh.split("{")[0].strip() in lines[0], (argv, lines)
        assert captured.out == ""


def test_check_help_explains_every_argument(capsys):
    """Does `dnn-lab check --help` describe each argument, without reStructuredText markup?"""
    import pytest
    with pytest.raises(SystemExit) as info:
        cli.main(["check", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for arg in ("notebook", "--exercise", "--lang", "--timeout", "--details"):
        assert arg in out
    assert "``" not in out and ":func:" not in out
    assert "exit status" in out
