"""How long does a class take to grade?  Prints figures; asserts nothing.

Builds a course with ``dnn-lab course init`` + ``nbgrader generate_assignment step_by_step`` and a
generated class (tests/classroom.py: complete, untouched, partly done, wrong and hostile submissions,
answers taken from the source notebook's solutions), then grades it twice, from the same starting
state, on the default SQLite gradebook:

- serially with plain ``nbgrader autograde step_by_step --create --force`` (one process);
- with ``dnn-lab autograde step_by_step --jobs N --force``.

It prints the wall time of each (process start to exit, so nbgrader's start-up is included in both),
the CPU time of each whole process tree (kernels and sandboxes included), the load average before
each run (other work on the machine lowers the speed-up), the ratio, seconds per student, and checks
that the two gradebooks hold the same scores.

Run:  python benchmarks/bench_class.py [--students 40] [--jobs 2]
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from classroom import ASSIGNMENT, gradebook_scores, make_class, make_course  # noqa: E402


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv, cwd):
    """(wall seconds, CPU seconds of the whole process tree that was waited for, load average before, proc)."""
    load = os.getloadavg()[0]
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    if proc.returncode not in (0, 1):  # 1: some submission could not be graded (the same in both)
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds, cpu, load, proc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        template = make_course(Path(tmp) / "template")
        kinds = make_class(template, args.students)
        serial, parallel = Path(tmp) / "serial", Path(tmp) / "parallel"
        shutil.copytree(template, serial)
        shutil.copytree(template, parallel)

        t_serial, c_serial, l_serial, _ = timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--create", "--force"], serial)
        t_parallel, c_parallel, l_parallel, proc = timed([sys.executable, "-m", "dnn_lab.cli", "autograde", ASSIGNMENT,
                                  "--jobs", str(args.jobs), "--force"], parallel)

        same = gradebook_scores(f"sqlite:///{serial / 'gradebook.db'}") == \
            gradebook_scores(f"sqlite:///{parallel / 'gradebook.db'}")
        n = len(kinds)
        print(f"class: {n} students ({', '.join(f'{k} {list(kinds.values()).count(k)}' for k in sorted(set(kinds.values())))})")
        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
        print(f"serial   nbgrader autograde          : {t_serial:7.1f} s wall ({t_serial / n:.2f} s/student), "
              f"{c_serial:6.1f} s CPU ({c_serial / n:.2f} s/student), load average before {l_serial:.1f}")
        print(f"parallel dnn-lab autograde --jobs {args.jobs:<2} : {t_parallel:7.1f} s wall ({t_parallel / n:.2f} s/student), "
              f"{c_parallel:6.1f} s CPU ({c_parallel / n:.2f} s/student), load average before {l_parallel:.1f}")
        print(f"speed-up: {t_serial / t_parallel:.2f}x   identical gradebooks: {same}")
        print("(a load average above 0 means other work shared these cores: the speed-up is then lower than on an idle machine)")
        summary = [line for line in proc.stdout.splitlines() if not line.startswith("[")]
        print("dnn-lab summary:", *summary, sep="\n  ")


if __name__ == "__main__":
    main()
