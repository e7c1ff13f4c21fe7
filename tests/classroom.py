"""A generated class for the autograding tests and the class benchmark.

``make_course(path)`` runs the real ``dnn-lab course init`` and ``nbgrader
generate_assignment step_by_step``; ``make_class(course, n)`` puts ``n``
submissions into ``submitted/``: each is the release notebook with answers
filled in from the source notebook's solutions, some complete, some untouched,
some partly done, some with wrong values, some hostile (a cell that raises,
calls ``sys.exit`` or ``os._exit``, prints a great deal, or breaks ``np``), and some
with a notebook file that is not JSON at all (nbgrader fails that student).
Hostile here means quick: hangs belong to the grading tests.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbutil import fill, solution_sources  # noqa: E402

ASSIGNMENT = "step_by_step"

WRONG = {  # right shapes, wrong values
    "initialize_parameters": "def initialize_parameters(n_x, n_h, n_y):\n    np.random.seed(1)\n"
                             "    return {'W1': np.random.randn(n_h, n_x), 'b1': np.zeros((n_h, 1)),\n"
                             "            'W2': np.random.randn(n_y, n_h), 'b2': np.zeros((n_y, 1))}\n",
    "compute_cost": "def compute_cost(AL, Y):\n    m = Y.shape[1]\n"
                    "    return np.squeeze(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)\n",
    "linear_forward": "def linear_forward(A, W, b):\n    Z = np.dot(W, A)\n    return Z, (A, W, b)\n",
}


def _hostile(solved):
    """{kind: answers}: one solution cell replaced by something unfriendly, the rest solved."""
    def with_cell(name, prefix="", suffix=""):
        return {**solved, name: prefix + solved[name] + suffix}
    return {
        "raises": with_cell("linear_forward", "raise RuntimeError('my cell is broken')\n"),
        "sys_exit": with_cell("compute_cost", "import sys\nsys.exit(3)\n"),
        "os_exit": with_cell("linear_backward", "import os\nos._exit(1)\n"),
        "prints": with_cell("initialize_parameters", "for i in range(20000):\n    print(i, 'x' * 60)\n"),
        "breaks_np": with_cell("linear_activation_forward", suffix="\nnp = None\n"),
    }


def kinds(n):
    """The kind of each of ``n`` students, in a fixed mix."""
    cycle = ["full", "empty", "partial", "wrong", "full", "raises", "partial", "sys_exit", "full", "os_exit",
             "partial", "prints", "wrong", "breaks_np", "corrupt"]
    return [cycle[i % len(cycle)] for i in range(n)]


def answers_for(kind, index, solved):
    names = sorted(solved)
    if kind == "full":
        return dict(solved)
    if kind == "empty":
        return {}
    if kind == "partial":  # a different half of the exercises each time
        return {name: solved[name] for j, name in enumerate(names) if (j + index) % 3}
    if kind == "wrong":
        return {**solved, **WRONG}
    return _hostile(solved)[kind]


def run(*args, cwd=None):
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


COURSE_ID = "dnn_lab_test"


def make_course(path, lang="en", db_url=None):
    """A course with the step_by_step assignment generated (into ``db_url`` if given).

    The config gets a course id, which nbgrader needs with a PostgreSQL gradebook (README).
    """
    path = Path(path)
    run(sys.executable, "-m", "dnn_lab.cli", "course", "init", str(path), "--lang", lang)
    with open(path / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write(f"\nc.CourseDirectory.course_id = {COURSE_ID!r}\n")
    run(sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force",
        *(["--db", db_url] if db_url else []), cwd=path)
    return path


def make_class(course, n, prefix="student"):
    """``n`` submissions in ``course/submitted/``; returns {student id: kind}."""
    course = Path(course)
    release = course / "release" / ASSIGNMENT
    release_nb = nbformat.read(release / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = solution_sources(ASSIGNMENT)
    students = {}
    for i, kind in enumerate(kinds(n)):
        student = f"{prefix}{i:03d}"
        target = course / "submitted" / student / ASSIGNMENT
        shutil.copytree(release, target)
        if kind == "corrupt":  # a notebook nbgrader cannot even read: that student fails, the others go on
            (target / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [', encoding="utf-8")
        else:
            nb = fill(nbformat.from_dict(release_nb), answers_for(kind, i, solved))
            nbformat.write(nb, target / f"{ASSIGNMENT}.ipynb")
        students[student] = kind
    return students


def class_template(path, n):
    """A course at ``path`` with a class of ``n`` in ``submitted/`` (SQLite gradebook, nothing graded
    yet), for the tests to copy: ``(course, {student id: kind})``."""
    course = make_course(path)
    return course, make_class(course, n)


def copy_course(template, target):
    """A copy of ``class_template``'s course at ``target``."""
    shutil.copytree(template[0], target)
    return Path(target)


def generate_into(course, db_url):
    """Register the assignment in another gradebook (``nbgrader generate_assignment --db``)."""
    run(sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force", "--db", db_url, cwd=course)


def gradebook_scores(db_url, assignment=ASSIGNMENT):
    """{student: (total score, {(notebook, cell): (auto_score, manual_score)})} read with nbgrader's API."""
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for submission in gb.find_assignment(assignment).submissions:
            cells = {}
            for nb in submission.notebooks:
                for grade in nb.grades:
                    cells[(nb.name, grade.name)] = (grade.auto_score, grade.manual_score)
            out[submission.student_id] = (submission.score, cells)
    return out
