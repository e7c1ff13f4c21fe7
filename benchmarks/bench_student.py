"""Where does one student's grading go?  CPU seconds per part; prints figures, asserts nothing.

The machine is shared, so wall time says little: this counts CPU time.  It builds a course with
``dnn-lab course init`` (tests/classroom.py), then grades students in THIS process the way a
``dnn-lab autograde`` worker does (nbgrader's ``AutogradeApp`` loaded once, nbgrader's ``Autograde``
converter per student, ``--force --create``), several times over, and splits each student into:

- nbgrader's own steps in the grading process (main thread): reading/writing the notebooks, the
  sanitize preprocessors, ``init_assignment`` (gradebook rows), ``SaveAutoGrades`` (gradebook writes),
  ``DnnLabGrader.preprocess`` (verdicts rendered into the notebook), the other preprocessors;
- the feedback kernel: the parent's side of its start and of the notebook's execution (main thread)
  and the kernel's own CPU (its processes are put in a cpuacct cgroup of their own), split at the
  moment the first cell is sent;
- the grading thread: ``load_references``, the sandbox start (parent side), for each exercise the
  worker's fork + load, the public cases and the hidden cases (with the expected values computed by
  the references), and the sandbox's own CPU (its processes in another cpuacct cgroup), split into
  its start (Python + numpy + dnn_lab imported, until "ready") and the exercises.

By default the students are graded as a ``dnn-lab autograde`` worker grades them (its once-per-process set-up:
nbgrader's metadata schema checked once, feedback kernels forked from a warm template, whose start then counts
as the first student's kernel start); ``--plain`` grades them as plain ``nbgrader autograde`` does (cold
kernels). The first student pays the grading process's imports; the steady state (what each further student
of a worker costs) is the median of the later ones.  Also printed: peak RSS of this process (a
worker) after the first and after the last student, and the largest child's peak RSS.

Run:  python benchmarks/bench_student.py [--repeat 4] [--kind full] [--plain]
Needs root for the cpuacct cgroups (cgroup v1 at /sys/fs/cgroup/cpuacct); without them the
children's CPU is reported as a total only (getrusage RUSAGE_CHILDREN).
"""
import argparse
import functools
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from classroom import ASSIGNMENT, make_class, make_course  # noqa: E402

CPUACCT = Path("/sys/fs/cgroup/cpuacct")


class Groups:
    """cpuacct cgroups 'sandbox' and 'kernel' (CPU of the processes started in them, in seconds)."""

    def __init__(self):
        self.base = None
        try:
            base = CPUACCT / f"dnn_lab_bench_{os.getpid()}"
            for name in ("sandbox", "kernel"):
                (base / name).mkdir(parents=True, exist_ok=True)
            self.base = base
        except OSError:
            self.base = None

    def procs(self, name):
        return str(self.base / name / "cgroup.procs") if self.base else None

    def usage(self, name):
        if not self.base:
            return 0.0
        return int((self.base / name / "cpuacct.usage").read_text()) / 1e9

    def remove(self):
        if self.base:
            for name in ("sandbox", "kernel"):
                try:
                    (self.base / name).rmdir()
                except OSError:
                    pass
            try:
                self.base.rmdir()
            except OSError:
                pass


class Meter:
    """Per-student CPU seconds by part: thread CPU (time.thread_time) of wrapped calls, cgroup usage."""

    def __init__(self, groups):
        self.groups = groups
        self.parts = defaultdict(float)
        self.lock = threading.Lock()
        self.local = threading.local()
        self.first_cell = None

    def add(self, part, seconds):
        with self.lock:
            self.parts[part] += seconds

    def wrap(self, owner, attr, part, nested=True):
        """Wrap ``owner.attr`` so that its thread CPU counts as ``part`` (exclusive of wrapped calls inside)."""
        original = getattr(owner, attr)
        meter = self

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            stack = getattr(meter.local, "stack", None)
            if stack is None:
                stack = meter.local.stack = []
            label = part(*args, **kwargs) if callable(part) else part
            stack.append(0.0)
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                inner = stack.pop()
                meter.add(label, spent - inner)
                if stack:
                    stack[-1] += spent
        setattr(owner, attr, wrapper)
        return original


def instrument(meter, groups):
    import nbformat
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import BaseConverter

    from dnn_lab.grading import grade, nbgrader as ours, sandbox, session

    # -- cgroups for the sandbox and the feedback kernel ------------------------------------
    if groups.base:
        set_limits = sandbox._set_limits

        def _set_limits(limits, cgroup=None):
            apply = set_limits(limits, cgroup)

            def join_then_apply():
                with open(groups.procs("sandbox"), "w") as f:
                    f.write(str(os.getpid()))
                apply()
            return join_then_apply
        sandbox._set_limits = _set_limits

        kernel_command = sandbox.kernel_command

        def _kernel_command(cmd, **kw):
            wrapped, level = kernel_command(cmd, **kw)
            join = ["/bin/sh", "-c", f'echo $$ > {groups.procs("kernel")}; exec "$@"', "sh"]
            return join + wrapped, level
        sandbox.kernel_command = _kernel_command

        from dnn_lab.grading import warm_kernel, warm_sandbox   # warm templates: their forks are their descendants
        warm_kernel.Template._command = lambda self, cmd: join + cmd
        join = ["/bin/sh", "-c", f'echo $$ > {groups.procs("kernel")}; exec "$@"', "sh"]
        warm_sandbox.Template._command = lambda self, cmd: join_sandbox + cmd
        join_sandbox = ["/bin/sh", "-c", f'echo $$ > {groups.procs("sandbox")}; exec "$@"', "sh"]

    # -- main thread: nbgrader's steps ------------------------------------------------------
    meter.wrap(BaseConverter, "convert_single_notebook", "nbgrader: other steps (read, write, export)")
    meter.wrap(Autograde, "init_assignment", "gradebook: init_assignment (rows, submission copy)")
    from nbgrader import preprocessors as pps
    for name in ("ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells", "CheckCellMetadata",
                 "ClearMetadataPreprocessor", "LimitOutput", "AssignLatePenalties"):
        cls = getattr(pps, name, None)
        if cls is None:
            from nbconvert import preprocessors as nbc
            cls = getattr(nbc, name)
        meter.wrap(cls, "preprocess", f"nbgrader: {name}")
    meter.wrap(pps.SaveAutoGrades, "preprocess", "gradebook: SaveAutoGrades")
    from dnn_lab.grading import sanitize
    for name in ("ActiveContent", "ForeignGradeCells"):
        if hasattr(sanitize, name):
            meter.wrap(getattr(sanitize, name), "preprocess", f"nbgrader: {name}")
    meter.wrap(ours.DnnLabGrader, "preprocess", "verdicts written into the notebook (DnnLabGrader)")

    # -- the feedback kernel ------------------------------------------------------------------
    meter.wrap(ours.SandboxedExecute, "preprocess", "kernel: start (parent side)")
    cell = ours.SandboxedExecute.preprocess_cell

    @functools.wraps(cell)
    def preprocess_cell(self, *args, **kwargs):
        if meter.first_cell is None:
            meter.first_cell = groups.usage("kernel")
        return cell(self, *args, **kwargs)
    ours.SandboxedExecute.preprocess_cell = preprocess_cell
    meter.wrap(ours.SandboxedExecute, "preprocess_cell", "kernel: cells (parent side)")

    # -- the grading thread -----------------------------------------------------------------
    meter.wrap(ours.DnnLabGrader, "grade", "grading: other (thread)")
    meter.wrap(grade, "load_references", "grading: load_references")
    meter.wrap(grade, "hidden_specs", "grading: other (thread)")
    ensure = session.GradingSession._ensure

    @functools.wraps(ensure)
    def _ensure(self):
        new = self.sandbox is None
        ensure(self)
        if new:
            meter.add("sandbox: start (its own CPU: python, numpy, dnn_lab)", groups.usage("sandbox") - meter.sandbox_mark)
            meter.sandbox_mark = groups.usage("sandbox")
    session.GradingSession._ensure = _ensure
    meter.wrap(session.GradingSession, "_ensure", "grading: sandbox start (parent side)")
    meter.wrap(session.GradingSession, "function", "grading: fork + load per exercise (parent side)")
    meter.wrap(session.RemoteFunction, "finish", "grading: fork + load per exercise (parent side)")
    meter.wrap(grade, "run_checks", lambda *a, **k: "grading: hidden cases (parent side, with expected values)"
               if k.get("cases") else "grading: public cases (parent side)")
    meter.wrap(grade, "build_hidden_cases", "grading: hidden cases (parent side, with expected values)")
    return nbformat


def grade_student(app, student, meter, groups):
    from nbgrader.converters import Autograde
    coursedir = app.coursedir
    coursedir.student_id = student
    meter.parts.clear()
    meter.first_cell = None
    meter.sandbox_mark = groups.usage("sandbox")
    kernel0 = groups.usage("kernel")
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    process0, wall0 = time.process_time(), time.perf_counter()
    converter = Autograde(coursedir=coursedir, parent=app)
    converter.force = True
    converter.create_student = True
    converter.start()
    process = time.process_time() - process0
    wall = time.perf_counter() - wall0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    parts = dict(meter.parts)
    if groups.base:
        kernel = groups.usage("kernel")
        first = meter.first_cell if meter.first_cell is not None else kernel
        parts["kernel: start (its own CPU: ipykernel, imports)"] = first - kernel0
        parts["kernel: cells (its own CPU)"] = kernel - first
        parts["sandbox: exercises (its own CPU: forks, loads, calls)"] = groups.usage("sandbox") - meter.sandbox_mark
    parts["(grading process, all threads: process_time)"] = process
    parts["(children, waited for: RUSAGE_CHILDREN)"] = (children.ru_utime + children.ru_stime
                                                        - children0.ru_utime - children0.ru_stime)
    parts["(wall seconds, on this loaded machine)"] = wall
    return parts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=4, help="students graded in one process (one worker)")
    parser.add_argument("--kind", default="full", help="a kind of tests/classroom.py: full, wrong, partial, …")
    parser.add_argument("--plain", action="store_true",
                        help="as plain nbgrader autograde does it: without the worker's once-per-process set-up")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    groups = Groups()
    meter = Meter(groups)
    tmp = Path(tempfile.mkdtemp(prefix="bench-student-"))
    old = os.getcwd()
    try:
        course = make_course(tmp / "course")
        kinds = make_class(course, 15)   # one of each kind
        student = next(s for s, k in kinds.items() if k == args.kind)
        for i in range(1, args.repeat):  # the same submission under other names: a worker's later students
            shutil.copytree(course / "submitted" / student, course / "submitted" / f"again{i}")
        os.chdir(course)
        instrument(meter, groups)
        from nbgrader.apps.baseapp import NbGrader

        from dnn_lab.autograde.plan import load_app
        app = load_app([ASSIGNMENT, "--create"])
        NbGrader.start(app)
        if not args.plain:  # what a dnn-lab autograde worker does once per process
            from dnn_lab.autograde.warm import validate_schema_once
            from dnn_lab.grading import warm_kernel
            validate_schema_once()
            warm_kernel.enable()
        app.coursedir.assignment_id = ASSIGNMENT
        runs, rss = [], []
        for i, name in enumerate([student] + [f"again{i}" for i in range(1, args.repeat)]):
            runs.append(grade_student(app, name, meter, groups))
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        from nbgrader.api import Gradebook
        with Gradebook(app.coursedir.db_url) as gb:
            scores = [gb.find_submission(ASSIGNMENT, s).score for s in [student] + [f"again{i}" for i in range(1, args.repeat)]]
    finally:
        os.chdir(old)
        shutil.rmtree(tmp, ignore_errors=True)
        groups.remove()
    labels = sorted({k for r in runs for k in r}, key=lambda k: (k.startswith("("), k))
    later = runs[1:] or runs
    print(f"one '{args.kind}' student of step_by_step, graded {len(runs)} times in one process (a worker); "
          f"scores {scores}")
    print(f"CPU seconds by part{'' if groups.base else ' (no cpuacct cgroup: children as a total only)'}:")
    print(f"  {'part':<62} {'first':>7} {'later (median)':>15}")
    measured_first = measured_later = 0.0
    for label in labels:
        first, med = runs[0].get(label, 0.0), statistics.median(r.get(label, 0.0) for r in later)
        if not label.startswith("("):
            measured_first += first
            measured_later += med
        print(f"  {label:<62} {first:7.3f} {med:15.3f}")
    print(f"  {'= sum of the parts (grading process + sandbox + kernel)':<62} {measured_first:7.3f} "
          f"{measured_later:15.3f}")
    print(f"peak RSS of the grading process: {rss[0]:.0f} MiB after the first student, {rss[-1]:.0f} MiB after "
          f"student {len(rss)}; largest child: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
