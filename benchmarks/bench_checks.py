"""How long do the checks take?  Prints figures; asserts nothing.

- median wall time of ``run_checks(exercise, solution)`` per exercise (all cases,
  the source notebook's solutions, ~30 runs after one warm-up);
- median wall time of ``import dnn_lab`` (and of ``dnn_lab.checks``, which loads
  numpy) in fresh interpreters (subprocess, ~10 runs each, interleaved with a
  bare interpreter and one importing numpy only, to subtract);
- the cumulative ``python -X importtime`` figures for the same imports.

Run:  python benchmarks/bench_checks.py [--runs 30] [--import-runs 10]
"""
import argparse
import re
import statistics
import subprocess
import sys
import time


def bench_checks(runs):
    from dnn_lab.checks import EXERCISES, run_checks
    from dnn_lab.dev import load_solutions

    solutions = load_solutions("step_by_step")
    rows = []
    for name in EXERCISES:
        report = run_checks(name, solutions[name], lang="both")   # warm-up: expected data, imports
        assert report.passed, name
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            run_checks(name, solutions[name], lang="both")
            times.append(time.perf_counter() - started)
        rows.append((name, len(report.cases), statistics.median(times), max(times)))
    return rows


def _fresh(code):
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


IMPORTS = {
    "bare interpreter": "pass",
    "import numpy": "import numpy",
    "import dnn_lab": "import dnn_lab",
    "import numpy, dnn_lab.checks": "import numpy, dnn_lab.checks",
}


def bench_import(runs):
    """Median (and best) wall time of fresh interpreters running each statement, interleaved."""
    times = {label: [] for label in IMPORTS}
    for _ in range(runs):
        for label, code in IMPORTS.items():
            times[label].append(_fresh(code))
    return {label: (statistics.median(ts), min(ts)) for label, ts in times.items()}


def importtime(module):
    """From ``python -X importtime -c 'import {module}'``: the cumulative microseconds of
    the package's own top-level entries (``dnn_lab``, ``dnn_lab.checks``) and of numpy
    wherever it was first imported."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                            capture_output=True, text=True, check=True)
    package, numpy_us = 0, 0
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$", line)
        if not match:
            continue
        cumulative, depth, name = int(match.group(2)), len(match.group(3)) - 1, match.group(4)
        if depth == 0 and name.split(".")[0] == "dnn_lab":
            package += cumulative
        if name == "numpy":
            numpy_us = cumulative
    return package, numpy_us


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--import-runs", type=int, default=10)
    args = parser.parse_args(argv)

    print(f"run_checks on the solutions, median of {args.runs} runs (lang=both)")
    print(f"  {'exercise':28} {'cases':>5} {'median ms':>10} {'max ms':>8}")
    rows = bench_checks(args.runs)
    for name, cases, median, worst in rows:
        print(f"  {name:28} {cases:5d} {median * 1e3:10.2f} {worst * 1e3:8.2f}")
    print(f"  {'all ten (sum of medians)':28} {sum(r[1] for r in rows):5d} {sum(r[2] for r in rows) * 1e3:10.2f}")

    figures = bench_import(args.import_runs)
    bare = figures["bare interpreter"][0]
    print(f"\nfresh interpreter, median (best) of {args.import_runs} runs; last column: median minus bare")
    for label, (median, best) in figures.items():
        print(f"  {label:30} {median * 1e3:8.1f} ms ({best * 1e3:6.1f}) {(median - bare) * 1e3:+8.1f} ms")

    print("\npython -X importtime (cumulative)")
    for module in ("dnn_lab", "dnn_lab.checks"):
        total, numpy_us = importtime(module)
        print(f"  import {module:16} {total / 1e3:8.1f} ms, of which numpy {numpy_us / 1e3:6.1f} ms, "
              f"dnn_lab's own {(total - numpy_us) / 1e3:6.1f} ms")


if __name__ == "__main__":
    main()
