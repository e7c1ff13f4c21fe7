"""The grader diagnoses a real student's mistake as the Check button does.

Every row of ``tests/test_checks_diagnosis.py``'s DIAGNOSED table (the bugs of real students,
with the step and first hint a teacher gives) is graded the way ``dnn-lab autograde`` grades a
submission: the function's source as the student's graded cell, loaded in one sandboxed worker
(bubblewrap when it works) with the graded functions it calls answered by the references, the
checks run in the grading process with the worker as ``caller``.  What the diagnosis reads (the
exception's facts, the failing frame's variables, the spied calls, the call that raised) has
crossed the process boundary as plain data, so the verdict must be the same.
"""
import inspect
import re
import textwrap

import pytest

from dnn_lab.checks import run_checks
from dnn_lab.checks.registry import ASSIGNMENTS, USES
from dnn_lab.grading.grade import load_references
from dnn_lab.grading.session import GradingSession
from nbutil import ROOT
from test_checks_diagnosis import DIAGNOSED

# Rows that replace a graded helper by the student's own would meet the reference instead (isolation).
ROWS = [row for row in DIAGNOSED if not row[3]]


@pytest.fixture(scope="module")
def session():
    refs = load_references([ROOT / "assignments" / "source" / "step_by_step" / "step_by_step.ipynb"])
    with GradingSession(refs, timeout=5) as graded:
        yield graded


def _cell(exercise, fn):
    source = re.sub(r"^def \w+\(", f"def {exercise}(", textwrap.dedent(inspect.getsource(fn)), count=1)
    return {"source": "import copy\nimport numpy as np\n\n" + source, "nbgrader": {"grade_id": exercise}}


@pytest.mark.slow
@pytest.mark.parametrize("cls, exercise, fn, helpers, step, hint", ROWS, ids=[row[2].__name__ for row in ROWS])
def test_the_grader_blames_the_teachers_step_with_the_teachers_hint(cls, exercise, fn, helpers, step, hint,
                                                                    session):
    """Graded in the sandbox, does this bug fail at the teacher's step with the teacher's hint first,
    and with the message the Check shows?"""
    worker = session.function(exercise, [_cell(exercise, fn)], list(ASSIGNMENTS["step_by_step"]),
                              proxies=USES.get(exercise, ()))
    try:
        assert worker.defined, worker.load_errors
        report = run_checks(exercise, worker, lang="en", timeout=5, caller=worker.call_student)
    finally:
        worker.finish()
    assert (report.failed_step, report.hints[:1]) == (step, [hint]), report.as_dict()["failures"][:2]
    assert report.failures[0].hint == hint and report.failures[0].message_id.startswith("msg.")
