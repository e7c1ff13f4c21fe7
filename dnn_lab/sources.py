"""Where the instructor's source assignments (solutions, hidden tests, their files) are.

They are never part of the dnn-lab wheel.  Two places hold them, looked up in this order:

1. a source checkout: ``assignments/source/`` beside this ``dnn_lab`` package
   (``pip install -e .``) — the maintainer's working copy wins, so that the checks and the
   notebooks always come from the same commit;
2. the instructor distribution ``dnn-lab-course`` (import package ``dnn_lab_course``), which
   maps that same folder into its wheel as package data.

Only the standard library and the exercise registry: used by ``course init``
(:mod:`dnn_lab.course`) and the maintainer tools (:mod:`dnn_lab.dev`), both of which sit above it.
"""
import importlib
from contextlib import contextmanager
from importlib.resources import as_file
from pathlib import Path

COURSE_DIST = "dnn-lab-course"
COURSE_PACKAGE = "dnn_lab_course"


class NoSourceAssignments(FileNotFoundError):
    """Neither a source checkout nor the dnn-lab-course distribution is there."""


def checkout_root():
    """The source checkout this package lives in, or None (dnn_lab installed from a wheel)."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "assignments" / "source").is_dir() else None


def repo_root():
    """The source checkout (maintainer commands need one); raises NoSourceAssignments otherwise."""
    root = checkout_root()
    if root is None:
        raise NoSourceAssignments(
            "No assignments/source/ next to this package: maintainer commands need a source checkout "
            "(git clone, then pip install -e .). The dnn-lab wheel has no solutions by design.")
    return root


def course_package():
    """The installed ``dnn_lab_course`` module, or None."""
    try:
        return importlib.import_module(COURSE_PACKAGE)
    except ImportError:
        return None


@contextmanager
def source_dir():
    """The folder with one ``<assignment>/<assignment>.ipynb`` per assignment, as a real path."""
    root = checkout_root()
    if root is not None:
        yield root / "assignments" / "source"
        return
    package = course_package()
    if package is None:
        raise NoSourceAssignments(f"neither a source checkout nor the {COURSE_DIST} distribution is installed")
    with as_file(package.source()) as path:
        yield Path(path)


def assignments_in(source):
    """Names of the assignments in a source folder, in course order (Part 1 first)."""
    from .checks.registry import ASSIGNMENTS
    order = list(ASSIGNMENTS)
    names = [p.name for p in Path(source).iterdir() if (p / f"{p.name}.ipynb").is_file()]
    return sorted(names, key=lambda name: (order.index(name) if name in order else len(order), name))
