"""Install size and time: the student's ``dnn-lab`` vs the full install with ``dnn-lab[grading]``.

Builds the dnn-lab wheel from this checkout, downloads every wheel both installs need into one
local folder (``pip download``, so that neither install pays for the network), then, for each
install, creates a fresh venv and times ``pip install --no-index --find-links <folder>`` into it.
Printed side by side: install time, venv size on disk, number of distributions, and the ratio
student / full; then the largest distributions of each install, and what only grading brings.

    python benchmarks/bench_install.py [--wheelhouse DIR] [--keep DIR]

``--wheelhouse`` reuses (and fills) a download folder between runs; ``--keep`` leaves the two
venvs there instead of in a temporary folder.  Goal of issue 22: the student install at most half
the full one (size and time).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLS = (("student", ""), ("full", "[grading]"))


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


def build_wheel(out):
    run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)])
    return next(Path(out).glob("dnn_lab-*.whl"))


def size_mb(path):
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                total += os.lstat(p).st_size
    return total / 2**20


def distributions(python):
    """{name: MB} of every distribution installed in the venv of ``python`` (files listed in RECORD)."""
    code = ("import importlib.metadata as m, json, os\n"
            "out = {}\n"
            "for d in m.distributions():\n"
            "    n = 0\n"
            "    for f in d.files or ():\n"
            "        p = d.locate_file(f)\n"
            "        try:\n"
            "            n += os.lstat(p).st_size\n"
            "        except OSError:\n"
            "            pass\n"
            "    out[d.metadata['Name'].lower().replace('_', '-')] = n / 2**20\n"
            "print(json.dumps(out))")
    import json
    return json.loads(run([str(python), "-c", code]))


def install(venv, wheel, extra, wheelhouse):
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    before = size_mb(venv)
    started = time.perf_counter()
    run([str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheelhouse),
         "--disable-pip-version-check", f"{wheel}{extra}"])
    seconds = time.perf_counter() - started
    probe = "import dnn_lab, jupyterlab; import importlib.util as u; print(u.find_spec('nbgrader') is not None)"
    has_nbgrader = run([str(python), "-c", probe]).strip() == "True"
    return {"seconds": seconds, "mb": size_mb(venv), "empty_mb": before, "dists": distributions(python),
            "nbgrader": has_nbgrader}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheelhouse", help="download folder (kept; default: a temporary one)")
    parser.add_argument("--keep", help="create the two venvs in this folder and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_install-") as tmp:
        tmp = Path(tmp)
        wheel = build_wheel(tmp / "dist")
        wheelhouse = Path(args.wheelhouse or tmp / "wheelhouse")
        wheelhouse.mkdir(parents=True, exist_ok=True)
        for stale in wheelhouse.glob("dnn_lab-*.whl"):  # pip download copies our wheel there: an older build
            stale.unlink()                               # would be taken for this one, with its old metadata
        started = time.perf_counter()
        # the full install's wheels include the student's: one download serves both
        run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "-d", str(wheelhouse),
             f"{wheel}[grading]"])
        for copied in wheelhouse.glob("dnn_lab-*.whl"):
            copied.unlink()
        print(f"wheels downloaded into {wheelhouse} in {time.perf_counter() - started:.1f} s "
              f"({len(list(wheelhouse.glob('*.whl')))} wheels, {size_mb(wheelhouse):.0f} MB)")
        where = Path(args.keep) if args.keep else tmp
        results = {}
        for label, extra in INSTALLS:
            venv = where / f"venv-{label}"
            shutil.rmtree(venv, ignore_errors=True)
            results[label] = install(venv, wheel, extra, wheelhouse)
        student, full = results["student"], results["full"]
        assert not student["nbgrader"] and full["nbgrader"], "the student install must not have nbgrader"

        print(f"\n{'':28}{'student':>12}{'full (grading)':>16}{'student/full':>14}")
        rows = [("pip install time (s)", student["seconds"], full["seconds"]),
                ("venv size (MB)", student["mb"], full["mb"]),
                ("  of it an empty venv (MB)", student["empty_mb"], full["empty_mb"]),
                ("installed packages (MB)", student["mb"] - student["empty_mb"], full["mb"] - full["empty_mb"]),
                ("distributions", len(student["dists"]), len(full["dists"]))]
        for name, s, f in rows:
            print(f"{name:28}{s:12.1f}{f:16.1f}{s / f:14.2f}")

        only_full = {n: mb for n, mb in full["dists"].items() if n not in student["dists"]}
        print(f"\nonly in the full install ({len(only_full)} distributions, {sum(only_full.values()):.0f} MB):")
        print("  " + ", ".join(f"{n} {mb:.0f}" for n, mb in sorted(only_full.items(), key=lambda kv: -kv[1])))
        top = sorted(student["dists"].items(), key=lambda kv: -kv[1])[:12]
        print(f"\nlargest in the student install (MB): " + ", ".join(f"{n} {mb:.0f}" for n, mb in top))
        print(f"\ngoal (issue 22): student at most half of full — size {student['mb'] / full['mb']:.2f}, "
              f"time {student['seconds'] / full['seconds']:.2f}")


if __name__ == "__main__":
    main()
