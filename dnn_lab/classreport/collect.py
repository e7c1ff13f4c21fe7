"""The verdict files of one assignment in a course directory."""
import glob
import os
from dataclasses import dataclass, field

from ..grading import verdict_file


class ReportError(Exception):
    """A one-line error (exit code 2): ``ReportError(message_id, **params)``."""

    def __init__(self, message_id, **params):
        super().__init__(message_id)
        self.message_id, self.params = message_id, params


@dataclass
class ClassData:
    root: str
    assignment: str
    submitted: list                              # student ids with a submission folder
    records: dict                                # student -> verdict record (exercises of all notebooks)
    skipped: list = field(default_factory=list)  # VerdictFileError of corrupt files (named, not used)
    scores: dict | None = None                   # student -> score from the gradebook (--db)
    completed: set | None = None                 # students the gradebook says autograde finished (--db)


def _students(pattern):
    prefix, suffix = pattern.split("*", 1)
    return {path[len(prefix):len(path) - len(suffix)] for path in glob.glob(pattern) if os.path.isdir(path)}


def known_assignments():
    from ..checks.registry import ASSIGNMENTS
    return list(ASSIGNMENTS)


def load_class(root, assignment, *, submitted_dir="submitted", autograded_dir="autograded"):
    """Read every ``<notebook>.verdicts.json`` of ``assignment``; raises :class:`ReportError`."""
    known = known_assignments()
    if assignment not in known:
        raise ReportError("report.err.unknown_assignment", assignment=assignment, known=", ".join(known))
    if not os.path.isfile(os.path.join(root, "nbgrader_config.py")):
        raise ReportError("report.err.no_course", path=os.path.abspath(root))
    submitted = sorted(_students(os.path.join(root, submitted_dir, "*", assignment)))
    records, skipped = {}, []
    pattern = os.path.join(glob.escape(os.path.join(root, autograded_dir)), "*", glob.escape(assignment),
                           "*" + verdict_file.SUFFIX)
    for path in sorted(glob.glob(pattern)):
        try:
            record = verdict_file.read(path)
        except verdict_file.VerdictFileError as err:
            if err.kind == "version":
                raise ReportError("report.err.old_version", path=path, found=err.detail,
                                  wanted=verdict_file.VERSION, assignment=assignment) from None
            skipped.append(err)
            continue
        student = record["student"]
        if student in records:  # a second notebook of the same assignment
            records[student]["exercises"].extend(record["exercises"])
        else:
            records[student] = record
    if not records:
        raise ReportError("report.err.no_graded", assignment=assignment)
    return ClassData(os.path.abspath(root), assignment, sorted(set(submitted) | set(records)), records, skipped)


def gradebook_scores(db_url, assignment):
    """({student: score}, {students autograde finished}) of the assignment in an nbgrader gradebook;
    "finished" is decided from the gradebook alone (every autograded cell scored)."""
    try:
        from nbgrader.api import Gradebook

        from ..autograde.db import completed_students
        with Gradebook(db_url) as gb:
            scores = {s.student_id: float(s.score) for s in gb.assignment_submissions(assignment)}
            return scores, set(completed_students(gb, assignment))
    except Exception as exc:  # noqa: BLE001 - one line for the instructor
        raise ReportError("report.err.db", url=db_url, error=str(exc).splitlines()[0] if str(exc) else
                          type(exc).__name__) from None
