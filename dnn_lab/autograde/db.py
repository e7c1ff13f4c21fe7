"""The gradebook of a grading run.

PostgreSQL (or any server database nbgrader supports) takes concurrent writers:
every worker writes its own student's rows directly. A SQLite file does not, so
with SQLite no worker ever writes to the course's gradebook: each student is
graded into a private copy of a snapshot taken at the start, and the parent
process merges that student's rows into the real file, one student per
transaction (``BEGIN IMMEDIATE`` with a long busy timeout, so two shard
processes on one shared file queue instead of failing).

nbgrader's ids are UUIDs and a private copy starts as a byte copy of the
gradebook, so a student's rows move across unchanged; manual grades and comments
already in the gradebook survive a regrade exactly as with ``nbgrader autograde``.
"""
import os
import sqlite3
import uuid

from .faults import pause_point


class GradebookError(Exception):
    """The gradebook cannot be used (unreachable, missing driver, not an nbgrader gradebook)."""


def display_url(url):
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def is_sqlite(url):
    return url.startswith("sqlite")


def sqlite_path(url):
    from sqlalchemy.engine import make_url
    return make_url(url).database


def open_gradebook(url, course_id):
    """nbgrader's ``Gradebook``; a one-line :class:`GradebookError` instead of a traceback."""
    from nbgrader.api import Gradebook
    try:
        return Gradebook(url, course_id)
    except ModuleNotFoundError as exc:
        raise GradebookError(f"{exc.name} (pip install 'dnn-lab[postgres]')") from None
    except Exception as exc:  # sqlalchemy wraps the driver's error; its first line says what happened
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise GradebookError(text[0] if text else type(exc).__name__) from None


def probe(url, course_id=None):
    """None if the gradebook answers now, else the first line of what went wrong (no retry)."""
    from sqlalchemy import create_engine, text
    engine = None
    try:
        engine = create_engine(url, future=True,
                               connect_args={"connect_timeout": 5} if url.startswith("postgres") else {})
        with engine.connect() as con:
            con.execute(text("SELECT 1 FROM assignment WHERE 1 = 0"))
    except Exception as exc:  # noqa: BLE001 - the driver's error, for one line
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return lines[0] if lines else type(exc).__name__
    finally:
        if engine is not None:
            engine.dispose()
    return None


def write_problem(url):
    """Why nbgrader could not write to the gradebook ``url``, in one line, or None if it can.

    A real write that is rolled back: for SQLite, a file created and removed in the gradebook's
    folder (SQLite writes its journal there) and a row-less UPDATE in a write transaction; for a
    server, the same UPDATE (refused on a read-only server, database or role, or without privileges).
    """
    from sqlalchemy import create_engine, text
    if is_sqlite(url):
        path = sqlite_path(url)
        folder = os.path.dirname(os.path.abspath(path))
        probe_file = os.path.join(folder, f".dnn-lab-write-test-{uuid.uuid4().hex}")
        try:
            with open(probe_file, "w") as fh:
                fh.write("x")
            os.unlink(probe_file)
        except OSError as exc:
            return f"{folder}: {exc.strerror}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))  # neither truncated nor changed
        except FileNotFoundError:
            pass  # nbgrader creates it
        except OSError as exc:
            return f"{path}: {exc.strerror}"
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as con:
            with con.begin() as tx:
                con.execute(text("UPDATE assignment SET name = name WHERE 1 = 0"))
                tx.rollback()
    except Exception as exc:  # noqa: BLE001 - the driver's error, for one line
        text_ = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return text_[0] if text_ else type(exc).__name__
    finally:
        engine.dispose()
    return None


NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "ceph", "glusterfs", "lustre",
                       "gpfs", "9p", "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "fuse.rclone", "beegfs", "virtiofs"}


def filesystem_type(path, mountinfo=None):
    """The type of the file system holding ``path`` (``/proc/self/mountinfo``, or that file's text
    given as ``mountinfo``: the longest mount point that contains the path)."""
    path = os.path.realpath(path)
    best, kind = "", None
    try:
        if mountinfo is None:
            with open("/proc/self/mountinfo", encoding="utf-8") as fh:
                mountinfo = fh.read()
        for line in mountinfo.splitlines():
            left, right = line.split(" - ", 1)
            mount = left.split()[4].replace("\\040", " ")
            inside = path == mount or path.startswith(mount.rstrip("/") + "/")
            if inside and len(mount) >= len(best):
                best, kind = mount, right.split()[0]
    except (OSError, ValueError, IndexError):
        return None
    return kind


def shared_sqlite_problem(url, mountinfo=None):
    """Why shards on several machines cannot share this SQLite gradebook (it is on a network file
    system, whose locks SQLite cannot rely on), or None (a local file: shards on this machine only)."""
    kind = filesystem_type(os.path.dirname(os.path.abspath(sqlite_path(url))), mountinfo)
    return kind if kind in NETWORK_FILESYSTEMS else None


def scored_cells(gb, assignment):
    """(notebook, cell) of every autograder-test cell of ``assignment``: a code grade cell that is not
    also a solution cell. nbgrader's ``SaveAutoGrades`` always gives these a number; only they tell
    a finished grading from one that was stopped half-way (nbgrader creates every grade row first,
    unscored and flagged "needs manual grade", and scores them later, one commit per cell)."""
    cells = set()
    for nb in gb.find_assignment(assignment).notebooks:
        solutions = {c.name for c in nb.solution_cells}
        cells |= {(nb.name, c.name) for c in nb.grade_cells if c.cell_type == "code" and c.name not in solutions}
    return cells


def completed_students(gb, assignment):
    """Students whose submission of ``assignment`` autograde finished, decided from the gradebook alone.

    Finished means: every notebook of the assignment is there and every autograder-test cell has a
    score. Rows that merely exist (a run killed half-way) do not count, whoever created them and
    whatever slicing or journal that run had; the worker clears a student's automatic scores before
    grading them again (:func:`clear_auto_scores`), so a regrade stopped half-way does not count either.
    """
    record = gb.find_assignment(assignment)
    names = {nb.name for nb in record.notebooks}
    tests = scored_cells(gb, assignment)
    done = set()
    for submission in record.submissions:
        if {nb.name for nb in submission.notebooks} != names:
            continue
        if all(g.auto_score is not None for nb in submission.notebooks for g in nb.grades
               if (nb.name, g.name) in tests):
            done.add(submission.student_id)
    return done


def clear_auto_scores(gb, assignment, student):
    """Forget ``student``'s automatic scores of ``assignment`` (manual scores stay), before a regrade."""
    from nbgrader.api import MissingEntry
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return
    for nb in submission.notebooks:
        for grade in nb.grades:
            grade.auto_score = None
    gb.db.commit()


def student_result(gb, assignment, student):
    """(score, max_score, needs_manual_grade) of one submission."""
    submission = gb.find_submission(assignment, student)
    return submission.score, submission.max_score, bool(submission.needs_manual_grade)


def snapshot(path, target):
    """A consistent copy of the SQLite gradebook ``path`` in ``target`` (the SQLite backup API)."""
    src = sqlite3.connect(path, timeout=600)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


_SUBMISSIONS = ("SELECT sa.id FROM {db}.submitted_assignment sa JOIN {db}.assignment a ON a.id = sa.assignment_id "
                "WHERE a.name = ? AND sa.student_id = ?")
_NOTEBOOKS = "SELECT id FROM {db}.submitted_notebook WHERE assignment_id IN (" + _SUBMISSIONS + ")"


def merge_student(path, private, assignment, student):
    """Replace ``student``'s submission of ``assignment`` in the SQLite file ``path`` by the one in ``private``.

    One transaction: the gradebook holds either the old rows or all the new ones.
    """
    con = sqlite3.connect(path, timeout=600, isolation_level=None)
    try:
        con.execute("ATTACH DATABASE ? AS priv", (str(private),))
        con.execute("BEGIN IMMEDIATE")
        try:
            key = (assignment, student)
            for table in ("grade", "comment"):
                con.execute(f"DELETE FROM main.{table} WHERE notebook_id IN ({_NOTEBOOKS.format(db='main')})", key)
            con.execute(f"DELETE FROM main.submitted_notebook WHERE assignment_id IN ({_SUBMISSIONS.format(db='main')})",
                        key)
            con.execute(f"DELETE FROM main.submitted_assignment WHERE id IN ({_SUBMISSIONS.format(db='main')})", key)
            con.execute("INSERT OR IGNORE INTO main.student SELECT * FROM priv.student WHERE id = ?", (student,))
            con.execute(f"INSERT INTO main.submitted_assignment SELECT * FROM priv.submitted_assignment "
                        f"WHERE id IN ({_SUBMISSIONS.format(db='priv')})", key)
            con.execute(f"INSERT INTO main.submitted_notebook SELECT * FROM priv.submitted_notebook "
                        f"WHERE assignment_id IN ({_SUBMISSIONS.format(db='priv')})", key)
            for table in ("grade", "comment"):
                con.execute(f"INSERT INTO main.{table} SELECT * FROM priv.{table} "
                            f"WHERE notebook_id IN ({_NOTEBOOKS.format(db='priv')})", key)
            pause_point("merge")  # tests: a signal or SIGKILL inside the transaction
            con.execute("COMMIT")
            pause_point("merged")  # tests: a signal right after the commit
        except BaseException:
            if con.in_transaction:  # COMMIT may have ended it already: the interrupt or real error wins
                try:
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise
        con.execute("DETACH DATABASE priv")
    finally:
        con.close()
