"""The dnn-lab command line (course init with and without the source notebooks, check on a notebook file)."""
import re

import nbformat

from dnn_lab import cli, sources
from dnn_lab.messages import MESSAGES, t
from dnn_lab.notebooks import student_notebook
from nbutil import ROOT, fill, solution_sources


def test_course_init_without_the_course_package_names_it(tmp_path, monkeypatch, capsys):
    """With dnn-lab alone (no checkout, no dnn-lab-course), does `course init` exit 2 with the one bilingual
    message naming the package to install, and write nothing?"""
    monkeypatch.setattr(sources, "checkout_root", lambda: None)
    monkeypatch.setattr(sources, "course_package", lambda: None)
    assert cli.main(["course", "init", str(tmp_path / "c"), "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert err == f"dnn-lab: {t('cli.no_course_package', 'en', dist='dnn-lab-course')}\n"
    assert "pip install dnn-lab-course" in t("cli.no_course_package", "zh", dist=sources.COURSE_DIST)
    assert "pip install dnn-lab-course" in t("cli.no_course_package", "en", dist=sources.COURSE_DIST)
    assert out == "" and not (tmp_path / "c").exists()


def test_course_init_lists_the_next_commands_in_the_readme_order(tmp_path, capsys):
    """From the checkout, does `course init` copy Part 1 and Part 2 and print the README's nbgrader commands,
    in the README's order (generate Part 1, Part 2; autograde Part 1 before Part 2; feedback)?"""
    assert cli.main(["course", "init", str(tmp_path / "c"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "source/step_by_step/ copied" in out and "source/application/ copied" in out
    printed = [line.strip() for line in out.splitlines() if line.strip().startswith("nbgrader ")]
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Instructors", 1)[1].split("\n## ", 1)[0]
    readme = [re.sub(r"\s+#.*", "", line).strip() for line in section.splitlines() if line.startswith("nbgrader ")]
    assert printed == readme
    assert printed.index("nbgrader autograde step_by_step") < printed.index("nbgrader autograde application")
    assert "c.CourseDirectory.db_assignments" not in (tmp_path / "c" / "nbgrader_config.py").read_text()


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
        # a readable notebook is answered in its own language (en here): ask for both explicitly
        ([str(good), "--exercise", "linear_backwards", "--lang", "both"], "cli.check.unknown_exercise"),
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


def test_dnn_lab_processes_start_without_building_rfc3987_parsers():
    """Does a `dnn-lab` process (dnn_lab.cli imported first, as the console script does) import JupyterLab's
    server, jupyter_events and nbformat without rfc3987_syntax (about 40 lark parsers, 2-3 CPU s per start),
    while jsonschema's format checker still checks the formats Jupyter's schemas use, and do the processes
    `dnn-lab` does not start keep it?"""
    import subprocess
    import sys
    probe = ("import sys\n{first}"
             "import nbformat, jupyter_events.validators\n"
             "from jupyterlab.labapp import LabApp\n"
             "from jsonschema import Draft7Validator\n"
             "checker = Draft7Validator.FORMAT_CHECKER\n"
             "print('lark' in sys.modules, 'rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is not None,"
             " checker.conforms('not a date', 'date'), checker.conforms('2026-12-08', 'date'))\n")
    ours = subprocess.run([sys.executable, "-c", probe.format(first="import dnn_lab.cli\n")],
                          capture_output=True, text=True, timeout=300)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.split() == ["False", "False", "False", "True"]
    plain = subprocess.run([sys.executable, "-c", probe.format(first="")], capture_output=True, text=True,
                           timeout=300)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == ["True", "True", "False", "True"]  # what `jupyter lab` or `nbgrader` pay
