"""How long does `dnn-lab report` take for a large class?  Prints figures; asserts nothing.

Writes N synthetic verdict files (default 1,000 students) into a temporary course with the grader's own
writer: each student's ten exercises passed or failed with one of a few real check reports (wrong
implementations run through ``run_checks``), in fixed proportions. Then times, in fresh processes,
the whole command: the terminal summary alone, and with the HTML report (heat maps and score plot).

Run:  python benchmarks/bench_report.py [--students 1000] [--runs 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRONG = {
    "linear_backward": ("def f(dZ, cache):\n    A_prev, W, b = cache\n"
                        "    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T), np.sum(dZ, axis=1, keepdims=True) / A_prev.shape[1]\n"),
    "compute_cost": "def f(AL, Y):\n    return np.squeeze(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1])\n",
    "linear_forward": "def f(A, W, b):\n    return np.dot(W, A), (A, W, b)\n",
}


def make_class(root, n):
    import numpy as np

    from dnn_lab.checks import EXERCISES, run_checks
    from dnn_lab.dev import load_solutions
    from dnn_lab.grading import verdict_file
    from dnn_lab.grading.grade import Verdict
    solutions = load_solutions("step_by_step")
    right = {name: Verdict(name, True, "passed", run_checks(name, solutions[name], lang="en")) for name in EXERCISES}
    wrong = {}
    for name, src in WRONG.items():
        ns = {"np": np}
        exec(src, ns)
        wrong[name] = Verdict(name, False, "public", run_checks(name, ns["f"], lang="en"))
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    for i in range(n):
        student = f"student{i:05d}"
        (root / "submitted" / student / "step_by_step").mkdir(parents=True)
        verdicts = {name: (wrong[name] if name in wrong and (i * 7 + len(name)) % 5 == 0 else right[name])
                    for name in EXERCISES}
        record = verdict_file.build_record(student, "step_by_step", "step_by_step", verdicts, lang="en",
                                           isolation="bwrap", points={name: 10 for name in EXERCISES})
        verdict_file.write(root / "autograded" / student / "step_by_step", record)


def timed(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        make_class(root, args.students)
        print(f"{args.students} verdict files written in {time.perf_counter() - start:.1f} s "
              f"({sum(f.stat().st_size for f in root.rglob('*.json')) / 1e6:.1f} MB)")
        base = [sys.executable, "-m", "dnn_lab.cli", "report", "step_by_step", "--lang", "both"]
        terminal, with_html = [], []
        for _ in range(args.runs):  # interleaved
            terminal.append(timed(base, root))
            with_html.append(timed(base + ["--html", str(root / "report.html")], root))
        size = os.path.getsize(root / "report.html") / 1e6
        print(f"dnn-lab report, terminal summary:  median {statistics.median(terminal):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in terminal)})")
        print(f"dnn-lab report --html (diagrams):  median {statistics.median(with_html):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in with_html)}), HTML {size:.1f} MB")
        print(f"load: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
