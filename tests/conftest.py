"""Shared fixtures for the checks tests.

``solutions`` is the namespace produced by executing the source notebook's
solution cells (the only correct implementations the tests may use).
``as_student`` re-homes a function defined in a test module into a copy of that
namespace, so that it sees ``np``, ``copy``, the helpers and the other (correct)
graded functions as notebook globals — exactly what a student's function sees.
"""
import types

import pytest

from dnn_lab.dev import load_solutions


@pytest.fixture(scope="session")
def solutions():
    return load_solutions("step_by_step")


@pytest.fixture(scope="module")
def pg():
    """A real PostgreSQL server (``tests/pg.py``), one per test module that asks for it."""
    from pg import PostgresServer
    with PostgresServer() as server:
        yield server


def rehome(fn, namespace, **extra):
    """``fn`` with ``namespace`` (plus ``extra``) as its globals: a notebook-like copy."""
    globs = dict(namespace)
    globs.update(extra)
    clone = types.FunctionType(fn.__code__, globs, fn.__name__, fn.__defaults__, fn.__closure__)
    clone.__kwdefaults__ = fn.__kwdefaults__
    return clone


@pytest.fixture(scope="session")
def as_student(solutions):
    """as_student(fn, **extra_globals) -> fn living in a notebook-like namespace."""
    def make(fn, **extra):
        return rehome(fn, solutions, **extra)
    return make


# The longest test files first (seconds each in a CI run, heaviest first): pytest-xdist's --dist loadfile hands
# out whole files in collection order, so starting the long ones first lets the short ones fill the gaps at
# the end instead of one long file running alone after everything else (longest-processing-time-first).
LONG_FILES = (
    "test_slurm.py", "test_autograde_parallel.py", "test_autograde_faults.py", "test_hub.py",
    "test_grading_nbgrader.py", "test_hub_attacks.py", "test_exchange.py", "test_nbgrader_application.py",
    "test_packaging.py", "test_instructor_dist.py", "test_browser.py", "test_nbgrader.py",
    "test_student_install.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FILES)))  # stable: file order kept otherwise
