"""Part 2 trains with the ten functions *the student wrote* in Part 1.

:func:`load_part1` finds the student's ``step_by_step.ipynb``, executes only the
definitions in its graded function cells (never demos, check cells or other
top-level code), runs :func:`dnn_lab.checks.run_checks` on each of the ten
functions and returns them as a :class:`Part1` mapping::

    part1 = load_part1()              # prints a short bilingual summary
    globals().update(part1)           # initialize_parameters, …, update_parameters

Where it looks, in order (the first existing file wins):

1. the ``path`` argument (a notebook, or a folder holding one);
2. the environment variable ``DNN_LAB_PART1``;
3. ``./step_by_step.ipynb`` (both notebooks in one folder);
4. ``../step_by_step/step_by_step.ipynb`` (sibling assignment folders: a course's
   ``source/``, ``release/``, or nbgrader's ``<root>/<student>/<assignment>/``);
5. under nbgrader, ``<course>/submitted/<student>/step_by_step/`` and
   ``<course>/autograded/<student>/step_by_step/`` (the notebook runs in
   ``<course>/autograded/<student>/application/``);
6. ``step_by_step*.ipynb`` in the same two folders (a renamed copy such as
   ``step_by_step-1.ipynb``), the most recently changed first.

No solution is ever loaded from dnn_lab: the functions come from the student's file.
"""
import os
import sys
from collections.abc import Mapping
from pathlib import Path


from .. import loader
from ..checks.registry import ASSIGNMENTS
from ..messages import get_language, t, t_short

PART1 = "step_by_step"
FUNCTIONS = ASSIGNMENTS[PART1]
NOTEBOOK = f"{PART1}.ipynb"
NBGRADER_ROOTS = ("autograded", "submitted", "feedback")


class Part1Error(Exception):
    """A bilingual, student-facing problem with the Part 1 notebook.

    ``message_id`` and ``params`` name it for tools and tests; in a notebook the
    error shows as its message only (no traceback of dnn_lab's internals).
    """

    def __init__(self, message_id, lang=None, **params):
        self.message_id, self.params = message_id, params
        super().__init__(t(message_id, lang, **params))

    def _render_traceback_(self):
        return [f"{type(self).__name__}:", *str(self).splitlines()]


class Part1NotFoundError(Part1Error, FileNotFoundError):
    """No Part 1 notebook where :func:`load_part1` looked."""


class Part1CheckError(Part1Error):
    """``strict=True`` and some functions are missing or fail their checks."""


class Part1(Mapping):
    """The student's ten functions (name → function) plus what was found out.

    ``path``: the notebook read; ``reports``: name → checks Report;
    ``missing``: names not defined in the notebook; ``failed``: names whose
    checks fail; ``cell_errors``: (cell number, error) of cells that could not run.
    """

    def __init__(self, path, functions, reports, missing, cell_errors):
        self.path = Path(path)
        self.functions = dict(functions)
        self.reports = dict(reports)
        self.missing = tuple(missing)
        self.cell_errors = tuple(cell_errors)

    def __getitem__(self, name):
        return self.functions[name]

    def __iter__(self):
        return iter(self.functions)

    def __len__(self):
        return len(self.functions)

    @property
    def failed(self):
        return tuple(n for n in FUNCTIONS if n in self.reports and not self.reports[n].passed)

    @property
    def not_written(self):
        """Functions still as handed out (their check says ``not_implemented``): Part 1 is not done yet."""
        return tuple(n for n in self.failed if self.reports[n].hints[:1] == ["not_implemented"])

    @property
    def wrong(self):
        """Functions that were written but fail their checks."""
        return tuple(n for n in self.failed if n not in self.not_written)

    @property
    def ok(self):
        return not self.missing and not self.failed and len(self.functions) == len(FUNCTIONS)

    def message_ids(self):
        """The ids of the summary's lines (tests assert on these, not on text)."""
        ids = [] if not self.ok else ["ui.part1_loaded"]
        if self.wrong:
            ids.append("ui.part1_some_failed")
        ids += ["ui.part1_cell_error"] * len(self.cell_errors)
        if self.missing:
            ids.append("ui.part1_missing")
        if self.not_written:
            ids.append("ui.part1_not_written")
        if self.wrong or self.cell_errors or self.missing:
            ids.append("ui.part1_fix")
        return ids

    def summary(self, lang=None):
        """Plain text (no Markdown backticks): one line per wrong function (step and the hint's first
        sentence), one line for the functions not written yet, one for those not defined."""
        lang = lang or get_language()
        shown = _shown_path(self.path)
        if self.ok:
            return t("ui.part1_loaded", lang, n=len(self.functions), path=shown)
        lines = []
        if self.wrong:
            lines.append(t("ui.part1_some_failed", lang, path=shown))
            for name in self.wrong:
                report = self.reports[name]
                line = "  " + t("ui.failed_at", lang, fn=name, step=report.failed_step, case=report.failed_case)
                if report.hints:
                    line += " " + _first_sentence(t("hint." + report.hints[0], lang))
                lines.append(_plain(line))
        for cell, error in self.cell_errors:
            lines.append(t("ui.part1_cell_error", lang, cell=cell, error=error))
        if self.missing:
            lines.append(t("ui.part1_missing", lang, path=shown, names=_names(self.missing, lang)))
        if self.not_written:
            lines.append(t("ui.part1_not_written", lang, path=shown, n=len(self.not_written),
                           names=_names(self.not_written, lang)))
        if self.wrong or self.cell_errors or self.missing:
            lines.append(t("ui.part1_fix", lang))
        return "\n".join(lines)

    def __repr__(self):
        return f"<Part1 {len(self.functions)} functions from {self.path}; failed={list(self.failed)} " \
               f"missing={list(self.missing)}>"


def _names(names, lang):
    return ("、" if lang == "zh" else ", ").join(names)


def _plain(text):
    """Text for a plain-text output: Markdown code backticks dropped."""
    return text.replace("`", "")


def _first_sentence(text):
    import re
    first = text.strip().splitlines()[0] if text.strip() else ""
    m = re.match(r"(.+?[。！？.!?])(\s|$)", first)
    return m.group(1) if m else first


def _shown_path(path):
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


# ---- finding the notebook ---------------------------------------------------------------------


def candidates(start=None):
    """Paths :func:`load_part1` tries when no ``path`` is given, in order."""
    start = Path(start or os.getcwd()).resolve()
    out = []
    env = os.environ.get("DNN_LAB_PART1")
    if env:
        out.append(Path(env))
    folders = [start, start.parent / PART1]
    if len(start.parents) >= 2 and start.parents[1].name in NBGRADER_ROOTS:
        course, student = start.parents[2], start.parent.name
        folders += [course / root / student / PART1 for root in ("submitted", "autograded")]
    out += [folder / NOTEBOOK for folder in folders]
    for folder in (start, start.parent / PART1):
        if folder.is_dir():
            renamed = sorted((p for p in folder.glob(f"{PART1}*.ipynb") if p.name != NOTEBOOK
                              and ".ipynb_checkpoints" not in p.parts),
                             key=lambda p: p.stat().st_mtime, reverse=True)
            out += renamed
    seen, unique = set(), []
    for p in out:
        key = str(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def find_notebook(path=None, start=None, lang=None):
    if path is not None:
        path = Path(path).expanduser()
        tried = [path / NOTEBOOK, path / PART1 / NOTEBOOK] if path.is_dir() else [path]
    else:
        tried = candidates(start)
    for p in tried:
        if p.is_file():
            return p.resolve()
    raise Part1NotFoundError("ui.part1_not_found", lang, paths="\n".join(f"  - {p}" for p in tried))


# ---- reading the functions ------------------------------------------------------------------


def execute_functions(nb, filename=NOTEBOOK):
    """The ten functions' definitions of the notebook, run in a fresh namespace
    (see :func:`dnn_lab.loader.execute_functions`): ``(namespace, cell_errors)``."""
    return loader.execute_functions(nb, FUNCTIONS, filename, module_name=PART1)


def load_part1(path=None, *, lang=None, check=True, strict=False, quiet=False, start=None):
    """Load the student's ten Part 1 functions; see the module docstring.

    ``check``: run each function's checks (about a second in all);
    ``strict``: raise :class:`Part1CheckError` when a function is missing or
    fails; ``quiet``: do not print the summary.  Raises
    :class:`Part1NotFoundError` when there is no notebook.
    """
    import nbformat
    lang = lang or get_language()
    nb_path = find_notebook(path, start, lang)
    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - a broken file is the student's to fix
        raise Part1Error("ui.part1_unreadable", lang, path=str(nb_path), error=f"{type(exc).__name__}: {exc}")
    folder = str(nb_path.parent)
    sys.path.insert(0, folder)
    try:
        ns, cell_errors = execute_functions(nb, nb_path.name)
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    functions = {n: ns[n] for n in FUNCTIONS if callable(ns.get(n))}
    missing = [n for n in FUNCTIONS if n not in functions]
    reports = {}
    if check:
        from ..checks import run_checks
        reports = {n: run_checks(n, fn, lang=lang) for n, fn in functions.items()}
    part1 = Part1(nb_path, functions, reports, missing, cell_errors)
    if not quiet:
        print(part1.summary(lang))
    if strict and not part1.ok:
        raise Part1CheckError("ui.part1_fix", lang)
    return part1
