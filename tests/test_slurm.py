"""Grading a class as a Slurm job array, on a real one-node Slurm (slurmctld, slurmd, munged on
127.0.0.1, a temporary configuration) with a real PostgreSQL gradebook.

One generated class of 24 (complete, untouched, partly done, wrong values, hostile cells, a notebook
that is not JSON, and one function that never returns) is graded three ways, each into its own
database of one PostgreSQL server: `dnn-lab autograde --jobs 2` (the reference), the array of 4 tasks
written by `dnn-lab course slurm-script`, and the same array with one task SIGKILLed half-way
(`scancel --signal=KILL`) and requeued (`scontrol requeue`). Every gradebook must hold the same score
for every student and every grade cell, with one submission per student.
"""
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from classroom import ASSIGNMENT, COURSE_ID, generate_into, gradebook_scores, make_class, make_course
from dnn_lab.autograde.shards import shard_of
from nbutil import fill
from pg import PostgresServer
from slurm import SlurmCluster, processes_of_task

pytestmark = [pytest.mark.slurm, pytest.mark.postgres, pytest.mark.slow]

CLASS_SIZE = 24
SHARDS = 4
DNN_LAB = [sys.executable, "-m", "dnn_lab.cli"]
HANGING = "student000"  # the first complete one of classroom.kinds
HANGS = "def linear_forward(A, W, b):\n    while True:\n        pass\n"


@pytest.fixture(scope="module")
def pg():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cluster():
    slurm = SlurmCluster(cpus=2).start()
    yield slurm
    slurm.stop()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The course and its class (no gradebook yet); each test copies it."""
    course = make_course(tmp_path_factory.mktemp("slurm") / "course")
    kinds = make_class(course, CLASS_SIZE)
    hanging = next(s for s, k in kinds.items() if k == "full")
    assert hanging == HANGING
    path = course / "submitted" / hanging / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(fill(nbformat.read(path, as_version=4), {"linear_forward": HANGS}), path)
    (course / "gradebook.db").unlink(missing_ok=True)
    return course


def _course(template, tmp_path, pg, name):
    course = tmp_path / name
    shutil.copytree(template, course)
    url = pg.create_database(name)
    generate_into(course, url)
    return course, url


@pytest.fixture(scope="module")
def reference(template, tmp_path_factory, pg):
    course, url = _course(template, tmp_path_factory.mktemp("ref"), pg, "reference")
    proc = subprocess.run([*DNN_LAB, "autograde", ASSIGNMENT, "--jobs", "2", "--db", url], cwd=course,
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the corrupt notebook cannot be graded
    scores = gradebook_scores(url)
    assert len(scores) == CLASS_SIZE  # nbgrader records the corrupt one too (with 0)
    return scores


def _script(course, url):
    proc = subprocess.run([*DNN_LAB, "course", "slurm-script", ASSIGNMENT, "--shards", str(SHARDS), "--jobs", "1",
                           "--db", url, "-o", "grade.sbatch"], cwd=course, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return course / "grade.sbatch"


def _logs(course):
    return "\n".join(p.read_text() for p in sorted((course / ".dnn_lab" / "slurm").glob("*.out")))


def _one_submission_each(url):
    """Rows per student in the gradebook (duplicates would show here)."""
    import sqlalchemy
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as con:
        rows = con.execute(sqlalchemy.text(
            "select s.student_id, count(*) from submitted_assignment s join assignment a on a.id = s.assignment_id "
            "where a.name = :a group by s.student_id"), {"a": ASSIGNMENT}).all()
        grades = con.execute(sqlalchemy.text(
            "select count(*), count(distinct (g.notebook_id, g.cell_id)) from grade g")).one()
    engine.dispose()
    return dict(rows), tuple(grades)


def test_array_of_four_tasks_equals_one_machine(cluster, template, tmp_path, pg, reference):
    course, url = _course(template, tmp_path, pg, "array")
    job = cluster.sbatch(_script(course, url))
    states = cluster.wait(job)
    assert states == {k: "COMPLETED" for k in range(1, SHARDS + 1)}, _logs(course)
    assert gradebook_scores(url) == reference, _logs(course)
    per_student, (grades, distinct) = _one_submission_each(url)
    assert set(per_student.values()) == {1} and grades == distinct
    logs = _logs(course)
    for k in range(1, SHARDS + 1):
        assert f"task {k}/{SHARDS} of job {job}" in logs
    # the class across all shards, from the gradebook (and the verdicts beside the autograded notebooks)
    proc = subprocess.run([*DNN_LAB, "report", ASSIGNMENT, "--db", url, "--lang", "en"], cwd=course,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (corrupt,) = [s for s in reference if not (course / "autograded" / s / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()]
    assert f"{CLASS_SIZE} students submitted, {CLASS_SIZE - 1} graded, " in proc.stdout
    assert f"  {corrupt}  not graded" in proc.stdout
    mean = sum(score for s, (score, _) in reference.items() if s != corrupt) / (CLASS_SIZE - 1)
    assert f"mean score {mean:.1f} (out of 100)" in proc.stdout
    assert proc.stdout.split("slowest to grade: ")[1].startswith(HANGING)  # its function ran into the limit


def _hold_task_at_its_second_student(script, task, folder):
    """Make array task ``task`` of ``script`` stop at its second student's grading (test hook, see
    ``dnn_lab.autograde.faults.pause_point``): once it holds, its first student is graded."""
    lines = script.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "setsid " in line)
    lines.insert(at, f'if [ "$SLURM_ARRAY_TASK_ID" = {task} ]; then export DNN_LAB_TEST_PAUSE_AT=grade:2 '
                     f'DNN_LAB_TEST_PAUSE_DIR={folder}; fi\n')
    script.write_text("".join(lines))


def test_a_task_killed_half_way_is_requeued_and_grades_only_its_rest(cluster, template, tmp_path, pg, reference):
    course, url = _course(template, tmp_path, pg, "killed")
    victim = 2
    script = _script(course, url)
    held = tmp_path / "pause"
    held.mkdir()
    _hold_task_at_its_second_student(script, victim, held)
    job = cluster.sbatch(script)
    mine = sorted(s for s in (p.name for p in (course / "submitted").iterdir()) if shard_of(s, SHARDS) == victim)
    assert len(mine) >= 3
    log_path = course / ".dnn_lab" / "slurm" / f"dnn-lab-{ASSIGNMENT}-{job}_{victim}.out"
    finished = re.compile(r"^\[\d+/\d+\] ", re.M)  # the task's line for a student it finished
    deadline = time.monotonic() + 900
    # wait until the victim's task holds at its second student, its first one reported finished
    while time.monotonic() < deadline:
        text = log_path.read_text() if log_path.exists() else ""
        if (held / "grade").exists() and finished.search(text):
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"task {victim} never got to its second student: {cluster.tasks(job)}\n{_logs(course)}")
    assert cluster.tasks(job).get(victim) == "RUNNING"
    pids = processes_of_task(job, victim)
    assert int((held / "grade").read_text()) in pids  # the held process is the victim task's
    subprocess.run(["scancel", "--signal=KILL", f"{job}_{victim}"], env=cluster.env, check=True)
    deadline = time.monotonic() + 30
    while processes_of_task(job, victim) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:200]
            for pid in processes_of_task(job, victim) if Path(f"/proc/{pid}").exists()}
    assert left == {}  # nothing of the killed task outlives it
    done = finished.findall(log_path.read_text())
    assert len(done) == 1  # killed while grading its second student
    cluster.wait(job)
    cluster.scontrol("requeue", f"{job}_{victim}")
    states = cluster.wait(job)
    assert states == {k: "COMPLETED" for k in range(1, SHARDS + 1)}, _logs(course)
    assert gradebook_scores(url) == reference, _logs(course)
    per_student, (grades, distinct) = _one_submission_each(url)
    assert set(per_student.values()) == {1} and grades == distinct
    # the requeued task graded only what its first run had not finished
    log = log_path.read_text()
    assert "(restart 1)" in log
    second = log[log.index("(restart 1)"):]
    todo, skipped = map(int, re.search(r"(\d+) to grade, (\d+) already graded", second).groups())
    assert skipped >= len(done) and todo + skipped == len(mine)
