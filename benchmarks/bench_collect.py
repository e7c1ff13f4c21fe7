"""What one hostile submission costs the collect: dnn_lab's SafeCollect against nbgrader's own.

A temporary course and exchange (run as any user: the submissions are that user's own), with ``--honest``
ordinary submissions under the running user's name plus one folder holding the notebook, ``--files``
small files and a ``--sparse-gb`` sparse file.  Each collect runs as ``nbgrader collect`` (a fresh
process, the same config but the collect class), and the figures are printed: wall time, exit code and
what was collected.  Never run as a test (figures only)::

    python benchmarks/bench_collect.py [--files 100000] [--sparse-gb 2]
"""
import argparse
import datetime
import getpass
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook


def build(root, files, sparse_gb):
    course, exchange = root / "course", root / "exchange"
    (course / "release" / "a").mkdir(parents=True)
    nbformat.write(new_notebook(cells=[new_markdown_cell("x")]), course / "release" / "a" / "a.ipynb")
    inbound = exchange / "c" / "inbound"
    inbound.mkdir(parents=True)
    (exchange / "c" / "outbound").mkdir()
    exchange.chmod(0o1777)
    for p, mode in ((exchange / "c", 0o755), (exchange / "c" / "outbound", 0o755), (inbound, 0o3733)):
        p.chmod(mode)
    stamp = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = inbound / f"{getpass.getuser()}+a+{stamp}+hostile"
    (folder / "junk").mkdir(parents=True)
    nbformat.write(new_notebook(cells=[new_markdown_cell("mine")]), folder / "a.ipynb")
    with open(folder / "big.bin", "wb") as fh:
        fh.truncate(int(sparse_gb * 1e9))
    for i in range(files):
        (folder / "junk" / str(i)).touch()
    return course, exchange


def collect(course, exchange, cls):
    shutil.rmtree(course / "submitted", ignore_errors=True)
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'c'\nc.Exchange.root = {str(exchange)!r}\n"
        + (f"c.ExchangeFactory.collect = {cls!r}\n" if cls else ""))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "collect", "a"], cwd=course, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    submitted = course / "submitted"
    got = sorted(p.name for p in submitted.rglob("*") if p.is_file()) if submitted.exists() else []
    return seconds, proc.returncode, got


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--sparse-gb", type=float, default=2.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-collect-"))
    try:
        t0 = time.perf_counter()
        course, exchange = build(root, args.files, args.sparse_gb)
        print(f"one submission: the notebook + {args.files:,} small files + a {args.sparse_gb:g} GB sparse file "
              f"(made in {time.perf_counter() - t0:.1f} s)")
        for label, cls in (("nbgrader's ExchangeCollect", None),
                           ("dnn_lab SafeCollect", "dnn_lab.exchange.SafeCollect")):
            seconds, code, got = collect(course, exchange, cls)
            shown = ", ".join(got[:4]) + (f", … ({len(got):,} files)" if len(got) > 4 else "")
            print(f"{label:28s} {seconds:7.2f} s  exit {code}  collected: {shown or 'nothing'}")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "--version"], capture_output=True)
        print(f"(starting nbgrader alone: {time.perf_counter() - start:.2f} s; load average {os.getloadavg()[0]:.1f})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
