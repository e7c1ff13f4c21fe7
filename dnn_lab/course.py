"""``dnn-lab course init DIR``: a ready nbgrader course directory.

Writes ``nbgrader_config.py`` (student stub, language preprocessor, sandboxed grading) and
copies the source assignments (solutions, hidden tests, their files) into ``DIR/source/``.
They come from a source checkout or from the separate instructor distribution
``dnn-lab-course`` (:mod:`dnn_lab.sources`); the dnn-lab wheel holds none of them.
"""
import shutil
from contextlib import nullcontext
from pathlib import Path

from .diagram.figures import keep_figure_set
from .sources import assignments_in, source_dir

CODE_STUB = "# YOUR CODE STARTS HERE\nraise NotImplementedError()\n# YOUR CODE ENDS HERE"

CONFIG_TEMPLATE = '''\
# nbgrader configuration of a dnn_lab course, written by `dnn-lab course init`.
# Student versions:   nbgrader generate_assignment step_by_step, then application
# Grade (Part 1 first: Part 2 runs each student's own Part 1 functions):
#                     nbgrader autograde step_by_step, then application
# Feedback:           nbgrader generate_feedback step_by_step, then application
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions,
    ComputeChecksums, DeduplicateIds, GetGrades, IncludeHeaderFooter, InstantiateTests, LimitOutput, LockCells,
    OverwriteCells, OverwriteKernelspec, SaveAutoGrades, SaveCells,
)

from dnn_lab.grading.feedback import offline_feedback
from dnn_lab.grading.nbgrader import DnnLabGrader, HideHiddenTests, SandboxedExecute
from dnn_lab.grading.sanitize import ActiveContent, ForeignGradeCells
from dnn_lab.nbgrader_lang import LanguagePreprocessor

c = get_config()  # noqa: F821 (provided by nbgrader)

# Language of the student notebooks and of the check messages: "zh", "en" or "both".
c.LanguagePreprocessor.lang = "{lang}"
c.GenerateAssignment.preprocessors = [
    LanguagePreprocessor,  # first, so that the gradebook records the chosen language only
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, ClearOutput, CheckCellMetadata,
    ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata,
]

# What students see in place of each solution region: valid Python, so untouched
# cells still run and the checks report "not implemented".
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
c.ClearSolutions.text_stub = "请在这里写下你的答案。 / YOUR ANSWER HERE"

# Autograding: grades come from the submitted source, computed outside the student's kernel
# in a sandbox (DnnLabGrader); the kernel run (SandboxedExecute) only gives the student's own
# cells their outputs for the feedback, sandboxed and with a tight limit per cell.
# ForeignGradeCells: a cell carrying grading metadata this notebook does not have (another assignment's)
# becomes an ordinary cell, so the rest is graded instead of the whole notebook being refused.
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, ForeignGradeCells, OverwriteCells, CheckCellMetadata,
]
# ActiveContent (right after the kernel run): no student script or active HTML in the autograded
# notebook that formgrader shows; our verdicts are written after it.
c.Autograde.autograde_preprocessors = [
    SandboxedExecute, ActiveContent, DnnLabGrader, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.DnnLabGrader.timeout = 10           # seconds per exercise (and per cell in the kernel run)
c.DnnLabGrader.memory_limit = "2GiB"  # address space of the sandboxed process
c.DnnLabGrader.isolate = True         # grade each exercise with reference versions of what it calls
c.Execute.timeout = 10
c.Execute.interrupt_on_timeout = True
# after a cell's reply, its last output may take a while on a busy grading machine (nbclient waits 4 s)
c.Execute.iopub_timeout = 10

# Feedback pages readable offline: maths as MathML written into the page (no MathJax from the
# network), each exercise named in the score list, in the course language.
offline_feedback(c, "{lang}")
# Feedback: check reports, never the hidden tests.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, ActiveContent, CSSHTMLHeaderPreprocessor]
# Every HTML page made from a notebook (formgrader's views, feedback) is cleaned once more.
c.HTMLExporter.preprocessors = ["dnn_lab.grading.sanitize.ActiveContent"]

# The exchange (nbgrader's own, through its plug-in point): a submission counts for the student who
# made it, only its notebooks are collected (no links followed, bounded), one bad submission costs
# only itself, and the exchange's folders are checked (sticky bits, owners) before anything moves.
c.ExchangeFactory.collect = "dnn_lab.exchange.SafeCollect"
c.ExchangeFactory.release_assignment = "dnn_lab.exchange.SafeReleaseAssignment"
c.ExchangeFactory.release_feedback = "dnn_lab.exchange.SafeReleaseFeedback"
c.ExchangeFactory.fetch_assignment = "dnn_lab.exchange.SafeFetchAssignment"
c.ExchangeFactory.fetch_feedback = "dnn_lab.exchange.SafeFetchFeedback"
c.ExchangeFactory.submit = "dnn_lab.exchange.SafeSubmit"
c.ExchangeFactory.list = "dnn_lab.exchange.SafeList"
'''


def write_config(course_dir, lang="both"):
    text = CONFIG_TEMPLATE.format(lang=lang, stub=CODE_STUB)
    path = Path(course_dir) / "nbgrader_config.py"
    path.write_text(text, encoding="utf-8")
    return path


def init_course(course_dir, lang="both", source=None):
    """Create (or complete) an nbgrader course in ``course_dir``; returns what was done.

    ``source`` is a folder of assignments (default: the checkout's or dnn-lab-course's,
    see :func:`dnn_lab.sources.source_dir`; raises :class:`~dnn_lab.sources.NoSourceAssignments`
    when neither is there).  Existing files are never overwritten: an existing
    nbgrader_config.py or source/<assignment> folder is kept and reported by the CLI.
    ``assignments`` in the result is in course order (Part 1 first).
    """
    if lang not in ("zh", "en", "both"):
        raise ValueError("lang must be zh, en or both")
    with (nullcontext(Path(source)) if source else source_dir()) as source:
        assignments = assignments_in(source)
        course_dir = Path(course_dir)
        (course_dir / "source").mkdir(parents=True, exist_ok=True)
        copied = []
        for name in assignments:
            target = course_dir / "source" / name
            if target.exists():
                continue
            shutil.copytree(source / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", ".dnn_lab"))
            keep_figure_set(target / "images", lang)  # the figures of the course's language only
            copied.append(name)
    config = course_dir / "nbgrader_config.py"
    wrote_config = not config.exists()
    if wrote_config:
        write_config(course_dir, lang)
    return {"config": config, "wrote_config": wrote_config, "copied": copied, "assignments": assignments}
