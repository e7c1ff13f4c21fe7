"""Maintainer tools that work on a source checkout (``assignments/source``).

- :func:`load_solutions` executes the solution cells of a source notebook into a
  fresh namespace: the one source of correct implementations for the expected
  data and for the tests.
- :func:`regenerate_expected` rebuilds ``dnn_lab/checks/expected/<assignment>.npz``.

Nothing here contains a solution; without a source checkout it cannot run.
"""
import copy
import shutil
import io
from pathlib import Path

import numpy as np

from .course import init_course
from .sources import assignments_in, repo_root


def source_notebook(assignment, root=None):
    root = Path(root) if root else repo_root()
    return root / "assignments" / "source" / assignment / f"{assignment}.ipynb"


def solution_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def load_solutions(assignment="step_by_step", root=None):
    """A namespace with every function defined by the source notebook's solution cells."""
    import nbformat

    from . import helpers
    nb = nbformat.read(source_notebook(assignment, root), as_version=4)
    namespace = {"np": np, "copy": copy, "__name__": f"solutions_{assignment}"}
    namespace.update({name: getattr(helpers, name) for name in helpers.HELPERS})
    if assignment != "step_by_step":
        from .app import provided_names  # what Part 2's setup cell imports
        namespace.update(load_solutions("step_by_step", root))
        namespace.update(provided_names())
    for cell in solution_cells(nb):
        exec(compile(cell.source, f"<{assignment}:{cell.metadata['nbgrader']['grade_id']}>", "exec"), namespace)
    return namespace


def expected_data(assignment="step_by_step", root=None):
    """{'exercise/case/key': array} recorded from the solutions."""
    from .checks.registry import ASSIGNMENTS, get_exercise
    solutions = load_solutions(assignment, root)
    data = {}
    for name in ASSIGNMENTS[assignment]:
        ex = get_exercise(name)
        for case in ex.cases:
            np.random.seed(0)
            for key, value in ex.record(solutions, case).items():
                data[f"{name}/{case.id}/{key}"] = np.asarray(value)
    return data


def expected_path(assignment):
    return Path(__file__).resolve().parent / "checks" / "expected" / f"{assignment}.npz"


def regenerate_expected(assignment="step_by_step", root=None):
    data = expected_data(assignment, root)
    path = expected_path(assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez_compressed(buf, **data)
    path.write_bytes(buf.getvalue())
    from .checks.expected import clear_cache
    clear_cache()
    return path, len(data)


def nbgrader(*args, cwd):
    """Run the real ``nbgrader`` command in ``cwd``; raise with its output on failure."""
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def generate_student_version(assignment, lang, workdir, root=None):
    """``nbgrader generate_assignment`` in a fresh course under ``workdir``; returns the release folder."""
    course = Path(workdir) / f"course-{assignment}-{lang}"
    init_course(course, lang=lang, source=Path(root or repo_root()) / "assignments" / "source")
    nbgrader("generate_assignment", assignment, "--force", cwd=course)
    return course / "release" / assignment


def student_notebooks_dir():
    return Path(__file__).resolve().parent / "notebooks"


def regenerate_student_notebooks(root=None, assignments=None):
    """Rebuild ``dnn_lab/notebooks/<assignment>/{zh,en,both}/`` and ``files/``."""
    import tempfile

    from .notebooks import LANGS
    root = Path(root or repo_root())
    source = root / "assignments" / "source"
    assignments = assignments or assignments_in(source)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in assignments:
            out = student_notebooks_dir() / assignment
            if out.exists():
                shutil.rmtree(out)
            for lang in LANGS:
                release = generate_student_version(assignment, lang, tmp, root)
                target = out / lang / f"{assignment}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(release / f"{assignment}.ipynb", target)
                written.append(target)
                if (release / "images").is_dir():  # each language carries its own figures
                    shutil.copytree(release / "images", out / lang / "images")
                if lang == "both":
                    shutil.copytree(release, out / "files",
                                    ignore=shutil.ignore_patterns(f"{assignment}.ipynb", "__pycache__", "images"))
    return written


def source_assignments(root=None):
    """The assignments of the source checkout, in course order (Part 1 first)."""
    return assignments_in(Path(root or repo_root()) / "assignments" / "source")
