"""How long does a class take to grade?  Prints figures; asserts nothing.

Builds a course with ``dnn-lab course init`` + ``nbgrader generate_assignment step_by_step`` and a
generated class (tests/classroom.py: complete, untouched, partly done, wrong and hostile submissions,
answers taken from the source notebook's solutions), then grades it, each time from the same starting
state (a fresh copy), on the default SQLite gradebook, alternating ``--rounds`` times (default 2):

- serially with plain ``nbgrader autograde step_by_step --create --force`` (one process);
- with ``dnn-lab autograde step_by_step --jobs N --force`` (for each N given).

At the end: the median speed-up over the rounds, and the median CPU seconds.

It prints the wall time of each (process start to exit, so nbgrader's start-up is included in both),
the load average before each run (other work on the machine lowers the speed-up), the ratio,
seconds per student, and checks that the gradebooks hold the same scores.

It also prints the largest peak RSS among the processes each run waited for (a grading process: the
serial nbgrader, or a worker of ``dnn-lab autograde``; kernels and sandboxes are smaller).  Where one
student's CPU seconds go, part by part, is printed by ``benchmarks/bench_student.py``.

Run:  python benchmarks/bench_class.py [--students 40] [--jobs 2] [--rounds 2]   (--jobs 1 2: one run for each)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from classroom import ASSIGNMENT, gradebook_scores, make_class, make_course  # noqa: E402


CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def _cgroup():
    """A fresh cpuacct cgroup (root, cgroup v1), or None: every process of a run is counted there, also those
    nobody waits for (a sandbox's or a kernel's processes killed with their PID namespace)."""
    try:
        path = Path(tempfile.mkdtemp(prefix=f"dnn_lab_bench_class_{os.getpid()}_", dir=CPUACCT))
        (path / "cpuacct.usage").read_text()
        return path
    except OSError:
        return None


def timed(argv, cwd):
    """(wall seconds, load average before, proc); ``proc.cpu``: CPU seconds of every process of the run (its
    cpuacct cgroup; else wait4's rusage of the waited-for tree, ``proc.cpu_source`` says which),
    ``proc.peak_mib``: the largest peak RSS among the processes waited for (wait4's rusage)."""
    load = os.getloadavg()[0]
    group = _cgroup()

    def join():
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, text=True, preexec_fn=join)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc = subprocess.CompletedProcess(argv, child.returncode, out.read(), err.read())
    proc.cpu, proc.cpu_source = usage.ru_utime + usage.ru_stime, "wait4"
    if group is not None:
        time.sleep(0.5)   # processes killed at the end of the run leave the cgroup
        proc.cpu, proc.cpu_source = int((group / "cpuacct.usage").read_text()) / 1e9, "cgroup"
        try:
            group.rmdir()
        except OSError:
            pass
    proc.peak_mib = usage.ru_maxrss / 1024
    if proc.returncode not in (0, 1):  # 1: some submission could not be graded (the same in both)
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds, load, proc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2], help="one run per value, e.g. --jobs 1 2")
    parser.add_argument("--rounds", type=int, default=2,
                        help="serial and parallel runs alternate this many times; the median speed-up is printed")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        template = make_course(Path(tmp) / "template")
        kinds = make_class(template, args.students)
        n = len(kinds)
        print(f"class: {n} students ({', '.join(f'{k} {list(kinds.values()).count(k)}' for k in sorted(set(kinds.values())))})")
        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; {args.rounds} round(s), "
              f"alternating serial and parallel runs", flush=True)
        ratios = {jobs: [] for jobs in args.jobs}
        cpu = {"serial": [], **{jobs: [] for jobs in args.jobs}}
        for round_ in range(1, args.rounds + 1):
            serial = Path(tmp) / f"serial{round_}"
            shutil.copytree(template, serial)
            t_serial, l_serial, p_serial = timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--create",
                                                  "--force"], serial)
            reference = gradebook_scores(f"sqlite:///{serial / 'gradebook.db'}")
            cpu["serial"].append(p_serial.cpu)
            print(f"round {round_}: serial   nbgrader autograde : {t_serial:7.1f} s ({t_serial / n:.2f} s/student), "
                  f"load average before {l_serial:.1f}; CPU ({p_serial.cpu_source}) {p_serial.cpu:.1f} s ({p_serial.cpu / n:.2f} s/student), "
                  f"peak RSS {p_serial.peak_mib:.0f} MiB", flush=True)
            shutil.rmtree(serial, ignore_errors=True)
            for jobs in args.jobs:
                parallel = Path(tmp) / f"jobs{jobs}-{round_}"
                shutil.copytree(template, parallel)
                t_parallel, l_parallel, proc = timed([sys.executable, "-m", "dnn_lab.cli", "autograde", ASSIGNMENT,
                                                      "--jobs", str(jobs), "--force"], parallel)
                same = gradebook_scores(f"sqlite:///{parallel / 'gradebook.db'}") == reference
                ratios[jobs].append(t_serial / t_parallel)
                cpu[jobs].append(proc.cpu)
                print(f"round {round_}: dnn-lab autograde --jobs {jobs:<2}: {t_parallel:7.1f} s "
                      f"({t_parallel / n:.2f} s/student), load average before {l_parallel:.1f}; speed-up "
                      f"{t_serial / t_parallel:.2f}x; gradebook identical to serial: {same}", flush=True)
                print(f"  CPU ({proc.cpu_source}) {proc.cpu:.1f} s ({proc.cpu / n:.2f} s/student; serial/this {p_serial.cpu / proc.cpu:.2f}x), "
                      f"largest peak RSS of the run (a worker) {proc.peak_mib:.0f} MiB")
                summary = [line for line in proc.stdout.splitlines() if not line.startswith("[")]
                print("  " + "\n  ".join(summary[1:]), flush=True)
                shutil.rmtree(parallel, ignore_errors=True)
        for jobs in args.jobs:
            print(f"--jobs {jobs}: speed-up over serial nbgrader, median of {len(ratios[jobs])} round(s): "
                  f"{statistics.median(ratios[jobs]):.2f}x ({', '.join(f'{r:.2f}' for r in ratios[jobs])}); "
                  f"CPU median {statistics.median(cpu[jobs]):.1f} s vs serial {statistics.median(cpu['serial']):.1f} s")
        print("(a load average above 0 means other work shared these cores: speed-ups are then lower than on an "
              "idle machine)")


if __name__ == "__main__":
    main()
