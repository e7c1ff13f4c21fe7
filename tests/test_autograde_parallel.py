"""`dnn-lab autograde`: parallel, sharded and resumable autograding give exactly nbgrader's grades.

One generated class of 30 students (complete, untouched, partly done, wrong values, hostile cells)
(and two whose notebook is not even JSON) is graded four ways: serially with plain `nbgrader autograde` (the reference, in the background while
the others run), with `--jobs 2` on a real PostgreSQL gradebook, with `--shard 1/2` and `--shard 2/2`
as two processes at once on another PostgreSQL gradebook, and with `--jobs 2` on the default SQLite
gradebook, interrupted with SIGINT after a few students and then resumed. Every gradebook must hold the
same score for every student and every grade cell.
"""
import io
import os
import signal
import subprocess
import sys

from pathlib import Path

import pytest

from classroom import ASSIGNMENT, COURSE_ID, class_template, copy_course, generate_into, gradebook_scores
from dnn_lab.autograde import db
from dnn_lab.autograde.progressbar import Progress, clock
from dnn_lab.autograde.shards import parse_shard, select, shard_of

CLASS_SIZE = 30
DNN_LAB = [sys.executable, "-m", "dnn_lab.cli"]


# ---- fast unit tests ------------------------------------------------------------------------------

def test_shards_partition_the_class_stably():
    """Do the N shards cover every student exactly once, and does adding students never move anyone?"""
    students = [f"s{i}" for i in range(200)]
    slices = [select(students, (k, 4)) for k in range(1, 5)]
    assert sorted(sum(slices, [])) == sorted(students)
    assert all(slices)  # no empty shard for a class of 200
    late = students + ["latecomer", "another"]
    assert [select(late, (k, 4))[:len(slices[k - 1])] for k in range(1, 5)] == slices
    assert shard_of("s7", 4) == shard_of("s7", 4)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", ""])
def test_bad_shards_are_refused(text):
    """Is every malformed --shard a ValueError?"""
    with pytest.raises(ValueError):
        parse_shard(text)


def test_progress_plain_lines_and_terminal_bar():
    """Does a pipe get one line per student and a terminal one redrawn bar (failures kept above it)?"""
    plain = io.StringIO()
    p = Progress(3, "en", plain, tty=False)
    p.student("ann", True, 2.04, 70, 100)
    p.student("bob", False, 1.0, log="logs/bob.log")
    lines = plain.getvalue().splitlines()
    assert len(lines) == 2 and "ann" in lines[0] and "70/100" in lines[0] and "logs/bob.log" in lines[1]
    assert "\r" not in plain.getvalue()
    term = io.StringIO()
    p = Progress(2, "en", term, tty=True)
    p.draw()
    p.student("ann", True, 2.0, 100, 100)
    p.student("bob", False, 1.0, log="x.log")
    p.close()
    text = term.getvalue()
    assert text.count("\r") >= 3 and "[" + "#" * 24 + "]" in text and "bob" in text
    assert "ann" not in text  # successes only move the bar
    assert clock(3725) == "1:02:05" and clock(12.4) == "0:12"


def test_sqlite_merge_replaces_one_student_and_keeps_the_rest(tmp_path):
    """Does merging a private copy move exactly one student's rows, keeping others' newer rows?"""
    from nbgrader.api import Gradebook
    main = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{main}") as gb:
        gb.add_assignment("a")
        gb.add_notebook("n", "a")
        gb.add_grade_cell("g", "n", "a", max_score=10, cell_type="code")
        gb.add_solution_cell("g", "n", "a")
        for s in ("s1", "s2"):
            gb.add_student(s)
            gb.add_submission("a", s)
        gb.find_grade("g", "n", "a", "s1").manual_score = 4  # an instructor's manual grade
        gb.db.commit()
    private = tmp_path / "private.db"
    db.snapshot(main, private)
    with Gradebook(f"sqlite:///{private}") as gb:  # the worker grades s1 (and creates s3) in its copy
        gb.find_grade("g", "n", "a", "s1").auto_score = 7
        gb.add_student("s3")
        gb.add_submission("a", "s3")
        gb.db.commit()
    with Gradebook(f"sqlite:///{main}") as gb:  # meanwhile s2 was merged into the real gradebook
        gb.find_grade("g", "n", "a", "s2").auto_score = 3
        gb.db.commit()
    db.merge_student(main, private, "a", "s1")
    with Gradebook(f"sqlite:///{main}") as gb:
        g1, g2 = gb.find_grade("g", "n", "a", "s1"), gb.find_grade("g", "n", "a", "s2")
        assert (g1.auto_score, g1.manual_score, g2.auto_score) == (7, 4, 3)
        assert sorted(s.id for s in gb.students) == ["s1", "s2"]  # s3 was not merged
        assert len(gb.find_assignment("a").submissions) == 2


# ---- the class ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return class_template(tmp_path_factory.mktemp("autograde") / "template", CLASS_SIZE)


def course_copy(template, name):
    return copy_course(template, template[0].parent / name)


@pytest.fixture(scope="module")
def reference(template, pg):
    """Plain serial `nbgrader autograde` into its own PostgreSQL gradebook, started in the background."""
    course = course_copy(template, "serial")
    url = pg.create_database("serial")
    generate_into(course, url)
    proc = subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--create", "--force",
                             "--db", url], cwd=course, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    state = {}

    def scores():
        if "scores" not in state:
            _, err = proc.communicate(timeout=1800)
            assert proc.returncode in (0, 1), err[-3000:]
            state["scores"] = gradebook_scores(url)
        return state["scores"]
    yield scores
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def autograde(course, *args, check=True):
    proc = subprocess.run([*DNN_LAB, "autograde", ASSIGNMENT, *args], cwd=course, capture_output=True, text=True)
    if check:
        assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def assert_same(scores, reference, kinds):
    assert set(scores) == set(kinds)
    assert scores == reference
    # the class really is mixed: the reference is not one number for everybody
    assert len({total for total, _ in reference.values()}) > 1
    assert all(len(cells) == 10 for _, cells in reference.values())


@pytest.mark.nbgrader
@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_jobs_and_shards_equal_serial_nbgrader(template, pg, reference):
    """Do --jobs 2 and two concurrent shard processes on PostgreSQL give the serial nbgrader gradebook?"""
    kinds = template[1]
    parallel = course_copy(template, "parallel")
    url = pg.create_database("parallel")
    generate_into(parallel, url)
    run = autograde(parallel, "--jobs", "2", "--db", url)
    assert "database is locked" not in run.stdout + run.stderr
    broken = sorted(s for s, kind in kinds.items() if kind == "corrupt")
    assert broken and run.returncode == 1  # the broken submissions failed, nobody else
    logs = parallel / ".dnn_lab" / "autograde" / "logs" / ASSIGNMENT
    assert sorted(p.stem for p in logs.glob("*.log")) == broken
    parallel_scores = gradebook_scores(url)

    sharded = course_copy(template, "sharded")
    url = pg.create_database("sharded")
    generate_into(sharded, url)
    shards = [subprocess.Popen([*DNN_LAB, "autograde", ASSIGNMENT, "--shard", f"{k}/2", "--jobs", "1", "--db", url],
                               cwd=sharded, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for k in (1, 2)]
    for proc in shards:
        out, err = proc.communicate(timeout=1800)
        assert proc.returncode in (0, 1), out[-3000:] + err[-3000:]
    sharded_scores = gradebook_scores(url)

    assert_same(parallel_scores, reference(), kinds)
    assert_same(sharded_scores, reference(), kinds)
    for course in (parallel, sharded):  # every readable submission has an autograded notebook, like nbgrader's
        assert {p.parent.parent.name for p in (course / "autograded").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")} \
            == set(kinds) - set(broken)


def autograded_mtimes(course):
    return {p.parent.parent.name: p.stat().st_mtime_ns
            for p in (course / "autograded").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")}


@pytest.mark.nbgrader
@pytest.mark.slow
def test_sqlite_jobs_interrupted_and_resumed_equal_serial_nbgrader(template, reference):
    """With SQLite and --jobs 2: does a SIGINT keep finished grades, and does the re-run finish the rest identically?"""
    kinds = template[1]
    course = course_copy(template, "sqlite")
    url = f"sqlite:///{course / 'gradebook.db'}"
    proc = subprocess.Popen([*DNN_LAB, "autograde", ASSIGNMENT, "--jobs", "2"], cwd=course,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finished = 0
    for line in proc.stdout:  # not a terminal: one line per student, "[k/30] ..."
        if line.startswith("["):
            finished += 1
        if finished == 4:
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    assert "database is locked" not in out + err

    # finished grades are kept and complete; no half-graded student is left behind
    partial = gradebook_scores(url)
    kept = autograded_mtimes(course)
    assert 2 <= len(kept) < CLASS_SIZE  # 4 lines seen (a line may be a failure, and has no folder)
    assert set(kept) <= set(partial)
    assert all(all(auto is not None for auto, _ in cells.values()) for s, (_, cells) in partial.items() if s in kept)
    assert not list((course / ".dnn_lab" / "autograde").glob("inflight-*.json"))

    # as if another run had been killed (SIGKILL, no clean-up) while grading one finished student again
    victim = sorted(kept)[-1]
    journal = course / ".dnn_lab" / "autograde" / f"inflight-{ASSIGNMENT}-all.json"
    journal.write_text(f'["{victim}"]')

    rerun = autograde(course, "--jobs", "2")
    assert "database is locked" not in rerun.stdout + rerun.stderr
    todo = CLASS_SIZE - len(kept) + 1
    assert rerun.stdout.count(f"/{todo}]") == todo  # only the rest, and the victim
    after = autograded_mtimes(course)
    assert {s: after[s] for s in kept if s != victim} == {s: t for s, t in kept.items() if s != victim}
    assert after[victim] != kept[victim] and not journal.exists()
    assert_same(gradebook_scores(url), reference(), kinds)

    # a third run retries only the submissions nbgrader could not grade (as nbgrader would); --force
    # regrades the student asked for
    broken = [s for s, kind in kinds.items() if kind == "corrupt"]
    third = autograde(course, "--jobs", "2")
    assert third.returncode == 1 and third.stdout.count(f"/{len(broken)}]") == len(broken)
    one = sorted(kept)[0]  # not the victim: its mtime is still the first run's
    autograde(course, "--force", "--student", one)
    assert autograded_mtimes(course)[one] != kept[one]
    assert_same(gradebook_scores(url), reference(), kinds)


# ---- bad input: one line, exit code 2 --------------------------------------------------------------

@pytest.fixture(scope="module")
def bad_course(template):
    course = course_copy(template, "bad")
    (course / "submitted" / "ghost" / ASSIGNMENT).mkdir(parents=True)  # a folder without the notebook
    return course


def run_cli(cwd, *args):
    proc = subprocess.run([*DNN_LAB, "autograde", *args], cwd=cwd, capture_output=True, text=True)
    return proc.returncode, proc.stderr.strip().splitlines()


@pytest.mark.nbgrader
def test_bad_input_is_one_line_and_exit_2(bad_course, pg, tmp_path):
    """Unknown assignment, a folder without the notebook, unreachable or unprepared gradebooks, bad options?"""
    from dnn_lab.messages import t_short
    cases = [
        ((bad_course, "no_such_assignment", "--student", "student000"),
         t_short("autograde.err.unknown_assignment", "en", assignment="no_such_assignment")),
        ((bad_course, ASSIGNMENT), "ghost"),  # the empty folder is named
        ((bad_course, ASSIGNMENT, "--student", "nobody"), "nobody"),
        ((bad_course, ASSIGNMENT, "--db", "postgresql://postgres@127.0.0.1:1/none"), "127.0.0.1:1"),
        ((bad_course, ASSIGNMENT, "--db", pg.create_database("empty")),
         t_short("autograde.err.not_generated", "en", assignment=ASSIGNMENT, db=pg.url("empty"))),
        ((bad_course, ASSIGNMENT, "--shard", "3/2"), "3/2"),
        ((bad_course, ASSIGNMENT, "--jobs", "0"), "--jobs"),
        ((tmp_path, ASSIGNMENT), str(tmp_path)),
    ]
    for (cwd, *args), needle in cases:
        code, lines = run_cli(cwd, *args)
        assert code == 2, (args, lines)
        assert len(lines) == 1 and needle in lines[0], (args, lines)
    assert not (bad_course / "autograded").exists()  # nothing was graded


@pytest.mark.nbgrader
@pytest.mark.postgres
def test_postgres_needs_a_course_id(template, pg):
    """Without c.CourseDirectory.course_id nbgrader cannot write to PostgreSQL: is that said up front?"""
    from dnn_lab.messages import t_short
    course = course_copy(template, "no_course_id")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace(f"c.CourseDirectory.course_id = {COURSE_ID!r}", ""))
    code, lines = run_cli(course, ASSIGNMENT, "--db", pg.url("postgres"))
    assert code == 2 and lines == ["dnn-lab: " + t_short("autograde.err.course_id", "en")]


def child_pids(pid):
    """Direct children of ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.nbgrader
@pytest.mark.slow
def test_a_worker_that_dies_costs_one_student(template):
    """If a worker process is killed mid-grading, is only its student lost (reported, retried next run)?"""
    course = course_copy(template, "killed_worker")
    students = ["student000", "student001", "student002", "student003", "student004"]
    proc = subprocess.Popen([*DNN_LAB, "autograde", ASSIGNMENT, "--jobs", "2", "--student", *students],
                            cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("["):
            break
    workers = [p for p in child_pids(proc.pid)
               if "dnn_lab.autograde.worker" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")]
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, out + err
    logs = sorted(p.stem for p in (course / ".dnn_lab" / "autograde" / "logs" / ASSIGNMENT).glob("*.log"))
    assert len(logs) == 1 and logs[0] in students
    graded = set(autograded_mtimes(course))
    assert graded == set(students) - set(logs)
    rerun = autograde(course, "--jobs", "2", "--student", *students)
    assert rerun.returncode == 0 and rerun.stdout.count("/1]") == 1
    assert set(autograded_mtimes(course)) == set(students)
