"""One student's verdicts as data: ``<notebook>.verdicts.json`` beside the autograded notebook.

``DnnLabGrader`` writes the file while it grades (the same verdicts it writes into the grade
cells); ``dnn-lab report`` reads the files of a whole class without running any student code.
The file holds what the grader decided — per exercise: passed, the reason, the failed step, the
hint ids, the message ids, the failed cases, whether only hidden cases failed, the time — and the
first finding's sentence as the student read it. It never holds a hidden case's inputs or an
expected value.

Stdlib only: the class report reads thousands of these.
"""
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

FORMAT = "dnn_lab.verdicts"
VERSION = 1
SUFFIX = ".verdicts.json"


class VerdictFileError(ValueError):
    """A verdict file that cannot be used: ``kind`` is 'corrupt' or 'version'."""

    def __init__(self, path, kind, detail=""):
        super().__init__(f"{path}: {kind} {detail}".strip())
        self.path, self.kind, self.detail = str(path), kind, detail


def _plain(value):
    """A message parameter as JSON data (numbers and strings stay, the rest becomes its text)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def exercise_record(verdict, points=None):
    """The data of one :class:`~dnn_lab.grading.grade.Verdict`."""
    scope = None
    shown = verdict.report
    if not verdict.passed:
        scope = "hidden" if verdict.reason == "hidden" else "public"
        if verdict.reason == "hidden" and verdict.hidden is not None:
            shown = verdict.hidden
    failures = [f for f in (shown.failures if shown is not None else []) if not f.warning]
    first = failures[0] if failures else None
    return {
        "exercise": verdict.exercise,
        "passed": bool(verdict.passed),
        "reason": verdict.reason,
        "scope": scope,
        "failed_step": None if verdict.passed or shown is None else shown.failed_step,
        "hints": [] if shown is None else list(shown.hints),
        "message_ids": list(dict.fromkeys(f.message_id for f in failures)),
        "cases_failed": list(dict.fromkeys(f.case for f in failures)),
        "first": None if first is None else {
            "step": first.step, "hint": first.hint, "message_id": first.message_id,
            "params": {k: _plain(v) for k, v in (first.params or {}).items()},
            "text": first.text or "",
        },
        "points": points,
        "seconds": round(float(verdict.seconds), 4),
    }


def build_record(student, assignment, notebook, verdicts, *, lang, isolation, points=None):
    """The whole file's data: ``verdicts`` is {exercise: Verdict}, ``points`` {exercise: max points}."""
    points = points or {}
    return {
        "format": FORMAT, "version": VERSION,
        "student": student, "assignment": assignment, "notebook": notebook,
        "lang": lang, "isolation": isolation,
        "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "exercises": [exercise_record(v, points.get(name)) for name, v in verdicts.items()],
    }


def write(directory, record):
    """Write ``record`` atomically as ``<directory>/<notebook>.verdicts.json``; returns the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{record['notebook']}{SUFFIX}"
    fd, tmp = tempfile.mkstemp(prefix=".verdicts-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


_REQUIRED = {"student": str, "assignment": str, "notebook": str, "exercises": list}
_EXERCISE_REQUIRED = {"exercise": str, "passed": bool, "reason": str}


def read(path):
    """The record of one verdict file; raises :class:`VerdictFileError` ('corrupt' or 'version')."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerdictFileError(path, "corrupt", str(exc)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise VerdictFileError(path, "corrupt", "not a dnn_lab verdict file")
    if data.get("version") != VERSION:
        raise VerdictFileError(path, "version", str(data.get("version")))
    for key, kind in _REQUIRED.items():
        if not isinstance(data.get(key), kind):
            raise VerdictFileError(path, "corrupt", f"'{key}' missing")
    for ex in data["exercises"]:
        if not isinstance(ex, dict) or any(not isinstance(ex.get(k), kind) for k, kind in _EXERCISE_REQUIRED.items()):
            raise VerdictFileError(path, "corrupt", "an exercise entry is malformed")
    return data
