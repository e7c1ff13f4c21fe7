"""One worker process of ``dnn-lab autograde`` (``python -m dnn_lab.autograde.worker``).

It loads the course's configuration once with nbgrader's ``AutogradeApp`` (the
same argv as ``nbgrader autograde ASSIGNMENT [--db URL]``), then, for each
student it is given, runs nbgrader's ``Autograde`` converter exactly as
``AutogradeApp.start`` does, with ``--force`` and ``--create``. The parent has
already decided who needs grading.

Protocol: JSON lines. stdin: first ``{"argv": [...]}``, then one
``{"student": S, "db_url": URL or null}`` per student (``db_url`` is a private
SQLite copy, or null for the configured gradebook). stdout (a private copy of
the original descriptor; anything else printed goes to stderr, the worker's log):
``{"ready": true}`` once, then one result per student: ``student``, ``ok``,
``seconds``, ``score``, ``max_score``, ``manual``, ``log``.

SIGTERM stops the current student the way Ctrl-C stops ``nbgrader autograde``
(nbgrader removes the unfinished autograded folder), then the worker exits.
"""
import io
import json
import logging
import os
import signal
import sys
import time
import traceback


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def grade_one(app, student, db_url):
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import NbGraderException
    from . import db

    coursedir = app.coursedir
    coursedir.student_id = student
    if db_url:
        coursedir.db_url = db_url
    url = coursedir.db_url
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    app.log.addHandler(handler)
    started = time.monotonic()
    ok = True
    try:
        converter = Autograde(coursedir=coursedir, parent=app)
        converter.force = True
        converter.create_student = True
        converter.start()
    except NbGraderException:
        ok = False
    except Exception:
        ok = False
        buffer.write(traceback.format_exc())
    finally:
        app.log.removeHandler(handler)
    seconds = time.monotonic() - started
    result = {"student": student, "ok": ok, "seconds": seconds, "score": None, "max_score": None, "manual": False}
    try:
        with db.open_gradebook(url, coursedir.course_id) as gb:
            result["score"], result["max_score"], result["manual"] = db.student_result(
                gb, coursedir.assignment_id, student)
    except Exception as exc:  # no submission row: nbgrader failed before creating it
        buffer.write(f"gradebook: {exc}\n")
    result["log"] = buffer.getvalue()
    return result


def main():
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)

    setup = json.loads(sys.stdin.readline())
    from nbgrader.apps.baseapp import NbGrader
    from .plan import load_app
    app = load_app(setup["argv"])
    NbGrader.start(app)  # what AutogradeApp.start does before grading (authenticator, exchange)
    app.coursedir.assignment_id = app.extra_args[0]
    configured_url = app.coursedir.db_url
    out.write(json.dumps({"ready": True}) + "\n")
    try:
        for line in sys.stdin:
            task = json.loads(line)
            result = grade_one(app, task["student"], task.get("db_url") or configured_url)
            out.write(json.dumps(result) + "\n")
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
