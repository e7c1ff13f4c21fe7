"""Part 2 through the real nbgrader commands: generate, autograde (with the student's own
Part 1 submitted beside it), feedback."""
import shutil
import subprocess
import sys

import nbformat
import pytest

from dnn_lab.dev import nbgrader
from nbutil import fill, hidden_test_lines, solution_lines, solution_sources

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

WRONG_PREDICT = '''def predict(X, y, parameters):
    probas, caches = L_model_forward(X, parameters)
    p = (probas > 0.9).astype(int)
    print("Accuracy: " + str(np.mean(p == y)))
    return p
'''


def _submit(course, student, assignment, answers):
    target = course / "submitted" / student / assignment
    shutil.copytree(course / "release" / assignment, target)
    nb = nbformat.read(target / f"{assignment}.ipynb", as_version=4)
    nbformat.write(fill(nb, answers), target / f"{assignment}.ipynb")


def test_application_generate_and_autograde(tmp_path, monkeypatch):
    """Does Part 2 release without solutions and grade full / zero / partial, using each student's Part 1?"""
    from nbgrader.api import Gradebook
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")  # two cores: threads only fight each other here
    course = tmp_path / "course"
    proc = subprocess.run([sys.executable, "-m", "dnn_lab.cli", "course", "init", str(course), "--lang", "en"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for assignment in ("step_by_step", "application"):
        nbgrader("generate_assignment", assignment, "--force", cwd=course)
    released = nbformat.read(course / "release" / "application" / "application.ipynb", as_version=4)
    text = "\n".join(c.source for c in released.cells)
    leaked = [line for line in solution_lines("application") | hidden_test_lines("application") if line in text]
    assert leaked == []

    part1, part2 = solution_sources("step_by_step"), solution_sources("application")
    students = {"solved": part2, "untouched": {}, "wrong_predict": {**part2, "predict": WRONG_PREDICT}}
    for student, answers in students.items():
        _submit(course, student, "step_by_step", part1)
        _submit(course, student, "application", answers)
    nbgrader("autograde", "step_by_step", "--create", "--force", cwd=course)
    nbgrader("autograde", "application", "--create", "--force", cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        max_score = gb.find_assignment("application").max_score
        scores = {s: gb.find_submission("application", s).score for s in students}
    assert max_score == 30
    assert scores == {"solved": 30, "untouched": 0, "wrong_predict": 20}
    nbgrader("generate_feedback", "application", "--force", cwd=course)
    for student in students:
        assert (course / "feedback" / student / "application" / "application.html").is_file()
