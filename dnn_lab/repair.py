"""Repair a student notebook: a fresh student version with the student's answers moved in.

A notebook breaks in ways students cannot undo: cells deleted or shuffled, a
locked test cell removed, the metadata mangled by another editor.  The repair
takes the bundled student version of the same assignment and language and
copies into each of its solution cells the student's code for that exercise:

1. the student's code cell with the same nbgrader ``grade_id`` (``solution``
   cells only); when a cell was copied, the last edited one wins, as it would
   when the notebook runs top to bottom;
2. otherwise the last code cell that defines the function (``def <grade_id>(``),
   for notebooks whose cell metadata was lost.

The original file is only read; the result is written to a NEW file.  Nothing
here executes student code: it is text moved between cells.
"""
import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")
SET_LANGUAGE = re.compile(r"""set_language\(\s*["'](zh|en|both)["']\s*\)""")


class NotebookError(ValueError):
    """The file is not a notebook we can read (too large, not JSON, not nbformat 4)."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code  # a short id: too_large | not_a_notebook | unknown_assignment
        self.detail = detail


@dataclass(frozen=True)
class RepairResult:
    source: Path                 # the student's notebook (unchanged)
    target: Path                 # the new, repaired notebook
    assignment: str
    lang: str
    moved: list = field(default_factory=list)      # exercises whose code was moved in
    unchanged: list = field(default_factory=list)  # found, but still the untouched stub
    missing: list = field(default_factory=list)    # no cell with that answer was found
    matched_by: dict = field(default_factory=dict)  # exercise -> "grade_id" | "def"

    def as_dict(self):
        return {"source": str(self.source), "target": str(self.target),
                "assignment": self.assignment, "lang": self.lang,
                "moved": list(self.moved), "unchanged": list(self.unchanged),
                "missing": list(self.missing), "matched_by": dict(self.matched_by)}


def read_notebook(path, max_bytes=MAX_NOTEBOOK_BYTES):
    """Read a notebook defensively: size limit first, then JSON, then nbformat 4."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise NotebookError("too_large", f"{size} bytes > {max_bytes}")
    data = path.read_bytes()
    return parse_notebook(data, max_bytes)


def parse_notebook(data, max_bytes=MAX_NOTEBOOK_BYTES):
    if len(data) > max_bytes:
        raise NotebookError("too_large", f"{len(data)} bytes > {max_bytes}")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # noqa: BLE001 - JSON, encoding, schema errors: all mean 'not a notebook'
        raise NotebookError("not_a_notebook", f"{type(exc).__name__}: {exc}") from None
    if not isinstance(nb.get("cells"), list):
        raise NotebookError("not_a_notebook", "no cells")
    for cell in nb.cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            raise NotebookError("not_a_notebook", "malformed cell")
    return nb


def _nbgrader(cell):
    meta = cell.get("metadata") or {}
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def solution_ids(nb):
    """grade_ids of the solution cells, in notebook order."""
    return [_nbgrader(c)["grade_id"] for c in nb.cells
            if _nbgrader(c).get("solution") and isinstance(_nbgrader(c).get("grade_id"), str)]


def _def_pattern(name):
    return re.compile(rf"^\s*def\s+{re.escape(name)}\s*\(", re.MULTILINE)


def find_answer(nb, grade_id, stub=None):
    """(source, how) of the student's answer for ``grade_id``, or (None, None).

    Among several candidates the last edited one wins (the definition that a
    top-to-bottom run would keep); an untouched stub only when nothing else is there.
    """
    by_id = [c.source for c in nb.cells
             if c.get("cell_type") == "code" and _nbgrader(c).get("grade_id") == grade_id
             and _nbgrader(c).get("solution")]
    pattern = _def_pattern(grade_id)
    by_def = [c.source for c in nb.cells if c.get("cell_type") == "code" and pattern.search(c.source)]
    for how, candidates in (("grade_id", by_id), ("def", by_def)):
        edited = [s for s in candidates if stub is None or s.strip() != stub.strip()]
        if edited:
            return edited[-1], how
    for how, candidates in (("grade_id", by_id), ("def", by_def)):
        if candidates:
            return candidates[-1], how
    return None, None


def detect_assignment(nb, available):
    meta = nb.metadata.get("dnn_lab") if isinstance(nb.metadata.get("dnn_lab"), dict) else {}
    name = meta.get("assignment")
    if name in available:
        return name
    if len(available) == 1:
        return next(iter(available))
    # the assignment whose exercises the notebook defines most of
    return max(sorted(available), key=lambda a: _score(nb, a))


def _score(nb, assignment):
    from .notebooks import student_notebook
    ids = solution_ids(nbformat.reads(student_notebook(assignment, "both").read_text(encoding="utf-8"),
                                      as_version=4))
    return sum(find_answer(nb, g)[0] is not None for g in ids)


def detect_lang(nb):
    """zh | en | both: from the notebook metadata, the cells' tags, the setup cell, the prose."""
    meta = nb.metadata.get("dnn_lab") if isinstance(nb.metadata.get("dnn_lab"), dict) else {}
    if meta.get("lang") in ("zh", "en", "both"):
        return meta["lang"]
    tags = {((c.get("metadata") or {}).get("dnn_lab") or {}).get("lang") for c in nb.cells
            if isinstance((c.get("metadata") or {}).get("dnn_lab"), dict)}
    if {"zh", "en"} <= tags:
        return "both"
    if tags & {"zh", "en"}:
        return (tags & {"zh", "en"}).pop()
    for c in nb.cells:
        if c.get("cell_type") == "code":
            m = SET_LANGUAGE.search(c.source)
            if m:
                return m.group(1)
    prose = "\n".join(c.source for c in nb.cells if c.get("cell_type") == "markdown")
    if not CJK.search(prose):
        return "en"
    latin_words = re.findall(r"\b[A-Za-z]{4,}\b", CJK.sub(" ", prose))
    return "both" if len(latin_words) > 40 else "zh"


def repair_notebook(broken, fresh):
    """(new notebook, moved, unchanged, missing, matched_by) — ``fresh`` is not modified."""
    new = copy.deepcopy(fresh)
    moved, unchanged, missing, matched_by = [], [], [], {}
    for cell in new.cells:
        nbg = _nbgrader(cell)
        if cell.get("cell_type") != "code" or not nbg.get("solution"):
            continue
        gid = nbg.get("grade_id")
        source, how = find_answer(broken, gid, stub=cell.source)
        if source is None:
            missing.append(gid)
            continue
        matched_by[gid] = how
        if source.strip() == cell.source.strip():
            unchanged.append(gid)
        else:
            cell.source = source
            moved.append(gid)
    return new, moved, unchanged, missing, matched_by


def new_path(directory, stem, suffix=".ipynb"):
    """``stem.ipynb`` or ``stem-1.ipynb``… — a name that is not taken (not even by a dangling link)."""
    directory = Path(directory)
    candidate = directory / f"{stem}{suffix}"
    n = 1
    while os.path.lexists(candidate):
        candidate = directory / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def write_new(path, data):
    """Create ``path`` with ``data`` (bytes); fail if anything, even a symlink, is already there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def repair(path, assignment=None, lang=None, directory=None, max_bytes=MAX_NOTEBOOK_BYTES):
    """Write ``<stem>-repaired.ipynb`` (a new name) beside ``path`` (or in ``directory``).

    Raises :class:`NotebookError` for an unreadable notebook or unknown assignment.
    """
    from .notebooks import LANGS, available, student_notebook

    path = Path(path)
    broken = read_notebook(path, max_bytes)
    bundled = available()
    if not bundled:
        raise NotebookError("unknown_assignment", "no bundled student notebooks")
    if assignment is None:
        assignment = detect_assignment(broken, bundled)
    if assignment not in bundled:
        raise NotebookError("unknown_assignment", str(assignment))
    if lang is None:
        lang = detect_lang(broken)
    if lang not in LANGS or lang not in bundled[assignment]:
        raise NotebookError("unknown_language", str(lang))
    fresh = nbformat.reads(student_notebook(assignment, lang).read_text(encoding="utf-8"), as_version=4)
    new, moved, unchanged, missing, matched_by = repair_notebook(broken, fresh)
    directory = Path(directory) if directory is not None else path.parent
    stem = path.stem if path.stem.endswith("-repaired") else f"{path.stem}-repaired"
    for _ in range(5):  # another writer may take the name between the check and the create
        target = new_path(directory, stem)
        try:
            write_new(target, nbformat.writes(new).encode("utf-8"))
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"could not find a free name for {stem} in {directory}")
    return RepairResult(source=path, target=target, assignment=assignment, lang=lang,
                        moved=moved, unchanged=unchanged, missing=missing, matched_by=matched_by)
