"""What a grading run grades, read through nbgrader's own configuration of the course.

The course is the current directory (``nbgrader_config.py`` there, as written by
``dnn-lab course init``); nbgrader's ``AutogradeApp`` loads it exactly as
``nbgrader autograde`` does, so directories, ``db_url``, excluded students and the
grading preprocessors are the ones plain nbgrader would use.

A student counts as graded (and is skipped unless ``--force``) when, as for
nbgrader, the autograded notebooks exist and the submission is not newer than
them, and also the gradebook holds a finished submission (every autograder-test cell
scored: :func:`.db.completed_students`) and no interrupted run left the student unfinished.

Before anything is graded, the gradebook is tried with a write (rolled back) and the course
folder's free space is checked: both refused up front with exit code 2 and one line.
"""
import glob
import os
from dataclasses import dataclass, field

from . import db, faults
from .shards import select


class BadInput(Exception):
    """A one-line error (exit code 2): ``BadInput(message_id, **params)``."""

    def __init__(self, message_id, **params):
        super().__init__(message_id)
        self.message_id, self.params = message_id, params
        self.lang = None  # the course's language, once its config is read


@dataclass
class Plan:
    root: str
    assignment: str
    db_url: str
    course_id: str
    argv: list                      # what each worker passes to nbgrader's AutogradeApp
    notebooks: list                 # notebook names of the assignment (from the gradebook)
    max_score: float
    lang: str
    selected: list                  # students of this run (after --student / --shard)
    pending: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    autograded: dict = field(default_factory=dict)  # student -> autograded/<student>/<assignment>


def load_app(argv):
    """nbgrader's AutogradeApp, initialised (config loaded) but not started."""
    from nbgrader.apps import AutogradeApp
    app = AutogradeApp()
    app.initialize(argv)
    return app


def app_argv(assignment, db_url=None):
    return [assignment] + (["--db", db_url] if db_url else [])


def submitted_students(coursedir, assignment):
    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
    prefix, suffix = pattern.split("*", 1)
    students = sorted(path[len(prefix):len(path) - len(suffix)] for path in glob.glob(pattern)
                      if os.path.isdir(path))
    exclude = set(filter(None, coursedir.student_id_exclude.split(",")))
    return [s for s in students if s not in exclude]


def graded(coursedir, assignment, student, notebooks):
    """nbgrader's own test (autograded notebooks there, submission not newer)."""
    dest = coursedir.format_path(coursedir.autograded_directory, student, assignment)
    if not all(os.path.isfile(os.path.join(dest, f"{nb}.ipynb")) for nb in notebooks):
        return False
    src = coursedir.format_path(coursedir.submitted_directory, student, assignment)
    new, old = coursedir.get_existing_timestamp(src), coursedir.get_existing_timestamp(dest)
    return not (new is not None and old is not None and new > old)


def make_plan(assignment, db_url=None, students=None, shard=None, force=False, lang=None, unfinished=()):
    """Check the input and decide who is graded; raises :class:`BadInput`."""
    root = os.getcwd()
    if not os.path.isfile(os.path.join(root, "nbgrader_config.py")):
        raise BadInput("autograde.err.not_course", dir=root)
    argv = app_argv(assignment, db_url)
    app = load_app(argv)
    lang = lang or app.config.get("LanguagePreprocessor", {}).get("lang", "both")
    if lang not in ("zh", "en", "both"):
        lang = "both"
    try:
        return _plan(app, assignment, argv, students, shard, force, lang, unfinished)
    except BadInput as exc:
        exc.lang = lang
        raise


def _plan(app, assignment, argv, students, shard, force, lang, unfinished):
    root = os.getcwd()
    coursedir = app.coursedir
    url = coursedir.db_url

    if not db.is_sqlite(url) and not coursedir.course_id:
        raise BadInput("autograde.err.course_id")
    in_source = os.path.isdir(coursedir.format_path(coursedir.source_directory, ".", assignment))
    if shard and db.is_sqlite(url):
        network = db.shared_sqlite_problem(url)
        if network:
            raise BadInput("autograde.err.sqlite_shards", db=db.display_url(url), fs=network)
    try:
        gb = db.open_gradebook(url, coursedir.course_id)
    except db.GradebookError as exc:
        raise BadInput("autograde.err.db", db=db.display_url(url), error=str(exc)) from None
    try:
        from nbgrader.api import MissingEntry
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            if in_source:
                raise BadInput("autograde.err.not_generated", assignment=assignment, db=db.display_url(url)) from None
            raise BadInput("autograde.err.unknown_assignment", assignment=assignment) from None
        notebooks = sorted(nb.name for nb in record.notebooks)
        max_score = record.max_score
        complete = db.completed_students(gb, assignment)
    finally:
        gb.close()

    everyone = submitted_students(coursedir, assignment)
    if not everyone:
        raise BadInput("autograde.err.no_submissions",
                       path=coursedir.format_path(coursedir.submitted_directory, "*", assignment))
    if students:
        missing = [s for s in students if s not in everyone]
        if missing:
            raise BadInput("autograde.err.no_student", student=missing[0],
                           path=coursedir.format_path(coursedir.submitted_directory, missing[0], assignment))
        chosen = [s for s in everyone if s in set(students)]
    else:
        chosen = everyone
    chosen = select(chosen, shard)

    empty = [s for s in chosen if not any(
        os.path.isfile(os.path.join(coursedir.format_path(coursedir.submitted_directory, s, assignment), f"{nb}.ipynb"))
        for nb in notebooks)]
    if empty:
        raise BadInput("autograde.err.no_notebook", count=len(empty),
                       path=coursedir.format_path(coursedir.submitted_directory, empty[0], assignment),
                       notebook=f"{notebooks[0]}.ipynb")

    plan = Plan(root=root, assignment=assignment, db_url=url, course_id=coursedir.course_id, argv=argv,
                notebooks=notebooks, max_score=max_score, lang=lang, selected=chosen)
    unfinished = set(unfinished)
    for s in chosen:
        done = s in complete and s not in unfinished and graded(coursedir, assignment, s, notebooks)
        (plan.skipped if done and not force else plan.pending).append(s)
        plan.autograded[s] = coursedir.format_path(coursedir.autograded_directory, s, assignment)
    if plan.pending:
        check_can_write(plan, coursedir)
    return plan


def check_can_write(plan, coursedir):
    """Before grading anything: the gradebook takes writes and the course folder has room."""
    problem = db.write_problem(plan.db_url)
    if problem:
        raise BadInput("autograde.err.readonly", db=db.display_url(plan.db_url), error=problem)
    submissions = [coursedir.format_path(coursedir.submitted_directory, s, plan.assignment) for s in plan.pending]
    need = faults.MIN_FREE_BYTES + 3 * faults.tree_size(submissions)
    places = [plan.root]
    if db.is_sqlite(plan.db_url):
        places.append(os.path.dirname(os.path.abspath(db.sqlite_path(plan.db_url))))
    for place in places:
        free = faults.free_bytes(place)
        if free is not None and free < need:
            raise BadInput("autograde.err.space", path=place, free=f"{free / 2**20:.0f}", need=f"{need / 2**20:.0f}")
