"""`dnn-lab autograde --jobs 2` against a 4-task Slurm job array on the same class and machine.
Prints figures; asserts nothing.

Starts a real one-node Slurm (tests/slurm.py: slurmctld, slurmd, munged on 127.0.0.1) with 2 CPUs and
a real PostgreSQL (tests/pg.py), generates a class (tests/classroom.py, honest students only unless
--mixed), and grades it, alternating, into fresh databases: once with `--jobs 2` on this machine, once
as the array written by `dnn-lab course slurm-script --shards 4 --jobs 1` (two tasks run at a time on the
two CPUs). The array's overhead per student is (array wall time - jobs-2 wall time) / students.

Run (as root, like the tests):  python benchmarks/bench_slurm.py [--students 24] [--runs 1]
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from classroom import ASSIGNMENT, generate_into, gradebook_scores, make_class, make_course  # noqa: E402
from pg import PostgresServer  # noqa: E402
from slurm import SlurmCluster  # noqa: E402

DNN_LAB = [sys.executable, "-m", "dnn_lab.cli"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--mixed", action="store_true", help="the tests' mixed class instead of honest students")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-slurm-"))
    pg = PostgresServer().start()
    cluster = SlurmCluster(cpus=2).start()
    try:
        template = make_course(tmp / "template")
        if args.mixed:
            make_class(template, args.students)
        else:
            import classroom
            classroom.kinds = lambda n: ["full"] * n  # honest: every student complete
            make_class(template, args.students)
        (template / "gradebook.db").unlink(missing_ok=True)
        local, array, reference = [], [], None
        for run in range(args.runs):
            for how in ("jobs2", "array"):
                course = tmp / f"{how}{run}"
                shutil.copytree(template, course)
                url = pg.create_database(f"{how}{run}")
                generate_into(course, url)
                start = time.perf_counter()
                if how == "jobs2":
                    subprocess.run([*DNN_LAB, "autograde", ASSIGNMENT, "--jobs", "2", "--db", url], cwd=course,
                                   capture_output=True)
                    local.append(time.perf_counter() - start)
                else:
                    subprocess.run([*DNN_LAB, "course", "slurm-script", ASSIGNMENT, "--shards", "4", "--jobs", "1",
                                    "--db", url], cwd=course, check=True, capture_output=True)
                    job = cluster.sbatch(course / "grade.sbatch")
                    cluster.wait(job, timeout=3600)
                    array.append(time.perf_counter() - start)
                scores = gradebook_scores(url)
                reference = reference or scores
                same = scores == reference
                print(f"run {run + 1} {how:>5}: {(local if how == 'jobs2' else array)[-1]:6.1f} s, "
                      f"gradebook {'identical' if same else 'DIFFERENT'}, load {os.getloadavg()[0]:.1f}", flush=True)
        n = args.students
        lm, am = statistics.median(local), statistics.median(array)
        print(f"\n{n} students: --jobs 2 {lm:.1f} s ({lm / n:.2f} s/student); "
              f"4-task array {am:.1f} s ({am / n:.2f} s/student)")
        print(f"array overhead (scheduling, start-up of 4 tasks): {am - lm:+.1f} s in all, "
              f"{(am - lm) / n:+.2f} s per student")
    finally:
        cluster.stop()
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
