"""``dnn-lab autograde ASSIGNMENT [--jobs N] [--shard K/N] [--student S …] [--db URL] [--force]``.

The parent process plans the run (:mod:`.plan`), starts ``--jobs`` workers
(:mod:`.worker`, each in its own session so that a Ctrl-C in the terminal reaches
only the parent), hands each one student at a time, and, with a SQLite gradebook,
merges every finished student into it itself (:func:`.db.merge_student`).

A journal (``.dnn_lab/autograde/inflight-<assignment>-<shard>.json`` in the course)
lists the students being graded right now; a later run treats them as unfinished
even if this process was killed without a chance to clean up.
"""
import argparse
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from ..messages import t_short
from . import db
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


class Worker:
    def __init__(self, plan, log_path):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "dnn_lab.autograde.worker"], cwd=plan.root,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     start_new_session=True)
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

    def stop(self, grace=10.0):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


class Run:
    def __init__(self, plan, jobs, journal, stream):
        self.plan, self.jobs, self.journal = plan, jobs, journal
        self.sqlite = db.is_sqlite(plan.db_url)
        self.queue = deque(plan.pending)
        self.results = {}
        self.workdir = Path(tempfile.mkdtemp(prefix="dnn-lab-autograde-"))
        self.logdir = Path(plan.root) / ".dnn_lab" / "autograde" / "logs" / plan.assignment
        self.progress = Progress(len(plan.pending), plan.lang, stream)
        self.workers = []
        self.copies = 0
        self.selector = selectors.DefaultSelector()
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
        if self.sqlite and private and private.exists():
            db.merge_student(self.main_db, private, self.plan.assignment, student)
            private.unlink()
        w.task = None  # from here on the student is finished, even if Ctrl-C comes next
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

    def died(self, w):
        self.selector.unregister(w.proc.stdout)
        w.proc.wait()
        w.log.close()
        if w.task:
            student, started, private = w.task
            self.discard_partial(student, private)
            w.task = (student, started, None)
            with open(w.log.name, encoding="utf-8", errors="replace") as fh:
                tail = fh.read()[-4000:]
            self.done(w, {"student": student, "ok": False, "seconds": time.monotonic() - started,
                          "log": f"worker exited with {w.proc.returncode}\n{tail}"}, reassign=False)
            if self.queue:
                self.start_worker()

    def discard_partial(self, student, private):
        shutil.rmtree(self.plan.autograded[student], ignore_errors=True)
        if private:
            Path(private).unlink(missing_ok=True)

    # -- the loop --------------------------------------------------------------------------------------
    def run(self):
        for _ in range(min(self.jobs, len(self.queue))):
            self.start_worker()
        self.progress.draw()
        while any(w.task for w in self.workers):
            for key, _ in self.selector.select(timeout=1.0):
                w = key.data
                data = os.read(w.proc.stdout.fileno(), 1 << 16)
                if not data:
                    self.died(w)
                    continue
                for message in w.lines(data):
                    if "student" in message and w.task:
                        self.done(w, message)
            self.progress.draw()
        for w in self.workers:  # stdin closed: each worker exits by itself once idle
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
                self.journal.discard(student)
                w.task = None
        return list(dict.fromkeys(unfinished + list(self.queue)))

    def cleanup(self):
        self.selector.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.journal.close()


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


def _sigterm(signum, frame):
    raise KeyboardInterrupt


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
    journal = Journal(os.getcwd(), args.assignment, shard)
    try:
        plan = make_plan(args.assignment, db_url=args.db, students=args.student, shard=shard, force=args.force,
                         lang=args.lang, unfinished=journal.leftover())
    except BadInput as exc:
        print("dnn-lab: " + t_short(exc.message_id, exc.lang or lang, **exc.params), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # while reading the course: nothing started yet
        return EXIT_INTERRUPTED
    lang = plan.lang
    leftover = journal.leftover()
    for student in leftover & set(plan.pending):  # left unfinished by a run that was killed
        shutil.rmtree(plan.autograded[student], ignore_errors=True)
    journal.students = leftover - set(plan.pending)  # outside this run's selection: still unfinished
    journal.close()
    print(t_short("autograde.start", lang, todo=len(plan.pending), skipped=len(plan.skipped),
                  jobs=min(jobs, len(plan.pending)), db=db.display_url(plan.db_url)), file=out, flush=True)
    if not plan.pending:
        return 0
    previous = signal.signal(signal.SIGTERM, _sigterm)
    run = Run(plan, jobs, journal, out)
    started = time.monotonic()
    try:
        try:
            run.run()
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the clean-up
            unfinished = run.interrupt()
            run.progress.close()
            print(t_short("autograde.interrupted", lang, done=len(run.results), count=len(unfinished),
                          students=", ".join(unfinished)), file=out, flush=True)
            return EXIT_INTERRUPTED
        run.progress.close()
        summary(run, time.monotonic() - started, out)
        return 1 if any(not r.get("ok") for r in run.results.values()) else 0
    finally:
        run.cleanup()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)
