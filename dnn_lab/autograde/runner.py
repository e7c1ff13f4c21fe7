"""``dnn-lab autograde ASSIGNMENT [--jobs N] [--shard K/N] [--student S …] [--db URL] [--force]``.

The parent process plans the run (:mod:`.plan`), starts ``--jobs`` workers
(:mod:`.worker`, each in its own process group so that a Ctrl-C in the terminal
reaches only the parent; they die with the parent however it ends), hands each one
student at a time, and, with a SQLite gradebook, merges every finished student into
it itself (:func:`.db.merge_student`).

A journal (``.dnn_lab/autograde/inflight-<assignment>-<shard>.json`` in the course)
lists the students being graded right now; a later run treats them as unfinished
even if this process was killed without a chance to clean up (and the gradebook
alone tells a finished student from one killed half-way: :func:`.db.completed_students`).

Exit codes: 0 all graded; 1 every student attempted and some could not be graded
(named); 2 refused before grading (one line); 3 stopped early by a fault of the run
(gradebook lost past the wait, disk full, a crash: one line naming it); 130 interrupted.
"""
import argparse
import json
import os
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections import deque
from contextlib import contextmanager
from pathlib import Path

from ..messages import t_short
from . import db, faults
from . import worker as worker_process
from .plan import BadInput, make_plan
from .progressbar import Progress, clock
from .shards import parse_shard

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def build_parser():
    p = argparse.ArgumentParser(prog="dnn-lab autograde",
                                description="nbgrader autograde, many students at once (run in the course directory)")
    p.add_argument("assignment")
    p.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: the number of cores)")
    p.add_argument("--shard", default=None, help="K/N: grade only the K-th of N stable slices of the class")
    p.add_argument("--student", action="extend", nargs="+", default=None, help="grade only these students")
    p.add_argument("--db", default=None, help="gradebook URL (default: the course's CourseDirectory.db_url)")
    p.add_argument("--force", action="store_true", help="regrade students that are already graded")
    p.add_argument("--lang", choices=["zh", "en", "both"], default=None,
                   help="language of the messages (default: the course's)")
    return p


def default_jobs():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Journal:
    """The students in flight, on disk (rewritten atomically on every change)."""

    def __init__(self, root, assignment, shard):
        tag = f"{shard[0]}of{shard[1]}" if shard else "all"
        self.path = Path(root) / ".dnn_lab" / "autograde" / f"inflight-{assignment}-{tag}.json"
        self.students = set()

    def leftover(self):
        try:
            return set(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return set()

    def _write(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(self.students)), encoding="utf-8")
        os.replace(tmp, self.path)

    def add(self, student):
        self.students.add(student)
        self._write()

    def discard(self, student):
        self.students.discard(student)
        self._write()

    def close(self):
        if self.students:
            self._write()
        else:
            self.path.unlink(missing_ok=True)
            try:
                self.path.with_suffix(".tmp").unlink(missing_ok=True)
            except OSError:
                pass


class Worker:
    """One worker process, in a process group of its own (a Ctrl-C in the terminal reaches only the
    parent, which stops the workers itself); it dies with the parent (``PR_SET_PDEATHSIG``)."""

    def __init__(self, plan, log_path):
        self.log = open(log_path, "ab")
        env = {**os.environ, "DNN_LAB_AUTOGRADE_PARENT": str(os.getpid())}
        # a fork of this process (its imports shared: worker.preload), else a fresh interpreter
        start = worker_process.Forked if worker_process.can_fork() else subprocess.Popen
        self.proc = start([sys.executable, "-m", "dnn_lab.autograde.worker"], cwd=plan.root,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                          process_group=0, env=env)
        self.buffer = b""
        self.task = None  # (student, started, private db path or None)
        self.send({"argv": plan.argv})

    def send(self, message):
        try:
            self.proc.stdin.write((json.dumps(message) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the worker died: its stdout reaches EOF and Run.died takes over

    def lines(self, data):
        self.buffer += data
        *complete, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in complete if line.strip()]

    def finish(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def _killpg(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, grace=5.0):
        """SIGTERM to the worker's process group, SIGKILL after ``grace`` seconds; whatever is left of
        the group (a process the worker started) is killed too."""
        if self.proc.poll() is None:
            self._killpg(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self._killpg(signal.SIGKILL)
        self.proc.wait()
        self.log.close()


class Run:
    def __init__(self, plan, jobs, journal, stream):
        self.plan, self.jobs, self.journal = plan, jobs, journal
        self.sqlite = db.is_sqlite(plan.db_url)
        self.queue = deque(plan.pending)
        self.results = {}
        self.workers = []
        self.idle = []           # workers waiting for the gradebook to come back
        self.lost = None         # (since, error) while the gradebook does not answer
        self.next_probe = 0.0
        self.copies = 0
        self.selector = selectors.DefaultSelector()
        self.workdir = faults.make_workdir()
        self.logdir = Path(plan.root) / ".dnn_lab" / "autograde" / "logs" / plan.assignment
        self.progress = Progress(len(plan.pending), plan.lang, stream)
        if self.sqlite:
            self.main_db = db.sqlite_path(plan.db_url)
            self.snapshot = self.workdir / "snapshot.db"
            db.snapshot(self.main_db, self.snapshot)

    # -- workers -------------------------------------------------------------------------------------
    def start_worker(self):
        w = Worker(self.plan, self.workdir / f"worker-{len(self.workers)}.log")
        self.workers.append(w)
        self.selector.register(w.proc.stdout, selectors.EVENT_READ, w)
        self.assign(w)

    def assign(self, w):
        if self.lost and self.queue:
            w.task = None
            self.idle.append(w)
            return
        if not self.queue:
            w.task = None
            w.finish()
            return
        student = self.queue[0]
        private = None
        if self.sqlite:
            self.copies += 1
            private = self.workdir / f"student-{self.copies}.db"
        w.task = (student, time.monotonic(), private)  # in flight from here (Ctrl-C lists it)
        self.queue.popleft()
        if private:
            shutil.copyfile(self.snapshot, private)
        self.journal.add(student)
        w.send({"student": student, "db_url": f"sqlite:///{private}" if private else None})

    def done(self, w, result, reassign=True):
        student, started, private = w.task
        if result.get("fault"):
            self.fault(w, result)
            return
        with SIGNALS.held():  # a Ctrl-C or SIGTERM now takes effect once this student is recorded
            if self.sqlite and private and private.exists():
                self.merge(student, private)
                private.unlink()
            w.task = None  # from here on the student is finished
            self.journal.discard(student)
            result.setdefault("seconds", time.monotonic() - started)
            self.results[student] = result
            log = None
            if not result.get("ok"):
                self.logdir.mkdir(parents=True, exist_ok=True)
                path = self.logdir / f"{student}.log"
                path.write_text(result.get("log") or "", encoding="utf-8")
                log = os.path.relpath(path, self.plan.root)
            self.progress.student(student, result.get("ok"), result["seconds"], result.get("score"),
                                  result.get("max_score"), log)
        if reassign:
            self.assign(w)

    def merge(self, student, private):
        try:
            db.merge_student(self.main_db, private, self.plan.assignment, student)
        except sqlite3.Error as exc:
            full = faults.low_space(os.path.dirname(os.path.abspath(self.main_db)))
            if full or "full" in str(exc):
                raise faults.RunStopped("autograde.cause.disk", path=full or self.main_db, error=str(exc)) from exc
            raise faults.RunStopped("autograde.cause.gradebook_write", db=db.display_url(self.plan.db_url),
                                    error=str(exc)) from exc

    def fault(self, w, result):
        """The worker could not grade its student because of the run (gradebook lost, disk full): the
        student goes back to the queue; a lost server gradebook is waited for, anything else stops."""
        student, _, private = w.task
        self.discard_partial(student, private)
        w.task = None
        self.queue.appendleft(student)
        self.journal.discard(student)
        if result["fault"] == "disk":
            where = faults.low_space(self.plan.root, self.workdir) or self.plan.root
            raise faults.RunStopped("autograde.cause.disk", path=where, error=result.get("error"))
        if self.sqlite:  # the private copy failed: nothing to wait for
            where = faults.low_space(self.workdir)
            if where:
                raise faults.RunStopped("autograde.cause.disk", path=where, error=result.get("error"))
            raise faults.RunStopped("autograde.cause.gradebook_write", db=db.display_url(self.plan.db_url),
                                    error=result.get("error"))
        if not self.lost:
            self.lost = (time.monotonic(), result.get("error"))
            self.next_probe = time.monotonic() + 0.5
            self.progress.note(t_short("autograde.waiting_db", self.plan.lang, db=db.display_url(self.plan.db_url),
                                       error=result.get("error"), seconds=f"{faults.db_wait_seconds():g}"))
        self.idle.append(w)

    def wait_for_gradebook(self):
        """While the gradebook is lost: probe it once a second; resume when it answers, stop after the wait."""
        now = time.monotonic()
        if not self.lost or now < self.next_probe:
            return
        since, error = self.lost
        problem = db.probe(self.plan.db_url, self.plan.course_id)
        if problem is None:
            self.lost = None
            self.progress.note(t_short("autograde.db_back", self.plan.lang))
            idle, self.idle = self.idle, []
            for w in idle:
                if w.proc.poll() is None:
                    self.assign(w)
            return
        if now - since >= faults.db_wait_seconds():
            raise faults.RunStopped("autograde.cause.gradebook", db=db.display_url(self.plan.db_url),
                                    seconds=f"{now - since:.0f}", error=problem or error)
        self.next_probe = now + 1.0

    def died(self, w):
        self.selector.unregister(w.proc.stdout)
        w.proc.wait()
        w.log.close()
        if w.proc.returncode in (130, -signal.SIGINT, -signal.SIGTERM):
            # stopped from outside (a batch system signals every process of the task): the run is being
            # stopped, not the student failing; this process's own signal may not have arrived yet
            raise KeyboardInterrupt
        if w in self.idle:
            self.idle.remove(w)
        had_task = bool(w.task)
        if w.task:
            student, started, private = w.task
            self.discard_partial(student, private)
            w.task = (student, started, None)
            with open(w.log.name, encoding="utf-8", errors="replace") as fh:
                tail = fh.read()[-4000:]
            self.done(w, {"student": student, "ok": False, "seconds": time.monotonic() - started,
                          "log": f"worker exited with {w.proc.returncode}\n{tail}"}, reassign=False)
        if self.queue and (had_task or not any(x.proc.poll() is None for x in self.workers)):
            self.start_worker()  # a replacement: one student lost, not a worker

    def discard_partial(self, student, private):
        shutil.rmtree(self.plan.autograded[student], ignore_errors=True)
        if private:
            Path(private).unlink(missing_ok=True)

    # -- the loop --------------------------------------------------------------------------------------
    def busy(self):
        return any(w.task for w in self.workers) or (self.queue and self.idle)

    def run(self):
        if worker_process.can_fork():
            worker_process.preload()   # once here rather than in every worker
        for _ in range(min(self.jobs, len(self.queue))):
            self.start_worker()
        self.progress.draw()
        while self.busy():
            for key, _ in self.selector.select(timeout=0.5):
                w = key.data
                data = os.read(w.proc.stdout.fileno(), 1 << 16)
                if not data:
                    self.died(w)
                    continue
                for message in w.lines(data):
                    if "student" in message and w.task:
                        self.done(w, message)
            self.wait_for_gradebook()
            self.progress.draw()
        for w in self.workers:  # stdin closed: each worker exits by itself once idle
            w.finish()
            try:
                w.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
            w.stop()

    def interrupt(self):
        """Stop the workers; what they had not finished is removed and listed."""
        for w in self.workers:
            w.finish()
        for w in self.workers:
            w.stop()
        unfinished = []
        for w in self.workers:
            if w.task:
                student, _, private = w.task
                self.discard_partial(student, private)
                unfinished.append(student)
                try:
                    self.journal.discard(student)
                except OSError:
                    pass  # a full disk: the journal keeps the student, which is right too
                w.task = None
        return list(dict.fromkeys(unfinished + list(self.queue)))

    def cleanup(self):
        """Never raises: whatever happened, no worker is left and the work folder is removed."""
        for w in self.workers:
            try:
                w.stop(grace=2.0)
            except Exception:  # noqa: BLE001
                pass
        try:
            self.selector.close()
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(self.workdir, ignore_errors=True)
        try:
            self.journal.close()
        except OSError:
            pass


def summary(run, elapsed, out):
    lang, results = run.plan.lang, run.results
    ok = [r for r in results.values() if r.get("ok")]
    scores = [r["score"] for r in ok if r.get("score") is not None]
    mean = f"{sum(scores) / len(scores):.1f}" if scores else "-"
    print(t_short("autograde.summary.graded", lang, graded=len(ok), total=len(results), elapsed=clock(elapsed),
                  mean=mean, max_score=f"{run.plan.max_score:g}"), file=out)
    attention = sorted(s for s, r in results.items() if not r.get("ok") or r.get("manual"))
    if attention:
        print(t_short("autograde.summary.attention", lang, count=len(attention), students=", ".join(attention)),
              file=out)
    slowest = sorted(results.values(), key=lambda r: -r["seconds"])[:3]
    if slowest:
        print(t_short("autograde.summary.slowest", lang,
                      students=", ".join(f"{r['student']} ({r['seconds']:.1f} s)" for r in slowest)), file=out)


class Signals:
    """SIGINT and SIGTERM raise KeyboardInterrupt, except inside :meth:`held` (a student being merged
    and recorded), where they are kept and raised once that student is finished: an interrupt never
    splits a merge from its bookkeeping, and never hides behind the merge's own clean-up."""

    def __init__(self):
        self.depth = 0
        self.pending = False

    def handler(self, signum, frame):
        if self.depth:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def held(self):
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if not self.depth and self.pending:
                self.pending = False
                raise KeyboardInterrupt


SIGNALS = Signals()


def stop_cause(exc, plan, workdir=None):
    """(message id, params) of the one line that names why the run stopped early."""
    if isinstance(exc, faults.RunStopped):
        return exc.message_id, exc.params
    fault = faults.fault_of(exc)
    places = [plan.root] + ([os.path.dirname(os.path.abspath(db.sqlite_path(plan.db_url)))]
                            if db.is_sqlite(plan.db_url) else []) + ([str(workdir)] if workdir else [])
    if fault and fault[0] == "disk":
        return "autograde.cause.disk", {"path": faults.low_space(*places) or plan.root, "error": fault[1]}
    if fault:
        return "autograde.cause.gradebook_write", {"db": db.display_url(plan.db_url), "error": fault[1]}
    log = "-"
    try:
        folder = Path(plan.root) / ".dnn_lab" / "autograde" / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{plan.assignment}-{time.strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        log = os.path.relpath(path, plan.root)
    except OSError:
        pass
    return "autograde.cause.crash", {"error": f"{type(exc).__name__}: {faults.first_line(exc)}", "log": log}


def main(argv=None, out=None):
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    lang = args.lang or "both"
    try:
        shard = parse_shard(args.shard) if args.shard else None
    except ValueError:
        print("dnn-lab: " + t_short("autograde.err.shard", lang, value=args.shard), file=sys.stderr)
        return EXIT_BAD_INPUT
    jobs = default_jobs() if args.jobs is None else args.jobs
    if jobs < 1:
        print("dnn-lab: " + t_short("autograde.err.jobs", lang, value=jobs), file=sys.stderr)
        return EXIT_BAD_INPUT
    faults.remove_stale_workdirs()
    journal = Journal(os.getcwd(), args.assignment, shard)
    try:
        plan = make_plan(args.assignment, db_url=args.db, students=args.student, shard=shard, force=args.force,
                         lang=args.lang, unfinished=journal.leftover())
    except BadInput as exc:
        print("dnn-lab: " + t_short(exc.message_id, exc.lang or lang, **exc.params), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # while reading the course: nothing started yet
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - e.g. the gradebook lost while reading it
        fault = faults.fault_of(exc)
        cause = ("autograde.cause.gradebook_write", {"db": db.display_url(args.db or "gradebook"),
                                                     "error": fault[1]}) if fault else \
            ("autograde.cause.crash", {"error": f"{type(exc).__name__}: {faults.first_line(exc)}", "log": "-"})
        print("dnn-lab: " + t_short("autograde.stopped", lang, cause=t_short(cause[0], lang, **cause[1]), done=0,
                                    count=0, students="-"), file=sys.stderr)
        return faults.EXIT_STOPPED
    lang = plan.lang
    leftover = journal.leftover()
    for student in leftover & set(plan.pending):  # left unfinished by a run that was killed
        shutil.rmtree(plan.autograded[student], ignore_errors=True)
    journal.students = leftover - set(plan.pending)  # outside this run's selection: still unfinished
    print(t_short("autograde.start", lang, todo=len(plan.pending), skipped=len(plan.skipped),
                  jobs=min(jobs, len(plan.pending)), db=db.display_url(plan.db_url)), file=out, flush=True)
    if not plan.pending:
        journal.close()
        return 0
    previous = signal.signal(signal.SIGTERM, SIGNALS.handler)
    signal.signal(signal.SIGINT, SIGNALS.handler)
    run = None
    started = time.monotonic()
    try:
        journal.close()
        run = Run(plan, jobs, journal, out)
        run.run()
        run.progress.close()
        summary(run, time.monotonic() - started, out)
        return 1 if any(not r.get("ok") for r in run.results.values()) else 0
    except KeyboardInterrupt:
        _quiet()  # a second Ctrl-C or SIGTERM must not break the clean-up
        unfinished = run.interrupt() if run else list(plan.pending)
        if run:
            run.progress.close()
        print(t_short("autograde.interrupted", lang, done=len(run.results) if run else 0, count=len(unfinished),
                      students=", ".join(unfinished)), file=out, flush=True)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a fault of the run (or a bug): never reported as graded
        _quiet()
        message_id, params = stop_cause(exc, plan, run.workdir if run else None)
        unfinished = list(plan.pending)
        if run:
            unfinished = run.interrupt()
            run.progress.close()
        done = len(run.results) if run else 0
        print("dnn-lab: " + t_short("autograde.stopped", lang, cause=t_short(message_id, lang, **params), done=done,
                                    count=len(unfinished), students=", ".join(unfinished) or "-"),
              file=sys.stderr, flush=True)
        return faults.EXIT_STOPPED
    finally:
        _quiet()
        if run:
            run.cleanup()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _quiet():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
