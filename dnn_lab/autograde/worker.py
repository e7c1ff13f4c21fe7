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
(nbgrader removes the unfinished autograded folder), then the worker exits. The worker dies
with its parent (``PR_SET_PDEATHSIG``): a killed ``dnn-lab autograde`` leaves no worker behind.

A failure that is the run's rather than the student's (the gradebook lost, a full disk) is
reported as ``fault`` and ``error`` instead of a failed student.
"""
import errno
import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
import traceback

from . import faults
from .faults import pause_point


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _converter_class():
    """nbgrader's ``Autograde``, keeping the first exception it swallows (nbgrader logs it and goes on)."""
    from nbgrader.converters import Autograde

    class Recording(Autograde):
        caught = None

        def _keep(self, exc):
            if self.caught is None:
                self.caught = exc

        def init_assignment(self, assignment_id, student_id):
            try:
                super().init_assignment(assignment_id, student_id)
            except BaseException as exc:
                self._keep(exc)
                raise
            pause_point("grade")  # tests: grade rows created, nothing scored yet

        def convert_single_notebook(self, notebook_filename):
            try:
                super().convert_single_notebook(notebook_filename)
            except BaseException as exc:
                self._keep(exc)
                raise

    return Recording


def grade_one(app, student, db_url):
    """Grade ``student``; the result says ``fault`` (``gradebook`` or ``disk``) if the failure was the
    run's, not the student's: the parent then grades the student again later or stops."""
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
    ok, caught, converter = True, None, None
    try:
        with db.open_gradebook(url, coursedir.course_id) as gb:  # a regrade stopped half-way must not count
            db.clear_auto_scores(gb, coursedir.assignment_id, student)
        converter = _converter_class()(coursedir=coursedir, parent=app)
        converter.force = True
        converter.create_student = True
        converter.start()
    except NbGraderException:
        ok = False
    except Exception as exc:
        ok, caught = False, exc
        buffer.write(traceback.format_exc())
    finally:
        app.log.removeHandler(handler)
    seconds = time.monotonic() - started
    result = {"student": student, "ok": ok, "seconds": seconds, "score": None, "max_score": None, "manual": False}
    if not ok:
        fault = faults.fault_of(caught or getattr(converter, "caught", None))
        places = [coursedir.root]
        if db.is_sqlite(url):
            places.append(os.path.dirname(os.path.abspath(db.sqlite_path(url))))
        if fault is None and faults.low_space(*places):
            fault = ("disk", os.strerror(errno.ENOSPC))
        if fault:
            result.update(ok=False, fault=fault[0], error=fault[1], log=buffer.getvalue())
            return result
    try:
        with db.open_gradebook(url, coursedir.course_id) as gb:
            result["score"], result["max_score"], result["manual"] = db.student_result(
                gb, coursedir.assignment_id, student)
    except Exception as exc:  # no submission row: nbgrader failed before creating it
        fault = faults.fault_of(exc)
        if fault:
            result.update(ok=False, fault=fault[0], error=fault[1], log=buffer.getvalue())
            return result
        buffer.write(f"gradebook: {exc}\n")
    result["log"] = buffer.getvalue()
    return result


def die_with_parent():
    """Be killed (SIGKILL) the moment the parent ``dnn-lab autograde`` is gone, however it ended."""
    parent = int(os.environ.get("DNN_LAB_AUTOGRADE_PARENT") or 0)
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def preload():
    """What a worker imports before and while grading its first student: ``dnn-lab autograde`` imports it once
    and forks its workers (:class:`Forked`), so that no worker imports nbgrader, nbclient and the grading code
    again (about 2.5 CPU seconds per worker)."""
    import nbclient  # noqa: F401
    import jupyter_client.manager  # noqa: F401
    from nbgrader.apps import AutogradeApp  # noqa: F401
    from nbgrader.converters import Autograde  # noqa: F401
    from nbgrader.preprocessors import SaveAutoGrades  # noqa: F401

    from ..grading import grade, nbgrader, sanitize, session, verdict_file, warm_kernel  # noqa: F401
    from ..render import html, text  # noqa: F401
    from . import warm  # noqa: F401


def set_title(words):
    """Show ``words`` as this process's command line (``ps``, ``/proc/PID/cmdline``), as setproctitle does: the
    original argv area is overwritten, as far as it reaches."""
    import ctypes
    try:
        stat = open("/proc/self/stat", "rb").read()
        fields = stat[stat.rindex(b")") + 2:].split()
        start, end = int(fields[45]), int(fields[46])   # arg_start, arg_end (fields 48 and 49 of proc(5))
        title = b"\0".join(w.encode() for w in words) + b"\0"
        if end <= start or len(title) > end - start:
            return False
        ctypes.memmove(start, title + b"\0" * (end - start - len(title)), end - start)
        return True
    except (OSError, ValueError, IndexError):
        return False


class Forked(subprocess.Popen):
    """A worker that is a fork of ``dnn-lab autograde`` itself (after :func:`preload`), started and handled
    like ``subprocess.Popen([python, -m, dnn_lab.autograde.worker], ...)``: the same pipes, working directory,
    environment and process group, and the same command line in ``ps``; it runs :func:`main` and exits."""

    def _execute_child(self, args, executable, preexec_fn, close_fds, pass_fds, cwd, env, startupinfo,
                       creationflags, shell, p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite, *rest):
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)   # the parent's handlers, until main() sets its own
                signal.signal(signal.SIGINT, signal.default_int_handler)
                os.setpgid(0, 0)
                os.dup2(p2cread, 0)
                os.dup2(c2pwrite, 1)
                os.dup2(errwrite, 2)
                os.closerange(3, 1 << 16)
                if cwd is not None:
                    os.chdir(cwd)
                if env is not None:
                    os.environ.clear()
                    os.environ.update(env)
                sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
                sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)
                set_title([str(a) for a in args])
                code = main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            finally:
                try:
                    from ..grading import warm_kernel
                    warm_kernel.close_all()
                    sys.stdout.flush()
                    sys.stderr.flush()
                except BaseException:  # noqa: BLE001
                    pass
                os._exit(code)
        self.pid = pid
        self._child_created = True
        self._close_pipe_fds(p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite)


def can_fork():
    """Workers are forked when this process has no other thread (and ``DNN_LAB_AUTOGRADE_SPAWN`` is unset)."""
    import threading
    return hasattr(os, "fork") and threading.active_count() == 1 and not os.environ.get("DNN_LAB_AUTOGRADE_SPAWN")


def main():
    die_with_parent()
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)

    setup = json.loads(sys.stdin.readline())
    from nbgrader.apps.baseapp import NbGrader
    from .plan import load_app
    from ..grading import warm_kernel
    from .warm import validate_schema_once
    app = load_app(setup["argv"])
    NbGrader.start(app)  # what AutogradeApp.start does before grading (authenticator, exchange)
    validate_schema_once()
    warm_kernel.enable()  # feedback kernels and grading children forked from this worker's templates
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
